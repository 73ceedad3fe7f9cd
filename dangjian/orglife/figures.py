"""Organization-life figures for any subtree and period, each with the records behind it.

One definition each:
- 会议次数 by kind: meetings held in the period whose kind, or one of whose purposes, is that kind.
- 按期开展 of a cadence: of the (org, period) pairs the cadence asks for — every org it applies to
  (today's size decides whether a branch needs a 支委会), every period of it that ends within the
  chosen dates (from the org's founding), and the period still running if its meeting is already
  held — those with such a meeting. The pairs without one are the drill-down (`missing`, computed
  for the drill-down page only; a period still running is never missing).
- 到会率: present / listed on the attendance lists taken in the period, per org below (the org's
  children, each with its subtree) — never per person.
- 换届: current committees whose term ended by the end date (逾期) or ends within the reminder
  months after it (即将届满).

The counts are SQL aggregates (the city's year is some 200,000 meetings): the orgs a cadence applies
to are grouped by the parameters their rule sets give, and each group is one COUNT(DISTINCT org,
period) over the meetings and one over their purposes.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When

from dangjian.meetings.models import Meeting, MeetingPurpose, MeetingTally
from dangjian.orglife import reminders
from dangjian.orglife.cadence import CADENCES, Cadence, period_label, period_of, periods_in
from dangjian.orglife.models import Committee
from dangjian.orgs.models import BRANCH_KINDS, GROUP_KINDS, STEPLEN, TEMPORARY_KINDS, Org, subtree_q, within_q
from dangjian.workcal.calendar import add_months


@dataclass
class CadenceFigure:
    cadence: Cadence
    expected: int = 0
    held: int = 0
    missing: list[tuple[Org, str]] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return round(100 * self.held / self.expected, 1) if self.expected else None

    @property
    def missed(self) -> int:
        return self.expected - self.held


@dataclass
class OrgLifeFigures:
    org: Org
    start: dt.date
    end: dt.date
    meetings_by_kind: dict[str, int]
    cadences: list[CadenceFigure]
    attendance_present: int
    attendance_listed: int
    attendance_by_org: list[tuple[Org, int, int]]
    term_overdue: list[Term]
    term_soon: list[Term]

    @property
    def attendance_rate(self) -> float | None:
        if not self.attendance_listed:
            return None
        return round(100 * self.attendance_present / self.attendance_listed, 1)


def subtree_orgs(org: Org) -> list[Org]:
    return reminders.life_orgs(None, under=org, light=True)


def _month_sum(prefix: str, start: dt.date, end: dt.date):
    """The tally's monthly `prefix` columns summed over the months of [start, end], year by year."""
    terms = []
    for year in range(start.year, end.year + 1):
        first = start.month if year == start.year else 1
        last = end.month if year == end.year else 12
        months = functools.reduce(operator.add, (F(f"{prefix}{m}") for m in range(first, last + 1)))
        terms.append(When(year=year, then=months))
    return Sum(Case(*terms, default=Value(0), output_field=IntegerField()))


def _tally(org: Org, start: dt.date, end: dt.date):
    return MeetingTally.objects.filter(
        within_q(org, "org__path"), year__range=(start.year, end.year)
    ).order_by()


