"""Keeping `OrgMonth` current inside the services' transactions.

Collection columns move with the ledger rows (`DuesMonth`): each row contributes to its org and
month (unpriced, due, paid, covered = min(paid, due), settled, relieved), so a change is the
difference of two contributions. Money columns are flows: a flow in one month changes that row's
closing balance and shifts the opening and closing of every later row of the org by the same
amount (one UPDATE), so `opening + collected + received − handed up − allocated − spent = closing`
holds after every write. `aggregates.py` recomputes the same rows from the detail records.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import F, Min
from django.utils.translation import gettext as _

from dangjian.dues.models import FLOW_SIGN, OrgMonth, yuan
from dangjian.dues.months import month_cn

Contribution = tuple[int, int, int, int, int, int]  # unpriced, due, paid, covered, settled, relieved
CONTRIBUTION_COLUMNS = ("unpriced", "due_fen", "paid_fen", "covered_fen", "settled", "relieved")


def is_settled(due: int | None, paid: int) -> bool:
    return due is not None and paid >= due


def contribution(due: int | None, paid: int, relieved: bool) -> Contribution:
    if due is None:
        return (1, 0, paid, 0, 0, int(relieved))
    return (0, due, paid, min(paid, due), int(paid >= due), int(relieved))


class Deltas:
    """Collection deltas per (org, month), applied at once."""

    def __init__(self) -> None:
        self.rows: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * 7)

    def add_row(self, org_id: int, month: int, new: Contribution) -> None:
        values = self.rows[(org_id, month)]
        values[0] += 1
        for i, v in enumerate(new, start=1):
            values[i] += v

    def change(self, org_id: int, month: int, old: Contribution, new: Contribution) -> None:
        values = self.rows[(org_id, month)]
        for i, (a, b) in enumerate(zip(old, new, strict=True), start=1):
            values[i] += b - a

    def apply(self) -> None:
        for (org_id, month), values in sorted(self.rows.items()):
            changes = dict(zip(("members", *CONTRIBUTION_COLUMNS), values, strict=True))
            changes = {k: v for k, v in changes.items() if v}
            if changes:
                ensure_row(org_id, month)
                OrgMonth.objects.filter(org_id=org_id, month=month).update(
                    **{k: F(k) + v for k, v in changes.items()}
                )


def ensure_row(org_id: int, month: int) -> None:
    """The org's row of `month`, created with the previous row's closing as its opening."""
    if OrgMonth.objects.filter(org_id=org_id, month=month).exists():
        return
    previous = (
        OrgMonth.objects.filter(org_id=org_id, month__lt=month)
        .order_by("-month")
        .values_list("closing_fen", flat=True)
        .first()
    )
    OrgMonth.objects.create(org_id=org_id, month=month, opening_fen=previous or 0, closing_fen=previous or 0)


def _shift_later(org_id: int, month: int, fen: int) -> None:
    if fen:
        OrgMonth.objects.filter(org_id=org_id, month__gt=month).update(
            opening_fen=F("opening_fen") + fen, closing_fen=F("closing_fen") + fen
        )


def flow(org_id: int, month: int, **amounts: int) -> None:
    """Add money flows (FLOW_COLUMNS, in fen; negative to take back) to an org's month."""
    amounts = {k: v for k, v in amounts.items() if v}
    if not amounts:
        return
    ensure_row(org_id, month)
    net = sum(FLOW_SIGN[k] * v for k, v in amounts.items())
    changes = {k: F(k) + v for k, v in amounts.items()}
    if net:
        changes["closing_fen"] = F("closing_fen") + net
    OrgMonth.objects.filter(org_id=org_id, month=month).update(**changes)
    _shift_later(org_id, month, net)


def opening(org_id: int, month: int, fen: int) -> None:
    """The org's opening balance (期初结余) enters its books in `month`."""
    ensure_row(org_id, month)
    OrgMonth.objects.filter(org_id=org_id, month=month).update(
        opening_fen=F("opening_fen") + fen, closing_fen=F("closing_fen") + fen
    )
    _shift_later(org_id, month, fen)


def require_balance(org, month: int) -> None:
    """Refuse (ValidationError) when any month-end balance of `org` from `month` on is negative:
    an outflow may not spend money the org did not have then, or has since handed on."""
    lowest = OrgMonth.objects.filter(org_id=org.pk, month__gte=month).aggregate(low=Min("closing_fen"))["low"]
    if lowest is None or lowest >= 0:
        return
    at = (
        OrgMonth.objects.filter(org_id=org.pk, month__gte=month, closing_fen__lt=0)
        .order_by("month")
        .values_list("month", "closing_fen")
        .first()
    )
    raise ValidationError(
        _("党费结余不足：%(org)s%(month)s末的结余将为%(balance)s元。")
        % {"org": org.name, "month": month_cn(at[0]), "balance": f"{yuan(at[1]):,.2f}"}
    )
