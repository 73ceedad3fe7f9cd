"""The mobilization services for 双报到.

What they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.mobilization import selectors, services
from dangjian.mobilization.models import CommunityRegistration

# ---- 双报到 --------------------------------------------------------------------------------------


def test_community_registration_is_seen_by_both_sides_and_placed_by_the_community(world, epidemic):
    member = world.people["county_b"]  # works at 乙县医院, lives in 东城镇第一党支部's community
    registration = services.registration_create(
        actor=world.admin, campaign=epidemic, person=member, community=world.branch_a1_1,
        registered_on=dt.date(2020, 2, 1), address="阳光小区1栋",
    )  # fmt: skip
    assert list(selectors.registrations(world.secretary, epidemic)) == [registration]  # the community
    assert list(selectors.registrations(world.outsider, epidemic)) == []
    # The community places them in its team, without the member being in the community's scope.
    team = services.team_create(
        actor=world.secretary, campaign=epidemic, org=world.branch_a1_1, kind="volunteer", name="社区志愿服务队",
        starts_on=dt.date(2020, 2, 1), leader=world.people["in_branch"],
    )  # fmt: skip
    placed = services.team_member_add(
        actor=world.secretary, team=team, registration=registration, joined_on=dt.date(2020, 2, 2)
    )
    assert placed.person == member and placed.is_party_member
    assert selectors.placements([registration.pk])[registration.pk] == ["社区志愿服务队"]
    assert member in selectors.visible_people(world.secretary, epidemic)
    # Registering where one's membership already is makes no sense.
    with pytest.raises(ValidationError, match="无需双报到"):
        services.registration_create(
            actor=world.secretary, campaign=epidemic, person=world.people["in_branch"], community=world.branch_a1_1,
            registered_on=dt.date(2020, 2, 1),
        )  # fmt: skip
    assert CommunityRegistration.objects.count() == 1
