"""The ledger rows (`DuesMonth`): creating a member's months, re-pricing them when a norm or a
relief changes what is due; each change moves `OrgMonth` through ledger.Deltas."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from dangjian.base.bulk import insert_values
from dangjian.dues import ledger
from dangjian.dues.models import DuesMonth
from dangjian.dues.services._common import Pricing

ROW_COLUMNS = ("person_id", "org_id", "month", "due_fen", "paid_fen", "relieved", "settled")


def create_rows(
    wanted: Iterable[tuple[int, int, int]], deltas: ledger.Deltas, pricing: Pricing | None = None,
    existing_q: Q | None = None,
) -> int:  # fmt: skip
    """Create the ledger rows (person, collecting org, month) that do not exist yet, priced; returns
    how many were created. `existing_q` (a filter on DuesMonth) finds the existing rows of many
    people at once (a subtree) instead of listing their ids."""
    wanted = sorted(set(wanted))
    if not wanted:
        return 0
    people = {p for p, _o, _m in wanted}
    months = [m for _p, _o, m in wanted]
    where = existing_q if existing_q is not None else Q(person_id__in=sorted(people))
    existing = set(
        DuesMonth.objects.filter(where, month__gte=min(months), month__lte=max(months)).values_list(
            "person_id", "month"
        )
    )
    pricing = pricing or Pricing(people)
    rows = []
    for person_id, org_id, month in wanted:
        if (person_id, month) in existing:
            continue
        due, relieved = pricing.due(person_id, month)
        settled = ledger.is_settled(due, 0)
        rows.append((person_id, org_id, month, due, 0, relieved, settled))
        deltas.add_row(org_id, month, ledger.contribution(due, 0, relieved))
    insert_values(DuesMonth, ROW_COLUMNS, rows)
    return len(rows)


def reprice(person_id: int, first: int, last: int | None, deltas: ledger.Deltas) -> int:
    """Recompute what is due in the person's existing rows from `first` to `last` (None: every later
    one) from the norms and approved reliefs; returns the number of rows that changed."""
    rows = DuesMonth.objects.select_for_update().filter(person_id=person_id, month__gte=first)
    if last is not None:
        rows = rows.filter(month__lte=last)
    rows = list(rows)
    if not rows:
        return 0
    pricing = Pricing([person_id])
    changed = []
    for row in rows:
        due, relieved = pricing.due(person_id, row.month)
        if (due, relieved) == (row.due_fen, row.relieved):
            continue
        old = ledger.contribution(row.due_fen, row.paid_fen, row.relieved)
        row.due_fen, row.relieved = due, relieved
        row.settled = ledger.is_settled(due, row.paid_fen)
        deltas.change(row.org_id, row.month, old, ledger.contribution(due, row.paid_fen, relieved))
        changed.append(row)
    DuesMonth.objects.bulk_update(changed, ["due_fen", "relieved", "settled"], batch_size=500)
    return len(changed)
