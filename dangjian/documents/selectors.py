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
from dangjian.people.models import Category, Person, Standing, SubtreeCount

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
    "conversions": ("converted_on", "转为正式党员"),
}
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
    conversions: int = 0
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

    def rows(self) -> list[tuple[str, str, int, str]]:
        """(key, label, value, url of the records behind it) for the page's 数据来源 table."""
        labels = [
            ("applications", "递交入党申请书（人）", self.applications),
            ("activists", "确定入党积极分子（名）", self.activists),
            ("candidates", "确定发展对象（名）", self.candidates),
            ("admissions", "接收预备党员（名）", self.admissions),
            ("frontline", "其中火线发展党员（名）", self.frontline),
            ("conversions", "转为正式党员（名）", self.conversions),
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
        return [
            (key, label, value, self.records_url(figure_of.get(key, key))) for key, label, value in labels
        ]

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
    date_field, _ = PERSON_FIGURES[figure]
    qs = _people(org).filter(period.q(date_field))
    if figure == "frontline":
        qs = qs.filter(case__special_basis__gt="")
    return qs


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
    f.conversions = figure_people(org, period, "conversions").count()

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


def roster_people(org: Org) -> QuerySet[Person]:
    """Active people of the subtree in org order, then pinyin order (the clerk's 花名册)."""
    return (
        Person.objects.filter(subtree_q(org.path, "org__path"), reduction="")
        .order_by("org__path", "name_sort_key", "id")
        .values_list(*ROSTER_FIELDS)
    )


def roster_count(org: Org) -> int:
    return SubtreeCount.objects.filter(org=org).aggregate(n=Sum("n"))["n"] or 0


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


STANDING_AS_POLITICAL_STATUS = {
    Standing.FULL: "中共党员",
    Standing.PROBATIONARY: "中共预备党员",
}
