"""Volunteer service events of a campaign."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Campaign, VolunteerEvent
from .campaigns import org_q

# ---- volunteer service, front line, commendations ----------------------------------------------


def volunteer_events(user, campaign: Campaign) -> QuerySet[VolunteerEvent]:
    return (
        VolunteerEvent.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
        .select_related("org", "team")
        .order_by("-on", "-id")
    )
