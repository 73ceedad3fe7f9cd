"""Demo transfers (组织关系转接) in every state across counties, through the services.

From the demo secretary's town (the first county) to branches of the second county, and a few the
other way, so the 支部书记, the 党委组织员 and the 组织部 see transfers out, in, waiting for review,
waiting for receipt (one past its letter's validity), received, returned and cancelled."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from dangjian.orgs.models import Org, OrgKind, UnitType
from dangjian.people.models import Person, Reduction
from dangjian.transfers import services
from dangjian.transfers.models import Reason

# (days ago submitted, days to the review, days to the end or None, how it ends)
OUT_PLAN = (
    (6, None, None, "submitted"),
    (20, 3, None, "pending"),
    (150, 5, None, "pending"),  # letter past its validity: overdue on both sides
    (90, 4, 12, "received"),
    (60, 2, 9, "received"),
    (40, 3, 6, "returned"),
    (30, None, 2, "cancelled"),
)
IN_PLAN = ((12, 2, None, "pending"), (70, 3, 10, "received"), (8, None, None, "submitted"))


def _members(org: Org, n: int) -> list[Person]:
    return list(
        Person.objects.filter(
            org__path__startswith=org.path, standing__in=("full", "probationary"), reduction="",
            case__isnull=True,
        ).order_by("id")[:n]
    )  # fmt: skip


def _run(person: Person, to_org: Org, plan: tuple, rng: random.Random, today: dt.date) -> None:
    ago, review, end, state = plan
    submitted = today - dt.timedelta(days=ago)
    reason = rng.choice(Reason.values)
    t = services.transfer_submit(actor=None, person=person, to_org=to_org, reason=reason, on=submitted)
    if state == "cancelled":
        services.transfer_cancel(
            actor=None, transfer=t, reason="本人工作调动取消", on=submitted + dt.timedelta(days=end)
        )
        return
    if state == "submitted":
        return
    issued = submitted + dt.timedelta(days=review)
    t = services.transfer_approve(actor=None, transfer=t, on=issued)
    if state == "received":
        services.transfer_receive(actor=None, transfer=t, on=issued + dt.timedelta(days=end))
    elif state == "returned":
        services.transfer_return(
            actor=None, transfer=t, reason="介绍信所列接收单位有误，请核实后重新办理",
            on=issued + dt.timedelta(days=end),
        )  # fmt: skip


def load_transfers_demo(rng: random.Random, today: dt.date, *, log: Callable[[str], None] = print) -> int:
    counties = list(Org.objects.filter(depth=2).order_by("path")[:2])
    town = (
        Org.objects.filter(depth=3, has_approval_authority=True, kind=OrgKind.COMMITTEE)
        .order_by("path")
        .first()
    )
    if len(counties) < 2 or town is None:
        return 0
    there = list(
        Org.objects.filter(
            path__startswith=counties[1].path, kind=OrgKind.BRANCH, dissolved_on__isnull=True
        ).order_by("path")[:20]
    )
    below = Org.objects.filter(path__startswith=town.path, kind=OrgKind.BRANCH, dissolved_on__isnull=True)
    # The demo 支部书记's branch (shell/demo/load.py: the town's first village branch) comes first.
    here = list(below.filter(unit_type=UnitType.VILLAGE).order_by("path")[:1]) + list(
        below.order_by("path")[:5]
    )
    if not there or not here:
        return 0
    done = 0
    for person, plan in zip(_members(here[0], len(OUT_PLAN)), OUT_PLAN, strict=False):
        _run(person, rng.choice(there), plan, rng, today)
        done += 1
    for person, plan in zip(_members(there[-1], len(IN_PLAN)), IN_PLAN, strict=False):
        _run(person, rng.choice(here), plan, rng, today)
        done += 1
    # To and from outside the system: a letter waiting for its 回执, one whose 回执 came back (the member
    # reduced as 转出), and a member once transferred out to another province received back (the old
    # file reactivated).
    outside = _members(here[0], len(OUT_PLAN) + 2)[len(OUT_PLAN) :]
    for person, ends in zip(outside, (False, True), strict=False):
        submitted = today - dt.timedelta(days=45 if ends else 10)
        t = services.transfer_submit(
            actor=None,
            person=person,
            to_outside="中共成都市武侯区某街道工作委员会",
            reason="residence",
            on=submitted,
        )
        t = services.transfer_approve(actor=None, transfer=t, on=submitted + dt.timedelta(days=2))
        if ends:
            services.transfer_record_receipt(
                actor=None, transfer=t, on=submitted + dt.timedelta(days=20), note="回执已收回"
            )
        done += 1
    gone = (
        Person.objects.filter(
            reduction=Reduction.TRANSFERRED_OUT, reduced_on__lt=today - dt.timedelta(days=30)
        )
        .exclude(transfers__isnull=False)
        .order_by("id")
        .first()
    )
    if gone is not None:
        services.transfer_receive_from_outside(
            actor=None, org=here[0], from_outside="中共重庆市渝北区某镇委员会", letter_no="渝北组转〔2026〕31号",
            reason="work", id_number=gone.id_number, on=today - dt.timedelta(days=3),
        )  # fmt: skip
        done += 1
    log(f"已办理 {done} 件组织关系转接。")
    return done
