"""党费标准, hardship reliefs and the 党章第九条 decision.

A norm is recorded from the month the new pay starts (党费规定第十条); the ledger's rows from that
month until the next norm are re-priced, so a raise entered late shows as the difference still to
pay. The base (income) is personal data: only the branch's secretary, 组织委员 and dues collector
record it, and the change log says that it changed, never what it is.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.dues import ledger
from dangjian.dues.arrears import arrears_rows, last_closed_month
from dangjian.dues.calculator import CalcError, category_label, quote
from dangjian.dues.models import (
    INCOME_CATEGORIES,
    DuesCategory,
    DuesNorm,
    DuesRelief,
    LapseDecision,
    ReliefKind,
    ReliefStatus,
    yuan,
)
from dangjian.dues.months import month_label, month_of, month_start
from dangjian.dues.orgs import approving_committee, collecting_org
from dangjian.dues.rules import DuesRules, dues_rule, int_param
from dangjian.dues.services._common import (
    add,
    check_day,
    check_meeting,
    is_member,
    lock_orgs,
    raise_if,
    require,
    require_may_hold_dues,
    start_month,
    text,
    to_fen,
    today,
    user_or_none,
)
from dangjian.dues.services._rows import reprice
from dangjian.people.models import Person

# Stored in Chinese in the change log (translated when shown), like every change-log text.
INCOME_KEY = gettext_noop("交纳基数")
INCOME_HIDDEN = gettext_noop("（已隐藏）")
INCOME_CHANGED = gettext_noop("收入已更改")
KEY_CATEGORY, KEY_FROM, KEY_AMOUNT = (
    gettext_noop("党费类别"),
    gettext_noop("起始月份"),
    gettext_noop("每月应交"),
)


def _person(person: Person | int) -> Person:
    return Person.objects.select_related("org").get(pk=person if isinstance(person, int) else person.pk)


def _check_month(month, field: str, label: str, errors: dict, *, person: Person | None = None) -> bool:
    if not isinstance(month, int) or isinstance(month, bool) or month <= 0:
        add(errors, field, _("请选择%(label)s。") % {"label": label})
        return False
    if month > month_of(today()):
        add(errors, field, _("%(label)s不能晚于本月。") % {"label": label})
        return False
    first = start_month(person) if person is not None else None
    if first is not None and month < first:
        add(errors, field, _("%(label)s早于%(name)s被接收为预备党员（支部大会）的月份%(month)s，此前不交纳党费。")
            % {"label": label, "name": person.name, "month": month_label(first)})  # fmt: skip
        return False
    return True


def _norm_snapshot(norm: DuesNorm) -> dict:
    return {
        KEY_CATEGORY: category_label(norm.category), KEY_FROM: month_label(norm.from_month),
        INCOME_KEY: INCOME_HIDDEN if norm.income_fen is not None else "", KEY_AMOUNT: f"{yuan(norm.amount_fen):.2f}",
    }  # fmt: skip


@transaction.atomic
def norm_record(
    *, actor, person: Person | int, category: str, from_month: int, income=None, flat=None, note: str = ""
) -> DuesNorm:
    """Record (or correct) `person`'s norm from `from_month` on; returns it.

    `income`: the base of the four income categories (yuan, Decimal or text); `flat`: a farmer's
    amount within R-DUES-FLAT's range. The amount is computed under the rule set in force on the
    month's first day."""
    person = _person(person)
    org = collecting_org(person.org)
    require(actor, Action.MANAGE_DUES, org, _("您无权核定该党员的党费标准。"))
    require(
        actor, Action.VIEW_DUES_INCOME, org,
        _("党费交纳基数属于个人信息，只有党支部书记、组织委员和党费收缴员可以核定党费标准。"),
    )  # fmt: skip
    require_may_hold_dues(org)
    errors: dict[str, list[str]] = {}
    if not is_member(person):
        add(errors, "person", _("“%(name)s”不是在册党员，不交纳党费。") % {"name": person.name})
    month_ok = _check_month(from_month, "from_month", _("起始月份"), errors, person=person)
    if category not in DuesCategory.values:
        add(errors, "category", _("请选择有效的党费类别。"))
    amount = None
    if month_ok and category in DuesCategory.values:
        try:
            amount = quote(DuesRules().params(org, month_start(from_month)), category, income, flat)
        except CalcError as exc:
            add(errors, "income" if category in INCOME_CATEGORIES else "flat", str(exc))
    raise_if(errors)
    lock_orgs(org)
    norm = DuesNorm.objects.select_for_update().filter(person=person, from_month=from_month).first()
    before = _norm_snapshot(norm) if norm else None
    old_income = norm.income_fen if norm else None
    norm = norm or DuesNorm(person=person, from_month=from_month)
    norm.category = category
    norm.income_fen = int(amount.base * 100) if amount.base is not None else None
    norm.rate = amount.rate
    norm.amount_fen = amount.amount_fen
    norm.rule, norm.article, norm.ruleset = amount.rule, amount.article[:100], amount.ruleset
    norm.note = text(note, 200)
    norm.recorded_by = user_or_none(actor)
    norm.save()
    after = _norm_snapshot(norm)
    message = ""
    if before is not None and old_income != norm.income_fen:
        before[INCOME_KEY], after[INCOME_KEY], message = INCOME_HIDDEN, INCOME_CHANGED, INCOME_CHANGED
    if before != after or message:
        record_change(
            actor=actor, action=ChangeAction.UPDATE if before else ChangeAction.CREATE, obj=norm, before=before,
            after=after, message=message,
        )  # fmt: skip
    following = (
        DuesNorm.objects.filter(person=person, from_month__gt=from_month)
        .order_by("from_month").values_list("from_month", flat=True).first()
    )  # fmt: skip
    deltas = ledger.Deltas()
    reprice(person.pk, from_month, following - 1 if following else None, deltas)
    deltas.apply()
    return norm


