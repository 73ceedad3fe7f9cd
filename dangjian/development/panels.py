"""What the development app adds to the core's pages (registered in apps.py)."""

from __future__ import annotations

from dangjian.base.panels import Panel


def _person_case(request, person, page) -> dict:
    from dangjian.development.models import Case

    case = Case.objects.filter(person=person).only("id").first()
    return {"case": case, "person": person, "can_open": page["can_change"] and not person.is_member}


def _org_links(request, org, page) -> dict:
    return {"org": org}


PERSON_CASE = Panel(
    "development-case", "development/panels/person_case.html", _person_case, place="actions", order=10
)
ORG_LINKS = Panel(
    "development-links", "development/panels/org_links.html", _org_links, place="actions", order=10
)
