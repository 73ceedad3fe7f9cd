"""Campaign statistics (the dashboard and `dangjian campaign stats`) and counts for the home page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import OrgKind
from dangjian.people.models import Category, Person
from dangjian.stats.selectors import frontline_admissions

from ..models import (
    Bulletin,
    Campaign,
    CampaignStatus,
    Commendation,
    CommendationKind,
    CommunityRegistration,
    DutyDay,
    DutyShift,
    FrontlineRecommendation,
    GridNode,
    Post,
    PostKind,
    Secondment,
    Team,
    TeamKind,
    TeamMember,
    TemporaryOrg,
    VolunteerEvent,
)
from .campaigns import campaigns_for, covers, serving_q
from .grid import LevelCoverage, coverage_counts

# Seed 000 counts "社区(村)基层干部" as one group: community workers and village/community cadres.
GRASSROOTS_CADRES = (Category.COMMUNITY_WORKER, Category.VILLAGE_CADRE)


# ---- statistics --------------------------------------------------------------------------------


@dataclass
class CampaignStats:
    """The campaign's figures for one user's scope (the whole campaign for its organizers)."""

    campaign: Campaign
    whole: bool  # the figures cover the whole campaign (not only part of it)
    temporary_orgs: dict[str, int]
    teams: dict[str, int]
    team_members: dict[str, int]
    posts: dict[str, int]
    grid: list[LevelCoverage]
    registrations: dict[str, int]
    duty: dict[str, Any]
    volunteer: dict[str, int]
    frontline: dict[str, Any]
    commendations: dict[str, int]

    @property
    def grid_leads(self) -> int:
        return sum(level.led for level in self.grid)

    @property
    def grid_nodes(self) -> int:
        return sum(level.nodes for level in self.grid)

    @property
    def grid_gaps(self) -> int:
        return self.grid_nodes - self.grid_leads

    def as_dict(self) -> dict[str, Any]:
        c = self.campaign
        return {
            "campaign": {
                "code": c.code, "name": c.name, "kind": c.kind, "org": c.org.name, "status": c.status,
                "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat() if c.ends_on else None,
                "closed_on": c.closed_on.isoformat() if c.closed_on else None, "whole_campaign": self.whole,
            },
            "temporary_orgs": self.temporary_orgs,
            "teams": self.teams,
            "team_members": self.team_members,
            "posts": self.posts,
            "grid": {
                "levels": {lv.level: {"nodes": lv.nodes, "leads": lv.led, "gaps": lv.gaps, "percent": lv.percent}
                           for lv in self.grid},
                "nodes": self.grid_nodes, "leads": self.grid_leads, "gaps": self.grid_gaps,
            },
            "registrations": self.registrations,
            "duty": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.duty.items() if k != "series"}
            | {"series": [[d.isoformat(), n] for d, n in self.duty["series"]]},
            "volunteer": self.volunteer,
            "frontline": self.frontline,
            "commendations": self.commendations,
        }  # fmt: skip


def campaign_stats(user, campaign: Campaign) -> CampaignStats:
    """Every figure of the campaign dashboard and `dangjian campaign stats`, in about 14 queries."""
    whole = covers(user, campaign)

    def q(prefix: str) -> Q:
        return Q() if whole else scope.scope_q(user, Action.VIEW, prefix=prefix)

    temp = TemporaryOrg.objects.filter(q("org__path"), campaign=campaign)
    by_kind = dict(temp.order_by().values_list("org__kind").annotate(n=Count("id")))
    temporary_orgs = {
        "total": sum(by_kind.values()),
        "active": temp.filter(org__dissolved_on__isnull=True).count(),
        "temp_committee": by_kind.get(OrgKind.TEMP_COMMITTEE, 0),
        "temp_branch": by_kind.get(OrgKind.TEMP_BRANCH, 0),
        "temp_group": by_kind.get(OrgKind.TEMP_GROUP, 0),
        "seconded_members": Secondment.objects.filter(
            q("temporary_org__org__path"), serving_q(campaign), temporary_org__campaign=campaign
        ).aggregate(n=Count("person_id", distinct=True))["n"],
    }

    team_kinds = dict(
        Team.objects.filter(q("org__path"), campaign=campaign)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    teams = {kind.value: team_kinds.get(kind.value, 0) for kind in TeamKind}
    teams["total"] = sum(team_kinds.values())
    members = TeamMember.objects.filter(
        q("team__org__path"), serving_q(campaign), team__campaign=campaign
    ).aggregate(total=Count("id"), party=Count("id", filter=Q(is_party_member=True)))
    team_members = {
        "total": members["total"],
        "party": members["party"],
        "others": members["total"] - members["party"],
    }

    post_kinds = dict(
        Post.objects.filter(q("org__path"), campaign=campaign)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    posts = {"posts": post_kinds.get(PostKind.POST, 0), "zones": post_kinds.get(PostKind.ZONE, 0)}
    posts["total"] = posts["posts"] + posts["zones"]

    # Like the rosters: those serving while the campaign runs, everyone who served once it is closed.
    regs = CommunityRegistration.objects.filter(serving_q(campaign, "ended_on"), campaign=campaign)
    if not whole:
        regs = regs.filter(q("community__path") | q("person__org__path"))
    placed = Q(Exists(TeamMember.objects.filter(registration=OuterRef("pk")))) | Q(
        Exists(GridNode.objects.filter(registration=OuterRef("pk")))
    )
    registrations = regs.aggregate(total=Count("id"), placed=Count("id", filter=placed))

    daily = (
        DutyDay.objects.filter(q("org__path"), campaign=campaign)
        .order_by()
        .values("on")
        .annotate(n=Sum("people"))
    )
    series = sorted((r["on"], r["n"]) for r in daily)
    person_days = sum(n for _, n in series)
    shift_counts = DutyShift.objects.filter(
        q("team__org__path"), campaign=campaign, cancelled=False
    ).aggregate(shifts=Count("id"), recorded=Count("id", filter=Q(recorded_at__isnull=False)))
    duty = {
        "shifts": shift_counts["shifts"],
        "recorded_shifts": shift_counts["recorded"],
        "person_days": person_days,
        "days": len(series),
        "daily_average": round(person_days / len(series), 1) if series else 0,
        "first_day": series[0][0] if series else None,
        "last_day": series[-1][0] if series else None,
        "series": series,
    }

    volunteer = VolunteerEvent.objects.filter(q("org__path"), campaign=campaign).aggregate(
        events=Count("id"), participants=Sum("participants"), people_served=Sum("people_served")
    )
    volunteer = {k: v or 0 for k, v in volunteer.items()}

    recs = FrontlineRecommendation.objects.filter(campaign=campaign)
    if not whole:
        recs = recs.filter(q("recommended_by__path") | q("person__org__path"))
    counts = recs.aggregate(
        applications=Count("id", distinct=True),  # distinct: the reviews join repeats a recommendation
        cases=Count("id", filter=Q(case__isnull=False), distinct=True),
        returned=Count("id", filter=Q(case__isnull=True, reviews__decision="return"), distinct=True),
    )
    start, end = campaign_period(campaign)
    admitted = frontline_admitted(user, campaign)
    by_category = Counter(dict(admitted.order_by().values_list("category").annotate(n=Count("id"))))
    frontline = {
        **counts,
        "pending": counts["applications"] - counts["cases"] - counts["returned"],
        "from": start.isoformat(),
        "to": end.isoformat(),
        "admitted": sum(by_category.values()),
        "recommended_admitted": admitted.filter(recommended=True).count(),
        "admitted_by_category": {c.value: by_category[c.value] for c in Category if by_category[c.value]},
        "admitted_medical": by_category[Category.MEDICAL],
        "admitted_police": by_category[Category.POLICE],
        "admitted_grassroots_cadres": sum(by_category[c] for c in GRASSROOTS_CADRES),
    }

    commendation_counts = Commendation.objects.filter(bulletin__campaign=campaign).aggregate(
        collectives=Count("id", filter=Q(kind=CommendationKind.COLLECTIVE)),
        individuals=Count("id", filter=Q(kind=CommendationKind.INDIVIDUAL)),
    )
    commendations = {"bulletins": Bulletin.objects.filter(campaign=campaign).count(), **commendation_counts}

    return CampaignStats(
        campaign=campaign, whole=whole, temporary_orgs=temporary_orgs, teams=teams, team_members=team_members,
        posts=posts, grid=coverage_counts(user, campaign), registrations=registrations, duty=duty,
        volunteer=volunteer, frontline=frontline, commendations=commendations,
    )  # fmt: skip


def campaign_period(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """The days the campaign's figures cover: from its start to its close (to today while it runs)."""
    end = campaign.closed_on or timezone.localdate()
    return campaign.starts_on, max(end, campaign.starts_on)


def frontline_admitted(user, campaign: Campaign) -> QuerySet[Person]:
    """火线发展党员 of the campaign: the stats' one definition (`stats.selectors.frontline_admissions`)
    over the campaign's org and period, in the user's scope; `recommended` marks those recommended
    from the front line in this campaign (其中经本次动员一线推荐)."""
    start, end = campaign_period(campaign)
    qs = frontline_admissions(campaign.org, start, end, user=None if covers(user, campaign) else user)
    recommended = FrontlineRecommendation.objects.filter(campaign=campaign, person=OuterRef("pk"))
    return qs.annotate(recommended=Exists(recommended))


def active_campaigns_count(user) -> int:
    return campaigns_for(user).filter(status=CampaignStatus.ACTIVE).count()
