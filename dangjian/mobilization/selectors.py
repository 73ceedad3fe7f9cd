"""Reads of the mobilization app, always through the acting user's scope.

A campaign is visible to a user who may view its org, or an org below it (a campaign run by the
city concerns every org in the city). Inside a visible campaign the user sees the structures of the
orgs in their own scope: a branch secretary their branch's teams, posts and shifts; the city's
organization department everything. Bulletins (通报表扬) are public documents of the campaign.
Out of scope is Http404.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import STEPLEN, Org, OrgKind
from dangjian.people.models import MEMBER_STANDINGS, Category, Person

from .models import (
    Bulletin,
    Campaign,
    CampaignStatus,
    Commendation,
    CommendationKind,
    CommunityRegistration,
    DutyDay,
    DutyShift,
    FrontlineRecommendation,
    GridLevel,
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

# Seed 000 counts "社区(村)基层干部" as one group: community workers and village/community cadres.
GRASSROOTS_CADRES = (Category.COMMUNITY_WORKER, Category.VILLAGE_CADRE)


# ---- campaigns ---------------------------------------------------------------------------------


def campaigns_for(user) -> QuerySet[Campaign]:
    """user None: the system itself (commands run without --user), which sees everything."""
    if user is None:
        return Campaign.objects.all()
    paths = scope.scope_paths(user, Action.VIEW)
    if paths is scope.EVERYTHING:
        return Campaign.objects.all()
    if not paths:
        return Campaign.objects.none()
    above = {p[:i] for p in paths for i in range(STEPLEN, len(p) + 1, STEPLEN)}
    return Campaign.objects.filter(scope.scope_q(user, Action.VIEW, "org__path") | Q(org__path__in=above))


def campaign_list(user) -> QuerySet[Campaign]:
    return campaigns_for(user).select_related("org").order_by("status", "-starts_on", "-id")


def get_campaign_for_user(user, pk=None, *, code: str | None = None) -> Campaign:
    qs = campaigns_for(user).select_related("org")
    campaign = qs.filter(code=code).first() if code is not None else qs.filter(pk=pk).first()
    if campaign is None:
        raise Http404("战时动员不存在或不在您的管理范围内。")
    return campaign


def covers(user, campaign: Campaign, action: str = Action.VIEW) -> bool:
    """Whether the user's scope holds the whole campaign (its org and so everything under it)."""
    return user is None or scope.can(user, action, campaign.org)


def org_q(user, campaign: Campaign, prefix: str) -> Q:
    """The filter that keeps the rows of orgs in the user's scope (none needed when it covers all)."""
    if covers(user, campaign):
        return Q()
    return scope.scope_q(user, Action.VIEW, prefix=prefix)


def managed_orgs(user, campaign: Campaign, action: str = Action.CHANGE_PERSON, limit: int = 300) -> list[Org]:
    """Orgs of the campaign the user may set things up for (tree order, party groups left out)."""
    qs = (
        scope.orgs_for(user, action)
        .filter(path__startswith=campaign.org.path, dissolved_on__isnull=True)
        .exclude(kind=OrgKind.PARTY_GROUP)
    )
    return list(qs.order_by("path")[:limit])


def default_org(user, campaign: Campaign, action: str = Action.CHANGE_PERSON) -> Org | None:
    if scope.can(user, action, campaign.org):
        return campaign.org
    orgs = managed_orgs(user, campaign, action, limit=1)
    return orgs[0] if orgs else None


def visible_people(user, campaign: Campaign) -> QuerySet[Person]:
    """People the user may name in this campaign: their scope, plus those who joined its structures
    in the user's scope (seconded members, team members, members registered with their community)."""
    if user is None or scope.scope_paths(user, Action.VIEW) is scope.EVERYTHING:
        return Person.objects.all()
    in_scope = scope.scope_q(user, Action.VIEW, prefix="org__path")
    registered = CommunityRegistration.objects.filter(
        scope.scope_q(user, Action.VIEW, prefix="community__path"), campaign=campaign, ended_on__isnull=True
    ).values("person_id")
    seconded = Secondment.objects.filter(
        scope.scope_q(user, Action.VIEW, prefix="temporary_org__org__path"),
        temporary_org__campaign=campaign,
    ).values("person_id")
    teamed = TeamMember.objects.filter(
        scope.scope_q(user, Action.VIEW, prefix="team__org__path"),
        team__campaign=campaign,
        person__isnull=False,
    ).values("person_id")
    return Person.objects.filter(in_scope | Q(pk__in=registered) | Q(pk__in=seconded) | Q(pk__in=teamed))


