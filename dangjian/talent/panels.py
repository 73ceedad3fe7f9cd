"""What the talent app adds to the core's pages (registered in apps.py): the pool history on the
person file (一人一档) and a link from the org page."""

from __future__ import annotations

from dangjian.base.panels import Panel


def _person_pool(request, person, page) -> dict | None:
    from dangjian.accounts import scope
    from dangjian.talent import selectors

    entries = selectors.entries_of_person(request.user, person)
    if not entries:
        return None
    for entry in entries:  # an entry of an org outside the user's scope is named, not linked
        entry.visible = scope.path_in_scope(request.user, entry.org.path)
    return {"person": person, "entries": entries}


def _org_link(request, org, page) -> dict:
    return {"org": org}


PERSON_POOL = Panel("talent-person", "talent/panels/person.html", _person_pool, place="main", order=45)
ORG_LINK = Panel("talent-link", "talent/panels/org_link.html", _org_link, place="actions", order=35)
