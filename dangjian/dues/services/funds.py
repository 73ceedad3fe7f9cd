"""The money of every org: the opening balance, 上缴 (to the next-higher org), 下拨 (to lower orgs
or to people, by a collective decision, earmarked), spending, and requests for funds (to the
next-higher org only). Every outflow is refused when it would leave a month-end balance negative."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.dues import earmarks, ledger
from dangjian.dues.models import (
    Allocation,
    AllocationLine,
    FundOpening,
    FundRequest,
    HandUp,
    OrgMonth,
    Purpose,
    RequestStatus,
    Spending,
    yuan,
)
from dangjian.dues.months import month_label, month_of
from dangjian.dues.orgs import fund_parent, holds_funds
from dangjian.dues.services._common import (
    add,
    check_day,
    check_meeting,
    fresh_org,
    lock_orgs,
    raise_if,
    require,
    require_may_hold_dues,
    text,
    to_fen,
    today,
    user_or_none,
)
from dangjian.orgs.models import Org
from dangjian.people.models import Person

KEY_AMOUNT, KEY_TO, KEY_PERIOD = gettext_noop("金额"), gettext_noop("接收单位"), gettext_noop("所属期")
KEY_CENTRE, KEY_PURPOSE, KEY_LINES = (
    gettext_noop("其中上缴中央"),
    gettext_noop("用途"),
    gettext_noop("下拨对象"),
)
KEY_MEETING, KEY_SOURCE = gettext_noop("研究决定的会议"), gettext_noop("使用的下拨党费")
KEY_MONTH = gettext_noop("起始月份")


def _yuan(fen: int) -> str:
    return f"{yuan(fen):.2f}"


@transaction.atomic
def fund_opening_set(*, actor, org: Org, month: int, amount, note: str = "") -> FundOpening:
    """The org's balance of dues when its books start here (期初结余), once."""
    org = fresh_org(org)
    require(actor, Action.MANAGE_DUES, org, _("您无权登记该党组织的党费结余。"))
    require_may_hold_dues(org)
    errors: dict[str, list[str]] = {}
    fen = to_fen(amount, "amount", _("期初结余"), errors, allow_zero=True)
    if not isinstance(month, int) or month <= 0:
        add(errors, "month", _("请选择起始月份。"))
    elif month > month_of(today()):
        add(errors, "month", _("起始月份不能晚于本月。"))
    elif OrgMonth.objects.filter(org=org, month__lt=month).exists():
        add(errors, "month", _("该党组织在%(month)s之前已有党费记录，期初结余应从最早的月份登记。")
            % {"month": month_label(month)})  # fmt: skip
    if FundOpening.objects.filter(org=org).exists():
        add(errors, "__all__", _("“%(name)s”已登记期初结余。") % {"name": org.name})
    raise_if(errors)
    lock_orgs(org)
    opening = FundOpening.objects.create(
        org=org, month=month, amount_fen=fen, note=text(note, 200), created_by=user_or_none(actor)
    )
    ledger.opening(org.pk, month, fen)
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=opening,
        after={KEY_MONTH: month_label(month), KEY_AMOUNT: _yuan(fen)},
    )  # fmt: skip
    return opening


