"""Reads for the documents: the briefing's figures (each with the records behind it), the rows of
the roster, the statistical table and the due list, and the people named in Word documents.

Every read takes an org the caller already checked against the user's scope (or None for the
system itself, in commands run without --user). Scope is closed under descendants, so once an org
is visible its whole subtree is, and the subtree filter is the only filter needed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.http import urlencode

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.development.models import Case, CaseStatus, DueItem
from dangjian.documents import sections
from dangjian.mobilization.models import (
    Bulletin,
    Campaign,
    Commendation,
    CommendationKind,
    Post,
    PostKind,
    Team,
    TemporaryOrg,
    VolunteerEvent,
)
from dangjian.orgs.models import Org, subtree_q
from dangjian.people.membership import full_member_on_q, member_on_q
from dangjian.people.models import Category, Person, Reduction, Standing, SubtreeCount
from dangjian.stats.selectors import frontline_admissions
from dangjian.workcal.calendar import add_years

MEDICAL = (Category.MEDICAL,)
POLICE = (Category.POLICE,)
GRASSROOTS_CADRES = (Category.COMMUNITY_WORKER, Category.VILLAGE_CADRE)

# The milestone date of each development figure: people whose date falls in the period.
PERSON_FIGURES = {
    "applications": ("applied_on", "递交入党申请书"),
    "activists": ("activist_on", "确定为入党积极分子"),
    "candidates": ("candidate_on", "确定为发展对象"),
    "admissions": ("admitted_on", "接收为预备党员"),
    "frontline": ("admitted_on", "火线发展党员"),
    "conversions": ("converted_on", "按期转为正式党员"),
    "extended_conversions": ("converted_on", "延长预备期后转为正式党员"),
    "other_conversions": ("converted_on", "转为正式党员（接收日期未记录，无法判断是否按期）"),
    "disqualified": ("reduced_on", "取消预备党员资格"),
    "members": ("admitted_on", "党员（截至期末）"),
}
# Conversions in the period by how probation went: on time (one year from the admission meeting),
# after an extension (converted_on later than that), or not known (no admission date on file).
CONVERSION_FIGURES = ("conversions", "extended_conversions", "other_conversions")
CAMPAIGN_FIGURES = {
    "temporary_orgs": "临时党组织",
    "teams": "党员突击队、先锋队、应急队、志愿服务队",
    "posts": "党员先锋岗",
    "zones": "党员责任区",
    "volunteer_events": "志愿服务",
    "commendations": "通报表扬",
}


@dataclass
class Period:
    start: dt.date
    end: dt.date

    def q(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lte": self.end})


@dataclass
class BriefingFigures:
    org: Org
    period: Period
    applications: int = 0
    activists: int = 0
    candidates: int = 0
    admissions: int = 0
    admissions_by_category: dict[str, int] = field(default_factory=dict)
    frontline: int = 0
    frontline_by_category: dict[str, int] = field(default_factory=dict)
    conversions: int = 0  # on time (按期转正)
    extended_conversions: int = 0
    other_conversions: int = 0
    disqualified: int = 0
    members: int = 0  # cumulative: party members on the period's last day
    probationary_members: int = 0
    temporary_orgs: int = 0
    teams: int = 0
    teams_by_kind: dict[str, int] = field(default_factory=dict)
    posts: int = 0
    zones: int = 0
    volunteer_events: int = 0
    volunteer_participants: int = 0
    people_served: int = 0
    bulletins: int = 0
    commended_collectives: int = 0
    commended_individuals: int = 0
    # (paragraph, rows) of each section registered by an app above this one (briefing.Section)
    sections: list = field(default_factory=list)

    def rows(self) -> list[tuple[str, str, int, str]]:
        """(key, label, value, url of the records behind it) for the page's 数据来源 table."""
        labels = [
            ("applications", "递交入党申请书（人）", self.applications),
            ("activists", "确定入党积极分子（名）", self.activists),
            ("candidates", "确定发展对象（名）", self.candidates),
            ("admissions", "接收预备党员（名）", self.admissions),
            ("frontline", "其中火线发展党员（名）", self.frontline),
            ("conversions", "按期转为正式党员（名）", self.conversions),
            ("extended_conversions", "延长预备期后转为正式党员（名）", self.extended_conversions),
            ("other_conversions", "转为正式党员，接收日期未记录（名）", self.other_conversions),
            ("disqualified", "取消预备党员资格（名）", self.disqualified),
            ("members", "截至期末党员总数（名）", self.members),
            ("temporary_orgs", "组建临时党组织（个）", self.temporary_orgs),
            ("teams", "组建党员突击队等（支）", self.teams),
            ("posts", "设立党员先锋岗（个）", self.posts),
            ("zones", "划分党员责任区（个）", self.zones),
            ("volunteer_events", "开展志愿服务（次）", self.volunteer_events),
            ("people_served", "志愿服务群众（人次）", self.people_served),
            ("commendations", "通报表扬（期）", self.bulletins),
            ("commended_collectives", "表扬先进集体（个）", self.commended_collectives),
            ("commended_individuals", "表扬个人（名）", self.commended_individuals),
        ]
        figure_of = {"people_served": "volunteer_events", "commended_collectives": "commendations",
                     "commended_individuals": "commendations"}  # fmt: skip
        own = [(key, label, value, self.records_url(figure_of.get(key, key))) for key, label, value in labels]
        return own + [row for _paragraph, rows in self.sections for row in rows]

    def records_url(self, figure: str) -> str:
        query = urlencode({"org": self.org.pk, "from": self.period.start.isoformat(),
                           "to": self.period.end.isoformat()})  # fmt: skip
        return f"{reverse('briefing-records', args=[figure])}?{query}"


