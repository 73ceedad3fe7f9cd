"""The mobilization services for campaigns (running, closing).

What they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import ChangeRecord
from dangjian.mobilization import selectors, services
from dangjian.mobilization.models import CampaignStatus, Secondment, TeamMember, TemporaryOrg
from dangjian.mobilization.tests.conftest import _duty_team, _snapshot_counts, _temp_branch, days_ago

# ---- campaigns -----------------------------------------------------------------------------------


def test_campaign_create_records_it_and_gives_it_a_code(world):
    campaign = services.campaign_create(
        actor=world.organizer, org=world.town_a1, name="防汛救灾", kind="flood", starts_on=days_ago(3)
    )
    assert campaign.status == CampaignStatus.ACTIVE
    assert campaign.code.startswith("TOWN-A1-")
    change = ChangeRecord.objects.get(object_type="mobilization.campaign", object_id=campaign.pk)
    assert change.actor == world.organizer and change.after["名称"] == "防汛救灾"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": ""}, "name", "请填写动员名称"),
        ({"kind": "party"}, "kind", "请选择类别"),
        ({"ends_on": dt.date(2020, 1, 1)}, "ends_on", "计划结束日期不能早于开始日期"),
        ({"code": "防汛 2026"}, "code", "编号只能包含字母、数字"),
        ({"frontline_basis": "中组部通知"}, "frontline_basis", "火线入党特殊规定只适用于疫情防控一线"),
    ],
)
def test_campaign_bad_input_is_refused_in_chinese_and_nothing_changes(world, fields, field, message):
    before = _snapshot_counts()
    data = {"name": "防汛救灾", "kind": "flood", "starts_on": days_ago(3), **fields}
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(actor=world.organizer, org=world.town_a1, **data)
    assert any(message in m for m in exc.value.message_dict[field])
    assert _snapshot_counts() == before


def test_frontline_basis_only_for_an_epidemic_campaign_in_2020(world):
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            actor=world.admin, org=world.city, name="新冠疫情防控（2022）", kind="epidemic",
            starts_on=dt.date(2022, 3, 1), frontline_basis="中组部通知",
        )  # fmt: skip
    assert "2020-01-20至2020-12-31" in exc.value.message_dict["frontline_basis"][0]


def test_only_those_who_manage_the_org_may_run_a_campaign(world):
    for user in (world.secretary, world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            services.campaign_create(
                actor=user, org=world.town_a1, name="防汛", kind="flood", starts_on=days_ago(1)
            )
    # A branch secretary may run one for their own branch.
    campaign = services.campaign_create(
        actor=world.secretary, org=world.branch_a1_1, name="防汛值守", kind="flood", starts_on=days_ago(1)
    )
    assert campaign.org == world.branch_a1_1


# ---- closing -------------------------------------------------------------------------------------


def test_closing_a_campaign_ends_everything_and_keeps_the_history(world, flood):
    link = _temp_branch(world, flood)
    group = services.temporary_org_create(
        actor=world.organizer, campaign=flood, parent=link.org, kind="temp_group", name="巡堤临时党小组",
        approved_by=world.town_a1, approved_on=flood.starts_on, secretary=world.people["other_branch"],
    )  # fmt: skip
    team = _duty_team(world, flood)
    post = services.post_create(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, kind="zone", name="一组责任区", place="一组",
        holder=world.people["in_branch"], starts_on=flood.starts_on,
    )  # fmt: skip
    later = services.duty_plan(
        actor=world.secretary, team=team, first_day=days_ago(-3), place="河堤", periods=["白班"]
    )[0]
    with pytest.raises(PermissionDenied):
        services.campaign_close(actor=world.secretary, campaign=flood, closed_on=days_ago(0))
    services.campaign_close(actor=world.organizer, campaign=flood, closed_on=days_ago(0), note="汛期结束")
    flood.refresh_from_db()
    assert flood.status == "closed" and flood.closed_on == days_ago(0)
    for org in (link.org, group.org):
        org.refresh_from_db()
        assert org.dissolved_on == days_ago(0) and "随“防汛救灾”结束撤销" in org.dissolved_reason
    assert TemporaryOrg.objects.filter(campaign=flood).count() == 2  # kept as history
    assert not Secondment.objects.filter(temporary_org__campaign=flood, left_on__isnull=True).exists()
    team.refresh_from_db()
    post.refresh_from_db()
    later.refresh_from_db()
    assert team.ends_on == post.ends_on == days_ago(0) and later.cancelled
    assert not TeamMember.objects.filter(team=team, left_on__isnull=True).exists()
    stats = selectors.campaign_stats(world.organizer, flood)
    assert stats.temporary_orgs["total"] == 2 and stats.temporary_orgs["active"] == 0
    with pytest.raises(ValidationError, match=r"已于.*结束，不能再组建队伍"):
        _duty_team(world, flood)
    with pytest.raises(ValidationError, match="不能再结束"):
        services.campaign_close(actor=world.organizer, campaign=flood, closed_on=days_ago(0))
    assert (
        "撤销临时党组织2个"
        in ChangeRecord.objects.filter(object_type="mobilization.campaign").first().message
    )