def meetings_by_kind(org: Org, start: dt.date, end: dt.date, today: dt.date | None = None) -> dict[str, int]:
    if today is not None and _whole_months(start, end, today):
        rows = _tally(org, start, end).values_list("kind").annotate(n=_month_sum("n", start, end))
        return {kind: n for kind, n in rows if n}
    within = within_q(org, "org__path")
    meetings = Meeting.objects.filter(within, held_on__range=(start, end))
    counts = Counter(dict(meetings.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")))
    purposes = MeetingPurpose.objects.filter(within, held_on__range=(start, end))
    counts.update(dict(purposes.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")))
    return dict(counts)


def _period_index(months: int, prefix: str = ""):
    """held_month // 12 × periods a year + held_month % 12 // months: one number per period, the same
    as _index(); integer arithmetic on the stored month number, no date function per row."""
    held = F(f"{prefix}held_month")
    # `%` and `/` on integers stay integers in SQLite and PostgreSQL (SQLite's MOD() returns a float).
    return (held / Value(12)) * Value(_per_year(months)) + (held % Value(12)) / Value(months)


def _per_year(months: int) -> int:
    return 12 // months if 12 % months == 0 else (11 // months) + 1


def _pair_querysets(cadence: Cadence, months: int, root: Org, start: dt.date, end: dt.date, only: Q):
    """The (org id, period index) of the cadence's meetings, and of the meetings that also served as
    it (their purposes carry the org and the dates), in the subtree and dates, for the orgs `only`
    admits (a filter written on the org: `org__…`, `org_id…`)."""
    meetings = Meeting.objects.filter(
        subtree_q(root.path, "org__path"), only, held_on__range=(start, end), kind=cadence.kind
    )
    purposes = MeetingPurpose.objects.filter(
        subtree_q(root.path, "org__path"), only, held_on__range=(start, end), kind=cadence.kind
    )
    if cadence.secretary_lecture:
        meetings = meetings.filter(lecturer_is_secretary=True)
        purposes = purposes.filter(meeting__lecturer_is_secretary=True)
    return (
        meetings.order_by().annotate(p=_period_index(months)).values_list("org_id", "p"),
        purposes.order_by().annotate(p=_period_index(months)).values_list("org_id", "p"),
    )


def _count_pairs(pairs, complete_to: int, running: int | None) -> tuple[int, int]:
    """(distinct (org, period) pairs in the finished periods, pairs in the running one): one query."""
    (m_sql, m_params), (p_sql, p_params) = (qs.query.sql_with_params() for qs in pairs)
    sql = (
        "SELECT COALESCE(SUM(CASE WHEN p <= %s THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN p = %s THEN 1 ELSE 0 END), 0) "
        f"FROM (SELECT * FROM ({m_sql}) m UNION SELECT * FROM ({p_sql}) u) pairs"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [complete_to, -1 if running is None else running, *m_params, *p_params])
        done, now = cursor.fetchone()
    return int(done), int(now)


def _whole_months(start: dt.date, end: dt.date, today: dt.date) -> bool:
    """Whether [start, end] holds whole months as far as meetings go: it starts on the 1st and ends
    on a month's last day or on or after today (no meeting is recorded for a future day)."""
    return start.day == 1 and (end >= today or (end + dt.timedelta(days=1)).day == 1)


def _month_bits(first: int, last: int) -> int:
    """Bits of the months first..last (1-12) of a year."""
    return ((1 << last) - 1) & ~((1 << (first - 1)) - 1) if first <= last else 0


def _mask_counts(
    cadence: Cadence, months: int, root: Org, start: dt.date, end: dt.date, only: Q, complete_to: int,
    running: int | None,
) -> tuple[int, int]:  # fmt: skip
    """_count_pairs from the MeetingTally tally: one row per org and year, a period held when its
    months' bits meet the row's (only the months within [start, end] count)."""
    per_year = 12 // months
    column = "secretary_months" if cadence.secretary_lecture else "months"
    done, now = [], []
    for year in range(start.year, end.year + 1):
        window = _month_bits(start.month if year == start.year else 1, end.month if year == end.year else 12)
        for quarter in range(per_year):
            bits = _month_bits(quarter * months + 1, (quarter + 1) * months) & window
            index = year * per_year + quarter
            if not bits:
                continue
            if index <= complete_to:
                done.append((year, bits))
            elif running is not None and index == running:
                now.append((year, bits))
    if not done and not now:
        return 0, 0
    rows = MeetingTally.objects.filter(
        within_q(root, "org__path"), only, kind=cadence.kind, year__range=(start.year, end.year)
    )
    sql, params = rows.order_by().values_list("year", column).query.sql_with_params()

    def total(terms) -> str:
        # One CASE per period (a row holds many periods); the years and bits are our own integers.
        cases = [
            f"CASE WHEN t.year = {int(y)} AND (t.{column} & {int(b)}) > 0 THEN 1 ELSE 0 END" for y, b in terms
        ]
        return f"COALESCE(SUM({' + '.join(cases)}), 0)" if cases else "0"

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {total(done)}, {total(now)} FROM ({sql}) t", params)
        held, running_held = cursor.fetchone()
    return int(held), int(running_held)


def _index(day: dt.date, months: int) -> int:
    return day.year * _per_year(months) + (day.month - 1) // months


def _org_filter(cadence: Cadence, group: list[Org], applicable_everywhere: bool, min_full: int) -> Q:
    """SQL for "the org is one the cadence applies to": by kind (and size) when the rule set is the same
    for every org of the subtree, else the org ids of the group."""
    if not applicable_everywhere:
        return Q(org_id__in=[o.pk for o in group])
    kinds = (GROUP_KINDS if cadence.applies_to == "group" else BRANCH_KINDS) - TEMPORARY_KINDS
    only = Q(org__kind__in=list(kinds), org__dissolved_on=None)
    if cadence.key == "committee" and min_full:
        only &= Q(org_id__in=[o.pk for o in group])  # the branches big enough for a committee
    return only


def cadence_figures(
    orgs: list[Org], start: dt.date, end: dt.date, today: dt.date, *, root: Org | None = None,
    with_missing: bool = False, cache=None,
) -> list[CadenceFigure]:  # fmt: skip
    root = root or (min(orgs, key=lambda o: o.depth) if orgs else None)
    counts = reminders.member_counts(None, under=root) if root is not None else {}
    cache = cache or reminders.RuleCache(today)
    # Orgs of one kind, rule set, size and first month counted are alike for every cadence: the
    # periods and the expected counts are worked out once per profile, not once per org.
    profiles: dict[tuple, list[Org]] = defaultdict(list)
    rule_sets: dict[int, dict] = {}
    for org in orgs:
        rules = cache.rules(org)
        rule_sets[id(rules)] = rules
        first = max(start, org.founded_on) if org.founded_on else start
        profiles[(org.kind, id(rules), counts.get(org.pk, (0, 0)), first.year, first.month)].append(org)
    one_rule_set = len(rule_sets) <= 1
    out = []
    for cadence in CADENCES:
        figure = CadenceFigure(cadence)
        groups: dict[int, list[tuple[tuple, list[Org]]]] = defaultdict(list)
        for profile, members in profiles.items():
            _kind, rules_id, (full, count), _y, _m = profile
            months = reminders.applies(
                cadence, members[0], reminders.OrgFacts(members[0], full, count), rule_sets[rules_id]
            )
            if months:
                groups[months].append((profile, members))
        for months, profiled in groups.items():
            group = [org for _p, members in profiled for org in members]
            min_full = int(cache.rules(group[0])[cadence.rule_id].params.get("min_full_members") or 0)
            only = _org_filter(cadence, group, one_rule_set and len(groups) == 1, min_full)
            last = _index(end, months)
            running = period_of(end, months)[1] > end
            complete_to = last - 1 if running else last
            for (_k, _r, _c, year, month), members in profiled:
                first_index = _index(dt.date(year, month, 1), months)
                figure.expected += len(members) * max(0, complete_to - first_index + 1)
            pairs = None
            if not with_missing and 12 % months == 0 and _whole_months(start, end, today):
                done, now_held = _mask_counts(
                    cadence, months, root, start, end, only, complete_to, last if running else None
                )
            else:
                pairs = _pair_querysets(cadence, months, root, start, end, only)
                done, now_held = _count_pairs(pairs, complete_to, last if running else None)
            figure.held += done
            figure.expected += now_held
            figure.held += now_held
            if with_missing:
                held = set(pairs[0]) | set(pairs[1])
                for org in group:
                    first = max(start, org.founded_on) if org.founded_on else start
                    for s, _e in periods_in(first, end, months):
                        if (org.pk, _index(s, months)) not in held:
                            figure.missing.append((org, period_label(s, months)))
        out.append(figure)
    return out


def attendance(
    org: Org, start: dt.date, end: dt.date, paths: dict[int, str] | None = None, today: dt.date | None = None
) -> tuple[int, int, list[tuple[Org, int, int]]]:
    """(present, listed) over the subtree, and per org below: the org's own meetings first, then each
    child with its subtree, in tree order. The totals are summed per meeting org in SQL and per
    child here (`paths`: org paths the caller already holds, by id)."""
    if today is not None and _whole_months(start, end, today):
        rows = (
            _tally(org, start, end)
            .values_list("org_id")
            .annotate(present=_month_sum("present", start, end), listed=_month_sum("listed", start, end))
        )
    else:
        rows = (
            Meeting.objects.filter(
                within_q(org, "org__path"), held_on__range=(start, end), listed_count__gt=0
            )
            .order_by()
            .values_list("org_id")
            .annotate(present=Sum("present_count"), listed=Sum("listed_count"))
        )
    per_org = {org_id: (present or 0, listed or 0) for org_id, present, listed in rows if listed}
    paths = dict(paths or {})
    unknown = [pk for pk in per_org if pk not in paths]
    for i in range(0, len(unknown), 500):
        paths.update(Org.objects.filter(pk__in=unknown[i : i + 500]).values_list("pk", "path"))
    child_len = len(org.path) + STEPLEN
    by_path: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for org_id, (present, listed) in per_org.items():
        total = by_path[paths[org_id][:child_len]]
        total[0] += present
        total[1] += listed
    orgs = {o.path: o for o in Org.objects.filter(path__in=list(by_path))}
    listing = [(orgs[path], *by_path[path]) for path in sorted(by_path) if path in orgs]
    return sum(p for p, _ in by_path.values()), sum(n for _, n in by_path.values()), listing


@dataclass(frozen=True)
class Term:
    """A current committee whose term is over or ending: the org and the end of the term."""

    org: Org
    term_ends_on: dt.date

    @property
    def org_id(self) -> int:
        return self.org.pk


def terms(orgs: dict[int, Org], org: Org, end: dt.date, cache) -> tuple[list[Term], list[Term]]:
    """The current committees of the subtree (`orgs`: its orgs by id) over or ending by `end`."""
    rows = (
        Committee.objects.filter(subtree_q(org.path, "org__path"), ended_on__isnull=True)
        .order_by("term_ends_on", "org__path")
        .values_list("org_id", "term_ends_on")
    )
    overdue, soon = [], []
    for org_id, ends in rows:
        holder = orgs.get(org_id)
        if holder is None:  # dissolved, or not an org that elects one
            continue
        months = int(cache.rules(holder)["R-TERM"].params.get("remind_months") or 6)
        if ends < end:
            overdue.append(Term(holder, ends))
        elif ends <= add_months(end, months):
            soon.append(Term(holder, ends))
    return overdue, soon


def org_life_figures(
    org: Org, start: dt.date, end: dt.date, today: dt.date, *, with_missing: bool = False
) -> OrgLifeFigures:
    """The figures of `org`'s subtree over [start, end]; the caller has checked the user's scope."""
    orgs = subtree_orgs(org)
    cache = reminders.RuleCache(today)
    present, listed, by_org = attendance(org, start, end, {o.pk: o.path for o in orgs}, today)
    overdue, soon = terms({o.pk: o for o in orgs}, org, end, cache)
    return OrgLifeFigures(
        org=org, start=start, end=end, meetings_by_kind=meetings_by_kind(org, start, end, today),
        cadences=cadence_figures(orgs, start, end, today, root=org, with_missing=with_missing, cache=cache),
        attendance_present=present,
        attendance_listed=listed, attendance_by_org=by_org, term_overdue=overdue, term_soon=soon,
    )  # fmt: skip


def missing_by_org(figure: CadenceFigure) -> dict[Org, list[str]]:
    out: dict[Org, list[str]] = defaultdict(list)
    for org, label in figure.missing:
        out[org].append(label)
    return out
