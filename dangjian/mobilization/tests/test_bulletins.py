"""The mobilization services for commendation bulletins.

What they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.mobilization import selectors, services


def test_bulletin_and_the_person_file(world, epidemic):
    services.bulletin_record(
        actor=world.admin, campaign=epidemic, number="第1期", issued_on=dt.date(2020, 2, 8), issued_by=world.city,
        title="关于对疫情防控中表现突出的集体和个人予以通报表扬的通报",
        collectives=[{"org": world.branch_b_1}, {"name": "东城镇卡点"}],
        individuals=[{"person": world.people["county_b"], "citation": "驰援武汉"}, {"name": "王大妈"}],
    )  # fmt: skip
    stats = selectors.campaign_stats(world.viewer, epidemic)
    assert stats.commendations == {"bulletins": 1, "collectives": 2, "individuals": 2}
    roles = selectors.person_roles(world.people["county_b"])
    assert [c.name for c in roles.commendations] == ["李小艳"]
    with pytest.raises(ValidationError, match="已有“第1期”"):
        services.bulletin_record(
            actor=world.admin, campaign=epidemic, number="第1期", issued_on=dt.date(2020, 2, 9), issued_by=world.city,
            title="重复", individuals=[{"name": "张三"}],
        )  # fmt: skip
