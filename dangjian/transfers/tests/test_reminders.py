"""Transfers on the due list (待办) of both sides: the reviewer's review, the receiver's letter,
the sender's overdue letter; gone once received."""

from __future__ import annotations

import datetime as dt

import time_machine

from dangjian.development import due
from dangjian.development.models import DueItem, DueKind, DueStatus
from dangjian.transfers import services


def _items():
    return sorted(
        (i.org.code, i.status, i.message.split("：")[1][:7])
        for i in DueItem.objects.filter(kind=DueKind.TRANSFER).select_related("org")
    )


def test_each_side_is_reminded_until_the_member_is_received(world, receiver):
    start = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        t = services.transfer_submit(actor=world.secretary, person=world.people["in_branch"],
                                     to_org=world.branch_b_1, reason="work")  # fmt: skip
        assert _items() == [("TOWN-A1", DueStatus.READY, "组织关系转往乙")]
        t = services.transfer_approve(actor=world.organizer, transfer=t)
        assert _items() == [
            ("BR-B-1", DueStatus.READY, "组织关系待接收")
        ]  # the sender is responsible, not late
    with time_machine.travel(t.valid_until - dt.timedelta(days=3), tick=False):
        due.refresh()
        assert _items() == [("BR-B-1", DueStatus.SOON, "组织关系待接收")]
    with time_machine.travel(t.valid_until + dt.timedelta(days=1), tick=False):
        due.refresh()
        assert _items() == [("BR-A1-1", DueStatus.OVERDUE, "转往乙县医院第"),
                            ("BR-B-1", DueStatus.OVERDUE, "组织关系待接收")]  # fmt: skip
        services.transfer_receive(actor=receiver, transfer=t)
        assert _items() == []
