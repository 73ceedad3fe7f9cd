"""Every write of the dues app. Keyword-only, validated, in a transaction, recorded in the change log.

Rights (accounts.ROLE_ACTIONS): `MANAGE_DUES` on the org for collecting, handing up, allocating,
spending and requests (组织部管理员, 党委组织员, 支部书记, 组织委员, 党费收缴员 on their subtree); a
norm also needs `VIEW_DUES_INCOME` (the base is personal data: 支部书记, 组织委员, 党费收缴员); a
relief is approved by `MANAGE_DUES` on the next-higher 党委; the 党章第九条 decision needs
`CHANGE_PERSON` on the branch. A temporary org collects no dues (RULES.md §7.4).

One module per subject (norms, collection, funds, bulk; shared helpers in _common and _rows);
every public name is re-exported here.
"""

from .bulk import BulkDues, dues_bulk_load
from .collection import PaymentEntry, month_open, payment_reverse, payments_record
from .funds import (
    LineIn,
    allocation_record,
    fund_opening_set,
    fund_request_create,
    fund_request_decline,
    handup_record,
    spending_record,
)
from .norms import lapse_decide, norm_record, relief_decide, relief_request

__all__ = [
    "BulkDues", "LineIn", "PaymentEntry", "allocation_record", "dues_bulk_load", "fund_opening_set",
    "fund_request_create", "fund_request_decline", "handup_record", "lapse_decide", "month_open", "norm_record",
    "payment_reverse", "payments_record", "relief_decide", "relief_request", "spending_record",
]  # fmt: skip
