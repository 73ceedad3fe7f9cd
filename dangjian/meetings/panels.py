"""What the meetings app adds to the core's pages (registered in apps.py)."""

from dangjian.base.panels import Panel

ORG_LINK = Panel(
    "meetings-link",
    "meetings/panels/org_link.html",
    lambda request, org, page: {"org": org},
    place="actions",
    order=20,
)
