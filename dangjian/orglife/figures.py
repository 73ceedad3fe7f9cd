"""Organization-life figures for any subtree and period, each with the records behind it.

One definition each:
- 会议次数 by kind: meetings held in the period whose kind, or one of whose purposes, is that kind.
- 按期开展 of a cadence: of the (org, period) pairs the cadence asks for — every org it applies to
  (today's size decides whether a branch needs a 支委会), every period of it that ends within the
  chosen dates, and the period still running if its meeting is already held — those with such a
  meeting. The pairs without one are the drill-down (a period still running is never missing).
- 到会率 of an org: present / listed on the attendance lists taken in the period; per org, never
  per person.
- 换届: current committees whose term ended by the end date (逾期) or ends within the reminder
  months after it (即将届满).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from dangjian.meetings.models import Attendance, Meeting, MeetingPurpose
from dangjian.orglife import reminders
from dangjian.orglife.cadence import CADENCES, Cadence, period_label, period_of, periods_in
from dangjian.orglife.models import Committee
from dangjian.orgs.models import Org, subtree_q
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
    term_overdue: list[Committee]
    term_soon: list[Committee]

    @property
    def attendance_rate(self) -> float | None:
        if not self.attendance_listed:
            return None
        return round(100 * self.attendance_present / self.attendance_listed, 1)


def _subtree_orgs(org: Org) -> list[Org]:
    ids = Org.objects.filter(subtree_q(org.path, "path")).values_list("pk", flat=True)
    return reminders.life_orgs(set(ids))


def meetings_by_kind(org: Org, start: dt.date, end: dt.date) -> dict[str, int]:
    meetings = Meeting.objects.filter(subtree_q(org.path, "org__path"), held_on__range=(start, end))
    counts = Counter(dict(meetings.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")))
    purposes = MeetingPurpose.objects.filter(meeting__in=meetings.values("pk"))
    counts.update(dict(purposes.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")))
    return dict(counts)


def cadence_figures(orgs: list[Org], start: dt.date, end: dt.date, today: dt.date) -> list[CadenceFigure]:
    ids = [o.pk for o in orgs]
    held = reminders.held_dates(ids, start, end)
    counts = reminders.member_counts(ids)
    cache = reminders.RuleCache(today)
    out = []
    for cadence in CADENCES:
        figure = CadenceFigure(cadence)
        for org in orgs:
            full, members = counts.get(org.pk, (0, 0))
            months = reminders.applies(cadence, org, reminders.OrgFacts(org, full, members), cache.rules(org))
            if not months:
                continue
            first = max(start, org.founded_on) if org.founded_on else start
            periods = periods_in(first, end, months)
            done = held.get((org.pk, cadence.kind), [])
            for s, e in periods:
                figure.expected += 1
                if reminders.was_held(done, cadence, s, e):
                    figure.held += 1
                else:
                    figure.missing.append((org, period_label(s, months)))
            s, e = period_of(end, months)
            if e > end and reminders.was_held(done, cadence, s, end):  # not over, but already held
                figure.expected += 1
                figure.held += 1
        out.append(figure)
    return out


def attendance(org: Org, start: dt.date, end: dt.date) -> tuple[int, int, list[tuple[Org, int, int]]]:
    rows = (
        Attendance.objects.filter(
            subtree_q(org.path, "meeting__org__path"), meeting__held_on__range=(start, end)
        )
        .values("meeting__org_id")
        .annotate(listed=Count("id"), present=Count("id", filter=Q(status="present")))
    )
    by_org = {r["meeting__org_id"]: (r["present"], r["listed"]) for r in rows}
    orgs = {o.pk: o for o in Org.objects.filter(pk__in=by_org).order_by("path")}
    listing = [(orgs[pk], *by_org[pk]) for pk in sorted(by_org, key=lambda pk: orgs[pk].path)]
    return sum(p for p, _ in by_org.values()), sum(n for _, n in by_org.values()), listing


def terms(org: Org, end: dt.date, today: dt.date) -> tuple[list[Committee], list[Committee]]:
    current = list(
        Committee.objects.filter(
            subtree_q(org.path, "org__path"), ended_on__isnull=True, org__dissolved_on=None
        )
        .select_related("org")
        .order_by("term_ends_on", "org__path")
    )
    cache = reminders.RuleCache(today)
    overdue, soon = [], []
    for committee in current:
        months = int(cache.rules(committee.org)["R-TERM"].params.get("remind_months") or 6)
        if committee.term_ends_on < end:
            overdue.append(committee)
        elif committee.term_ends_on <= add_months(end, months):
            soon.append(committee)
    return overdue, soon


def org_life_figures(org: Org, start: dt.date, end: dt.date, today: dt.date) -> OrgLifeFigures:
    """The figures of `org`'s subtree over [start, end]; the caller has checked the user's scope."""
    orgs = _subtree_orgs(org)
    present, listed, by_org = attendance(org, start, end)
    overdue, soon = terms(org, end, today)
    return OrgLifeFigures(
        org=org, start=start, end=end, meetings_by_kind=meetings_by_kind(org, start, end),
        cadences=cadence_figures(orgs, start, end, today), attendance_present=present, attendance_listed=listed,
        attendance_by_org=by_org, term_overdue=overdue, term_soon=soon,
    )  # fmt: skip


def missing_by_org(figure: CadenceFigure) -> dict[Org, list[str]]:
    out: dict[Org, list[str]] = defaultdict(list)
    for org, label in figure.missing:
        out[org].append(label)
    return out
