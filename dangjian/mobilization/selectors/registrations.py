"""双报到: registrations of a campaign and where their people were placed."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, QuerySet
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action

from ..models import Campaign, CommunityRegistration, GridNode, TeamMember
from .campaigns import covers

# ---- 双报到 ------------------------------------------------------------------------------------


def registrations(user, campaign: Campaign, *, active: bool | None = None) -> QuerySet[CommunityRegistration]:
    """Registrations the user's scope holds on either side: the community or the member's own unit.

    `active`: only those not ended; by default while the campaign runs (a closed campaign's list is
    everyone who registered, with their dates, as its dashboard counts them).
    """
    if active is None:
        active = campaign.is_active
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


def placements(registration_ids: list[int], *, active: bool = True) -> dict[int, list[str]]:
    """Where the community placed each registered member: team names and grid roles (`active`:
    only teams they are on now; else every team they served on)."""
    out: dict[int, list[str]] = defaultdict(list)
    teams = TeamMember.objects.filter(registration_id__in=registration_ids)
    if active:
        teams = teams.filter(left_on__isnull=True)
    for reg_id, team in teams.values_list("registration_id", "team__name"):
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
