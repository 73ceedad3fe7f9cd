"""Statistics over any org subtree and period, always through the acting user's scope.

Composition figures (standing, category, gender, age band, education, ethnicity, unit type) are
current counts read from the pre-aggregated tables (people.SubtreeCount, stats.CompositionCount):
a handful of indexed rows whatever the size of the subtree. Flow figures (the development funnel
and the monthly trends) count the milestone dates on the person files that fall inside the period,
in one range query; admissions on a frontline basis (火线入党, Case.special_basis) are counted apart.

Every figure carries the URL of the scoped people list behind it (`drill_people` below reads the
same filters back), so a click always lands on exactly the people counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.params import month_param, year_param
from dangjian.orgs.models import Org, UnitType, subtree_q
from dangjian.orgs.selectors import ancestors_in_scope, children_of
from dangjian.people.models import (
    MEMBER_STANDINGS,
    Category,
    Education,
    Gender,
    Person,
    Standing,
    SubtreeCount,
)
from dangjian.stats.models import CompositionCount, Dim

MEMBERS = "member"  # the drill-down value for "probationary and full members"
MEMBER_LIST = sorted(MEMBER_STANDINGS)

# Age bands as used in the party's statistical bulletins; age = reference year - birth year.
AGE_BANDS: list[tuple[int | None, int | None, str]] = [
    (None, 30, _("30岁及以下")),
    (31, 35, _("31至35岁")),
    (36, 40, _("36至40岁")),
    (41, 45, _("41至45岁")),
    (46, 50, _("46至50岁")),
    (51, 55, _("51至55岁")),
    (56, 60, _("56至60岁")),
    (61, None, _("61岁及以上")),
]

# The development funnel, in order: (event key, Person date field, label).
EVENTS: list[tuple[str, str, str]] = [
    ("applied", "applied_on", _("递交入党申请书")),
    ("activist", "activist_on", _("确定为入党积极分子")),
    ("candidate", "candidate_on", _("确定为发展对象")),
    ("admitted", "admitted_on", _("接收为预备党员")),
    ("converted", "converted_on", _("转为正式党员")),
]
EVENT_FIELDS = {key: f for key, f, _label in EVENTS}
FRONTLINE_Q = Q(case__isnull=False) & ~Q(case__special_basis__regex=r"^\s*$")


def frontline_admissions(org: Org, start: dt.date, end: dt.date, *, user=None) -> QuerySet[Person]:
    """火线发展党员 — the one definition every page, document and command counts.

    The people of `org`'s subtree admitted as probationary members (接收预备党员: the admission
    date step 17 gives the file) from `start` to `end` inclusive, whose development case has a
    frontline special basis (Case.special_basis, 火线入党). People who have left the books since
    stay: they were admitted here. With `user`, only the part of the subtree in their scope (the
    caller checks `org` itself). The stats page, `dangjian stats`, the briefing and the campaign
    dashboard all count this queryset; its rows are the records behind the figure.
    """
    qs = Person.objects.filter(subtree_q(org.path, "org__path"), admitted_on__range=(start, end))
    if user is not None:
        qs = qs.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"))
    return qs.filter(FRONTLINE_Q)


# ---------------------------------------------------------------------------------------------
# Period


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day of the first month
    end: dt.date  # last day of the last month

    @property
    def months(self) -> list[str]:
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    @property
    def first(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def last(self) -> str:
        return self.end.strftime("%Y-%m")


def _month_end(first: dt.date) -> dt.date:
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def parse_period(
    start: str | None = None,
    end: str | None = None,
    *,
    today: dt.date | None = None,
    names: tuple[str, str] = ("from", "to"),
) -> Period:
    """'YYYY-MM' to 'YYYY-MM' (inclusive); by default the last 12 months up to this one. At most 10 years.

    A month that is given but malformed or out of range is a BadParameter (400 on pages, 422 in the
    API) rather than silently the default period: the caller would otherwise read figures for months
    they did not ask for. `names` are the parameters as the caller spells them, for the message.
    """
    today = today or timezone.localdate()
    last = month_param(end, names[1], label="截止月份") or today.replace(day=1)
    first = month_param(start, names[0], label="起始月份")
    if first is None:
        first = dt.date(last.year - 1 + (last.month == 12), last.month % 12 + 1, 1)
    if first > last:
        first, last = last, first
    if (last.year - first.year) * 12 + last.month - first.month >= 120:
        first = dt.date(last.year - 10, last.month, 1)
        first = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return Period(first, _month_end(last))


# ---------------------------------------------------------------------------------------------
# Figures


@dataclass
class Figure:
    key: str
    label: str
    n: int
    url: str
    extra: dict = field(default_factory=dict)


@dataclass
class SubOrg:
    org: Org
    url: str  # the dashboard of the sub-org
    members: Figure
    applicants: Figure
    activists: Figure
    candidates: Figure
    admitted: Figure
    frontline: Figure


@dataclass
class Stats:
    org: Org
    period: Period
    as_of: dt.date
    active: Figure
    members: Figure
    standing: list[Figure]
    category: list[Figure]
    gender: list[Figure]
    age: list[Figure]
    education: list[Figure]
    ethnicity: list[Figure]
    unit_type: list[Figure]
    funnel: list[Figure]
    frontline_admitted: Figure
    trends: list[dict]  # one per month: {"month", "<event>": n, "admitted_frontline": n, urls}
    suborgs: list[SubOrg]
    ancestors: list[Org]


def drill_url(org: Org, **params) -> str:
    params = {k: v for k, v in params.items() if v not in ("", None)}
    return reverse("stats-people") + "?" + urlencode({"org": org.pk, **params})


def age_band_years(ref_year: int, lo: int | None, hi: int | None) -> tuple[int | None, int | None]:
    """(born_from, born_to) birth years of an age band as of `ref_year`."""
    return (ref_year - hi if hi is not None else None, ref_year - lo if lo is not None else None)


def stats_org(user, org_id=None, code: str = "") -> Org:
    """The org to report on: by id or code, in the user's scope (else 404); default the first scope root."""
    qs = scope.orgs_for(user, Action.VIEW)
    if code:
        org = qs.filter(code=code.strip()).first()
    elif org_id not in (None, ""):
        try:
            org = qs.filter(pk=int(org_id)).first()
        except (TypeError, ValueError):
            org = None
    else:
        org = scope.scope_roots(user).order_by("path").first()
    if org is None:
        raise Http404(_("党组织不存在或不在您的管理范围内。"))
    return org