@transaction.atomic
def handup_record(
    *, actor, org: Org, handed_on, amount, period_from: int, period_to: int, centre_amount=None,
    to_name: str = "", note: str = "",
) -> HandUp:  # fmt: skip
    """上缴: `org` hands `amount` (of which `centre_amount` for the Centre) of the dues of
    `period_from`–`period_to` to the next-higher org that keeps dues (at the top of the tree: the
    body named `to_name`)."""
    org = fresh_org(org)
    require(actor, Action.MANAGE_DUES, org, _("您无权为该党组织上缴党费。"))
    require_may_hold_dues(org)
    errors: dict[str, list[str]] = {}
    parent = fund_parent(org)
    to_name = text(to_name, 120)
    if parent is None and not to_name:
        add(errors, "to_name", _("请填写接收党费的上级党委组织部门。"))
    day_ok = check_day(handed_on, "handed_on", _("上缴日期"), errors)
    fen = to_fen(amount, "amount", _("上缴金额"), errors)
    centre = to_fen(centre_amount, "centre_amount", _("上缴中央的金额"), errors, allow_zero=True) or 0
    if fen is not None and centre > fen:
        add(errors, "centre_amount", _("上缴中央的金额不能超过上缴金额。"))
    if not all(isinstance(m, int) and m > 0 for m in (period_from, period_to)):
        add(errors, "period_from", _("请选择所属期。"))
    elif period_to < period_from:
        add(errors, "period_to", _("所属期的截止月份不能早于起始月份。"))
    elif day_ok and period_to > month_of(handed_on):
        add(errors, "period_to", _("所属期不能晚于上缴日期所在的月份。"))
    raise_if(errors)
    lock_orgs(org, parent)
    fund_month = month_of(handed_on)
    handup = HandUp.objects.create(
        org=org, to_org=parent, to_name="" if parent else to_name, handed_on=handed_on, fund_month=fund_month,
        period_from=period_from, period_to=period_to, amount_fen=fen, centre_fen=centre, note=text(note, 200),
        created_by=user_or_none(actor),
    )  # fmt: skip
    ledger.flow(org.pk, fund_month, handed_up_fen=fen, centre_up_fen=centre)
    if parent is not None:
        ledger.flow(parent.pk, fund_month, received_fen=fen, centre_fen=centre)
    ledger.require_balance(org, fund_month)
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=handup,
        after={KEY_TO: handup.recipient, KEY_PERIOD: f"{month_label(period_from)}至{month_label(period_to)}",
               KEY_AMOUNT: _yuan(fen), KEY_CENTRE: _yuan(centre)},
    )  # fmt: skip
    return handup


@dataclass
class LineIn:
    """One recipient of an allocation: a lower org, a member, or anyone else by name."""

    amount: object
    org: Org | None = None
    person: Person | None = None
    recipient: str = ""
    note: str = ""


def _check_lines(org: Org, purpose: str, lines: list[LineIn], errors: dict) -> list[tuple[LineIn, int]]:
    if not lines:
        add(errors, "lines", _("请填写下拨对象和金额。"))
        return []
    out = []
    seen_orgs: set[int] = set()
    for n, line in enumerate(lines, start=1):
        found: dict[str, list[str]] = {}
        fen = to_fen(line.amount, "", _("金额"), found)
        targets = sum(
            1 for t in (line.org, line.person, (line.recipient or "").strip() or None) if t is not None
        )
        if line.org is not None and line.person is not None:
            add(found, "", _("一行只能填写一个下拨对象。"))
        elif targets == 0:
            add(found, "", _("请填写下拨对象（党组织、党员或其他人员姓名）。"))
        if line.org is not None:
            target = line.org
            if not target.path.startswith(org.path) or target.pk == org.pk:
                add(found, "", _("“%(name)s”不是本组织的下级党组织。") % {"name": target.name})
            elif not holds_funds(target) or not target.is_active:
                add(
                    found,
                    "",
                    _("“%(name)s”不单独管理党费（党小组、临时党组织或已撤销）。") % {"name": target.name},
                )
            elif target.pk in seen_orgs:
                add(found, "", _("“%(name)s”出现了两次。") % {"name": target.name})
            seen_orgs.add(target.pk)
        elif purpose == Purpose.SUPPORT:
            add(found, "", _("“支持基层党组织”的下拨对象应是党组织。"))
        elif line.person is not None and not line.person.org.path.startswith(org.path):
            add(found, "", _("“%(name)s”不在本组织范围内。") % {"name": line.person.name})
        for messages in found.values():
            errors.setdefault("lines", []).extend(
                _("第%(n)d行：%(message)s") % {"n": n, "message": m} for m in messages
            )
        if not found:
            out.append((line, fen))
    return out


