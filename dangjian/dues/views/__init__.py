"""The dues pages: thin views over selectors and services (out-of-scope org = 404, no right = 403).

One module per side (calc: the calculator; members: collection, norms, members, reliefs, arrears;
money: books, hand-ups, allocations, spending, statistics); urls.py names them as `views.x`."""

from .calc import calculator
from .members import (
    arrears,
    collection,
    home,
    lapse,
    norm,
    norms,
    open_month,
    pay,
    person,
    register_export,
    relief_decide,
    relief_new,
    reliefs,
    reverse_payment,
)
from .money import (
    allocation,
    allocation_create,
    allocation_notice,
    allocations,
    fund_request,
    funds,
    handup,
    notice,
    opening,
    records,
    request_decline,
    spending,
    stats,
    stats_card,
)

__all__ = [
    "allocation", "allocation_create", "allocation_notice", "allocations", "arrears", "calculator", "collection",
    "fund_request", "funds", "handup", "home", "lapse", "norm", "norms", "notice", "open_month", "opening", "pay",
    "person", "records", "register_export", "relief_decide", "relief_new", "reliefs", "request_decline",
    "reverse_payment", "spending", "stats", "stats_card",
]  # fmt: skip
