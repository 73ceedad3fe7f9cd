"""Reads of the mobilization app, always through the acting user's scope.

A campaign is visible to a user who may view its org, or an org below it (a campaign run by the
city concerns every org in the city). Inside a visible campaign the user sees the structures of the
orgs in their own scope: a branch secretary their branch's teams, posts and shifts; the city's
organization department everything. Bulletins (通报表扬) are public documents of the campaign.
Out of scope is Http404.

One module per subdomain (campaigns, temporary_orgs, teams, posts, grid, registrations, duty, volunteer,
frontline, bulletins; the person's file in person, statistics in stats); every public name is
re-exported here. Where a read has its module's name (`selectors.teams`, `selectors.posts` …) the
package attribute is the function, as before; reach the module with `from .teams import …`.
"""

from .bulletins import bulletins, commendations_of
from .campaigns import (
    campaign_list,
    campaigns_for,
    covers,
    default_org,
    get_campaign_for_user,
    managed_orgs,
    org_q,
    serving_q,
    suggest_people,
    visible_people,
)
from .duty import duty_by_org, duty_daily, duty_days_of_plan, get_shift_for_user, shifts
from .frontline import get_recommendation_for_user, recommendations
from .grid import (
    Coverage,
    LevelCoverage,
    coverage,
    coverage_counts,
    get_grid_node_for_user,
    grid_compounds,
    grid_rows,
)
from .person import PersonRoles, person_roles
from .posts import posts
from .registrations import get_registration_for_user, placements, registrations
from .stats import (
    GRASSROOTS_CADRES,
    CampaignStats,
    active_campaigns_count,
    campaign_period,
    campaign_stats,
    frontline_admitted,
)
from .teams import get_team_for_user, team_leaders, team_members, teams
from .temporary_orgs import get_temporary_org_for_user, secondments, temporary_orgs
from .volunteer import volunteer_events

__all__ = [
    "GRASSROOTS_CADRES",
    "CampaignStats",
    "Coverage",
    "LevelCoverage",
    "PersonRoles",
    "active_campaigns_count",
    "bulletins",
    "campaign_list",
    "campaign_period",
    "campaign_stats",
    "campaigns_for",
    "commendations_of",
    "coverage",
    "coverage_counts",
    "covers",
    "default_org",
    "duty_by_org",
    "duty_daily",
    "duty_days_of_plan",
    "frontline_admitted",
    "get_campaign_for_user",
    "get_grid_node_for_user",
    "get_recommendation_for_user",
    "get_registration_for_user",
    "get_shift_for_user",
    "get_team_for_user",
    "get_temporary_org_for_user",
    "grid_compounds",
    "grid_rows",
    "managed_orgs",
    "org_q",
    "person_roles",
    "placements",
    "posts",
    "recommendations",
    "registrations",
    "secondments",
    "serving_q",
    "shifts",
    "suggest_people",
    "team_leaders",
    "team_members",
    "teams",
    "temporary_orgs",
    "visible_people",
    "volunteer_events",
]
