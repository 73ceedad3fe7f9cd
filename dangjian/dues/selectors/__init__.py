"""Every read of the dues app, always through the acting user's scope (accounts/scope.py): out of
scope is a 404, in scope without the right a 403 with the reason. One module per subject
(collection: members, norms, arrears; funds: balances, hand-ups, allocations; figures: the
statistics; records: the rows behind each figure); the public names are re-exported here."""

from .collection import (
    MASK,
    Collection,
    arrears_for,
    collection_for,
    eligible_q,
    get_person_for_dues,
    may_see_income,
    members_of,
    norms_for,
    pending_reliefs,
    person_dues,
    refusal,
)
from .figures import DuesFigures, dues_figures, records_url
from .funds import (
    allocation_detail,
    allocations_for,
    balance_now,
    balances,
    campaign_allocations,
    default_period,
    earmarks_of,
    get_allocation_for_user,
    handup_suggestion,
    handups_of,
    opening_of,
    quarter_of,
    requests_of,
    spendings_of,
    voluntary_to_centre,
)
from .records import KINDS, records

__all__ = [
    "KINDS", "MASK", "Collection", "DuesFigures", "allocation_detail", "allocations_for", "arrears_for",
    "balance_now", "balances", "campaign_allocations", "collection_for", "default_period", "dues_figures",
    "earmarks_of", "eligible_q", "get_allocation_for_user", "get_person_for_dues", "handup_suggestion",
    "handups_of", "may_see_income", "members_of", "norms_for", "opening_of", "pending_reliefs", "person_dues",
    "quarter_of", "records", "records_url", "refusal", "requests_of", "spendings_of", "voluntary_to_centre",
]  # fmt: skip
