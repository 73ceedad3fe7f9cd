"""What is due (待办): computed from the step records, stored as DueItem rows.

`refresh()` recomputes everything (the daily task and `dangjian due refresh`); `refresh_cases()`
recomputes the items of a few cases and runs inside every step service, so lists stay current
between daily runs.

Other apps add items of their own kinds (branch life: meetings not yet held, 换届, branch size) by
registering a *source*: `fn(today, org_ids) -> list[DueItem]` for the given orgs (None: all).
`refresh()` runs every source; `refresh_orgs()` reruns one source for a few orgs after a write.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.utils import timezone

from dangjian.development.models import Case, CaseStatus, DueItem, DueKind, DueStatus, RecordKind, StepRecord
from dangjian.orgs.models import BRANCH_KINDS, Org
from dangjian.workcal.calendar import add_months, add_years

WINDOW_DAYS = 30  # "near": within a month
Source = Callable[[dt.date, "set[int] | None"], "list[DueItem]"]
_sources: dict[str, tuple[tuple[str, ...], Source]] = {}


def register_source(name: str, kinds: Iterable[str], fn: Source) -> None:
    """Add the items of `kinds` computed by `fn` to the due list (ready() may run it twice)."""
    _sources[name] = (tuple(kinds), fn)


_deferred: ContextVar[bool] = ContextVar("dangjian_due_deferred", default=False)


@contextmanager
def deferred(today: dt.date | None = None):
    """Skip the per-write refreshes inside, and refresh everything once at the end (a bulk load that
    writes every org and case: the demo). Nothing is refreshed if the body raises."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh(today)


def refresh_orgs(name: str, org_ids: Iterable[int], today: dt.date | None = None) -> None:
    """Recompute one source's items for a few orgs (inside the write that changed them)."""
    if _deferred.get():
        return
    kinds, fn = _sources[name]
    ids = set(org_ids)
    today = today or timezone.localdate()
    DueItem.objects.filter(kind__in=kinds, org_id__in=ids).delete()
    DueItem.objects.bulk_create(fn(today, ids), batch_size=2000)


STEPS_READ = (1, 2, 3, 6, 7, 15, 17, 23, 24, 25)


def _status(due: dt.date, today: dt.date) -> str | None:
    """已逾期 or 即将到期 (within WINDOW_DAYS); None further off (a task then is 待办理, PENDING)."""
    if due < today:
        return DueStatus.OVERDUE
    if due <= today + dt.timedelta(days=WINDOW_DAYS):
        return DueStatus.SOON
    return None


def items_for_case(case: Case, steps: dict[int, list[tuple[dt.date, dict]]], today: dt.date) -> list[DueItem]:
    def first(n):
        return steps[n][0][0] if n in steps else None

    name = case.person.name
    out: list[DueItem] = []

    def add(kind, due, status, message):
        out.append(
            DueItem(org_id=case.org_id, case=case, kind=kind, status=status, due_on=due, message=message)
        )

    if case.status == CaseStatus.OPEN:
        applied, activist = first(1), first(3)
        if applied and 2 not in steps:
            due = add_months(applied, 1)
            add(
                DueKind.TALK,
                due,
                _status(due, today) or DueStatus.PENDING,
                f"{name}：递交申请后一个月内谈话（{due:%Y-%m-%d}前）",
            )
        if activist and 7 not in steps:
            last = max([activist, *(d for d, _ in steps.get(6, []))])
            due = add_months(last, 6)
            if status := _status(due, today):
                add(DueKind.ASSESSMENT, due, status, f"{name}：入党积极分子半年考察（{due:%Y-%m-%d}前）")
            ready = add_years(activist, 1)
            if ready <= today + dt.timedelta(days=WINDOW_DAYS):
                add(DueKind.CULTIVATION, ready, DueStatus.READY,
                    f"{name}：培养期{'已' if ready <= today else '将'}满一年（{ready:%Y-%m-%d}），可讨论确定为发展对象")  # fmt: skip
        meeting = first(15)
        if meeting and 17 not in steps:
            due = add_months(meeting, 3)
            if status := _status(due, today):
                add(
                    DueKind.APPROVAL,
                    due,
                    status,
                    f"{name}：支部大会（{meeting:%Y-%m-%d}）后三个月内审批（{due:%Y-%m-%d}前）",
                )
        if meeting and 17 in steps:
            conversions = steps.get(23, [])
            decided = [data for _, data in conversions if data.get("result") != "延长预备期"]
            extension = [data for _, data in conversions if data.get("result") == "延长预备期"]
            if not decided:
                end = add_years(meeting, 1)
                if extension:
                    end = add_months(end, int(extension[-1].get("extension_months") or 0))
                if status := _status(end, today):
                    add(
                        DueKind.PROBATION_END,
                        end,
                        status,
                        f"{name}：预备期{'已' if end < today else '将'}满（{end:%Y-%m-%d}），讨论转正",
                    )
            elif 24 not in steps:
                held = max(d for d, data in conversions if data.get("result") != "延长预备期")
                due = add_months(held, 3)
                add(DueKind.CONVERSION_APPROVAL, due, _status(due, today) or DueStatus.PENDING,
                    f"{name}：转正支部大会（{held:%Y-%m-%d}）后三个月内审批（{due:%Y-%m-%d}前）")  # fmt: skip
    if case.status in (CaseStatus.CONVERTED, CaseStatus.DISQUALIFIED) and 25 not in steps and 24 in steps:
        due = first(24) + dt.timedelta(days=30)
        add(
            DueKind.ARCHIVE,
            due,
            _status(due, today) or DueStatus.PENDING,
            f"{name}：材料归档（{due:%Y-%m-%d}前）",
        )
    return out