def _people(org: Org) -> QuerySet[Person]:
    # Reduced people stay: what happened in the period happened (a member who has since moved away
    # was still admitted here).
    return Person.objects.filter(subtree_q(org.path, "org__path"))


def figure_people(org: Org, period: Period, figure: str) -> QuerySet[Person]:
    """The people behind a development figure (the briefing's count is this queryset's count)."""
    if figure == "frontline":  # the one definition of 火线发展党员, shared with the stats and campaigns
        return frontline_admissions(org, period.start, period.end)
    if figure in CONVERSION_FIGURES:
        return _people(org).filter(pk__in=conversion_groups(org, period)[figure])
    if figure == "disqualified":
        return _people(org).filter(period.q("reduced_on"), reduction=Reduction.DISQUALIFIED)
    if figure == "members":  # cumulative: on the books as a member on the period's last day
        return _people(org).filter(member_on_q(period.end))
    date_field, _ = PERSON_FIGURES[figure]
    return _people(org).filter(period.q(date_field))


def conversion_groups(org: Org, period: Period) -> dict[str, list[int]]:
    """The people converted in the period, by figure: probation of exactly one year from the
    admission meeting (按期), longer (延长预备期后), or unknown (no admission date on file)."""
    groups: dict[str, list[int]] = {figure: [] for figure in CONVERSION_FIGURES}
    for pk, admitted, converted in (
        _people(org).filter(period.q("converted_on")).values_list("pk", "admitted_on", "converted_on")
    ):
        if admitted is None:
            groups["other_conversions"].append(pk)
        elif converted <= add_years(admitted, 1):
            groups["conversions"].append(pk)
        else:
            groups["extended_conversions"].append(pk)
    return groups


def _by_category(qs: QuerySet[Person]) -> dict[str, int]:
    counts = Counter(dict(qs.order_by().values_list("category").annotate(n=Count("id"))))
    return {c.value: counts[c.value] for c in Category if counts[c.value]}


