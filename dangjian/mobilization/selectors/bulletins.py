"""Commendation bulletins (通报表扬) and what they name."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from ..models import Bulletin, Campaign, Commendation, CommendationKind


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
