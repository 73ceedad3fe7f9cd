"""What the mobilization app adds to the core's pages (registered in apps.py)."""

from dangjian.base.panels import Panel


def _person_roles(request, person, page) -> dict:
    from dangjian.mobilization import selectors

    return {"roles": selectors.person_roles(person)}


PERSON_ROLES = Panel(
    "mobilization-roles", "mobilization/_person_roles.html", _person_roles, place="main", order=30
)
