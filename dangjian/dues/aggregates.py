"""`OrgMonth` recomputed from the detail records, for the check (`dangjian dues check`) and for the
bulk load (which writes the details and then these rows, instead of moving them row by row).

A handful of GROUP BY queries whatever the size: the ledger by (org, month), payments, hand-ups
(out and in), allocations (out, and their lines in), spending and opening balances by (org, fund
month); the balance is then chained per org in month order: opening = the previous closing (plus
the opening balance in its month), closing = opening + collected + received − handed up −
allocated − spent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from dangjian.base.bulk import insert_values
from dangjian.dues.models import (
    COLLECTION_COLUMNS,
    FLOW_COLUMNS,
    FLOW_SIGN,
    Allocation,
    AllocationLine,
    DuesMonth,
    DuesPayment,
    FundOpening,
    HandUp,
    OrgMonth,
    PaymentKind,
    Spending,
    yuan,
)
from dangjian.dues.months import month_label
from dangjian.orgs.models import Org

Key = tuple[int, int]  # (org, month)
COLUMNS = (*COLLECTION_COLUMNS, "opening_fen", *FLOW_COLUMNS, "closing_fen")
LABELS = {
    "members": "应交人数", "unpriced": "未核定标准人数", "due_fen": "应交金额", "paid_fen": "实交金额",
    "covered_fen": "已收应交金额", "settled": "交清人数", "relieved": "减免人数", "opening_fen": "期初结余",
    "collected_fen": "收缴", "voluntary_fen": "其中自愿多交", "centre_fen": "上缴中央款项（收入）",
    "received_fen": "上级下拨及下级上缴收入", "handed_up_fen": "上缴", "centre_up_fen": "其中上缴中央",
    "allocated_fen": "下拨", "spent_fen": "使用", "closing_fen": "期末结余",
}  # fmt: skip
MONEY = frozenset(c for c in COLUMNS if c.endswith("_fen"))


def _filter(qs, field: str, org_ids: set[int] | None):
    return qs if org_ids is None else qs.filter(**{f"{field}__in": sorted(org_ids)})


def grouped(qs, keys: tuple[str, ...], **aggregates):
    """Rows of (*keys, *aggregates) grouped by `keys`."""
    return qs.values(*keys).annotate(**aggregates).values_list(*keys, *aggregates).order_by()


def _add(out: dict, rows, columns: tuple[str, ...]) -> None:
    for org_id, month, *values in rows:
        if org_id is None:
            continue
        entry = out[(org_id, month)]
        for column, value in zip(columns, values, strict=True):
            entry[column] = entry.get(column, 0) + (value or 0)


def detail_sums(org_ids: set[int] | None = None) -> tuple[dict[Key, dict[str, int]], dict[Key, int]]:
    """({(org, month): {column: value}} of the collection and flow columns, {(org, month): opening
    balance}) from the detail records of `org_ids` (None: every org)."""
    out: dict[Key, dict[str, int]] = defaultdict(dict)
    big = BigIntegerField()
    covered = Case(
        When(due_fen__isnull=True, then=Value(0)), When(paid_fen__lt=F("due_fen"), then=F("paid_fen")),
        default=F("due_fen"), output_field=big,
    )  # fmt: skip
    ledger_rows = grouped(
        _filter(DuesMonth.objects.all(), "org_id", org_ids), ("org_id", "month"),
        members=Count("id"), unpriced=Count("id", filter=Q(due_fen__isnull=True)), due=Coalesce(Sum("due_fen"), 0, output_field=big),
        paid=Coalesce(Sum("paid_fen"), 0, output_field=big), covered=Coalesce(Sum(covered), 0, output_field=big),
        settled=Count("id", filter=Q(settled=True)), relieved=Count("id", filter=Q(relieved=True)),
    )  # fmt: skip
    _add(out, ledger_rows, COLLECTION_COLUMNS)
    payments = grouped(
        _filter(DuesPayment.objects.filter(reversed_on__isnull=True), "org_id", org_ids), ("org_id", "fund_month"),
        collected=Sum("amount_fen"), voluntary=Sum("amount_fen", filter=Q(kind=PaymentKind.VOLUNTARY)),
        centre=Sum("amount_fen", filter=Q(to_centre=True)),
    )  # fmt: skip
    _add(out, payments, ("collected_fen", "voluntary_fen", "centre_fen"))
    handups = HandUp.objects.all()
    _add(out, grouped(_filter(handups, "org_id", org_ids), ("org_id", "fund_month"), n=Sum("amount_fen"),
                       c=Sum("centre_fen")), ("handed_up_fen", "centre_up_fen"))  # fmt: skip
    _add(out, grouped(_filter(handups, "to_org_id", org_ids), ("to_org_id", "fund_month"), n=Sum("amount_fen"),
                       c=Sum("centre_fen")), ("received_fen", "centre_fen"))  # fmt: skip
    _add(out, grouped(_filter(Allocation.objects.all(), "org_id", org_ids), ("org_id", "fund_month"),
                       n=Sum("amount_fen")), ("allocated_fen",))  # fmt: skip
    _add(out, grouped(_filter(AllocationLine.objects.filter(to_org__isnull=False), "to_org_id", org_ids),
                       ("to_org_id", "allocation__fund_month"), n=Sum("amount_fen")), ("received_fen",))  # fmt: skip
    _add(out, grouped(_filter(Spending.objects.all(), "org_id", org_ids), ("org_id", "fund_month"),
                       n=Sum("amount_fen")), ("spent_fen",))  # fmt: skip
    openings = {
        (o, m): n
        for o, m, n in _filter(FundOpening.objects.all(), "org_id", org_ids).values_list(
            "org_id", "month", "amount_fen"
        )
    }
    for key in openings:
        out.setdefault(key, {})
    return dict(out), openings


def chain(rows: dict[Key, dict[str, int]], openings: dict[Key, int]) -> dict[Key, dict[str, int]]:
    """Every column of every (org, month), the balance chained per org in month order."""
    full: dict[Key, dict[str, int]] = {}
    closing: dict[int, int] = {}
    for key in sorted(rows):
        org_id, _month = key
        values = {c: rows[key].get(c, 0) for c in (*COLLECTION_COLUMNS, *FLOW_COLUMNS)}
        values["opening_fen"] = closing.get(org_id, 0) + openings.get(key, 0)
        values["closing_fen"] = values["opening_fen"] + sum(FLOW_SIGN[c] * values[c] for c in FLOW_COLUMNS)
        closing[org_id] = values["closing_fen"]
        full[key] = values
    return full


def expected(org_ids: set[int] | None = None) -> dict[Key, dict[str, int]]:
    rows, openings = detail_sums(org_ids)
    return chain(rows, openings)


def stored(org_ids: set[int] | None = None) -> dict[Key, dict[str, int]]:
    qs = _filter(OrgMonth.objects.all(), "org_id", org_ids).values_list("org_id", "month", *COLUMNS)
    return {(o, m): dict(zip(COLUMNS, values, strict=True)) for o, m, *values in qs}


def rebuild(org_ids: set[int] | None = None) -> int:
    """Replace the OrgMonth rows of `org_ids` (None: all) by the recomputation; returns the rows."""
    rows = expected(org_ids)
    _filter(OrgMonth.objects.all(), "org_id", org_ids).delete()
    insert_values(
        OrgMonth, ("org_id", "month", *COLUMNS),
        [(o, m, *(values[c] for c in COLUMNS)) for (o, m), values in sorted(rows.items())],
    )  # fmt: skip
    return len(rows)


@dataclass(frozen=True)
class Problem:
    org_id: int
    month: int | None
    message: str


def _fmt(column: str, value: int) -> str:
    return f"{yuan(value):,.2f}元" if column in MONEY else str(value)


def check(org_ids: set[int] | None = None) -> list[Problem]:
    """Every disagreement between the stored aggregates and the details, and every stored row whose
    balance does not add up (opening + flows ≠ closing, opening ≠ the previous closing), by org and
    month; then ledger rows whose paid amount or settled flag disagree with the payments."""
    rows, openings = detail_sums(org_ids)
    have = stored(org_ids)
    for key in have:  # a row whose flows netted out (a payment and its reversal) is still a link
        rows.setdefault(key, {})
    want = chain(rows, openings)
    problems: list[Problem] = []
    previous: dict[int, int] = {}
    for key in sorted(want.keys() | have.keys()):
        org_id, month = key
        row = have.get(key)
        if row is None:
            problems.append(Problem(org_id, month, "缺少月度汇总记录"))
            continue
        net = sum(FLOW_SIGN[c] * row[c] for c in FLOW_COLUMNS)
        if row["opening_fen"] + net != row["closing_fen"]:
            problems.append(Problem(org_id, month, (
                f"收支不平衡：期初{_fmt('opening_fen', row['opening_fen'])} + 收缴 + 收入 − 上缴 − 下拨 − 使用 = "
                f"{_fmt('closing_fen', row['opening_fen'] + net)}，记录的期末结余为{_fmt('closing_fen', row['closing_fen'])}"
            )))  # fmt: skip
        link = previous.get(org_id, 0) + openings.get(key, 0)
        if row["opening_fen"] != link:
            problems.append(Problem(org_id, month, (
                f"期初结余{_fmt('opening_fen', row['opening_fen'])}与上月期末结余（含登记的期初结余）"
                f"{_fmt('opening_fen', link)}不符"
            )))  # fmt: skip
        previous[org_id] = row["closing_fen"]
        for column in (*COLLECTION_COLUMNS, *FLOW_COLUMNS):
            if row[column] != want[key][column]:
                problems.append(Problem(org_id, month, (
                    f"{LABELS[column]}记录为{_fmt(column, row[column])}，按明细应为{_fmt(column, want[key][column])}"
                )))  # fmt: skip
        if row["closing_fen"] < 0:
            problems.append(
                Problem(org_id, month, f"期末结余为负数（{_fmt('closing_fen', row['closing_fen'])}）")
            )
    problems += _ledger_problems(org_ids)
    return problems


LEDGER_CHUNK = 200  # collecting orgs per pass: the payments of a few thousand members in memory


def _ledger_problems(org_ids: set[int] | None) -> list[Problem]:
    """The ledger against the payments, a few hundred collecting orgs at a time."""
    ids = (
        sorted(org_ids)
        if org_ids is not None
        else sorted(
            set(DuesMonth.objects.values_list("org_id", flat=True).distinct().order_by())
            | set(DuesPayment.objects.values_list("org_id", flat=True).distinct().order_by())
        )
    )
    problems: list[Problem] = []
    for start in range(0, len(ids), LEDGER_CHUNK):
        problems += _ledger_chunk(set(ids[start : start + LEDGER_CHUNK]))
    return problems


def _ledger_chunk(org_ids: set[int]) -> list[Problem]:
    paid: dict[tuple[int, int], int] = {
        (p, m): n
        for p, m, n in grouped(
            _filter(DuesPayment.objects.filter(kind=PaymentKind.DUES, reversed_on__isnull=True), "org_id", org_ids),
            ("person_id", "month"), n=Sum("amount_fen"),
        )
    }  # fmt: skip
    problems = []
    rows = _filter(DuesMonth.objects.all(), "org_id", org_ids).values_list(
        "person_id", "org_id", "month", "due_fen", "paid_fen", "settled"
    )
    for person_id, org_id, month, due, paid_fen, settled in rows.iterator(chunk_size=20000):
        want = paid.pop((person_id, month), 0)
        if want != paid_fen:
            problems.append(Problem(org_id, month, (
                f"党员（编号{person_id}）的实交记录为{_fmt('paid_fen', paid_fen)}，交纳明细合计{_fmt('paid_fen', want)}"
            )))  # fmt: skip
        if settled != (due is not None and paid_fen >= due):
            problems.append(Problem(org_id, month, f"党员（编号{person_id}）的交清标志与应交、实交不符"))
    for (person_id, month), n in paid.items():
        problems.append(
            Problem(
                0,
                month,
                f"党员（编号{person_id}）{month_label(month)}有交纳明细{_fmt('paid_fen', n)}，但没有应交记录",
            )
        )
    return problems


def describe(problems: list[Problem]) -> list[str]:
    names = dict(Org.objects.filter(pk__in={p.org_id for p in problems}).values_list("pk", "name"))
    return [
        f"{names.get(p.org_id, '（未知党组织）')} {month_label(p.month) if p.month is not None else ''}：{p.message}"
        for p in problems
    ]
