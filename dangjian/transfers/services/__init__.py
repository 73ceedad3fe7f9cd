"""Every write to a transfer (组织关系转接): one at a time in single.py, many at once in many.py.
The rules of who does what are in single.py's docstring."""

from dangjian.transfers.services.many import (
    transfers_approve_many,
    transfers_receive_many,
    transfers_submit_many,
)
from dangjian.transfers.services.single import (
    RECEIVING_KINDS,
    reviewer_for,
    transfer_approve,
    transfer_cancel,
    transfer_receive,
    transfer_receive_from_outside,
    transfer_record_receipt,
    transfer_return,
    transfer_submit,
    validity_days,
)

__all__ = [
    "RECEIVING_KINDS",
    "reviewer_for",
    "transfer_approve",
    "transfer_cancel",
    "transfer_receive",
    "transfer_receive_from_outside",
    "transfer_record_receipt",
    "transfer_return",
    "transfer_submit",
    "transfers_approve_many",
    "transfers_receive_many",
    "transfers_submit_many",
    "validity_days",
]
