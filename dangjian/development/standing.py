"""The development records as the source of a person's standing (registered in apps.py with
base/hooks.py): the person services refuse any other value for a person who has a case."""

from __future__ import annotations

from typing import Any

from dangjian.base.hooks import STANDING_FIELDS


def derived_standing(person) -> dict[str, Any] | None:
    from dangjian.development.models import Case, StepRecord
    from dangjian.development.services import milestones

    case = Case.objects.filter(person_id=person.pk).only("id").first()
    if case is None:
        return None
    records = list(StepRecord.objects.filter(case_id=case.pk, is_current=True).order_by("on", "id"))
    derived = milestones(records)
    return {key: derived.get(key, getattr(person, key)) for key in STANDING_FIELDS}
