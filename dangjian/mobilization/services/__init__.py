"""Every write of the mobilization app. Keyword-only, validated, in a transaction, recorded.

Rights. Running a campaign, and setting up teams, posts, zones, grid roles, duty, volunteer service,
recommendations and bulletins for an org, need the right to manage that org's people and work
(`Action.CHANGE_PERSON`: 组织部管理员, 党委组织员 and 支部书记 on their subtree). A temporary party
org is an org of the tree, so setting one up goes through `orgs.services.org_create`, which needs
the right to change the tree under its parent (`Action.CHANGE_ORG`: a committee's organizer). Every
structure belongs to an org inside the campaign org's subtree. Viewers only read.

What a temporary org may do follows RULES.md §7.4 (`temporary_org_may`): study, educate members,
cultivate activists and accept applications (passed on to the home org); no admissions except
under the 2020 frontline exception, no discipline, no dues, no elections.

One module per subdomain (campaigns, temporary_orgs, teams, posts, grid, registrations, duty, volunteer,
frontline, bulletins; shared helpers in _common); every public name is re-exported here.
"""

from ._common import BulkError
from .bulletins import bulletin_record
from .campaigns import CAMPAIGN_EDITABLE, CAMPAIGN_FIELDS, campaign_close, campaign_create, campaign_update
from .duty import duty_bulk_record, duty_plan, duty_record_served, duty_shift_cancel, last_duty_day
from .frontline import (
    clean_review_levels,
    frontline_accept,
    frontline_recommend,
    frontline_recommendations_bulk_create,
    frontline_review,
    level_org,
    review_chain,
    review_status,
)
from .grid import (
    GRID_LEAD_FIELDS,
    GRID_NAME_MAX,
    GridImportError,
    GridImportResult,
    GridLead,
    GridRow,
    grid_bulk_create,
    grid_import,
    grid_key,
    grid_lead_set,
    grid_node_save,
)
from .posts import POST_FIELDS, post_create, post_end, posts_bulk_create
from .registrations import registration_create, registration_end, registrations_bulk_create
from .teams import TEAM_FIELDS, team_create, team_member_add, team_member_end, teams_bulk_create
from .temporary_orgs import (
    POWER_BY_CODE,
    POWERS,
    Power,
    frontline_applies,
    frontline_window,
    require_temporary_org_may,
    secondment_add,
    secondment_end,
    temporary_org_appoint_secretary,
    temporary_org_create,
    temporary_org_may,
    temporary_org_powers,
    temporary_orgs_bulk_create,
)
from .volunteer import volunteer_event_record, volunteer_events_bulk_create

__all__ = [
    "CAMPAIGN_EDITABLE",
    "CAMPAIGN_FIELDS",
    "GRID_LEAD_FIELDS",
    "GRID_NAME_MAX",
    "POST_FIELDS",
    "POWERS",
    "POWER_BY_CODE",
    "TEAM_FIELDS",
    "BulkError",
    "GridImportError",
    "GridImportResult",
    "GridLead",
    "GridRow",
    "Power",
    "bulletin_record",
    "campaign_close",
    "campaign_create",
    "campaign_update",
    "clean_review_levels",
    "duty_bulk_record",
    "duty_plan",
    "duty_record_served",
    "duty_shift_cancel",
    "frontline_accept",
    "frontline_applies",
    "frontline_recommend",
    "frontline_recommendations_bulk_create",
    "frontline_review",
    "frontline_window",
    "grid_bulk_create",
    "grid_import",
    "grid_key",
    "grid_lead_set",
    "grid_node_save",
    "last_duty_day",
    "level_org",
    "post_create",
    "post_end",
    "posts_bulk_create",
    "registration_create",
    "registration_end",
    "registrations_bulk_create",
    "require_temporary_org_may",
    "review_chain",
    "review_status",
    "secondment_add",
    "secondment_end",
    "team_create",
    "team_member_add",
    "team_member_end",
    "teams_bulk_create",
    "temporary_org_appoint_secretary",
    "temporary_org_create",
    "temporary_org_may",
    "temporary_org_powers",
    "temporary_orgs_bulk_create",
    "volunteer_event_record",
    "volunteer_events_bulk_create",
]
