"""Every write to a transfer (组织关系转接). Keyword-only, validated, in a transaction, recorded.

Who does what (RULES.md §7.3, 《中国共产党党员教育管理工作条例》2019):
- 发起: whoever may change the member's file at the sending org (支部书记, 组织员, 管理员).
- 审核 and the letter: the 基层党委 with authority to approve 预备党员 above the sending org (or the
  sending org itself when it is one): "具有审批预备党员权限的基层党委可以在全国范围内直接转出和接收党员组织关系".
  A 党支部 or 党总支 never reviews. `reviewer_for` finds it; its 组织员 or a 组织部管理员 above reviews.
- 接收 / 退回 at receipt: whoever may change files at the receiving org.
- 撤销: the sending side, while the transfer is open.
Until receipt the member stays on the sending org's roll (转出中) and the sender stays responsible;
at receipt `people.services.person_move` moves the one file, the counts and the development case.

Lock order: the transfer's row, then the person's (inside person_move), then the count rows.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import actor_fields, record_change
from dangjian.development.services import rule_in_force
from dangjian.orgs.models import BRANCH_KINDS, COMMITTEE_KINDS, Org, OrgKind
from dangjian.people.models import Person, Reduction, Standing
from dangjian.people.services import person_create, person_move, person_reactivate, person_reduce
from dangjian.transfers import reminders
from dangjian.transfers.models import EventKind, Reason, Status, Transfer, TransferEvent

VALIDITY_RULE = "R-TRANSFER-VALIDITY"
DEFAULT_VALIDITY_DAYS = 90
# Where a member's relationship can be received: a branch (联合党支部 included) or a 党总支 holding members.
RECEIVING_KINDS = frozenset({*BRANCH_KINDS, OrgKind.GENERAL_BRANCH}) - {OrgKind.TEMP_BRANCH}
REASON_MAX = 300


def reviewer_for(org: Org) -> Org | None:
    """The org that reviews a transfer out of `org` and issues the letter: the nearest org at or above
    it that is a 党委 (not temporary) with approval authority."""
    paths = [org.path[:i] for i in range(Org.steplen, len(org.path) + 1, Org.steplen)]
    candidates = Org.objects.filter(
        path__in=paths, has_approval_authority=True, kind__in=COMMITTEE_KINDS - {OrgKind.TEMP_COMMITTEE}
    ).order_by("-depth")
    return candidates.first()


def validity_days(reviewer: Org, on: dt.date) -> int:
    rule = rule_in_force(reviewer, VALIDITY_RULE, on)
    try:
        days = int(rule.params.get("days", DEFAULT_VALIDITY_DAYS))
    except (TypeError, ValueError):
        days = DEFAULT_VALIDITY_DAYS
    return max(days, 1)


def _day(on: dt.date | None, field: str, *, not_before: dt.date | None = None, label: str = "") -> dt.date:
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({field: ["日期不能晚于今天。"]})
    if not_before is not None and on < not_before:
        raise ValidationError({field: [f"日期不能早于{label}（{not_before:%Y-%m-%d}）。"]})
    return on


def _reason_text(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: ["请填写原因。"]})
    if len(text) > REASON_MAX:
        raise ValidationError({field: [f"原因不能超过{REASON_MAX}字。"]})
    return text


def _lock(transfer: Transfer) -> Transfer:
    return (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("person", "from_org", "to_org", "reviewer")
        .get(pk=transfer.pk)
    )


def _require_status(transfer: Transfer, allowed: tuple[str, ...], doing: str) -> None:
    if transfer.status not in allowed:
        raise ValidationError(f"该转接{transfer.get_status_display()}，不能{doing}。")


def _event(transfer: Transfer, *, kind: str, old: str, on: dt.date, actor, note: str = "") -> None:
    TransferEvent.objects.create(
        transfer=transfer, kind=kind, from_status=old, to_status=transfer.status, on=on,
        note=note[:300], **actor_fields(actor),
    )  # fmt: skip
    before = {"状态": Status(old).label} if old else None
    after = {"状态": transfer.get_status_display()}
    if transfer.letter_no:
        after["介绍信编号"] = transfer.letter_no
    action = ChangeAction.CREATE if not old else ChangeAction.UPDATE
    message = f"组织关系转接：{EventKind(kind).label}" + (f"（{note}）" if note else "")
    record_change(actor=actor, action=action, obj=transfer, before=before, after=after, message=message)
    reminders.refresh_for(transfer)


@transaction.atomic
def transfer_submit(
    *,
    actor,
    person: Person,
    to_org: Org | None = None,
    to_outside: str = "",
    reason: str,
    note: str = "",
    on: dt.date | None = None,
) -> Transfer:
    """发起: the member's relationship is to go to `to_org` (inside the system) or to the org named
    `to_outside` (outside it: the letter is printed and its 回执 recorded); the reviewer is found."""
    person = Person.objects.select_for_update(of=("self",)).select_related("org").get(pk=person.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, person.org, "您无权为该同志办理组织关系转出。")
    errors: dict[str, list[str]] = {}
    if not person.is_active:
        errors.setdefault("person", []).append("该人员已减少（不在册），不能转出。")
    if reason not in Reason.values:
        errors.setdefault("reason", []).append("请选择转接原因。")
    to_outside = (to_outside or "").strip()
    to_org = Org.objects.filter(pk=getattr(to_org, "pk", None)).first() if to_org is not None else None
    if to_org is not None and to_outside:
        errors.setdefault("to_org", []).append("请在系统内的接收党组织和系统外党组织中选择一个。")
    elif to_outside:
        if len(to_outside) > 120:
            errors.setdefault("to_outside", []).append("系统外党组织名称不能超过120字。")
    elif to_org is None:
        errors.setdefault("to_org", []).append("请选择接收党组织。")
    elif not to_org.is_active:
        errors.setdefault("to_org", []).append(f"“{to_org.name}”已撤销，不能接收党员。")
    elif to_org.kind not in RECEIVING_KINDS:
        errors.setdefault("to_org", []).append("接收党组织应为党支部或党总支。")
    elif to_org.pk == person.org_id:
        errors.setdefault("to_org", []).append("该同志已在该党组织，无需转接。")
    if len((note or "").strip()) > REASON_MAX:
        errors.setdefault("note", []).append(f"说明不能超过{REASON_MAX}字。")
    reviewer = reviewer_for(person.org)
    if reviewer is None:
        errors.setdefault("__all__", []).append("未找到具有审批预备党员权限的基层党委，无法开具介绍信。")
    if Transfer.objects.filter(person=person, status__in=[Status.SUBMITTED, Status.PENDING]).exists():
        errors.setdefault("person", []).append("该同志已有正在办理的组织关系转接。")
    if errors:
        raise ValidationError(errors)
    on = _day(on, "submitted_on")
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                person=person, from_org=person.org, to_org=to_org, to_outside=to_outside, reviewer=reviewer,
                reason=reason,
                note=(note or "").strip(), submitted_on=on, created_by=actor if actor and actor.pk else None,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError({"person": ["该同志已有正在办理的组织关系转接。"]}) from None
    _event(transfer, kind=EventKind.SUBMIT, old="", on=on, actor=actor, note=transfer.get_reason_display())
    return transfer


def _next_letter_no(reviewer: Org, year: int) -> str:
    Org.objects.select_for_update().filter(pk=reviewer.pk).first()  # numbers of one committee in turn
    prefix = f"{reviewer.code}-{year}-"
    taken = Transfer.objects.filter(reviewer=reviewer, letter_no__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


@transaction.atomic
def transfer_approve(*, actor, transfer: Transfer, on: dt.date | None = None) -> Transfer:
    """审核通过: the reviewing committee issues the letter (number, date, validity); 待接收."""
    transfer = _lock(transfer)
    if actor is not None:
        scope.require(
            actor, Action.CHANGE_PERSON, transfer.reviewer,
            f"只有审核党委（{transfer.reviewer.name}）可以审核该转接并开具介绍信。",
        )  # fmt: skip
    _require_status(transfer, (Status.SUBMITTED,), "审核")
    on = _day(on, "issued_on", not_before=transfer.submitted_on, label="发起日期")
    transfer.letter_no = _next_letter_no(transfer.reviewer, on.year)
    transfer.issued_on = on
    transfer.valid_until = on + dt.timedelta(days=validity_days(transfer.reviewer, on))
    transfer.status = Status.PENDING
    transfer.save(update_fields=["letter_no", "issued_on", "valid_until", "status", "updated_at"])
    _event(
        transfer, kind=EventKind.APPROVE, old=Status.SUBMITTED, on=on, actor=actor, note=transfer.letter_no
    )
    return transfer


@transaction.atomic
def transfer_receive(*, actor, transfer: Transfer, on: dt.date | None = None) -> Transfer:
    """接收: the receiving org takes the member; the file, counts and case move in this transaction."""
    transfer = _lock(transfer)
    if actor is not None and transfer.to_org is not None:
        scope.require(
            actor, Action.CHANGE_PERSON, transfer.to_org, "您无权接收该转接：接收党组织不在您的管理范围内。"
        )
    _require_status(transfer, (Status.PENDING,), "接收")
    if transfer.is_outside:
        raise ValidationError("转往系统外的转接没有系统内的接收党组织：回执收回后由转出方登记回执。")
    on = _day(on, "closed_on", not_before=transfer.issued_on, label="介绍信开具日期")
    old = transfer.status
    transfer.status = Status.RECEIVED
    transfer.closed_on = on
    transfer.save(update_fields=["status", "closed_on", "updated_at"])
    person_move(
        actor=actor, person=transfer.person, org=transfer.to_org,
        message=f"组织关系转接：{transfer.from_name} → {transfer.to_name}（介绍信{transfer.letter_no}）",
    )  # fmt: skip
    _event(transfer, kind=EventKind.RECEIVE, old=old, on=on, actor=actor, note=transfer.letter_no)
    return transfer


@transaction.atomic
def transfer_return(*, actor, transfer: Transfer, reason: str, on: dt.date | None = None) -> Transfer:
    """退回 with a reason: by the reviewing committee before the letter, by the receiving org after.
    The member stays where they were."""
    transfer = _lock(transfer)
    _require_status(transfer, (Status.SUBMITTED, Status.PENDING), "退回")
    if transfer.status == Status.PENDING and transfer.is_outside:
        raise ValidationError("转往系统外的转接已开具介绍信，不能退回；如不再办理请撤销。")
    side = transfer.reviewer if transfer.status == Status.SUBMITTED else transfer.to_org
    if actor is not None:
        who = "审核党委" if transfer.status == Status.SUBMITTED else "接收党组织"
        scope.require(actor, Action.CHANGE_PERSON, side, f"只有{who}（{side.name}）可以退回该转接。")
    text = _reason_text(reason)
    on = _day(on, "closed_on", not_before=transfer.issued_on or transfer.submitted_on, label="上一环节日期")
    old = transfer.status
    transfer.status = Status.RETURNED
    transfer.closed_on = on
    transfer.closed_reason = text
    transfer.save(update_fields=["status", "closed_on", "closed_reason", "updated_at"])
    _event(transfer, kind=EventKind.RETURN, old=old, on=on, actor=actor, note=text)
    return transfer


@transaction.atomic
def transfer_cancel(*, actor, transfer: Transfer, reason: str, on: dt.date | None = None) -> Transfer:
    """撤销 by the sending side while the transfer is open, with a reason."""
    transfer = _lock(transfer)
    _require_status(transfer, (Status.SUBMITTED, Status.PENDING), "撤销")
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, transfer.from_org, "只有转出党组织可以撤销该转接。")
    text = _reason_text(reason)
    on = _day(on, "closed_on", not_before=transfer.issued_on or transfer.submitted_on, label="上一环节日期")
    old = transfer.status
    transfer.status = Status.CANCELLED
    transfer.closed_on = on
    transfer.closed_reason = text
    transfer.save(update_fields=["status", "closed_on", "closed_reason", "updated_at"])
    _event(transfer, kind=EventKind.CANCEL, old=old, on=on, actor=actor, note=text)
    return transfer


@transaction.atomic
def transfer_record_receipt(
    *, actor, transfer: Transfer, on: dt.date | None = None, note: str = ""
) -> Transfer:
    """回执 of a letter to an org outside the system came back: the member is reduced as 转出 with the
    letter number (people.services.person_reduce), by the sending side, and the transfer is done."""
    transfer = _lock(transfer)
    _require_status(transfer, (Status.PENDING,), "登记回执")
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, transfer.from_org, "只有转出党组织可以登记回执。")
    if not transfer.is_outside:
        raise ValidationError("系统内的转接由接收党组织在系统中接收，无需登记回执。")
    on = _day(on, "receipt_on", not_before=transfer.issued_on, label="介绍信开具日期")
    note = (note or "").strip()
    if len(note) > REASON_MAX:
        raise ValidationError({"note": [f"说明不能超过{REASON_MAX}字。"]})
    old = transfer.status
    transfer.status = Status.RECEIVED
    transfer.closed_on = transfer.receipt_on = on
    transfer.receipt_note = note
    transfer.save(update_fields=["status", "closed_on", "receipt_on", "receipt_note", "updated_at"])
    person_reduce(
        actor=actor, person=transfer.person, reduction=Reduction.TRANSFERRED_OUT, reduced_on=on,
        note=f"组织关系转往{transfer.to_outside}（介绍信{transfer.letter_no}，回执{on:%Y-%m-%d}）",
    )  # fmt: skip
    _event(transfer, kind=EventKind.RECEIPT, old=old, on=on, actor=actor, note=note or transfer.letter_no)
    return transfer


LETTER_NO_MAX = 40
INCOMING_STANDINGS = (Standing.FULL, Standing.PROBATIONARY)


@transaction.atomic
def transfer_receive_from_outside(
    *,
    actor,
    org: Org,
    from_outside: str,
    letter_no: str,
    reason: str,
    id_number: str,
    on: dt.date | None = None,
    note: str = "",
    person_fields: dict | None = None,
) -> Transfer:
    """接收 a member with a letter from an org outside the system (its name as text, the letter's number).

    Someone who was once in the system (the same ID number) and was reduced as 转出 gets the old file
    back, with its whole history (people.services.person_reactivate): never a duplicate. Anyone else
    gets a new file through person_create as 补录 (standing 正式党员/预备党员 and the dates from
    `person_fields`, the reason naming the letter). A file on the books elsewhere is refused: that is
    a transfer inside the system."""
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, "您无权为该党组织接收党员。")
    errors: dict[str, list[str]] = {}
    from_outside, letter_no = (from_outside or "").strip(), (letter_no or "").strip()
    if not from_outside:
        errors.setdefault("from_outside", []).append("请填写转出党组织（介绍信开具单位）。")
    elif len(from_outside) > 120:
        errors.setdefault("from_outside", []).append("转出党组织名称不能超过120字。")
    if not letter_no:
        errors.setdefault("letter_no", []).append("请填写介绍信编号。")
    elif len(letter_no) > LETTER_NO_MAX:
        errors.setdefault("letter_no", []).append(f"介绍信编号不能超过{LETTER_NO_MAX}字。")
    if reason not in Reason.values:
        errors.setdefault("reason", []).append("请选择转接原因。")
    org = Org.objects.get(pk=org.pk)
    if org.kind not in RECEIVING_KINDS or not org.is_active:
        errors.setdefault("org", []).append("接收党组织应为未撤销的党支部或党总支。")
    reviewer = reviewer_for(org)
    if reviewer is None:
        errors.setdefault("__all__", []).append("未找到具有审批预备党员权限的基层党委。")
    if errors:
        raise ValidationError(errors)
    on = _day(on, "closed_on")
    message = f"组织关系从系统外转入：{from_outside}（介绍信{letter_no}）"
    existing = Person.objects.filter(id_number=(id_number or "").strip().upper()).first()
    if existing is not None:
        if existing.is_active:
            raise ValidationError(
                {"id_number": ["该同志的档案在系统中在册，请由其所在党组织通过系统内转接办理。"]}
            )
        person = person_reactivate(actor=actor, person=existing, org=org, message=message)
    else:
        fields = dict(person_fields or {})
        if fields.get("standing") not in INCOMING_STANDINGS:
            raise ValidationError({"standing": ["从系统外转入的应为正式党员或预备党员。"]})
        person = person_create(actor=actor, org=org, id_number=id_number, backfill_reason=message, **fields)
    transfer = Transfer.objects.create(
        person=person, from_outside=from_outside, to_org=org, reviewer=reviewer, reason=reason,
        note=(note or "").strip()[:REASON_MAX], status=Status.RECEIVED, letter_no=letter_no,
        submitted_on=on, closed_on=on, created_by=actor if actor and actor.pk else None,
    )  # fmt: skip
    _event(transfer, kind=EventKind.RECEIVE_OUTSIDE, old="", on=on, actor=actor, note=letter_no)
    return transfer