@transaction.atomic
def allocation_record(
    *, actor, org: Org, purpose: str, title: str, allocated_on, meeting, lines: list[LineIn], earmark: str = "",
    campaign=None, source: Allocation | None = None, request: FundRequest | None = None, note: str = "",
) -> Allocation:  # fmt: skip
    """下拨: `org` gives dues to lower orgs or people for one purpose, by the collective decision of
    `meeting`, earmarked; under `campaign` if given. `source`: an allocation `org` received and now
    passes on (within what it has not used). `request`: the lower org's request this grants."""
    org = fresh_org(org)
    require(actor, Action.MANAGE_DUES, org, _("您无权为该党组织下拨党费。"))
    require_may_hold_dues(org)
    errors: dict[str, list[str]] = {}
    if purpose not in Purpose.values or purpose == Purpose.EDUCATION:
        add(errors, "purpose", _("请选择下拨用途：慰问、支持基层党组织、补助、培训或表彰。"))
    title = text(title, 200)
    if not title:
        add(errors, "title", _("请填写下拨事由。"))
    day_ok = check_day(allocated_on, "allocated_on", _("下拨日期"), errors)
    check_meeting(meeting, org, allocated_on if day_ok else None, errors)
    if campaign is not None:
        related = org.path.startswith(campaign.org.path) or campaign.org.path.startswith(org.path)
        if not related:
            add(errors, "campaign", _("该战时动员与本组织无关。"))
        elif day_ok and allocated_on < campaign.starts_on:
            add(errors, "campaign", _("下拨日期早于该战时动员的开始日期。"))
    checked = _check_lines(org, purpose, list(lines or []), errors)
    total = sum(fen for _line, fen in checked)
    if source is not None:
        left = earmarks.unspent(source.pk, org.pk)
        if not AllocationLine.objects.filter(allocation=source, to_org=org).exists():
            add(errors, "source", _("本组织没有收到该笔下拨党费。"))
        elif source.purpose != purpose:
            add(
                errors,
                "source",
                _("专款专用：该笔下拨党费只能用于“%(purpose)s”。")
                % {"purpose": source.get_purpose_display()},
            )
        elif total > left:
            add(errors, "source", _("转拨金额超过该笔下拨党费尚未使用的%(left)s元。") % {"left": _yuan(left)})
    if request is not None:
        if request.status != RequestStatus.PENDING or request.to_org_id != org.pk:
            add(errors, "request", _("该申请不是向本组织提出的待研究申请。"))
        elif request.org_id not in {line.org.pk for line, _f in checked if line.org is not None}:
            add(errors, "request", _("下拨对象应包括提出申请的“%(name)s”。") % {"name": request.org.name})
    raise_if(errors)
    lock_orgs(org, *(line.org for line, _f in checked))
    fund_month = month_of(allocated_on)
    allocation = Allocation.objects.create(
        org=org, purpose=purpose, title=title, earmark=text(earmark, 300), meeting=meeting, campaign=campaign,
        source=source, allocated_on=allocated_on, fund_month=fund_month, amount_fen=total, note=text(note, 300),
        created_by=user_or_none(actor),
    )  # fmt: skip
    AllocationLine.objects.bulk_create([
        AllocationLine(
            allocation=allocation, to_org=line.org, person=line.person,
            recipient=text(line.recipient, 60) or (line.org.name if line.org else line.person.name)[:60],
            amount_fen=fen, note=text(line.note, 200),
        )
        for line, fen in checked
    ])  # fmt: skip
    ledger.flow(org.pk, fund_month, allocated_fen=total)
    for line, fen in checked:
        if line.org is not None:
            ledger.flow(line.org.pk, fund_month, received_fen=fen)
    ledger.require_balance(org, fund_month)
    if request is not None:
        FundRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.GRANTED, allocation=allocation, decided_on=allocated_on
        )
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=allocation,
        after={KEY_PURPOSE: str(Purpose(purpose).label), KEY_AMOUNT: _yuan(total),
               KEY_LINES: "、".join(f"{line.recipient or (line.org or line.person).name} {_yuan(fen)}" for line, fen in checked)[:500],
               KEY_MEETING: meeting.display_title if hasattr(meeting, "display_title") else str(meeting)},
    )  # fmt: skip
    return allocation