def suggest_people(user, campaign: Campaign, query: str, limit: int = 20) -> list[Person]:
    from dangjian.people.selectors import ID_LIKE, search_people

    query = (query or "").strip()
    if not query:
        return []
    found = list(search_people(user, query, limit=limit))
    if len(found) < limit:
        extra = visible_people(user, campaign).filter(reduction="").select_related("org")
        if ID_LIKE.match(query):
            extra = extra.filter(id_number=query.upper()) if len(query) == 18 else extra.none()
        else:
            extra = extra.filter(name__contains=query)
        seen = {p.pk for p in found}
        found += [p for p in extra.order_by("name_sort_key", "id")[:limit] if p.pk not in seen]
    return found[:limit]


# ---- rosters -----------------------------------------------------------------------------------


def temporary_orgs(user, campaign: Campaign) -> QuerySet[TemporaryOrg]:
    return (
        TemporaryOrg.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
        .select_related("org", "approved_by", "secretary")
        .annotate(members=Count("secondments", filter=Q(secondments__left_on__isnull=True)))
        .order_by("org__path")
    )


def get_temporary_org_for_user(user, pk) -> TemporaryOrg:
    link = (
        TemporaryOrg.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"), pk=pk)
        .select_related("org", "approved_by", "secretary", "campaign", "campaign__org")
        .first()
    )
    if link is None:
        raise Http404("临时党组织不存在或不在您的管理范围内。")
    return link


def secondments(temporary_org: TemporaryOrg) -> QuerySet[Secondment]:
    return temporary_org.secondments.select_related("person", "home_org").order_by(
        "left_on", "role", "person__name_sort_key", "id"
    )


def teams(user, campaign: Campaign, *, kind: str = "", org: Org | None = None) -> QuerySet[Team]:
    qs = Team.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
    if kind in TeamKind.values:
        qs = qs.filter(kind=kind)
    if org is not None:
        qs = qs.filter(org=org)
    return (
        qs.select_related("org")
        .annotate(
            size=Count("members", filter=Q(members__left_on__isnull=True)),
            party=Count("members", filter=Q(members__left_on__isnull=True, members__is_party_member=True)),
        )
        .order_by("org__path", "kind", "name", "id")
    )


def team_leaders(team_ids: list[int]) -> dict[int, str]:
    rows = TeamMember.objects.filter(team_id__in=team_ids, role="leader", left_on__isnull=True).values_list(
        "team_id", "name"
    )
    leaders: dict[int, list[str]] = defaultdict(list)
    for team_id, name in rows:
        leaders[team_id].append(name)
    return {k: "、".join(v) for k, v in leaders.items()}


def get_team_for_user(user, pk) -> Team:
    team = (
        Team.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"), pk=pk)
        .select_related("org", "campaign", "campaign__org")
        .first()
    )
    if team is None:
        raise Http404("队伍不存在或不在您的管理范围内。")
    return team


def team_members(team: Team, *, active: bool = True) -> QuerySet[TeamMember]:
    qs = team.members.select_related("person", "person__org")
    if active:
        qs = qs.filter(left_on__isnull=True)
    return qs.order_by("-role", "id")


def posts(user, campaign: Campaign, *, kind: str = "", org: Org | None = None) -> QuerySet[Post]:
    qs = Post.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
    if kind in PostKind.values:
        qs = qs.filter(kind=kind)
    if org is not None:
        qs = qs.filter(org=org)
    return qs.select_related("org", "holder").order_by("org__path", "kind", "name", "id")


# ---- grid coverage -----------------------------------------------------------------------------


def grid_compounds(user, campaign: Campaign, *, org: Org | None = None) -> QuerySet[GridNode]:
    qs = GridNode.objects.filter(
        org_q(user, campaign, "org__path"), campaign=campaign, level=GridLevel.COMPOUND
    )
    if org is not None:
        qs = qs.filter(org=org)
    return qs.select_related("org").order_by("key", "id")