def campaign_rows(org: Org, period: Period, figure: str) -> QuerySet:
    """The records behind a mobilization figure: set up in the period by orgs of the subtree."""
    if figure == "temporary_orgs":
        return TemporaryOrg.objects.filter(subtree_q(org.path, "org__path"), period.q("approved_on"))
    if figure == "teams":
        return Team.objects.filter(subtree_q(org.path, "org__path"), period.q("starts_on"))
    if figure in ("posts", "zones"):
        kind = PostKind.POST if figure == "posts" else PostKind.ZONE
        return Post.objects.filter(subtree_q(org.path, "org__path"), period.q("starts_on"), kind=kind)
    if figure == "volunteer_events":
        return VolunteerEvent.objects.filter(subtree_q(org.path, "org__path"), period.q("on"))
    if figure == "commendations":
        return Bulletin.objects.filter(subtree_q(org.path, "issued_by__path"), period.q("issued_on"))
    raise KeyError(figure)


def briefing_figures(org: Org, period: Period) -> BriefingFigures:
    """Every figure of the briefing for `org`'s subtree in the period (about 15 queries)."""
    f = BriefingFigures(org=org, period=period)
    f.applications = figure_people(org, period, "applications").count()
    f.activists = figure_people(org, period, "activists").count()
    f.candidates = figure_people(org, period, "candidates").count()
    admitted = figure_people(org, period, "admissions")
    f.admissions_by_category = _by_category(admitted)
    f.admissions = sum(f.admissions_by_category.values())
    f.frontline_by_category = _by_category(figure_people(org, period, "frontline"))
    f.frontline = sum(f.frontline_by_category.values())
    for figure, people in conversion_groups(org, period).items():
        setattr(f, figure, len(people))
    f.disqualified = figure_people(org, period, "disqualified").count()
    members = figure_people(org, period, "members").aggregate(
        n=Count("id"), probationary=Count("id", filter=~full_member_on_q(period.end))
    )
    f.members, f.probationary_members = members["n"], members["probationary"]

    f.temporary_orgs = campaign_rows(org, period, "temporary_orgs").count()
    f.teams_by_kind = dict(
        campaign_rows(org, period, "teams").order_by().values_list("kind").annotate(n=Count("id"))
    )
    f.teams = sum(f.teams_by_kind.values())
    f.posts = campaign_rows(org, period, "posts").count()
    f.zones = campaign_rows(org, period, "zones").count()
    volunteer = campaign_rows(org, period, "volunteer_events").aggregate(
        events=Count("id"), participants=Sum("participants"), served=Sum("people_served")
    )
    f.volunteer_events = volunteer["events"] or 0
    f.volunteer_participants = volunteer["participants"] or 0
    f.people_served = volunteer["served"] or 0
    bulletins = campaign_rows(org, period, "commendations")
    f.bulletins = bulletins.count()
    commended = Commendation.objects.filter(bulletin__in=bulletins).aggregate(
        collectives=Count("id", filter=Q(kind=CommendationKind.COLLECTIVE)),
        individuals=Count("id", filter=Q(kind=CommendationKind.INDIVIDUAL)),
    )
    f.commended_collectives = commended["collectives"]
    f.commended_individuals = commended["individuals"]
    f.sections = sections.sections(org, period)
    return f


def campaigns_of(rows: QuerySet) -> list[tuple[Campaign, int]]:
    """Per campaign, how many of `rows` belong to it (the links of a mobilization figure)."""
    counts = dict(rows.order_by().values_list("campaign").annotate(n=Count("id")))
    campaigns = Campaign.objects.in_bulk(list(counts))
    return [(campaigns[pk], n) for pk, n in sorted(counts.items())]


# ---- roster, statistical table, due list ---------------------------------------------------------

