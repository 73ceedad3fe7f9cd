"""The mobilization services for duty.

What they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.mobilization import selectors, services
from dangjian.mobilization.models import DutyDay, TeamMember
from dangjian.mobilization.tests.conftest import _duty_team, days_ago


def test_duty_plan_and_the_daily_counts(world, flood):
    team = _duty_team(world, flood)
    lead = TeamMember.objects.get(team=team, role="leader")
    shifts = services.duty_plan(
        actor=world.secretary, team=team, first_day=days_ago(2), last_day=days_ago(1), place="河堤一号点",
        periods=["08:00-12:00", "14:00-18:00"], lead=lead,
    )  # fmt: skip
    assert len(shifts) == 4
    members = list(TeamMember.objects.filter(team=team).order_by("id"))
    first, second = shifts[0], shifts[1]  # the same day, two periods
    services.duty_record_served(actor=world.secretary, shift=first, members=members[:2])
    services.duty_record_served(actor=world.secretary, shift=second, members=members[1:])
    assert DutyDay.objects.get(on=first.on).people == 3  # distinct people that day
    services.duty_record_served(actor=world.secretary, shift=shifts[2], members=members[:1])
    assert selectors.duty_daily(world.secretary, flood) == [(days_ago(2), 3), (days_ago(1), 1)]
    # Re-recording replaces the earlier record.
    services.duty_record_served(actor=world.secretary, shift=first, members=members[:1])
    assert DutyDay.objects.get(on=first.on).people == 3
    services.duty_record_served(actor=world.secretary, shift=second, members=[])
    assert DutyDay.objects.get(on=first.on).people == 1
    stats = selectors.campaign_stats(world.organizer, flood)
    assert stats.duty["person_days"] == 2 and stats.duty["days"] == 2 and stats.duty["daily_average"] == 1.0


def test_duty_refusals(world, flood):
    team = _duty_team(world, flood)
    tomorrow = services.duty_plan(
        actor=world.secretary, team=team, first_day=days_ago(-1), place="河堤", periods=["白班"]
    )[0]
    members = list(TeamMember.objects.filter(team=team))
    with pytest.raises(ValidationError, match="班次还未到"):
        services.duty_record_served(actor=world.secretary, shift=tomorrow, members=members)
    with pytest.raises(ValidationError, match="已有班次"):
        services.duty_plan(
            actor=world.secretary, team=team, first_day=days_ago(-1), place="河堤", periods=["白班"]
        )
    other = services.team_create(
        actor=world.organizer, campaign=flood, org=world.branch_a1_2, kind="volunteer", name="二支部志愿队",
        starts_on=flood.starts_on, leader_name="赵六",
    )  # fmt: skip
    today = services.duty_plan(
        actor=world.secretary, team=team, first_day=days_ago(0), place="河堤", periods=["白班"]
    )[0]
    with pytest.raises(ValidationError, match="只能记录本队队员"):
        services.duty_record_served(
            actor=world.secretary, shift=today, members=list(TeamMember.objects.filter(team=other))
        )
    with pytest.raises(PermissionDenied):
        services.duty_record_served(actor=world.viewer, shift=today, members=members)
