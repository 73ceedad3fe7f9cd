"""Transfers many at once (批量转接): all or nothing, every refused person named."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import actor_fields, record_changes
from dangjian.orgs.models import Org
from dangjian.people.models import Person
from dangjian.people.services import people_move
from dangjian.transfers import reminders
from dangjian.transfers.models import EventKind, Status, Transfer, TransferEvent
from dangjian.transfers.services.single import _day, transfer_submit, validity_days


def _record_batch(actor, locked: list[Transfer], kind: str, old: str, on: dt.date) -> None:
    """One batch transition's rows (events and change log, in bulk) and the due lists of its orgs."""
    TransferEvent.objects.bulk_create(
        [
            TransferEvent(transfer=t, kind=kind, from_status=old, to_status=t.status, on=on, note=t.letter_no,
                          **actor_fields(actor))
            for t in locked
        ],
        batch_size=500,
    )  # fmt: skip
    record_changes(
        records=[
            ChangeRecord(
                **actor_fields(actor), action=ChangeAction.UPDATE, object_type=Transfer._meta.label_lower,
                object_id=t.pk, object_repr=str(t)[:200], before={"状态": Status(old).label},
                after={"状态": t.get_status_display(), "介绍信编号": t.letter_no},
                message=f"组织关系转接：{EventKind(kind).label}（{t.letter_no}）",
            )
            for t in locked
        ]
    )  # fmt: skip
    _remind(locked)


def _remind(transfers: list[Transfer]) -> None:
    """The due-list items of every org the batch touched, recomputed once."""
    reminders.refresh_for(*transfers)


# ---- many at once: a whole group after a unit merger (批量转接) --------------------------------------
# All or nothing: each transfer goes through the single service (its checks, counts, change log) inside
# one transaction; if any is refused, none is written and the error names every refused person.


def _all_or_nothing(items, label, run) -> list:
    done, problems = [], []
    for item in items:
        try:
            with transaction.atomic():
                done.append(run(item))
        except ValidationError as exc:
            problems.append(f"{label(item)}：{'；'.join(exc.messages)}")
    if problems:
        raise ValidationError(problems)
    return done


@transaction.atomic
def transfers_submit_many(
    *, actor, people: list[Person], to_org: Org, reason: str, note: str = "", on: dt.date | None = None
) -> list[Transfer]:
    if not people:
        raise ValidationError("请选择要转出的人员。")
    return _all_or_nothing(
        people, lambda p: p.name,
        lambda p: transfer_submit(actor=actor, person=p, to_org=to_org, reason=reason, note=note, on=on),
    )  # fmt: skip


@transaction.atomic
def transfers_approve_many(*, actor, transfers: list[Transfer], on: dt.date | None = None) -> list[Transfer]:
    """批量审核: the single review's checks for each, then one batch write (letter numbers in turn per
    committee, the validity looked up once per committee, rows, events and change log in bulk)."""
    if not transfers:
        raise ValidationError("请选择要审核的转接。")
    locked = list(
        Transfer.objects.select_for_update(of=("self",))
        .select_related("person", "from_org", "to_org", "reviewer")
        .filter(pk__in=[t.pk for t in transfers])
        .order_by("pk")
    )
    on = _day(on, "issued_on")
    problems = []
    for t in locked:
        if actor is not None and not scope.can(actor, Action.CHANGE_PERSON, t.reviewer):
            raise PermissionDenied(f"只有审核党委（{t.reviewer.name}）可以审核该转接并开具介绍信。")
        if t.status != Status.SUBMITTED:
            problems.append(f"{t.person.name}：该转接{t.get_status_display()}，不能审核。")
        elif on < t.submitted_on:
            problems.append(f"{t.person.name}：日期不能早于发起日期（{t.submitted_on:%Y-%m-%d}）。")
    if problems:
        raise ValidationError(problems[:50])
    reviewers = {t.reviewer_id: t.reviewer for t in locked}
    next_no: dict[int, int] = {}
    days: dict[int, int] = {}
    for pk, reviewer in sorted(reviewers.items()):
        Org.objects.select_for_update().filter(pk=pk).first()  # numbers of one committee in turn
        prefix = f"{reviewer.code}-{on.year}-"
        next_no[pk] = Transfer.objects.filter(reviewer_id=pk, letter_no__startswith=prefix).count() + 1
        days[pk] = validity_days(reviewer, on)
    now = timezone.now()
    for t in locked:
        t.letter_no = f"{t.reviewer.code}-{on.year}-{next_no[t.reviewer_id]:04d}"
        next_no[t.reviewer_id] += 1
        t.issued_on, t.valid_until = on, on + dt.timedelta(days=days[t.reviewer_id])
        t.status, t.updated_at = Status.PENDING, now
    Transfer.objects.bulk_update(
        locked, ["letter_no", "issued_on", "valid_until", "status", "updated_at"], batch_size=500
    )
    _record_batch(actor, locked, EventKind.APPROVE, Status.SUBMITTED, on)
    return locked


@transaction.atomic
def transfers_receive_many(*, actor, transfers: list[Transfer], on: dt.date | None = None) -> list[Transfer]:
    """批量接收: every transfer received, or none. The single receipt's checks, then one batch write:
    the files moved by people.services.people_move (counts once for the batch), the rows, the events
    and the change log in bulk."""
    if not transfers:
        raise ValidationError("请选择要接收的转接。")
    locked = list(
        Transfer.objects.select_for_update(of=("self",))
        .select_related("person", "from_org", "to_org", "reviewer")
        .filter(pk__in=[t.pk for t in transfers])
        .order_by("pk")
    )
    on = _day(on, "closed_on")
    problems = []
    for t in locked:
        if (
            actor is not None
            and t.to_org is not None
            and not scope.can(actor, Action.CHANGE_PERSON, t.to_org)
        ):
            raise PermissionDenied(f"您无权接收{t.person.name}的转接：接收党组织不在您的管理范围内。")
        if t.status != Status.PENDING:
            problems.append(f"{t.person.name}：该转接{t.get_status_display()}，不能接收。")
        elif t.is_outside:
            problems.append(f"{t.person.name}：转往系统外的转接由转出方登记回执。")
        elif on < t.issued_on:
            problems.append(f"{t.person.name}：日期不能早于介绍信开具日期（{t.issued_on:%Y-%m-%d}）。")
    if problems:
        raise ValidationError(problems[:50])
    now = timezone.now()
    for t in locked:
        t.status, t.closed_on, t.updated_at = Status.RECEIVED, on, now
    Transfer.objects.bulk_update(locked, ["status", "closed_on", "updated_at"], batch_size=500)
    people_move(
        actor=actor,
        plans=[
            (t.person, t.to_org, f"组织关系转接：{t.from_name} → {t.to_name}（介绍信{t.letter_no}）")
            for t in locked
        ],
    )
    _record_batch(actor, locked, EventKind.RECEIVE, Status.PENDING, on)
    return locked
