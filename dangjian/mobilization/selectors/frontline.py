"""Front-line recommendations into the development pipeline."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action

from ..models import Campaign, FrontlineRecommendation
from .campaigns import covers


def recommendations(user, campaign: Campaign) -> QuerySet[FrontlineRecommendation]:
    qs = FrontlineRecommendation.objects.filter(campaign=campaign)
    if not covers(user, campaign):
        qs = qs.filter(
            scope.scope_q(user, Action.VIEW, prefix="recommended_by__path")
            | scope.scope_q(user, Action.VIEW, prefix="person__org__path")
        )
    return (
        qs.select_related("person", "person__org", "recommended_by", "case")
        .prefetch_related("reviews")
        .order_by("-recommended_on", "-id")
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
