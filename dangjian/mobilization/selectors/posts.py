"""Vanguard posts and responsibility zones of a campaign."""

from __future__ import annotations

from django.db.models import QuerySet

from dangjian.orgs.models import Org

from ..models import Campaign, Post, PostKind
from .campaigns import org_q


def posts(user, campaign: Campaign, *, kind: str = "", org: Org | None = None) -> QuerySet[Post]:
    qs = Post.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
    if kind in PostKind.values:
        qs = qs.filter(kind=kind)
    if org is not None:
        qs = qs.filter(org=org)
    return qs.select_related("org", "holder").order_by("org__path", "kind", "name", "id")
