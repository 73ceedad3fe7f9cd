import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from dangjian.conftest import make_person
from dangjian.development import due
from dangjian.development.models import DueItem, DueKind, DueStatus
from dangjian.development.selectors import due_for
from dangjian.development.services import case_open, step_record

D = dt.date


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def new_case(world, name, applied):
    person = make_person(world.branch_a1_1, name=name, standing="applicant", applied_on=applied)
    case = case_open(actor=world.secretary, person=person)
    step_record(actor=world.secretary, case=case, step=1, on=applied)
    return case


def kinds(case):
    return {(i.kind, i.status) for i in DueItem.objects.filter(case=case)}


def test_talk_due_within_a_month_then_overdue(world, frozen):
    case = new_case(world, "张申请", D(2026, 11, 1))
    assert kinds(case) == {(DueKind.TALK, DueStatus.SOON)}
    item = DueItem.objects.get(case=case)
    assert item.due_on == D(2026, 12, 1)
    frozen.move_to(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC))
    due.refresh()
    assert kinds(case) == {(DueKind.TALK, DueStatus.OVERDUE)}
    step_record(
        actor=world.secretary, case=case, step=2, on=D(2026, 12, 2), acknowledge=["R-TALK"], note="外出"
    )
    assert kinds(case) == set()  # recording the step clears it at once


def test_activist_half_year_and_one_year(world, frozen):
    case = new_case(world, "李积极", D(2025, 9, 1))
    step_record(actor=world.secretary, case=case, step=2, on=D(2025, 9, 10))
    step_record(actor=world.secretary, case=case, step=3, on=D(2025, 11, 25))
    found = kinds(case)
    assert (DueKind.CULTIVATION, DueStatus.READY) in found  # 2026-11-25 is within 30 days
    assert (DueKind.ASSESSMENT, DueStatus.OVERDUE) in found  # no assessment since 2025-11-25
    step_record(
        actor=world.secretary, case=case, step=6, on=D(2026, 6, 1), acknowledge=["R-ASSESS"], note="外出"
    )
    assert (DueKind.ASSESSMENT, DueStatus.OVERDUE) not in kinds(case)


def test_inactive_branches_and_scope(world, frozen):
    new_case(world, "王新", D(2026, 10, 1))
    due.refresh()
    inactive = set(DueItem.objects.filter(kind=DueKind.INACTIVE_BRANCH).values_list("org__code", flat=True))
    assert "BR-A1-1" not in inactive and {"BR-A1-2", "BR-B-1"} <= inactive
    secretary_items = list(due_for(world.secretary))
    # The branch and its party group (whose 党小组会 is due too), nothing outside the branch.
    assert {i.org.code for i in secretary_items} == {"BR-A1-1", "GRP-A1-1-1"}
    assert list(due_for(world.outsider)) == []
    assert {"BR-B-1"} <= {i.org.code for i in due_for(world.admin, world.county_b)}


def test_refresh_command_and_enqueued_task(world, frozen, capsys):
    new_case(world, "赵新", D(2026, 11, 1))
    DueItem.objects.all().delete()
    call_command("due", "refresh")
    assert "待办事项已更新" in capsys.readouterr().out
    assert DueItem.objects.filter(kind=DueKind.TALK).count() == 1
    DueItem.objects.all().delete()
    call_command("due", "refresh", "--enqueue")
    assert DueItem.objects.count() == 0  # queued, not yet run
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("refresh_due_list")
    if connection.vendor == "sqlite":
        call_command("db_worker", "--batch", "--no-startup-delay")
    else:  # the worker closes its connections between tasks, which would close the test's transaction
        queued.task.call()
    assert DueItem.objects.filter(kind=DueKind.TALK).count() == 1


def test_a_task_more_than_a_month_off_is_pending_not_soon(world, frozen, client_as):
    """转正审批 three months after the meeting: 待办理 until its last month, then 即将到期."""
    case = new_case(world, "远期甲", D(2026, 11, 1))
    item = DueItem.objects.get(case=case)
    DueItem.objects.filter(pk=item.pk).update(due_on=D(2027, 2, 17), status=due._status(D(2027, 2, 17), D(2026, 11, 20)) or DueStatus.PENDING)  # fmt: skip
    assert DueItem.objects.get(pk=item.pk).status == DueStatus.PENDING
    assert due._status(D(2026, 12, 20), D(2026, 11, 20)) == DueStatus.SOON  # 30 days: near
    assert due._status(D(2026, 12, 21), D(2026, 11, 20)) is None  # 31 days: a task, not yet near
    page = client_as(world.secretary).get("/development/due/").content.decode()
    assert "待办理" in page and 'text-bg-light border">待办理' in page


def test_the_conversion_approval_is_pending_until_its_last_month(world, frozen):
    items = (
        due.items_for_case.__wrapped__ if hasattr(due.items_for_case, "__wrapped__") else due.items_for_case
    )
    case = new_case(world, "远期乙", D(2025, 1, 6))
    steps = {1: [(D(2025, 1, 6), {})], 15: [(D(2025, 10, 1), {})], 17: [(D(2025, 10, 20), {})],
             23: [(D(2026, 11, 17), {"result": "按期转正"})]}  # fmt: skip
    [approval] = [i for i in items(case, steps, D(2026, 11, 20)) if i.kind == DueKind.CONVERSION_APPROVAL]
    assert (approval.due_on, approval.status) == (D(2027, 2, 17), DueStatus.PENDING)
    [approval] = [i for i in items(case, steps, D(2027, 1, 20)) if i.kind == DueKind.CONVERSION_APPROVAL]
    assert approval.status == DueStatus.SOON


def test_a_deferred_load_refreshes_once_at_the_end(world, frozen):
    with due.deferred():
        case = new_case(world, "张申请", D(2026, 11, 1))
        assert not DueItem.objects.filter(case=case).exists()  # the write's own refresh waited
    assert kinds(case) == {(DueKind.TALK, DueStatus.SOON)}
    with pytest.raises(RuntimeError), due.deferred():
        later = new_case(world, "李申请", D(2026, 11, 2))
        raise RuntimeError("the load fails")
    assert not DueItem.objects.filter(case=later).exists()  # nothing refreshed after a failure
    step_record(actor=world.secretary, case=case, step=2, on=D(2026, 11, 20))
    assert kinds(case) == set()  # outside, each write refreshes again
