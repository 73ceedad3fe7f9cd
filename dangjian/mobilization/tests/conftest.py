"""Fixtures of the mobilization tests, on top of the shared `world` (see dangjian/conftest.py).

- `epidemic`: 新冠肺炎疫情防控, run by the city (广安市委) from 2020-01-24, with the 2020 frontline basis;
- `flood`: 防汛救灾, run by 东城镇党委 (TOWN-A1) from ten days ago, no frontline basis.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.audit.models import ChangeRecord
from dangjian.mobilization import services
from dangjian.mobilization.models import Campaign, GridNode, Post, Team, TeamMember, TemporaryOrg
from dangjian.mobilization.services import campaign_create
from dangjian.orgs.models import Org

FRONTLINE_BASIS = "中组部《关于抓紧做好在新冠肺炎疫情防控第一线发展党员工作的通知》"


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def epidemic(world):
    return campaign_create(
        actor=world.admin, org=world.city, name="新冠肺炎疫情防控", kind="epidemic", code="YQ2020",
        starts_on=dt.date(2020, 1, 24), frontline_basis=FRONTLINE_BASIS,
    )  # fmt: skip


@pytest.fixture
def flood(world):
    return campaign_create(
        actor=world.organizer, org=world.town_a1, name="防汛救灾", kind="flood", code="FX",
        starts_on=days_ago(10),
    )  # fmt: skip


# ---- helpers of the service tests -------------------------------------------------------------


def _snapshot_counts():
    return (
        Campaign.objects.count(), Org.objects.count(), TemporaryOrg.objects.count(), Team.objects.count(),
        TeamMember.objects.count(), Post.objects.count(), GridNode.objects.count(), ChangeRecord.objects.count(),
    )  # fmt: skip


def _temp_branch(world, campaign, *, actor=None, secretary=None, name="东城镇防汛临时党支部", on=None):
    return services.temporary_org_create(
        actor=actor or world.organizer, campaign=campaign, parent=world.town_a1, kind="temp_branch", name=name,
        approved_by=world.town_a1, approved_on=on or campaign.starts_on, secretary=secretary or world.people["in_branch"],
    )  # fmt: skip


# ---- duty ----------------------------------------------------------------------------------------


def _duty_team(world, campaign):
    return services.team_create(
        actor=world.secretary, campaign=campaign, org=world.branch_a1_1, kind="shock", name="值守突击队",
        starts_on=campaign.starts_on, leader=world.people["in_branch"], members=[world.people["applicant"]],
        others=[("王大妈", "")],
    )  # fmt: skip