def grid_rows(compounds: list[GridNode]) -> list[dict[str, Any]]:
    """The grid table for these compounds, one line per unit (or childless building or compound).

    A compound's or building's cells are shown on its first line only (`show_compound`,
    `show_building`), so the table reads like the paper ledger.
    """
    if not compounds:
        return []
    ids = [c.pk for c in compounds]
    buildings = list(GridNode.objects.filter(parent_id__in=ids).order_by("key", "id"))
    units = list(GridNode.objects.filter(parent_id__in=[b.pk for b in buildings]).order_by("key", "id"))
    by_parent: dict[int, list[GridNode]] = defaultdict(list)
    for node in buildings + units:
        by_parent[node.parent_id].append(node)
    lines: list[dict[str, Any]] = []
    for compound in compounds:
        first = True
        children = by_parent.get(compound.pk, [])
        if not children:
            lines.append(
                {"compound": compound, "show_compound": True, "building": None, "unit": None, "first": True}
            )
        for building in children:
            below = by_parent.get(building.pk, []) or [None]
            for i, unit in enumerate(below):
                lines.append(
                    {"compound": compound, "show_compound": first, "building": building, "show_building": i == 0,
                     "unit": unit, "first": first}
                )  # fmt: skip
                first = False
    return lines


def get_grid_node_for_user(user, pk) -> GridNode:
    node = (
        GridNode.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"), pk=pk)
        .select_related("org", "campaign", "campaign__org", "parent", "parent__parent", "lead_person")
        .first()
    )
    if node is None:
        raise Http404("包保网格不存在或不在您的管理范围内。")
    return node


@dataclass
class LevelCoverage:
    level: str
    label: str
    title: str
    nodes: int
    led: int

    @property
    def gaps(self) -> int:
        return self.nodes - self.led

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.led / self.nodes, 1) if self.nodes else None


@dataclass
class Coverage:
    levels: list[LevelCoverage]
    gaps: list[dict[str, Any]]  # every node without a lead: compound, building, unit, org

    @property
    def nodes(self) -> int:
        return sum(level.nodes for level in self.levels)

    @property
    def leads(self) -> int:
        return sum(level.led for level in self.levels)

    @property
    def complete(self) -> bool:
        return self.nodes > 0 and self.leads == self.nodes


def coverage_counts(user, campaign: Campaign) -> list[LevelCoverage]:
    from .models import LEAD_TITLES

    rows = (
        GridNode.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
        .order_by()
        .values("level")
        .annotate(nodes=Count("id"), led=Count("id", filter=~Q(lead_name="")))
    )
    found = {r["level"]: r for r in rows}
    return [
        LevelCoverage(
            level=level.value, label=level.label, title=LEAD_TITLES[level],
            nodes=found.get(level.value, {}).get("nodes", 0), led=found.get(level.value, {}).get("led", 0),
        )
        for level in GridLevel
    ]  # fmt: skip


def coverage(user, campaign: Campaign) -> Coverage:
    """Counts per level and every compound, building and unit without a lead, in grid order."""
    gaps_qs = (
        GridNode.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign, lead_name="")
        .order_by("key", "id")
        .values_list("id", "level", "key", "org__name", "parent_id")
    )
    gaps = []
    for pk, level, key, org_name, parent_id in gaps_qs:
        parts = key.split("/")
        gaps.append(
            {
                "id": pk, "level": level, "level_label": GridLevel(level).label, "key": key,
                "compound": parts[0], "building": parts[1] if len(parts) > 1 else "",
                "unit": parts[2] if len(parts) > 2 else "", "org": org_name, "parent_id": parent_id,
            }
        )  # fmt: skip
    return Coverage(levels=coverage_counts(user, campaign), gaps=gaps)


# ---- 双报到 ------------------------------------------------------------------------------------


