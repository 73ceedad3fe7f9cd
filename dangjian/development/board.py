"""Reads for the 发展党员 board: the open cases of an org's subtree, filtered by stage and by what is
due, counted per stage over the filtered set, a page at a time.

A city has thousands of open cases: the overview shows the first cards of each stage column (with
the stage's count and a link to the rest), a chosen stage is a paged list. Every read is a bounded
number of queries, whatever the number of cases.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from dangjian.development.models import CASE_STAGE_CHOICES, Case, CaseStatus, DueItem, DueStatus
from dangjian.development.selectors import cases_for
from dangjian.orgs.models import Org

BOARD_STAGES = CASE_STAGE_CHOICES[:5]  # 申请入党 … 预备期 (已转正 is not on the board)
COLUMN_CARDS = 20  # cards per stage column in the overview
PAGE_CARDS = 100  # cards per page when one stage is chosen

OVERDUE, WEEK, MONTH, NONE = "overdue", "week", "month", "none"
DUE_FILTERS = {OVERDUE: "已逾期", WEEK: "本周到期", MONTH: "本月到期", NONE: "近期无到期事项"}


@dataclass(frozen=True)
class DueWindow:
    today: dt.date
    week_end: dt.date  # the Sunday of this week
    month_end: dt.date

    @classmethod
    def on(cls, today: dt.date) -> DueWindow:
        week_end = today + dt.timedelta(days=6 - today.weekday())
        month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        return cls(today, week_end, month_end)


def _deadlines() -> QuerySet[DueItem]:
    """The case's deadlines: what is due by a date (a 可以办理 item is an opportunity, not a deadline)."""
    return DueItem.objects.filter(case=OuterRef("pk")).exclude(status=DueStatus.READY)


def due_q(due: str, window: DueWindow) -> Q:
    """Cases with an overdue deadline, one falling due this week / this month, or none till month end."""
    items = _deadlines()
    if due == OVERDUE:
        return Q(Exists(items.filter(due_on__lt=window.today)))
    if due == WEEK:
        return Q(Exists(items.filter(due_on__gte=window.today, due_on__lte=window.week_end)))
    if due == MONTH:
        return Q(Exists(items.filter(due_on__gte=window.today, due_on__lte=window.month_end)))
    if due == NONE:
        return ~Q(Exists(items.filter(due_on__lte=window.month_end)))
    return Q()


def board_cases(user, org: Org, *, due: str = "", today: dt.date) -> QuerySet[Case]:
    """Open cases of `org`'s subtree in the user's scope, on the board's stages, under the due filter."""
    qs = cases_for(user, org).filter(status=CaseStatus.OPEN, stage__lte=len(BOARD_STAGES))
    if due in DUE_FILTERS:
        qs = qs.filter(due_q(due, DueWindow.on(today)))
    return qs


def stage_counts(cases: QuerySet[Case]) -> dict[int, int]:
    """{stage: open cases} over the filtered set, in one query."""
    counts = dict(cases.order_by().values_list("stage").annotate(n=Count("id")))
    return {value: counts.get(value, 0) for value, _label in BOARD_STAGES}


def ordered(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("person", "org").order_by("stage", "person__name_sort_key", "id")


def next_deadlines(case_ids: list[int], today: dt.date) -> dict[int, tuple[str, DueItem]]:
    """For the cards shown: {case id: (overdue / week / month, the earliest deadline)}, one query."""
    window = DueWindow.on(today)
    items = (
        DueItem.objects.filter(case_id__in=case_ids, due_on__lte=window.month_end)
        .exclude(status=DueStatus.READY)
        .order_by("due_on", "id")
    )
    out: dict[int, tuple[str, DueItem]] = {}
    for item in items:
        if item.case_id in out:
            continue
        if item.due_on < today:
            out[item.case_id] = (OVERDUE, item)
        elif item.due_on <= window.week_end:
            out[item.case_id] = (WEEK, item)
        else:
            out[item.case_id] = (MONTH, item)
    return out