def _steps_by_case(case_ids: Iterable[int]) -> dict[int, dict[int, list[tuple[dt.date, dict]]]]:
    out: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    ids = list(case_ids)
    for start in range(0, len(ids), 900):
        rows = (
            StepRecord.objects.filter(
                case_id__in=ids[start : start + 900], is_current=True, step__in=STEPS_READ
            )
            .order_by("on", "id")
            .values_list("case_id", "step", "on", "data")
        )
        for case_id, step, on, data in rows:
            out[case_id][step].append((on, data))
    return out


def _case_items(cases: list[Case], today: dt.date) -> list[DueItem]:
    steps = _steps_by_case(c.pk for c in cases)
    items: list[DueItem] = []
    for case in cases:
        items.extend(items_for_case(case, steps.get(case.pk, {}), today))
    return items


def inactive_branches(today: dt.date) -> list[DueItem]:
    since = today - dt.timedelta(days=365)
    recorded = StepRecord.objects.filter(on__gte=since, kind=RecordKind.RECORD)  # a return is no activity
    active = set(recorded.values_list("case__org_id", flat=True).distinct())
    branches = Org.objects.filter(kind__in=BRANCH_KINDS, dissolved_on__isnull=True).exclude(
        kind="temp_branch"
    )
    return [
        DueItem(
            org_id=pk,
            kind=DueKind.INACTIVE_BRANCH,
            status=DueStatus.SOON,
            due_on=today,
            message=f"{name}：一年内没有发展党员工作记录",
        )
        for pk, name in branches.values_list("pk", "name")
        if pk not in active
    ]


@transaction.atomic
def refresh(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    cases = list(
        Case.objects.filter(status__in=[CaseStatus.OPEN, CaseStatus.CONVERTED, CaseStatus.DISQUALIFIED])
        .exclude(last_step=25)
        .select_related("person")
    )
    items = _case_items(cases, today) + inactive_branches(today)
    for _kinds, fn in _sources.values():
        items += fn(today, None)
    DueItem.objects.all().delete()
    DueItem.objects.bulk_create(items, batch_size=2000)
    return len(items)


def refresh_cases(case_ids: Iterable[int], today: dt.date | None = None) -> None:
    if _deferred.get():
        return
    today = today or timezone.localdate()
    ids = list(case_ids)
    cases = list(Case.objects.filter(pk__in=ids).select_related("person"))
    DueItem.objects.filter(case_id__in=ids).delete()
    DueItem.objects.bulk_create(_case_items(cases, today))
    orgs = {c.org_id for c in cases}
    DueItem.objects.filter(kind=DueKind.INACTIVE_BRANCH, org_id__in=orgs).delete()