def registrations(user, campaign: Campaign, *, active: bool = True) -> QuerySet[CommunityRegistration]:
    """Registrations the user's scope holds on either side: the community or the member's own unit."""
    qs = CommunityRegistration.objects.filter(campaign=campaign)
    if not covers(user, campaign):
        qs = qs.filter(
            scope.scope_q(user, Action.VIEW, prefix="community__path")
            | scope.scope_q(user, Action.VIEW, prefix="person__org__path")
        )
    if active:
        qs = qs.filter(ended_on__isnull=True)
    return qs.select_related("person", "person__org", "community").order_by(
        "community__path", "registered_on", "id"
    )


def placements(registration_ids: list[int]) -> dict[int, list[str]]:
    """Where the community placed each registered member: team names and grid roles."""
    out: dict[int, list[str]] = defaultdict(list)
    for reg_id, team in TeamMember.objects.filter(
        registration_id__in=registration_ids, left_on__isnull=True
    ).values_list("registration_id", "team__name"):
        out[reg_id].append(team)
    for node in GridNode.objects.filter(registration_id__in=registration_ids).only(
        "registration_id", "key", "level"
    ):
        out[node.registration_id].append(f"{node.key}（{node.lead_title}）")
    return out


def get_registration_for_user(user, pk) -> CommunityRegistration:
    reg = (
        CommunityRegistration.objects.filter(
            Q(scope.scope_q(user, Action.VIEW, prefix="community__path"))
            | Q(scope.scope_q(user, Action.VIEW, prefix="person__org__path")),
            pk=pk,
        )
        .select_related("person", "person__org", "community", "campaign", "campaign__org")
        .first()
    )
    if reg is None:
        raise Http404("报到记录不存在或不在您的管理范围内。")
    return reg


# ---- duty --------------------------------------------------------------------------------------


def shifts(
    user, campaign: Campaign, *, on: dt.date | None = None, team: Team | None = None
) -> QuerySet[DutyShift]:
    qs = DutyShift.objects.filter(org_q(user, campaign, "team__org__path"), campaign=campaign)
    if on is not None:
        qs = qs.filter(on=on)
    if team is not None:
        qs = qs.filter(team=team)
    return qs.select_related("team", "team__org", "lead").order_by("on", "place", "period", "id")


def get_shift_for_user(user, pk) -> DutyShift:
    shift = (
        DutyShift.objects.filter(scope.scope_q(user, Action.VIEW, prefix="team__org__path"), pk=pk)
        .select_related("team", "team__org", "campaign", "campaign__org", "lead")
        .first()
    )
    if shift is None:
        raise Http404("值班班次不存在或不在您的管理范围内。")
    return shift


def duty_daily(user, campaign: Campaign) -> list[tuple[dt.date, int]]:
    """People on duty per day (distinct per org and day), summed over the orgs in the user's scope."""
    rows = (
        DutyDay.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
        .order_by("on")
        .values("on")
        .annotate(people=Sum("people"))
        .values_list("on", "people")
    )
    return list(rows)


def duty_by_org(user, campaign: Campaign, on: dt.date) -> list[tuple[Org, int]]:
    """People on duty on one day per org, in tree order (never sorted by the count: no rankings)."""
    rows = list(
        DutyDay.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign, on=on)
        .select_related("org")
        .order_by("org__path")
    )
    return [(r.org, r.people) for r in rows]


def duty_days_of_plan(user, campaign: Campaign) -> list[dt.date]:
    return list(
        DutyShift.objects.filter(org_q(user, campaign, "team__org__path"), campaign=campaign)
        .order_by("on")
        .values_list("on", flat=True)
        .distinct()
    )


# ---- volunteer service, front line, commendations ----------------------------------------------


def volunteer_events(user, campaign: Campaign) -> QuerySet[VolunteerEvent]:
    return (
        VolunteerEvent.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
        .select_related("org", "team")
        .order_by("-on", "-id")
    )


def recommendations(user, campaign: Campaign) -> QuerySet[FrontlineRecommendation]:
    qs = FrontlineRecommendation.objects.filter(campaign=campaign)
    if not covers(user, campaign):
        qs = qs.filter(
            scope.scope_q(user, Action.VIEW, prefix="recommended_by__path")
            | scope.scope_q(user, Action.VIEW, prefix="person__org__path")
        )
    return qs.select_related("person", "person__org", "recommended_by", "case").order_by(
        "-recommended_on", "-id"
    )


