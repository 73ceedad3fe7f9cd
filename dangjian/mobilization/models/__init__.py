"""Mobilization (战时动员): a campaign and everything set up under it.

A campaign (新冠肺炎疫情防控, 防汛救灾 …) is run by one org; every structure under it belongs to an
org inside that org's subtree, so a user's scope over those orgs decides what they see:

- temporary party organizations: `orgs.Org` rows of the temporary kinds, linked here with the
  approving committee and the appointed secretary (`TemporaryOrg`); members are seconded
  (`Secondment`) and keep their home org;
- teams (突击队、先锋队、应急队、志愿服务队) with members who are party members or not (`Team`,
  `TeamMember`); vanguard posts and responsibility zones (`Post`);
- grid coverage (包保): compounds → buildings → units, each with its lead (`GridNode`);
- 双报到: working members registered with the community where they live (`CommunityRegistration`);
- duty shifts with the people who served (`DutyShift`, `DutyService`) and the pre-aggregated
  people on duty per org and day (`DutyDay`); volunteer service events (`VolunteerEvent`);
- front-line recommendations into the development pipeline (`FrontlineRecommendation`) and
  commendation bulletins (`Bulletin`, `Commendation`).

Closing a campaign dissolves its temporary orgs (kept as history) and ends every structure.

One module per subdomain (campaigns, temporary_orgs, teams, posts, grid, registrations, duty, volunteer,
frontline, bulletins); every public name is re-exported here.
"""

from .bulletins import Bulletin, Commendation, CommendationKind
from .campaigns import Campaign, CampaignKind, CampaignStatus
from .duty import DutyDay, DutyService, DutyShift
from .frontline import FrontlineRecommendation, FrontlineReview, ReviewDecision, ReviewLevel
from .grid import LEAD_TITLES, LEVEL_DEPTH, GridLevel, GridNode
from .posts import Post, PostKind
from .registrations import CommunityRegistration
from .teams import PARTY_TEAM_KINDS, Team, TeamKind, TeamMember, TeamRole
from .temporary_orgs import TEMPORARY_ORG_KINDS, Secondment, TemporaryOrg, TemporaryRole
from .volunteer import VolunteerEvent

__all__ = [
    "LEAD_TITLES",
    "LEVEL_DEPTH",
    "PARTY_TEAM_KINDS",
    "TEMPORARY_ORG_KINDS",
    "Bulletin",
    "Campaign",
    "CampaignKind",
    "CampaignStatus",
    "Commendation",
    "CommendationKind",
    "CommunityRegistration",
    "DutyDay",
    "DutyService",
    "DutyShift",
    "FrontlineRecommendation",
    "FrontlineReview",
    "GridLevel",
    "GridNode",
    "Post",
    "PostKind",
    "ReviewDecision",
    "ReviewLevel",
    "Secondment",
    "Team",
    "TeamKind",
    "TeamMember",
    "TeamRole",
    "TemporaryOrg",
    "TemporaryRole",
    "VolunteerEvent",
]
