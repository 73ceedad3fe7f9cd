"""Loading many months of dues at once (the demo, a migration from another system): norms, the
ledger of the covered orgs, payments, hand-ups and opening balances, checked as the single
services check them, inserted as plain rows (base/bulk.insert_values), then `OrgMonth` rebuilt for
the orgs touched; one change-log entry names the batch. All or nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.base.bulk import insert_values
from dangjian.dues import aggregates, ledger
from dangjian.dues.calculator import CalcError, quote
from dangjian.dues.models import (
    DuesCategory,
    DuesMonth,
    DuesNorm,
    DuesPayment,
    FundOpening,
    HandUp,
    OrgMonth,
    PaymentKind,
    PaymentWay,
    yuan,
)
from dangjian.dues.months import month_label, month_of, month_start
from dangjian.dues.orgs import holds_funds
from dangjian.dues.rules import DuesRules
from dangjian.dues.services._common import MAX_AMOUNT, Pricing, today
from dangjian.orgs.models import GROUP_KINDS, TEMPORARY_KINDS, Org
from dangjian.people.models import MEMBER_STANDINGS, Person

MAX_FEN = MAX_AMOUNT * 100
# The choices as plain sets: TextChoices.values builds a list on every access.
CATEGORIES = frozenset(DuesCategory.values)
WAYS = frozenset(PaymentWay.values)


@dataclass
class BulkDues:
    """What to load. `orgs`: the collecting orgs whose ledger is opened for `first`…`last` (month
    numbers); norms [(person id, category, from month, income or None, flat or None)]; payments
    [(person id, month, paid on, fen or None for the whole due, way, collector, kind)]; hand-ups
    [(org, handed on, fen, centre fen, period from, period to, to name)]; openings [(org, month, fen)]."""

    orgs: list[Org] = field(default_factory=list)
    first: int = 0
    last: int = 0
    norms: list[tuple] = field(default_factory=list)
    payments: list[tuple] = field(default_factory=list)
    handups: list[tuple] = field(default_factory=list)
    openings: list[tuple] = field(default_factory=list)
    voluntary_threshold_fen: int = 100000


def _problems(problems: list[str], message: str) -> None:
    problems.append(message)
    if len(problems) > 20:
        raise ValidationError(problems)


def dues_bulk_load(*, actor, data: BulkDues, log_message: str) -> dict[str, int]:
    """Load `data` (see BulkDues), all or nothing; returns the rows written by kind."""
    day = today()
    current = month_of(day)
    problems: list[str] = []
    org_by_id = {o.pk: o for o in data.orgs}
    for org in data.orgs:
        if not holds_funds(org):
            _problems(problems, f"“{org.name}”不收缴党费（党小组或临时党组织）。")
    if not 0 < data.first <= data.last <= current:
        _problems(problems, "收缴月份应在本月及以前。")
    if problems:
        raise ValidationError(problems)
    tree = {pk: (path, kind) for pk, path, kind in Org.objects.values_list("pk", "path", "kind")}
    by_path = {path: pk for pk, (path, _kind) in tree.items()}

    def collector_of(org_id: int) -> int:
        path, kind = tree[org_id]
        while kind in GROUP_KINDS and len(path) > Org.steplen:
            path = path[: -Org.steplen]
            kind = tree[by_path[path]][1]
        return by_path[path]

    def parent_of(org_id: int) -> int | None:
        path = tree[org_id][0][: -Org.steplen]
        while path:
            pk = by_path.get(path)
            if pk is not None and tree[pk][1] not in GROUP_KINDS and tree[pk][1] not in TEMPORARY_KINDS:
                return pk
            path = path[: -Org.steplen]
        return None

    # members of the covered orgs (and their party groups), eligible from the month of their 支部大会
    member_orgs = sorted(pk for pk in tree if collector_of(pk) in org_by_id)
    members: dict[int, tuple[int, int | None]] = {}  # person → (collecting org, first month owed)
    for start in range(0, len(member_orgs), 5000):
        for pk, org_id, admitted in (
            Person.objects.filter(org_id__in=member_orgs[start : start + 5000], standing__in=sorted(MEMBER_STANDINGS),
                                  reduction="")
            .values_list("pk", "org_id", "admitted_on").iterator(chunk_size=20000)
        ):  # fmt: skip
            members[pk] = (collector_of(org_id), month_of(admitted) if admitted else None)
    # norms: the same checks and the same calculator as norm_record
    rules = DuesRules()
    norm_rows = []
    norms_by_person: dict[int, list[tuple[int, int]]] = defaultdict(list)
    now = timezone.now()
    for person_id, category, from_month, income, flat in data.norms:
        member = members.get(person_id)
        if member is None:
            _problems(problems, f"党费标准：人员（编号{person_id}）不是所收缴党组织的在册党员。")
            continue
        if category not in CATEGORIES or not 0 < from_month <= current:
            _problems(problems, f"党费标准：人员（编号{person_id}）的类别或起始月份无效。")
            continue
        if member[1] is not None and from_month < member[1]:
            _problems(problems, f"党费标准：人员（编号{person_id}）的起始月份早于其支部大会的月份。")
            continue
        try:
            q = quote(rules.params(org_by_id[member[0]], month_start(from_month)), category, income, flat)
        except CalcError as exc:
            _problems(problems, f"党费标准：人员（编号{person_id}）{exc}")
            continue
        norm_rows.append((
            person_id, from_month, category, int(q.base * 100) if q.base is not None else None, q.rate, q.amount_fen,
            q.rule, q.article[:100], q.ruleset, "", None, now, now,
        ))  # fmt: skip
        norms_by_person[person_id].append((from_month, q.amount_fen))
    # the ledger: every member owing in each month of the period
    pricing = Pricing(())
    pricing.norms = {p: sorted(v) for p, v in norms_by_person.items()}
    rows: dict[tuple[int, int], list] = {}
    for person_id, (org_id, begin) in members.items():
        for month in range(max(data.first, begin or 0), data.last + 1):
            due, relieved = pricing.due(person_id, month)
            rows[(person_id, month)] = [person_id, org_id, month, due, 0, relieved, False]
    # payments
    payment_rows = []
    for person_id, month, paid_on, fen, way, collector, kind in data.payments:
        row = rows.get((person_id, month))
        where = f"交纳记录：人员（编号{person_id}）{month_label(month)}"
        if way not in WAYS or not isinstance(paid_on, dt.date) or paid_on > day:
            _problems(problems, f"{where}的交纳方式或日期无效。")
            continue
        if kind == PaymentKind.VOLUNTARY:
            if person_id not in members or not fen or not 0 < fen <= MAX_FEN:
                _problems(problems, f"{where}的自愿多交无效。")
                continue
            org_id = members[person_id][0]
        else:
            if row is None or row[3] is None:
                _problems(problems, f"{where}没有应交记录或尚未核定标准。")
                continue
            owed = row[3] - row[4]
            fen = owed if fen is None else fen
            if not 0 < fen <= owed:
                _problems(problems, f"{where}的金额无效或超过应交。")
                continue
            row[4] += fen
            org_id = row[1]
        payment_rows.append((
            person_id, org_id, kind, month, paid_on, month_of(paid_on), fen,
            kind == PaymentKind.VOLUNTARY and fen >= data.voluntary_threshold_fen, way, collector,
            f"{paid_on:%Y%m%d}-{secrets.token_hex(4)}", "", None, "", None, now,
        ))  # fmt: skip
    # hand-ups and opening balances
    handup_rows = []
    for org, handed_on, fen, centre, period_from, period_to, to_name in data.handups:
        parent = parent_of(org.pk)
        if not holds_funds(org) or not 0 < fen <= MAX_FEN or not 0 <= centre <= fen or handed_on > day:
            _problems(problems, f"上缴：“{org.name}”{handed_on}的金额或日期无效。")
            continue
        if not period_from <= period_to <= month_of(handed_on) or (parent is None and not to_name):
            _problems(problems, f"上缴：“{org.name}”{handed_on}的所属期或接收单位无效。")
            continue
        handup_rows.append((
            org.pk, parent, "" if parent else to_name, handed_on, month_of(handed_on), period_from, period_to, fen,
            centre, "", None, now,
        ))  # fmt: skip
    opening_rows = []
    for org, month, fen in data.openings:
        if not holds_funds(org) or not 0 <= fen <= MAX_FEN or not 0 < month <= current:
            _problems(problems, f"期初结余：“{org.name}”的金额或月份无效。")
            continue
        opening_rows.append((org.pk, month, fen, "", None, now))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        touched = {r[1] for r in rows.values()} | {r[1] for r in payment_rows}
        touched |= (
            {r[0] for r in handup_rows} | {r[1] for r in handup_rows if r[1]} | {r[0] for r in opening_rows}
        )
        if FundOpening.objects.filter(org_id__in=[r[0] for r in opening_rows]).exists():
            raise ValidationError("期初结余：有的党组织已登记期初结余。")
        if DuesMonth.objects.filter(
            org_id__in=sorted(org_by_id), month__gte=data.first, month__lte=data.last
        ).exists():
            raise ValidationError("所选党组织在这些月份已有党费记录，批量导入只用于尚未收缴的月份。")
        insert_values(DuesNorm, (
            "person_id", "from_month", "category", "income_fen", "rate", "amount_fen", "rule", "article", "ruleset",
            "note", "recorded_by_id", "created_at", "updated_at",
        ), [(*r[:4], None if r[4] is None else str(r[4]), *r[5:]) for r in norm_rows])  # fmt: skip
        insert_values(
            DuesMonth, ("person_id", "org_id", "month", "due_fen", "paid_fen", "relieved", "settled"),
            [(p, o, m, due, paid, rel, ledger.is_settled(due, paid)) for p, o, m, due, paid, rel, _s in rows.values()],
        )  # fmt: skip
        insert_values(DuesPayment, (
            "person_id", "org_id", "kind", "month", "paid_on", "fund_month", "amount_fen", "to_centre", "way",
            "collector_name", "receipt", "note", "reversed_on", "reversal_reason", "created_by_id", "created_at",
        ), payment_rows)  # fmt: skip
        insert_values(HandUp, (
            "org_id", "to_org_id", "to_name", "handed_on", "fund_month", "period_from", "period_to", "amount_fen",
            "centre_fen", "note", "created_by_id", "created_at",
        ), handup_rows)  # fmt: skip
        insert_values(
            FundOpening,
            ("org_id", "month", "amount_fen", "note", "created_by_id", "created_at"),
            opening_rows,
        )
        aggregates.rebuild(touched)
        negative = (
            OrgMonth.objects.filter(org_id__in=sorted(touched), closing_fen__lt=0)
            .select_related("org").order_by("org__path", "month").first()
        )  # fmt: skip
        if negative is not None:
            raise ValidationError(
                f"党费结余不足：{negative.org.name}{month_label(negative.month)}末的结余将为"
                f"{yuan(negative.closing_fen):,.2f}元。"
            )
        counts = {"norms": len(norm_rows), "months": len(rows), "payments": len(payment_rows),
                  "handups": len(handup_rows), "openings": len(opening_rows)}  # fmt: skip
        anchor = (
            data.orgs[0]
            if data.orgs
            else next((h[0] for h in data.handups), None) or next((o[0] for o in data.openings), None)
        )
        if anchor is not None:
            record_change(
                actor=actor, action=ChangeAction.CREATE, obj=anchor, message=log_message,
                after={"党费标准": counts["norms"], "应交记录": counts["months"], "交纳记录": counts["payments"],
                       "上缴": counts["handups"], "期初结余": counts["openings"],
                       "月份": f"{month_label(data.first)}至{month_label(data.last)}"},
            )  # fmt: skip
    return counts