def get_recommendation_for_user(user, pk) -> FrontlineRecommendation:
    rec = (
        FrontlineRecommendation.objects.filter(
            Q(scope.scope_q(user, Action.VIEW, prefix="recommended_by__path"))
            | Q(scope.scope_q(user, Action.VIEW, prefix="person__org__path")),
            pk=pk,
        )
        .select_related("person", "person__org", "recommended_by", "campaign", "campaign__org", "case")
        .first()
    )
    if rec is None:
        raise Http404("推荐记录不存在或不在您的管理范围内。")
    return rec


def bulletins(campaign: Campaign) -> QuerySet[Bulletin]:
    """Bulletins are public documents of the campaign: everyone who sees the campaign sees them."""
    return (
        campaign.bulletins.select_related("issued_by")
        .annotate(
            collectives=Count("commendations", filter=Q(commendations__kind=CommendationKind.COLLECTIVE)),
            individuals=Count("commendations", filter=Q(commendations__kind=CommendationKind.INDIVIDUAL)),
        )
        .order_by("issued_on", "id")
    )


def commendations_of(bulletin_ids: list[int]) -> dict[int, list[Commendation]]:
    out: dict[int, list[Commendation]] = defaultdict(list)
    for c in Commendation.objects.filter(bulletin_id__in=bulletin_ids).order_by("kind", "id"):
        out[c.bulletin_id].append(c)
    return out


# ---- the person's file -------------------------------------------------------------------------


@dataclass
class PersonRoles:
    secondments: list[Secondment] = field(default_factory=list)
    teams: list[TeamMember] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    grid: list[GridNode] = field(default_factory=list)
    registrations: list[CommunityRegistration] = field(default_factory=list)
    recommendations: list[FrontlineRecommendation] = field(default_factory=list)
    commendations: list[Commendation] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (self.secondments, self.teams, self.posts, self.grid, self.registrations, self.recommendations,
             self.commendations)
        )  # fmt: skip


def person_roles(person: Person) -> PersonRoles:
    """The person's campaign roles and commendations (the caller has already checked the person)."""
    return PersonRoles(
        secondments=list(
            Secondment.objects.filter(person=person)
            .select_related("temporary_org__org", "temporary_org__campaign")
            .order_by("-joined_on", "-id")[:50]
        ),
        teams=list(
            TeamMember.objects.filter(person=person)
            .select_related("team", "team__campaign")
            .order_by("-joined_on", "-id")[:50]
        ),
        posts=list(
            Post.objects.filter(holder=person).select_related("campaign").order_by("-starts_on", "-id")[:50]
        ),
        grid=list(
            GridNode.objects.filter(lead_person=person).select_related("campaign").order_by("key")[:50]
        ),
        registrations=list(
            CommunityRegistration.objects.filter(person=person)
            .select_related("community", "campaign")
            .order_by("-registered_on")[:20]
        ),
        recommendations=list(
            FrontlineRecommendation.objects.filter(person=person).select_related(
                "campaign", "recommended_by"
            )[:20]
        ),
        commendations=list(
            Commendation.objects.filter(person=person)
            .select_related("bulletin", "bulletin__campaign", "bulletin__issued_by")
            .order_by("-bulletin__issued_on", "-id")[:50]
        ),
    )


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
            q("temporary_org__org__path"), temporary_org__campaign=campaign
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
    members = TeamMember.objects.filter(q("team__org__path"), team__campaign=campaign).aggregate(
        total=Count("id"), party=Count("id", filter=Q(is_party_member=True))
    )
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

    regs = CommunityRegistration.objects.filter(campaign=campaign)  # ended ones too: the campaign's record
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
        applications=Count("id"),
        cases=Count("id", filter=Q(case__isnull=False)),
        admitted=Count("id", filter=Q(case__stage__gte=5)),
    )
    by_category = Counter(
        dict(
            recs.filter(case__stage__gte=5).order_by().values_list("person__category").annotate(n=Count("id"))
        )
    )
    frontline = {
        **counts,
        "pending": counts["applications"] - counts["cases"],
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


def active_campaigns_count(user) -> int:
    return campaigns_for(user).filter(status=CampaignStatus.ACTIVE).count()


def is_member(person: Person) -> bool:
    return person.standing in MEMBER_STANDINGS and not person.reduction
