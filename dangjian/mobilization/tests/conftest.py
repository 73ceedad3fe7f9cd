"""Fixtures of the mobilization tests, on top of the shared `world` (see dangjian/conftest.py).

- `epidemic`: 新冠肺炎疫情防控, run by the city (广安市委) from 2020-01-24, with the 2020 frontline basis;
- `flood`: 防汛救灾, run by 东城镇党委 (TOWN-A1) from ten days ago, no frontline basis.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangjian.mobilization.services import campaign_create

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