@transaction.atomic
def spending_record(
    *, actor, org: Org, spent_on, amount, description: str, purpose: str = "", allocation: Allocation | None = None,
    meeting=None,
) -> Spending:  # fmt: skip
    """What `org` spent: against an allocation it received (its purpose, within what is unspent), or
    from its own dues by a collective decision (`meeting`)."""
    org = fresh_org(org)
    require(actor, Action.MANAGE_DUES, org, _("您无权登记该党组织的党费使用。"))
    require_may_hold_dues(org)
    errors: dict[str, list[str]] = {}
    day_ok = check_day(spent_on, "spent_on", _("使用日期"), errors)
    fen = to_fen(amount, "amount", _("使用金额"), errors)
    description = text(description, 300)
    if not description:
        add(errors, "description", _("请写明使用情况。"))
    if allocation is not None:
        purpose = purpose or allocation.purpose
        left = earmarks.unspent(allocation.pk, org.pk)
        if not AllocationLine.objects.filter(allocation=allocation, to_org=org).exists():
            add(errors, "allocation", _("本组织没有收到该笔下拨党费。"))
        elif purpose != allocation.purpose:
            add(
                errors,
                "purpose",
                _("专款专用：该笔下拨党费只能用于“%(purpose)s”。")
                % {"purpose": allocation.get_purpose_display()},
            )
        elif fen is not None and fen > left:
            add(errors, "amount", _("超过该笔下拨党费尚未使用的%(left)s元。") % {"left": _yuan(left)})
        elif day_ok and spent_on < allocation.allocated_on:
            add(errors, "spent_on", _("使用日期早于下拨日期。"))
        if meeting is not None:
            check_meeting(meeting, org, spent_on if day_ok else None, errors)
    else:
        check_meeting(meeting, org, spent_on if day_ok else None, errors)
    if purpose not in Purpose.values:
        add(errors, "purpose", _("请选择用途。"))
    raise_if(errors)
    lock_orgs(org)
    fund_month = month_of(spent_on)
    spending = Spending.objects.create(
        org=org, allocation=allocation, purpose=purpose, spent_on=spent_on, fund_month=fund_month, amount_fen=fen,
        description=description, meeting=meeting, created_by=user_or_none(actor),
    )  # fmt: skip
    ledger.flow(org.pk, fund_month, spent_fen=fen)
    ledger.require_balance(org, fund_month)
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=spending,
        after={KEY_PURPOSE: str(Purpose(purpose).label), KEY_AMOUNT: _yuan(fen),
               KEY_SOURCE: allocation.title if allocation else ""},
    )  # fmt: skip
    return spending


@transaction.atomic
def fund_request_create(
    *,
    actor,
    org: Org,
    amount,
    purpose: str,
    reason: str,
    requested_on=None,
    to_org: Org | None = None,
    campaign=None,
) -> FundRequest:
    """A request for dues, to the next-higher org only (never skipping a level: a `to_org` further up is
    refused with the reason)."""
    org = fresh_org(org)
    require(actor, Action.MANAGE_DUES, org, _("您无权以该党组织的名义申请下拨党费。"))
    require_may_hold_dues(org)
    errors: dict[str, list[str]] = {}
    parent = fund_parent(org)
    if parent is None:
        add(errors, "to_org", _("“%(name)s”没有上一级党组织。") % {"name": org.name})
    elif to_org is not None and to_org.pk != parent.pk:
        add(
            errors,
            "to_org",
            _("申请下拨党费只能向上一级党组织（%(name)s）提出，不得越级。") % {"name": parent.name},
        )
    fen = to_fen(amount, "amount", _("申请金额"), errors)
    if purpose not in Purpose.values or purpose == Purpose.EDUCATION:
        add(errors, "purpose", _("请选择用途。"))
    reason = text(reason, 300)
    if not reason:
        add(errors, "reason", _("请写明申请理由。"))
    requested_on = requested_on or today()
    check_day(requested_on, "requested_on", _("申请日期"), errors)
    raise_if(errors)
    request = FundRequest.objects.create(
        org=org, to_org=parent, purpose=purpose, amount_fen=fen, reason=reason, requested_on=requested_on,
        campaign=campaign, created_by=user_or_none(actor),
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=request,
        after={KEY_TO: parent.name, KEY_PURPOSE: str(Purpose(purpose).label), KEY_AMOUNT: _yuan(fen)},
    )  # fmt: skip
    return request


@transaction.atomic
def fund_request_decline(*, actor, request: FundRequest, note: str) -> FundRequest:
    request = FundRequest.objects.select_for_update(of=("self",)).select_related("to_org").get(pk=request.pk)
    require(actor, Action.MANAGE_DUES, request.to_org, _("您无权处理该下拨申请。"))
    errors: dict[str, list[str]] = {}
    if request.status != RequestStatus.PENDING:
        add(errors, "__all__", _("该申请已处理。"))
    note = text(note, 300)
    if not note:
        add(errors, "note", _("请写明处理意见。"))
    raise_if(errors)
    request.status, request.decision_note, request.decided_on = RequestStatus.DECLINED, note, today()
    request.save(update_fields=["status", "decision_note", "decided_on"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=request, after={gettext_noop("处理意见"): note}
    )
    return request