# ---- hardship reliefs (党费规定第七条) ----------------------------------------------------------


def _relief_snapshot(relief: DuesRelief) -> dict:
    return {
        gettext_noop("减免方式"): str(ReliefKind(relief.kind).label),
        gettext_noop("期间"): f"{month_label(relief.from_month)}至{month_label(relief.to_month)}",
        gettext_noop("减免期间每月交纳"): f"{yuan(relief.amount_fen):.2f}",
        gettext_noop("状态"): str(ReliefStatus(relief.status).label),
        gettext_noop("审批党委"): relief.approver.name,
        gettext_noop("批复文号"): relief.reference,
    }


@transaction.atomic
def relief_request(
    *,
    actor,
    person: Person | int,
    kind: str,
    from_month: int,
    to_month: int,
    reason: str,
    meeting,
    amount=None,
) -> DuesRelief:
    """The branch's decision (its meeting) to reduce or exempt a member in hardship, sent to the
    next-higher 党委 for approval; nothing changes in the ledger until it is approved."""
    person = _person(person)
    org = collecting_org(person.org)
    require(actor, Action.MANAGE_DUES, org, _("您无权为该党员办理党费减免。"))
    require_may_hold_dues(org)
    errors: dict[str, list[str]] = {}
    if not is_member(person):
        add(errors, "person", _("“%(name)s”不是在册党员，不交纳党费。") % {"name": person.name})
    if kind not in ReliefKind.values:
        add(errors, "kind", _("请选择减免方式。"))
    first_ok = isinstance(from_month, int) and from_month > 0
    if not first_ok:
        add(errors, "from_month", _("请选择起始月份。"))
    elif (first := start_month(person)) is not None and from_month < first:
        add(
            errors,
            "from_month",
            _("起始月份早于该党员开始交纳党费的月份%(month)s。") % {"month": month_label(first)},
        )
    if not isinstance(to_month, int) or to_month <= 0:
        add(errors, "to_month", _("请选择截止月份。"))
    elif first_ok and to_month < from_month:
        add(errors, "to_month", _("截止月份不能早于起始月份。"))
    elif first_ok and to_month - from_month >= 24:
        add(errors, "to_month", _("一次减免最长24个月，期满后由党支部重新研究。"))
    fen = 0
    if kind == ReliefKind.REDUCE:
        fen = to_fen(amount, "amount", _("减免期间每月交纳金额"), errors)
    reason = text(reason, 300)
    if not reason:
        add(errors, "reason", _("请写明困难情况。"))
    check_meeting(meeting, org, today(), errors)
    if meeting is not None and meeting.org_id == org.pk and meeting.held_on > today():
        add(errors, "meeting", _("会议日期不能晚于今天。"))
    approver = approving_committee(org)
    if approver is None:
        add(errors, "__all__", _("“%(name)s”没有上一级党委，无法报批党费减免。") % {"name": org.name})
    if first_ok and isinstance(to_month, int) and kind in ReliefKind.values:
        overlap = DuesRelief.objects.filter(
            person=person, status__in=[ReliefStatus.PENDING, ReliefStatus.APPROVED],
            from_month__lte=to_month, to_month__gte=from_month,
        )  # fmt: skip
        if overlap.exists():
            add(errors, "from_month", _("该期间已有待审批或已批准的党费减免。"))
    raise_if(errors)
    relief = DuesRelief.objects.create(
        person=person, org=org, kind=kind, amount_fen=fen or 0, from_month=from_month, to_month=to_month,
        reason=reason, meeting=meeting, approver=approver, created_by=user_or_none(actor),
    )  # fmt: skip
    record_change(actor=actor, action=ChangeAction.CREATE, obj=relief, after=_relief_snapshot(relief))
    return relief


