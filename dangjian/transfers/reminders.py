"""The transfers' items of the due list (待办), registered with development/due.py as a source:

- the reviewing committee: a transfer waiting for its review (可以办理);
- the receiving org: a letter waiting to be received (可以办理; 即将到期 in the last week of its
  validity; 已逾期 after it);
- the sending org, which stays responsible until receipt: a letter past its validity and not
  received, or a letter to outside the system whose 回执 has not come back in time.

Every transition reruns this for the orgs of the transfer; the daily refresh runs it for all.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from dangjian.development import due
from dangjian.development.models import DueItem, DueKind, DueStatus
from dangjian.transfers.models import Status, Transfer

SOURCE = "transfers"
KINDS = (DueKind.TRANSFER,)
SOON_DAYS = 7


def _status(valid_until: dt.date | None, today: dt.date) -> str:
    if valid_until is None:
        return DueStatus.READY
    if valid_until < today:
        return DueStatus.OVERDUE
    return DueStatus.SOON if (valid_until - today).days <= SOON_DAYS else DueStatus.READY


def compute(today: dt.date, org_ids: set[int] | None) -> list[DueItem]:
    open_transfers = Transfer.objects.filter(status__in=(Status.SUBMITTED, Status.PENDING))
    if org_ids is not None:
        open_transfers = open_transfers.filter(
            Q(from_org_id__in=org_ids) | Q(to_org_id__in=org_ids) | Q(reviewer_id__in=org_ids)
        )
    wanted = (lambda pk: pk is not None) if org_ids is None else (lambda pk: pk in org_ids)
    items: list[DueItem] = []
    for t in open_transfers.select_related("person", "from_org", "to_org").order_by("id"):
        name, target = t.person.name, (t.to_org.name if t.to_org_id else t.to_outside)
        if t.status == Status.SUBMITTED and wanted(t.reviewer_id):
            items.append(DueItem(org_id=t.reviewer_id, kind=DueKind.TRANSFER, status=DueStatus.READY,
                                 due_on=t.submitted_on, message=f"{name}：组织关系转往{target}，待审核"))  # fmt: skip
            continue
        if t.status != Status.PENDING:
            continue
        until = f"（介绍信{t.letter_no}，有效期至{t.valid_until:%Y-%m-%d}）" if t.valid_until else ""
        status = _status(t.valid_until, today)
        due_on = t.valid_until or t.issued_on or t.submitted_on
        if t.to_org_id and wanted(t.to_org_id):
            items.append(DueItem(org_id=t.to_org_id, kind=DueKind.TRANSFER, status=status, due_on=due_on,
                                 message=f"{name}：组织关系待接收{until}"))  # fmt: skip
        if t.from_org_id and wanted(t.from_org_id) and status == DueStatus.OVERDUE:
            what = "回执未返回" if not t.to_org_id else "对方尚未接收"
            items.append(DueItem(org_id=t.from_org_id, kind=DueKind.TRANSFER, status=status, due_on=due_on,
                                 message=f"{name}：转往{target}的介绍信已过有效期，{what}{until}"))  # fmt: skip
    return items


def refresh_for(*transfers: Transfer) -> None:
    """Recompute the items of the transfers' orgs, once (inside the write that changed them)."""
    ids = {pk for t in transfers for pk in (t.from_org_id, t.to_org_id, t.reviewer_id) if pk is not None}
    due.refresh_orgs(SOURCE, ids)
