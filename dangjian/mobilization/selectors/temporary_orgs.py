"""Temporary party organizations of a campaign and their secondments."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action

from ..models import Campaign, Secondment, TemporaryOrg
from .campaigns import org_q, serving_q

# ---- rosters -----------------------------------------------------------------------------------


def temporary_orgs(user, campaign: Campaign) -> QuerySet[TemporaryOrg]:
    return (
        TemporaryOrg.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
        .select_related("org", "approved_by", "secretary")
        .annotate(
            members=Count(
                "secondments__person", filter=serving_q(campaign, "secondments__left_on"), distinct=True
            )
        )
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
