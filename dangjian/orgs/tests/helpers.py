"""Plain helpers shared by the organization tree rule tests (test_tree_*.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from dangjian.audit.models import ChangeRecord
from dangjian.orgs.models import Org
from dangjian.orgs.services import org_create
from dangjian.people.models import Person

FOUNDED = dt.date(2001, 7, 1)


def tree_state() -> dict:
    """Everything a failed write must leave untouched."""
    return {
        "orgs": sorted(
            Org.objects.values_list(
                "code", "path", "depth", "numchild", "kind", "has_approval_authority", "dissolved_on", "name"
            )
        ),
        "people": sorted(Person.objects.values_list("pk", "org_id", "reduction")),
        "changes": ChangeRecord.objects.count(),
    }


def messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def fresh(org: Org) -> Org:
    return Org.objects.get(pk=org.pk)


def no_tree_problems() -> bool:
    return all(not problems for problems in Org.objects.find_problems())


def new_org(world, parent, code, kind, *, actor=None, approval=False, **extra):
    return org_create(
        actor=actor, parent=parent, code=code, name=extra.pop("name", code), kind=kind,
        has_approval_authority=approval, founded_on=FOUNDED, **extra,
    )  # fmt: skip
