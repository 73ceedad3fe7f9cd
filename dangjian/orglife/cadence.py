"""The cadences of branch life (RULES.md §7.1) as data, and the periods they run in.

Each cadence names the meeting kind it asks for, the rule (in the rule set, so a 组织部 may change
the period locally) and the orgs it applies to. A period of `months` months is aligned to the
calendar year: 1 → the month, 3 → the quarter, 12 → the year. A meeting counts for a cadence when
its kind, or one of the purposes it also served, is the cadence's kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dangjian.meetings.models import MeetingKind
from dangjian.workcal.calendar import add_months


@dataclass(frozen=True)
class Cadence:
    key: str
    rule_id: str
    kind: str
    applies_to: str  # "branch" or "group"
    label: object
    secretary_lecture: bool = False  # counts only a 党课 given by the secretary


K = MeetingKind
CADENCES: tuple[Cadence, ...] = (
    Cadence("general", "R-LIFE-GENERAL", K.BRANCH_GENERAL, "branch", _("支部党员大会")),
    Cadence("committee", "R-LIFE-COMMITTEE", K.BRANCH_COMMITTEE, "branch", _("支部委员会会议")),
    Cadence("themed", "R-LIFE-THEMED", K.THEMED_DAY, "branch", _("主题党日")),
    Cadence("lecture", "R-LIFE-LECTURE", K.PARTY_LECTURE, "branch", _("党课")),
    Cadence("secretary_lecture", "R-LIFE-LECTURE", K.PARTY_LECTURE, "branch", _("书记讲党课"), True),
    Cadence("life", "R-LIFE-MEETING", K.LIFE_MEETING, "branch", _("组织生活会")),
    Cadence("group", "R-LIFE-GROUP", K.PARTY_GROUP, "group", _("党小组会")),
)
CADENCE_BY_KEY = {c.key: c for c in CADENCES}


def period_months(cadence: Cadence, params: dict) -> int:
    if cadence.secretary_lecture:
        per_year = int(params.get("secretary_per_year") or 0)
        return 12 if per_year else 0
    return max(0, min(12, int(params.get("months") or 0)))


def period_of(day: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The calendar-aligned period of `months` months containing `day`: (first day, last day)."""
    index = (day.month - 1) // months
    start = dt.date(day.year, index * months + 1, 1)
    end = add_months(start, months) - dt.timedelta(days=1)
    return start, min(end, dt.date(day.year, 12, 31))


def periods_in(start: dt.date, end: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """Every period that ends within [start, end], in order (the periods a figure is judged over)."""
    out = []
    first, last = period_of(start, months)
    while first <= end:
        if last <= end:
            out.append((first, last))
        first = last + dt.timedelta(days=1)
        first, last = period_of(first, months)
    return out


def period_label(start: dt.date, months: int) -> str:
    if months == 1:
        return f"{start.year}年{start.month}月"
    if months == 3:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if months == 12:
        return f"{start.year}年"
    return f"{start:%Y-%m-%d}起{months}个月"
