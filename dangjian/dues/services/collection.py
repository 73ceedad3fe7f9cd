"""Monthly collection: opening a month (the ledger rows of every member who owes that month),
recording payments (one month, several months in advance, part of a month, voluntary extra), and
reversing a mistaken payment. Everything a branch records moves its `OrgMonth` rows at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import SYSTEM_ACTOR, record_change, record_changes
from dangjian.dues import ledger
from dangjian.dues.models import DuesMonth, DuesPayment, PaymentKind, PaymentWay, yuan
from dangjian.dues.months import month_end, month_label, month_of, span_label
from dangjian.dues.orgs import collecting_org
from dangjian.dues.rules import DuesRules, int_param
from dangjian.dues.services._common import (
    Pricing,
    add,
    check_day,
    fresh_org,
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
from dangjian.dues.services._rows import create_rows
from dangjian.orgs.models import GROUP_KINDS, TEMPORARY_KINDS, Org, subtree_q
from dangjian.people.models import MEMBER_STANDINGS, Person

KEY_MONTHS, KEY_AMOUNT, KEY_VOLUNTARY = (
    gettext_noop("交纳月份"),
    gettext_noop("党费金额"),
    gettext_noop("自愿多交"),
)
KEY_WAY, KEY_COLLECTOR, KEY_CENTRE = (
    gettext_noop("交纳方式"),
    gettext_noop("收缴人"),
    gettext_noop("全部上缴中央"),
)
KEY_OPENED, KEY_ROWS = gettext_noop("开始收缴月份"), gettext_noop("新建应交记录")
REVERSED = gettext_noop("冲正")


def _collecting_ids(orgs: list[tuple[int, str, str]]) -> dict[int, int]:
    """{org id: collecting org id} for (id, path, kind) rows of a subtree (a group's branch)."""
    by_path = {path: (pk, kind) for pk, path, kind in orgs}
    out = {}
    for pk, path, kind in orgs:
        target = pk
        if kind in GROUP_KINDS:
            p = path[: -Org.steplen]
            while p in by_path and by_path[p][1] in GROUP_KINDS:
                p = p[: -Org.steplen]
            target = by_path[p][0] if p in by_path else pk
        out[pk] = target
    return out


@transaction.atomic
def month_open(*, actor, org: Org, month: int) -> int:
    """Open `month` for `org` and every org below it that collects: a ledger row for each member who
    owes that month (a 预备党员 from the month of their 支部大会), priced from their norm (none yet:
    to be set). Idempotent; returns the number of rows created."""
    org = fresh_org(org)
    require(actor, Action.MANAGE_DUES, org, _("您无权为该党组织办理党费收缴。"))
    require_may_hold_dues(org)
    errors: dict[str, list[str]] = {}
    if not isinstance(month, int) or month <= 0:
        add(errors, "month", _("请选择月份。"))
    elif month > month_of(today()):
        add(errors, "month", _("不能提前开始收缴以后月份的党费（预交党费请在交纳时选择月数）。"))
    raise_if(errors)
    lock_orgs(org)
    orgs = list(Org.objects.filter(subtree_q(org.path)).values_list("pk", "path", "kind"))
    collecting = _collecting_ids(orgs)
    temporary = {pk for pk, _p, kind in orgs if kind in TEMPORARY_KINDS}
    people = (
        Person.objects.filter(
            subtree_q(org.path, "org__path"), standing__in=sorted(MEMBER_STANDINGS), reduction=""
        )
        .filter(Q(admitted_on__isnull=True) | Q(admitted_on__lte=month_end(month)))
        .values_list("pk", "org_id")
    )
    wanted = [(pk, collecting[org_id], month) for pk, org_id in people if collecting[org_id] not in temporary]
    deltas = ledger.Deltas()
    created = create_rows(
        wanted, deltas, Pricing(q=subtree_q(org.path, "person__org__path")),
        existing_q=subtree_q(org.path, "person__org__path"),
    )  # fmt: skip
    deltas.apply()
    if created:
        record_change(
            actor=actor, action=ChangeAction.UPDATE, obj=org,
            after={KEY_OPENED: month_label(month), KEY_ROWS: created},
        )  # fmt: skip
    return created


@dataclass
class PaymentEntry:
    """One member's payment: `months` months of dues from `first_month` (0: a voluntary payment
    only), `amount` yuan toward them (default: all that is still due; less is a partial payment),
    and `voluntary` yuan more."""

    person: Person | int
    first_month: int | None = None
    months: int = 1
    amount: Decimal | str | int | None = None
    voluntary: Decimal | str | int | None = None
    note: str = ""


def _receipt(paid_on) -> str:
    return f"{paid_on:%Y%m%d}-{secrets.token_hex(4)}"


@transaction.atomic
def payments_record(
    *, actor, org: Org, paid_on, way: str, entries: list[PaymentEntry], collector_name: str = ""
) -> list[DuesPayment]:
    """Record what members of `org` paid on `paid_on`, all or none; returns the payment rows.

    Dues fill the chosen months in order (the last one may stay partly paid); a month already paid
    in full, a month without a norm, a month before the member's 支部大会 or further ahead than
    R-DUES-ADVANCE allows is refused by name. A voluntary payment of R-DUES-VOLUNTARY's threshold or
    more (default 1000 yuan) is marked to go entirely to the Centre."""
    org = fresh_org(org)
    require(actor, Action.MANAGE_DUES, org, _("您无权为该党组织收缴党费。"))
    require_may_hold_dues(org)
    errors: dict[str, list[str]] = {}
    day = today()
    if way not in PaymentWay.values:
        add(errors, "way", _("请选择交纳方式。"))
    check_day(paid_on, "paid_on", _("交纳日期"), errors)
    collector_name = text(collector_name, 60) or (
        (actor.get_full_name() or actor.username) if user_or_none(actor) else ""
    )
    if not entries:
        add(errors, "entries", _("请选择交纳党费的党员。"))
    raise_if(errors)
    rules = DuesRules()
    advance = rules.rule(org, "R-DUES-ADVANCE", day)
    ahead = int_param(advance, "max_months", 12) if advance.enabled else 0
    threshold = int(
        Decimal(str(rules.rule(org, "R-DUES-VOLUNTARY", day).params.get("centre_threshold", "1000"))) * 100
    )
    current = month_of(day)
    ids = [e.person if isinstance(e.person, int) else e.person.pk for e in entries]
    people = Person.objects.select_related("org").in_bulk(ids)
    home_orgs = {p.org_id: p.org for p in people.values()}
    collecting = {pk: collecting_org(o).pk for pk, o in home_orgs.items()}
    problems: list[str] = []
    plans = []  # (person, months, amount fen or None, voluntary fen, note)
    for entry, pk in zip(entries, ids, strict=True):
        person = people.get(pk)
        if person is None:
            problems.append(_("所选人员不存在。"))
            continue
        found: dict[str, list[str]] = {}
        if ids.count(pk) > 1:
            add(found, "", _("在本次名单中出现了两次。"))
        if not is_member(person) or collecting[person.org_id] != org.pk:
            add(found, "", _("不是“%(org)s”的在册党员。") % {"org": org.name})
        months = entry.months
        if not isinstance(months, int) or isinstance(months, bool) or not 0 <= months <= 120:
            add(found, "", _("交纳月数应为0至120之间的整数。"))
            months = 0
        voluntary = to_fen(entry.voluntary, "", _("自愿多交金额"), found, allow_zero=True) or 0
        amount = None
        chosen: list[int] = []
        if months:
            first = entry.first_month
            if not isinstance(first, int) or first <= 0:
                add(found, "", _("请选择交纳的起始月份。"))
            else:
                chosen = list(range(first, first + months))
                begin = start_month(person)
                if begin is not None and first < begin:
                    add(found, "", _("%(month)s早于其被接收为预备党员（支部大会）的月份%(start)s，此前不交纳党费。")
                        % {"month": month_label(first), "start": month_label(begin)})  # fmt: skip
                if chosen[-1] > current + ahead:
                    add(found, "", _("最多预交到%(month)s（预交不超过%(n)d个月）。")
                        % {"month": month_label(current + ahead), "n": ahead})  # fmt: skip
            if entry.amount not in (None, ""):
                amount = to_fen(entry.amount, "", _("党费金额"), found)
        elif not voluntary:
            add(found, "", _("没有要记录的金额。"))
        if found:
            problems += [f"{person.name}：{m}" for ms in found.values() for m in ms]
        plans.append((person, chosen, amount, voluntary, text(entry.note, 200)))
    if problems:
        raise_if({"entries": problems})
    lock_orgs(org)
    deltas = ledger.Deltas()
    pids = [p.pk for p, *_rest in plans]
    create_rows([(p.pk, org.pk, m) for p, chosen, *_r in plans for m in chosen], deltas, Pricing(pids))
    all_months = [m for _p, chosen, *_r in plans for m in chosen]
    rows = {}
    if all_months:
        rows = {
            (r.person_id, r.month): r
            for r in DuesMonth.objects.select_for_update().filter(
                person_id__in=pids, month__gte=min(all_months), month__lte=max(all_months)
            )
        }
    fund_month = month_of(paid_on)
    payments: list[DuesPayment] = []
    changed: list[DuesMonth] = []
    summaries = []
    actor_user = user_or_none(actor)
    for person, chosen, amount, voluntary, note in plans:
        receipt = _receipt(paid_on)
        targets = [rows[(person.pk, m)] for m in chosen]
        wrong = []
        for row in targets:
            if row.org_id != org.pk:
                wrong.append(_("%(month)s的党费记在其他党组织。") % {"month": month_label(row.month)})
            elif row.due_fen is None:
                wrong.append(_("%(month)s尚未核定党费标准。") % {"month": month_label(row.month)})
            elif row.settled:
                wrong.append(_("%(month)s的党费已交清。") % {"month": month_label(row.month)})
        remaining = sum(max(0, (r.due_fen or 0) - r.paid_fen) for r in targets)
        if not wrong and chosen:
            amount = remaining if amount is None else amount
            if amount > remaining:
                wrong.append(
                    _("党费金额%(amount)s元超过所选月份尚未交纳的%(due)s元；多交部分请填写为自愿多交。")
                    % {"amount": f"{yuan(amount):.2f}", "due": f"{yuan(remaining):.2f}"}
                )
            elif amount <= 0:
                wrong.append(_("所选月份没有需要交纳的党费。"))
        if wrong:
            problems += [f"{person.name}：{m}" for m in wrong]
            continue
        left = amount or 0
        for row in targets:
            take = min(left, row.due_fen - row.paid_fen)
            if take <= 0:
                continue
            left -= take
            old = ledger.contribution(row.due_fen, row.paid_fen, row.relieved)
            row.paid_fen += take
            row.settled = ledger.is_settled(row.due_fen, row.paid_fen)
            deltas.change(
                org.pk, row.month, old, ledger.contribution(row.due_fen, row.paid_fen, row.relieved)
            )
            changed.append(row)
            payments.append(DuesPayment(
                person=person, org=org, kind=PaymentKind.DUES, month=row.month, paid_on=paid_on, fund_month=fund_month,
                amount_fen=take, way=way, collector_name=collector_name, receipt=receipt, note=note,
                created_by=actor_user,
            ))  # fmt: skip
        if voluntary:
            payments.append(DuesPayment(
                person=person, org=org, kind=PaymentKind.VOLUNTARY, month=fund_month, paid_on=paid_on,
                fund_month=fund_month, amount_fen=voluntary, to_centre=voluntary >= threshold, way=way,
                collector_name=collector_name, receipt=receipt, note=note, created_by=actor_user,
            ))  # fmt: skip
        summaries.append((person, chosen, amount or 0, voluntary, voluntary >= threshold and voluntary > 0))
    if problems:
        raise_if({"entries": problems})
    created = DuesPayment.objects.bulk_create(payments, batch_size=500)
    DuesMonth.objects.bulk_update(changed, ["paid_fen", "settled"], batch_size=500)
    deltas.apply()
    collected = sum(p.amount_fen for p in created)
    voluntary_total = sum(p.amount_fen for p in created if p.kind == PaymentKind.VOLUNTARY)
    centre = sum(p.amount_fen for p in created if p.to_centre)
    ledger.flow(org.pk, fund_month, collected_fen=collected, voluntary_fen=voluntary_total, centre_fen=centre)
    _log_payments(actor, created, summaries, way, collector_name)
    return created


def _log_payments(actor, created: list[DuesPayment], summaries, way: str, collector: str) -> None:
    """One change-log row per member (the first payment row stands for the receipt)."""
    first = {}
    for p in created:
        first.setdefault(p.person_id, p)
    known = user_or_none(actor)
    name = (actor.get_full_name() or actor.username) if known else SYSTEM_ACTOR
    way_label = str(PaymentWay(way).label)
    records = []
    for person, chosen, amount, voluntary, centre in summaries:
        row = first.get(person.pk)
        if row is None:
            continue
        after = {
            KEY_MONTHS: span_label(chosen[0], chosen[-1]) if chosen else "", KEY_AMOUNT: f"{yuan(amount):.2f}",
            KEY_VOLUNTARY: f"{yuan(voluntary):.2f}", KEY_WAY: way_label, KEY_COLLECTOR: collector,
        }  # fmt: skip
        if centre:
            after[KEY_CENTRE] = f"{yuan(voluntary):.2f}"
        records.append(ChangeRecord(
            actor=known, actor_name=name, action=ChangeAction.CREATE, object_type="dues.duespayment",
            object_id=row.pk, object_repr=str(row)[:200], after=after, message=person.name,
        ))  # fmt: skip
    record_changes(records=records)


@transaction.atomic
def payment_reverse(*, actor, payment: DuesPayment, reason: str) -> DuesPayment:
    """冲正: a payment recorded by mistake is marked reversed (kept, with the reason) and taken out of
    the month it paid and of the money collected; refused if that money has since been handed on."""
    payment = (
        DuesPayment.objects.select_for_update(of=("self",)).select_related("org", "person").get(pk=payment.pk)
    )
    require(actor, Action.MANAGE_DUES, payment.org, _("您无权冲正该党组织的党费记录。"))
    errors: dict[str, list[str]] = {}
    if payment.reversed_on is not None:
        add(errors, "__all__", _("该笔党费已于%(date)s冲正。") % {"date": payment.reversed_on.isoformat()})
    reason = text(reason, 200)
    if not reason:
        add(errors, "reason", _("请写明冲正原因。"))
    raise_if(errors)
    lock_orgs(payment.org)
    payment.reversed_on, payment.reversal_reason = today(), reason
    payment.save(update_fields=["reversed_on", "reversal_reason"])
    if payment.kind == PaymentKind.DUES:
        row = DuesMonth.objects.select_for_update().get(person_id=payment.person_id, month=payment.month)
        old = ledger.contribution(row.due_fen, row.paid_fen, row.relieved)
        row.paid_fen -= payment.amount_fen
        row.settled = ledger.is_settled(row.due_fen, row.paid_fen)
        row.save(update_fields=["paid_fen", "settled"])
        deltas = ledger.Deltas()
        deltas.change(
            row.org_id, row.month, old, ledger.contribution(row.due_fen, row.paid_fen, row.relieved)
        )
        deltas.apply()
    voluntary = payment.amount_fen if payment.kind == PaymentKind.VOLUNTARY else 0
    ledger.flow(
        payment.org_id, payment.fund_month, collected_fen=-payment.amount_fen, voluntary_fen=-voluntary,
        centre_fen=-payment.amount_fen if payment.to_centre else 0,
    )  # fmt: skip
    ledger.require_balance(payment.org, payment.fund_month)
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=payment, message=reason,
        before={KEY_AMOUNT: f"{yuan(payment.amount_fen):.2f}"}, after={KEY_AMOUNT: REVERSED},
    )  # fmt: skip
    return payment