ROSTER_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "id_number", "education", "category", "work_unit",
    "org__name", "standing", "admitted_on", "converted_on", "phone",
)  # fmt: skip
DEVELOPMENT_ROSTER_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "id_number", "education", "category", "work_unit",
    "org__name", "standing", "applied_on", "activist_on", "candidate_on", "phone",
)  # fmt: skip
# The two rosters: the 党员花名册 lists party members only (预备党员 and 正式党员); applicants,
# activists and candidates are on their own 名册. By today's standing (the rosters have no date).
MEMBERS, DEVELOPMENT = "members", "development"
ROSTER_STANDINGS = {
    MEMBERS: (Standing.PROBATIONARY, Standing.FULL),
    DEVELOPMENT: (Standing.APPLICANT, Standing.ACTIVIST, Standing.CANDIDATE),
}
ROSTER_TITLES = {MEMBERS: "党员花名册", DEVELOPMENT: "入党申请人、入党积极分子、发展对象名册"}


def roster_people(org: Org, roster: str = MEMBERS) -> QuerySet[Person]:
    """Active people of the subtree on `roster`, in org order, then pinyin order (the clerk's 花名册)."""
    fields = ROSTER_FIELDS if roster == MEMBERS else DEVELOPMENT_ROSTER_FIELDS
    return (
        Person.objects.filter(
            subtree_q(org.path, "org__path"), reduction="", standing__in=ROSTER_STANDINGS[roster]
        )
        .order_by("org__path", "name_sort_key", "id")
        .values_list(*fields)
    )


def roster_count(org: Org, roster: str = MEMBERS) -> int:
    return (
        SubtreeCount.objects.filter(org=org, standing__in=ROSTER_STANDINGS[roster]).aggregate(n=Sum("n"))["n"]
        or 0
    )


def statistics_rows(org: Org) -> list[tuple[str, dict[tuple[str, str], int]]]:
    """(row label, {(standing, category): n}) for the org itself, each direct sub-org, and 本级直属."""
    children = list(Org.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path"))
    counts: dict[int, dict[tuple[str, str], int]] = {o.pk: {} for o in [org, *children]}
    for org_id, standing, category, n in SubtreeCount.objects.filter(org_id__in=list(counts)).values_list(
        "org_id", "standing", "category", "n"
    ):
        counts[org_id][(standing, category)] = n
    rows = [(f"{org.name}（合计）", counts[org.pk])]
    direct = Counter(counts[org.pk])
    for child in children:
        rows.append((child.name, counts[child.pk]))
        direct.subtract(counts[child.pk])
    if any(direct.values()):
        rows.append(("本级直属", {k: v for k, v in direct.items() if v}))
    return rows


def due_items(org: Org) -> QuerySet[DueItem]:
    return (
        DueItem.objects.filter(subtree_q(org.path, "org__path"))
        .select_related("org", "case__person")
        .order_by("due_on", "id")
    )


# ---- people named in Word documents --------------------------------------------------------------


def cases_at(org: Org, *, stage: int, min_step: int = 0) -> QuerySet[Case]:
    return (
        Case.objects.filter(
            subtree_q(org.path, "org__path"), stage=stage, status=CaseStatus.OPEN, last_step__gte=min_step
        )
        .select_related("person", "org")
        .order_by("org__path", "person__name_sort_key", "id")
    )


def may_see_personal_data(user, org: Org) -> bool:
    return user is None or scope.can(user, Action.VIEW_PERSONAL_DATA, org)


def chunks(qs: QuerySet, size: int = 2000) -> Iterator[Any]:
    yield from qs.iterator(chunk_size=size)


# 政治面貌 in the standard names of GB/T 4762 (政治面貌代码): 01 中共党员, 02 中共预备党员,
# 03 共青团员, 13 群众. A person's file records their standing in the party's development work,
# not their 政治面貌 outside it: a member is 中共党员 or 中共预备党员; an applicant, activist or
# candidate is shown as 群众 (their stage is a separate column), since the file has no field saying
# whether they are a 共青团员 or belong to another party.
STANDING_AS_POLITICAL_STATUS = {
    Standing.FULL: "中共党员",
    Standing.PROBATIONARY: "中共预备党员",
    Standing.APPLICANT: "群众",
    Standing.ACTIVIST: "群众",
    Standing.CANDIDATE: "群众",
}
