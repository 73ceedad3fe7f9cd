"""What the training app adds to the core's pages (registered in apps.py)."""

from __future__ import annotations

from django.utils import timezone

from dangjian.base.panels import Panel

PERSON_TRAININGS_SHOWN = 10


def _person_trainings(request, person, page) -> dict | None:
    from dangjian.accounts import scope
    from dangjian.training import selectors

    trainings = list(selectors.participations_for_person(request.user, person)[: PERSON_TRAININGS_SHOWN + 1])
    year = timezone.localdate().year
    obligation = selectors.obligation_for(person.org, year) if person.is_member and person.is_active else None
    if not trainings and obligation is None:
        return None
    for p in trainings:  # a class of an org above the user's scope is named, not linked
        p.visible = scope.path_in_scope(request.user, p.training_class.org.path)
    return {
        "person": person, "trainings": trainings[:PERSON_TRAININGS_SHOWN],
        "more": len(trainings) > PERSON_TRAININGS_SHOWN, "year": year,
        "hours": selectors.year_hours(person, year), "obligation": obligation,
    }  # fmt: skip


def _org_link(request, org, page) -> dict:
    return {"org": org}


PERSON_TRAININGS = Panel(
    "training-person", "training/panels/person.html", _person_trainings, place="main", order=40
)
ORG_LINK = Panel("training-link", "training/panels/org_link.html", _org_link, place="actions", order=30)
