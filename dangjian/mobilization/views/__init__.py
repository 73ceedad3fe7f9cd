"""Pages of the mobilization app: thin views over the selectors (reads) and services (writes).

Reads go through the selectors (out of scope is a 404); a POST from someone who may only read is a
403; a service's ValidationError comes back as form errors, nothing written.

One module per subdomain (campaigns, temporary_orgs, teams, posts, grid, registrations, duty, volunteer,
frontline, bulletins; shared helpers in _common); every public name is re-exported here.
Where a view has its module's name (`views.grid`, `views.duty` …) the package attribute is the view,
as urls.py expects; reach the module with `from .grid import …`.
"""

from ._common import GRID_PAGE_SIZE, PAGE_SIZE, PEOPLE_LIMIT, WIZARD_STEPS
from .bulletins import commendations
from .campaigns import (
    campaign_close,
    campaign_create,
    campaign_edit,
    campaign_list,
    dashboard,
    suggest_orgs,
    suggest_people,
    suggest_run_orgs,
)
from .duty import duty, shift_detail
from .frontline import frontline, frontline_accept, frontline_admitted, frontline_review
from .grid import coverage, grid, grid_import, grid_lead, grid_template
from .posts import post_list
from .registrations import registrations
from .teams import team_detail, team_list
from .temporary_orgs import temporary_org_detail, temporary_org_list
from .volunteer import volunteer

__all__ = [
    "GRID_PAGE_SIZE",
    "PAGE_SIZE",
    "PEOPLE_LIMIT",
    "WIZARD_STEPS",
    "campaign_close",
    "campaign_create",
    "campaign_edit",
    "campaign_list",
    "commendations",
    "coverage",
    "dashboard",
    "duty",
    "frontline",
    "frontline_accept",
    "frontline_admitted",
    "frontline_review",
    "grid",
    "grid_import",
    "grid_lead",
    "grid_template",
    "post_list",
    "registrations",
    "shift_detail",
    "suggest_orgs",
    "suggest_people",
    "suggest_run_orgs",
    "team_detail",
    "team_list",
    "temporary_org_detail",
    "temporary_org_list",
    "volunteer",
]
