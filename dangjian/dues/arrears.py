"""Arrears (欠缴) from the ledger's unsettled rows: how many months a member has not paid in full,
and the run of months without any payment that ends with the last month that has ended (党章第九条
speaks of six months in a row). Only months already opened count: the ledger starts where the
branch started keeping it, so nobody is reproached for months before it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from dangjian.dues.models import DuesMonth
from dangjian.dues.months import month_of


def last_closed_month(today: dt.date) -> int:
    """The last month that has ended: this month's dues are not late before its end."""
    return month_of(today) - 1


@dataclass
class Arrears:
    person_id: int
    org_id: int
    months: list[int] = field(default_factory=list)  # unpaid or partly paid, ascending
    owed_fen: int = 0
    unpaid: set[int] = field(default_factory=set)  # months without any payment

    @property
    def count(self) -> int:
        return len(self.months)

    def run(self, through: int) -> tuple[int | None, int]:
        """(first month, length) of the months without any payment ending at `through`."""
        length, month = 0, through
        while month in self.unpaid:
            length += 1
            month -= 1
        return (month + 1 if length else None), length


def arrears_rows(q: Q, through: int) -> dict[int, Arrears]:
    """Arrears of the members matching `q` (a filter on DuesMonth: org, person …) in months up to
    `through`, by person; one query over the unsettled rows only (their own partial index)."""
    out: dict[int, Arrears] = {}
    rows = (
        DuesMonth.objects.filter(q, settled=False, month__lte=through, due_fen__gt=0)
        .order_by("person_id", "month")
        .values_list("person_id", "org_id", "month", "due_fen", "paid_fen")
    )
    for person_id, org_id, month, due, paid in rows:
        entry = out.get(person_id)
        if entry is None:
            entry = out[person_id] = Arrears(person_id, org_id)
        entry.months.append(month)
        entry.owed_fen += due - paid
        if paid == 0:
            entry.unpaid.add(month)
    return out


def length_band(count: int) -> str:
    """The bands of the figures: 1–2, 3–5 and 6 or more months."""
    if count >= 6:
        return "6+"
    if count >= 3:
        return "3-5"
    return "1-2"


BANDS = ("1-2", "3-5", "6+")


def bands(arrears: dict[int, Arrears]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for entry in arrears.values():
        counts[length_band(entry.count)] += 1
    return {band: counts.get(band, 0) for band in BANDS}
