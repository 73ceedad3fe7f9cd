"""The mobilization services for teams, posts and zones.

What they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.mobilization import services
from dangjian.mobilization.models import TeamMember
from dangjian.mobilization.tests.conftest import _snapshot_counts

# ---- teams, posts and zones ----------------------------------------------------------------------


def test_team_with_party_members_and_others(world, flood):
    team = services.team_create(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, kind="shock", name="东城一支部党员突击队",
        starts_on=flood.starts_on, mission="堤坝巡查", leader=world.people["in_branch"],
        members=[world.people["applicant"]], others=[("王大妈", "13812345678")],
    )  # fmt: skip
    members = {m.name: m for m in TeamMember.objects.filter(team=team)}
    assert members["曾小芳"].role == "leader" and members["曾小芳"].is_party_member
    assert not members["单明"].is_party_member and members["单明"].person == world.people["applicant"]
    assert members["王大妈"].person is None and members["王大妈"].phone == "13812345678"


def test_team_refusals_are_chinese_and_change_nothing(world, flood):
    before = _snapshot_counts()
    with pytest.raises(ValidationError) as exc:
        services.team_create(
            actor=world.secretary, campaign=flood, org=world.branch_a1_1, kind="shock", name="突击队",
            starts_on=flood.starts_on, leader=world.people["applicant"], others=[("李四", "123")],
        )  # fmt: skip
    messages = exc.value.message_dict
    assert "党员突击队的队长应由在册党员担任。" in messages["leader"]
    assert any("电话号码" in m for m in messages["others"])
    with pytest.raises(PermissionDenied):
        services.team_create(
            actor=world.secretary, campaign=flood, org=world.branch_a1_2, kind="volunteer", name="志愿服务队",
            starts_on=flood.starts_on, leader_name="王五",
        )  # fmt: skip
    assert _snapshot_counts() == before


def test_post_holder_must_be_a_party_member(world, flood):
    post = services.post_create(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, kind="post", name="防汛物资党员先锋岗",
        place="村委会仓库", holder=world.people["in_branch"], starts_on=flood.starts_on, duties="物资登记发放",
    )  # fmt: skip
    assert post.get_kind_display() == "党员先锋岗"
    with pytest.raises(ValidationError, match="不是在册党员"):
        services.post_create(
            actor=world.secretary, campaign=flood, org=world.branch_a1_1, kind="zone", name="一组责任区",
            place="一组", holder=world.people["applicant"], starts_on=flood.starts_on,
        )  # fmt: skip


def test_structures_must_belong_to_the_campaign(world, flood):
    with pytest.raises(ValidationError, match="不在“东城镇党委”的范围内"):
        services.post_create(
            actor=world.admin, campaign=flood, org=world.branch_b_1, kind="post", name="先锋岗", place="医院",
            holder=world.people["county_b"], starts_on=flood.starts_on,
        )  # fmt: skip
