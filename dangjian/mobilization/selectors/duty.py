"""Duty shifts, and the people on duty per day and per org."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet, Sum
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import Org

from ..models import Campaign, DutyDay, DutyShift, Team
from .campaigns import org_q

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