@transaction.atomic
def relief_decide(
    *, actor, relief: DuesRelief, approve: bool, decided_on, reference: str = "", note: str = ""
) -> DuesRelief:
    """The next-higher 党委 approves or refuses a relief; an approval re-prices the months it covers."""
    relief = (
        DuesRelief.objects.select_for_update(of=("self",))
        .select_related("approver", "meeting", "org")
        .get(pk=relief.pk)
    )
    require(
        actor, Action.MANAGE_DUES, relief.approver,
        _("党费减免由上一级党委（%(name)s）审批。") % {"name": relief.approver.name},
    )  # fmt: skip
    errors: dict[str, list[str]] = {}
    if relief.status != ReliefStatus.PENDING:
        add(errors, "__all__", _("该减免已审批（%(status)s）。") % {"status": relief.get_status_display()})
    if check_day(decided_on, "decided_on", _("审批日期"), errors) and decided_on < relief.meeting.held_on:
        add(errors, "decided_on", _("审批日期不能早于党支部研究的日期。"))
    raise_if(errors)
    before = _relief_snapshot(relief)
    relief.status = ReliefStatus.APPROVED if approve else ReliefStatus.REJECTED
    relief.decided_on, relief.reference = decided_on, text(reference, 60)
    relief.decision_note, relief.decided_by = text(note, 300), user_or_none(actor)
    relief.save()
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=relief, before=before, after=_relief_snapshot(relief)
    )
    if approve:
        lock_orgs(relief.org)
        deltas = ledger.Deltas()
        reprice(relief.person_id, relief.from_month, relief.to_month, deltas)
        deltas.apply()
    return relief


# ---- 党章第九条 -------------------------------------------------------------------------------------


@transaction.atomic
def lapse_decide(
    *, actor, person: Person | int, outcome: str, reason: str, meeting, decided_on=None
) -> LapseDecision:
    """The branch records what it decided about a member who has not paid for R-DUES-ARREARS's
    `lapse_months` in a row (党章第九条). Only the decision is recorded: a removal (除名) is then
    carried out on the member's file, by the branch, through the people pages."""
    person = _person(person)
    org = collecting_org(person.org)
    require(actor, Action.CHANGE_PERSON, org, _("只有党支部可以按党章第九条研究处理。"))
    errors: dict[str, list[str]] = {}
    if outcome not in LapseDecision.Outcome.values:
        add(errors, "outcome", _("请选择研究结果。"))
    reason = text(reason, 300)
    if not reason:
        add(errors, "reason", _("请写明情况（是否有正当理由、谈话情况）。"))
    decided_on = decided_on or (meeting.held_on if meeting is not None else None)
    check_day(decided_on, "decided_on", _("研究日期"), errors)
    check_meeting(meeting, org, decided_on if errors.get("decided_on") is None else None, errors)
    through = last_closed_month(today())
    rule = dues_rule(org, "R-DUES-ARREARS", today())
    needed = int_param(rule, "lapse_months", 6)
    entry = arrears_rows(Q(person_id=person.pk), through).get(person.pk)
    first, length = entry.run(through) if entry else (None, 0)
    if length < needed:
        add(errors, "__all__", _("“%(name)s”没有连续%(n)d个月未交纳党费，无需按党章第九条处理。")
            % {"name": person.name, "n": needed})  # fmt: skip
    elif LapseDecision.objects.filter(person=person, first_month=first).exists():
        add(errors, "__all__", _("这段未交纳党费的情况已经研究处理过。"))
    raise_if(errors)
    decision = LapseDecision.objects.create(
        person=person, org=org, first_month=first, months=length, outcome=outcome, reason=reason, meeting=meeting,
        decided_on=decided_on, created_by=user_or_none(actor),
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=decision,
        after={gettext_noop("连续未交纳"): f"{month_label(first)}起{length}个月",
               gettext_noop("研究结果"): str(LapseDecision.Outcome(outcome).label)},
    )  # fmt: skip
    return decision
