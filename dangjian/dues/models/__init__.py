"""党费: each member's norm (党费标准), the monthly ledger and the payments, hardship reliefs, and the
money of every org — collected, handed up (上缴), allocated down (下拨), spent — with its balance.

Amounts are stored as whole fen (分) in integer columns, so sums are exact on SQLite and PostgreSQL
alike; everything shown or accepted is yuan as a Decimal to the fen (never a float). Months are
integers (months.py). Writes go through services/; `OrgMonth` is the per-org, per-month aggregate the
pages and figures read instead of counting members or payments, kept by the same services and
verified from the detail rows by `dangjian dues check`.
"""

from dangjian.dues.models.funds import (
    COLLECTION_COLUMNS,
    FLOW_COLUMNS,
    FLOW_SIGN,
    Allocation,
    AllocationLine,
    FundOpening,
    FundRequest,
    HandUp,
    OrgMonth,
    Purpose,
    RequestStatus,
    Spending,
)
from dangjian.dues.models.members import (
    FEN,
    FLAT_CATEGORIES,
    INCOME_CATEGORIES,
    DuesCategory,
    DuesMonth,
    DuesNorm,
    DuesPayment,
    DuesRelief,
    LapseDecision,
    PaymentKind,
    PaymentWay,
    ReliefKind,
    ReliefStatus,
    yuan,
)

__all__ = [
    "COLLECTION_COLUMNS", "FEN", "FLAT_CATEGORIES", "FLOW_COLUMNS", "FLOW_SIGN", "INCOME_CATEGORIES",
    "Allocation", "AllocationLine", "DuesCategory", "DuesMonth", "DuesNorm", "DuesPayment", "DuesRelief",
    "FundOpening", "FundRequest", "HandUp", "LapseDecision", "OrgMonth", "PaymentKind", "PaymentWay",
    "Purpose", "ReliefKind", "ReliefStatus", "RequestStatus", "Spending", "yuan",
]  # fmt: skip
