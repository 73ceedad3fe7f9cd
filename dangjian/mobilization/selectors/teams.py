"""Teams of a campaign, their leaders and members."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import Org

from ..models import Campaign, Team, TeamKind, TeamMember
from .campaigns import org_q, serving_q


def teams(user, campaign: Campaign, *, kind: str = "", org: Org | None = None) -> QuerySet[Team]:
    qs = Team.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
    if kind in TeamKind.values:
        qs = qs.filter(kind=kind)
    if org is not None:
        qs = qs.filter(org=org)
    serving = serving_q(campaign, "members__left_on")
    return (
        qs.select_related("org")
        .annotate(
            size=Count("members", filter=serving),
            party=Count("members", filter=serving & Q(members__is_party_member=True)),
        )
        .order_by("org__path", "kind", "name", "id")
    )


def team_leaders(team_ids: list[int], *, serving: Q | None = None) -> dict[int, str]:
    """The leaders' names of each team (those serving now by default; pass `serving_q` for a closed campaign)."""
    serving = Q(left_on__isnull=True) if serving is None else serving
    rows = TeamMember.objects.filter(serving, team_id__in=team_ids, role="leader").values_list(
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
    """The team's members: those serving now, or (`active=False`) everyone who served, with their dates."""
    qs = team.members.select_related("person", "person__org")
    if active:
        qs = qs.filter(left_on__isnull=True)
    return qs.order_by("left_on", "-role", "joined_on", "id")
