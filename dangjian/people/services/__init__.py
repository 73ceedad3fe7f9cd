"""Every write to a person's file (services: keyword-only, validated, in a transaction, recorded):
one person at a time in persons.py, many at once in bulk.py, the fields and their checks in fields.py."""

from dangjian.people.services.bulk import BulkRowError, people_bulk_create, people_move, people_reduce
from dangjian.people.services.fields import (
    BACKFILL_REASON_MAX,
    EDITABLE_FIELDS,
    PERSON_FIELDS,
    clean_person_fields,
)
from dangjian.people.services.persons import (
    person_backfill,
    person_create,
    person_move,
    person_reactivate,
    person_reduce,
    person_update,
)

__all__ = [
    "BACKFILL_REASON_MAX",
    "EDITABLE_FIELDS",
    "PERSON_FIELDS",
    "BulkRowError",
    "clean_person_fields",
    "people_bulk_create",
    "people_move",
    "people_reduce",
    "person_backfill",
    "person_create",
    "person_move",
    "person_reactivate",
    "person_reduce",
    "person_update",
]