def _counts_by(rows, key: str) -> Counter:
    return Counter({k: n for k, n in rows.values_list(key).annotate(t=Sum("n")).order_by() if n})


def subtree_stats(user, org: Org, period: Period) -> Stats:
    """Every figure of the dashboard for `org`'s subtree (org must be in the user's scope)."""
    if not scope.can(user, Action.VIEW, org):
        raise Http404(_("党组织不存在或不在您的管理范围内。"))
    as_of = min(period.end, timezone.localdate())

    def url(o: Org, **params) -> str:  # every link keeps the period (the list links back to it)
        return drill_url(o, **{"from": period.first, "to": period.last, **params})

    m = MEMBERS

    # Current standing and category (people.SubtreeCount).
    sub = SubtreeCount.objects.filter(org=org)
    by_standing = _counts_by(sub, "standing")
    by_category = _counts_by(sub.filter(standing__in=MEMBER_LIST), "category")
    standing = [
        Figure(s.value, str(s.label), by_standing[s.value], url(org, standing=s.value)) for s in Standing
    ]
    members_n = sum(by_standing[s] for s in MEMBER_LIST)
    category = [
        Figure(c.value, str(c.label), by_category[c.value], url(org, standing=m, category=c.value))
        for c in Category
        if by_category[c.value]
    ]

    # Composition of the members (stats.CompositionCount).
    comp: dict[str, Counter] = {d.value: Counter() for d in Dim}
    rows = (
        CompositionCount.objects.filter(org=org, standing__in=MEMBER_LIST, n__gt=0)
        .values_list("dim", "value")
        .annotate(t=Sum("n"))
        .order_by()
    )
    for dim, value, n in rows:
        comp[dim][value] += n
    gender = [
        Figure(g.value, str(g.label), comp[Dim.GENDER][g.value], url(org, standing=m, gender=g.value))
        for g in Gender
    ]
    ref = as_of.year
    age = []
    for lo, hi, label in AGE_BANDS:
        born_from, born_to = age_band_years(ref, lo, hi)
        n = sum(
            c
            for y, c in comp[Dim.BIRTH_YEAR].items()
            if (born_from is None or int(y) >= born_from) and (born_to is None or int(y) <= born_to)
        )
        age.append(
            Figure(f"{lo}-{hi}", str(label), n, url(org, standing=m, born_from=born_from, born_to=born_to))
        )
    edu_labels = dict(Education.choices)
    education = [
        Figure(e, str(edu_labels[e]), comp[Dim.EDUCATION][e], url(org, standing=m, education=e))
        for e in Education.values
        if comp[Dim.EDUCATION][e]
    ]
    if comp[Dim.EDUCATION][""]:
        education.append(
            Figure("none", str(_("未填写")), comp[Dim.EDUCATION][""], url(org, standing=m, education="none"))
        )
    ethnicity = [
        Figure(e, e or str(_("未填写")), n, url(org, standing=m, ethnicity=e or "none"))
        for e, n in sorted(comp[Dim.ETHNICITY].items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    unit_type = [
        Figure(u.value, str(u.label), comp[Dim.UNIT_TYPE][u.value], url(org, standing=m, unit_type=u.value))
        for u in UnitType
        if comp[Dim.UNIT_TYPE][u.value]
    ]

    # Flow: the milestone dates inside the period, one range query over the subtree.
    children = list(children_of(user, org))
    step = Org.steplen
    in_period = Q()
    for _key, f, _label in EVENTS:
        in_period |= Q(**{f"{f}__range": (period.start, period.end)})
    people = Person.objects.filter(subtree_q(org.path, "org__path"))
    flow = people.filter(in_period).values_list("id", "org__path", *EVENT_FIELDS.values()).order_by()
    # Frontline admissions are few: one small query instead of joining every case to the scan.
    frontline_ids = set(frontline_admissions(org, period.start, period.end).values_list("id", flat=True))
    totals: Counter = Counter()
    monthly: dict[str, Counter] = {mo: Counter() for mo in period.months}
    per_child: dict[str, Counter] = {c.path: Counter() for c in children}
    for person_id, path, *dates in flow:
        child = per_child.get(path[: len(org.path) + step])
        for (key, _f, _label), day in zip(EVENTS, dates, strict=True):
            if day is None or not (period.start <= day <= period.end):
                continue
            month = day.strftime("%Y-%m")
            frontline = key == "admitted" and person_id in frontline_ids
            totals[key] += 1
            monthly[month][key] += 1
            if frontline:
                totals["admitted_frontline"] += 1
                monthly[month]["admitted_frontline"] += 1
            if child is not None and key in ("admitted",):
                child[key] += 1
                child["admitted_frontline"] += frontline
    p = {"from": period.first, "to": period.last}
    funnel = [Figure(key, str(label), totals[key], url(org, event=key, **p)) for key, _f, label in EVENTS]
    frontline_admitted = Figure(
        "admitted_frontline",
        str(_("其中火线入党")),
        totals["admitted_frontline"],
        url(org, event="admitted", frontline="1", **p),
    )
    trends = []
    for month in period.months:
        mp = {"from": month, "to": month}
        row = {"month": month, "urls": {}}
        for key, _f, _label in EVENTS:
            row[key] = monthly[month][key]
            row["urls"][key] = url(org, event=key, **mp)
        row["admitted_frontline"] = monthly[month]["admitted_frontline"]
        row["urls"]["admitted_frontline"] = url(org, event="admitted", frontline="1", **mp)
        trends.append(row)

    # Per sub-org breakdown (direct children): current counts from SubtreeCount, flow from above.
    child_counts: dict[int, Counter] = {c.pk: Counter() for c in children}
    for org_id, st, n in (
        SubtreeCount.objects.filter(org__in=[c.pk for c in children])
        .values_list("org_id", "standing")
        .annotate(t=Sum("n"))
        .order_by()
    ):
        child_counts[org_id][st] += n or 0
    suborgs = []
    for c in children:
        cc, fl = child_counts[c.pk], per_child[c.path]
        suborgs.append(
            SubOrg(
                org=c,
                url=reverse("stats-dashboard") + "?" + urlencode({"org": c.pk, **p}),
                members=Figure(m, str(_("党员")), sum(cc[s] for s in MEMBER_LIST), url(c, standing=m)),
                applicants=Figure(
                    "applicant", str(Standing.APPLICANT.label), cc["applicant"], url(c, standing="applicant")
                ),
                activists=Figure(
                    "activist", str(Standing.ACTIVIST.label), cc["activist"], url(c, standing="activist")
                ),
                candidates=Figure(
                    "candidate", str(Standing.CANDIDATE.label), cc["candidate"], url(c, standing="candidate")
                ),
                admitted=Figure(
                    "admitted", str(_("发展党员")), fl["admitted"], url(c, event="admitted", **p)
                ),
                frontline=Figure(
                    "admitted_frontline",
                    str(_("火线入党")),
                    fl["admitted_frontline"],
                    url(c, event="admitted", frontline="1", **p),
                ),
            )
        )
    return Stats(
        org=org,
        period=period,
        as_of=as_of,
        active=Figure("active", str(_("在册人员")), sum(by_standing.values()), url(org)),
        members=Figure(m, str(_("党员")), members_n, url(org, standing=m)),
        standing=standing,
        category=category,
        gender=gender,
        age=age,
        education=education,
        ethnicity=ethnicity,
        unit_type=unit_type,
        funnel=funnel,
        frontline_admitted=frontline_admitted,
        trends=trends,
        suborgs=suborgs,
        ancestors=ancestors_in_scope(user, org),
    )


# ---------------------------------------------------------------------------------------------
# Drill-down: the people behind a figure


DRILL_KEYS = (
    "standing", "category", "gender", "born_from", "born_to", "education", "ethnicity", "unit_type", "event",
    "frontline", "from", "to",
)  # fmt: skip


def drill_people(user, org: Org, params) -> QuerySet[Person]:
    """The people behind a figure: `params` are the query parameters of a figure's URL.

    Current figures count active people; flow figures (`event`) count everyone whose milestone
    falls in the period, including people who have left the books since.
    """
    if not scope.can(user, Action.VIEW, org):
        raise Http404(_("党组织不存在或不在您的管理范围内。"))
    qs = Person.objects.filter(subtree_q(org.path, "org__path"))
    event = params.get("event", "")
    if event in EVENT_FIELDS:
        period = parse_period(params.get("from"), params.get("to"))
        if event == "admitted" and params.get("frontline") == "1":
            qs = frontline_admissions(org, period.start, period.end)
        else:
            qs = qs.filter(**{f"{EVENT_FIELDS[event]}__range": (period.start, period.end)})
    else:
        qs = qs.filter(reduction="")
    standing = params.get("standing", "")
    if standing == MEMBERS:
        qs = qs.filter(standing__in=MEMBER_LIST)
    elif standing in Standing.values:
        qs = qs.filter(standing=standing)
    if params.get("category", "") in Category.values:
        qs = qs.filter(category=params["category"])
    if params.get("gender", "") in Gender.values:
        qs = qs.filter(gender=params["gender"])
    for key, lookup, label in (
        ("born_from", "birth_date__year__gte", "出生年份起"),
        ("born_to", "birth_date__year__lte", "出生年份止"),
    ):
        year = year_param(params.get(key), key, label=label)
        if year is not None:
            qs = qs.filter(**{lookup: year})
    education = params.get("education", "")
    if education == "none":
        qs = qs.filter(education="")
    elif education in Education.values:
        qs = qs.filter(education=education)
    ethnicity = params.get("ethnicity", "")
    if ethnicity == "none":
        qs = qs.filter(ethnicity="")
    elif ethnicity:
        qs = qs.filter(ethnicity=ethnicity)
    if params.get("unit_type", "") in UnitType.values:
        qs = qs.filter(org__unit_type=params["unit_type"])
    return qs.select_related("org").order_by("name_sort_key", "id")


def drill_description(params) -> list[str]:
    """The filters of a drill-down, in words (for the list page's heading)."""
    out = []
    standing = params.get("standing", "")
    if standing == MEMBERS:
        out.append(str(_("党员（含预备党员）")))
    elif standing in Standing.values:
        out.append(str(Standing(standing).label))
    if params.get("category", "") in Category.values:
        out.append(str(Category(params["category"]).label))
    if params.get("gender", "") in Gender.values:
        out.append(str(Gender(params["gender"]).label))
    if params.get("born_from") or params.get("born_to"):
        out.append(
            str(_("出生年份 %(a)s–%(b)s"))
            % {"a": params.get("born_from") or "…", "b": params.get("born_to") or "…"}
        )
    if params.get("education", "") in Education.values:
        out.append(str(Education(params["education"]).label))
    if params.get("ethnicity") and params["ethnicity"] != "none":
        out.append(params["ethnicity"])
    if params.get("unit_type", "") in UnitType.values:
        out.append(str(UnitType(params["unit_type"]).label))
    if params.get("event", "") in EVENT_FIELDS:
        label = dict((k, lab) for k, _f, lab in EVENTS)[params["event"]]
        period = parse_period(params.get("from"), params.get("to"))
        out.append(f"{period.first}～{period.last} {label}")
        if params.get("frontline") == "1":
            out.append(str(_("火线入党")))
    return out
