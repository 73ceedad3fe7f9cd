"""The mobilization services: what they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person
from dangjian.development.models import Case
from dangjian.mobilization import selectors, services
from dangjian.mobilization.models import (
    Campaign,
    CampaignStatus,
    CommunityRegistration,
    DutyDay,
    GridNode,
    Post,
    Secondment,
    Team,
    TeamMember,
    TemporaryOrg,
)
from dangjian.mobilization.tests.conftest import days_ago
from dangjian.orgs.models import Org
from dangjian.people import counts
from dangjian.people.models import Person


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


# ---- temporary party organizations ---------------------------------------------------------------


def test_temporary_org_is_an_org_of_the_tree_and_members_keep_their_home_org(world, flood):
    secretary = world.people["in_branch"]
    stored = counts.stored()
    link = _temp_branch(world, flood)
    assert link.org.kind == "temp_branch" and link.org.is_temporary
    assert Org.objects.get_parent(link.org) == world.town_a1
    assert link.approved_by == world.town_a1 and link.secretary == secretary
    member = services.secondment_add(
        actor=world.organizer,
        temporary_org=link,
        person=world.people["other_branch"],
        joined_on=flood.starts_on,
    )
    assert member.home_org == world.branch_a1_2
    assert {s.role for s in Secondment.objects.filter(temporary_org=link)} == {"secretary", "member"}
    # Membership (组织关系) of both is unchanged, and so are the pre-aggregated counts.
    assert Person.objects.get(pk=secretary.pk).org == world.branch_a1_1
    assert Person.objects.get(pk=member.person_id).org == world.branch_a1_2
    assert counts.stored() == stored == counts.recompute()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"secretary": "applicant"}, "secretary", "书记应由正式党员担任"),
        ({"approved_by": "branch"}, "approved_by", "不是党委"),
        ({"kind": "branch"}, "kind", "请选择临时党委、临时党支部或临时党小组"),
        ({"approved_on": dt.date(2019, 1, 1)}, "approved_on", "早于“防汛救灾”的开始日期"),
    ],
)
def test_temporary_org_bad_input_is_refused_and_nothing_changes(world, flood, change, field, message):
    kwargs = dict(
        actor=world.organizer, campaign=flood, parent=world.town_a1, kind="temp_branch", name="临时党支部",
        approved_by=world.town_a1, approved_on=flood.starts_on, secretary=world.people["in_branch"],
    )  # fmt: skip
    if change.get("secretary") == "applicant":
        kwargs["secretary"] = world.people["applicant"]
    elif change.get("approved_by") == "branch":
        kwargs["approved_by"] = world.branch_a1_1
    else:
        kwargs.update(change)
    before = _snapshot_counts()
    with pytest.raises(ValidationError) as exc:
        services.temporary_org_create(**kwargs)
    assert any(message in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert _snapshot_counts() == before


def test_a_branch_secretary_cannot_set_up_a_temporary_org(world, flood):
    with pytest.raises(PermissionDenied, match="上级党委的组织员"):
        services.temporary_org_create(
            actor=world.secretary, campaign=flood, parent=world.branch_a1_1, kind="temp_group", name="临时党小组",
            approved_by=world.town_a1, approved_on=flood.starts_on, secretary=world.people["in_branch"],
        )  # fmt: skip


def test_only_party_members_are_seconded(world, flood):
    link = _temp_branch(world, flood)
    with pytest.raises(ValidationError, match="不是在册党员"):
        services.secondment_add(
            actor=world.organizer,
            temporary_org=link,
            person=world.people["applicant"],
            joined_on=flood.starts_on,
        )
    with pytest.raises(ValidationError, match="已是该临时党组织的成员"):
        services.secondment_add(
            actor=world.organizer,
            temporary_org=link,
            person=world.people["in_branch"],
            joined_on=flood.starts_on,
        )


def test_what_a_temporary_org_may_do(world, epidemic, flood):
    flood_link = _temp_branch(world, flood)
    for power in ("dues", "discipline", "elections", "admit"):
        assert not services.temporary_org_may(flood_link.org, power, on=flood.starts_on)
    for power in ("study", "educate", "cultivate", "accept_applications", "recommend"):
        assert services.temporary_org_may(flood_link.org, power)
    with pytest.raises(ValidationError, match="不能收缴党费"):
        services.require_temporary_org_may(flood_link.org, "dues")
    # The 2020 frontline exception: an approved temporary org of the epidemic may admit, in 2020 only.
    covid = services.temporary_org_create(
        actor=world.admin, campaign=epidemic, parent=world.county_b, kind="temp_branch", name="驰援武汉医疗队临时党支部",
        approved_by=world.county_b, approved_on=dt.date(2020, 2, 1), secretary=world.people["in_branch"],
    )  # fmt: skip
    assert services.temporary_org_may(covid.org, "admit", on=dt.date(2020, 2, 17))
    assert not services.temporary_org_may(covid.org, "admit", on=dt.date(2021, 2, 17))
    assert not services.temporary_org_may(covid.org, "dues", on=dt.date(2020, 2, 17))
    assert services.temporary_org_may(world.branch_a1_1, "dues")  # ordinary orgs are not limited here


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


# ---- grid coverage -------------------------------------------------------------------------------


def test_grid_nodes_and_the_coverage_report(world, flood):
    services.grid_node_save(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, compound="阳光小区",
        lead=services.GridLead(name="王建国", phone="13812345678"),
    )  # fmt: skip
    services.grid_node_save(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, compound="阳光小区", building="1栋"
    )
    services.grid_node_save(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, compound="阳光小区", building="1栋", unit="1单元",
        lead=services.GridLead(person=world.people["in_branch"]),
    )  # fmt: skip
    services.grid_node_save(
        actor=world.secretary,
        campaign=flood,
        org=world.branch_a1_1,
        compound="阳光小区",
        building="2栋",
        unit="1单元",
    )
    report = selectors.coverage(world.secretary, flood)
    assert [g["key"] for g in report.gaps] == ["阳光小区/1栋", "阳光小区/2栋", "阳光小区/2栋/1单元"]
    levels = {lv.level: (lv.nodes, lv.led) for lv in report.levels}
    assert levels == {"compound": (1, 1), "building": (2, 0), "unit": (2, 1)}
    assert GridNode.objects.get(key="阳光小区/1栋/1单元").lead_name == "曾小芳"


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


# ---- duty ----------------------------------------------------------------------------------------


def _duty_team(world, campaign):
    return services.team_create(
        actor=world.secretary, campaign=campaign, org=world.branch_a1_1, kind="shock", name="值守突击队",
        starts_on=campaign.starts_on, leader=world.people["in_branch"], members=[world.people["applicant"]],
        others=[("王大妈", "")],
    )  # fmt: skip


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


# ---- volunteer service ---------------------------------------------------------------------------


def test_volunteer_events_and_totals(world, flood):
    for participants, served in ((12, 300), (8, 150)):
        services.volunteer_event_record(
            actor=world.secretary, campaign=flood, org=world.branch_a1_1, on=days_ago(1), place="安置点",
            title="为受灾群众送餐", participants=participants, people_served=served,
        )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.volunteer_event_record(
            actor=world.secretary, campaign=flood, org=world.branch_a1_1, on=days_ago(-2), place="", title="送餐",
            participants=0,
        )  # fmt: skip
    assert set(exc.value.message_dict) == {"on", "place", "participants"}
    assert selectors.campaign_stats(world.secretary, flood).volunteer == {
        "events": 2, "participants": 20, "people_served": 450,
    }  # fmt: skip


# ---- front line and commendations ----------------------------------------------------------------


def test_frontline_recommendation_opens_a_frontline_case_at_the_home_branch(world, epidemic):
    nurse = make_person(world.branch_b_1, name="刘小林", gender="F", standing="applicant", applied_on=dt.date(2020, 2, 13),
                        category="medical")  # fmt: skip
    rec = services.frontline_recommend(
        actor=world.admin, campaign=epidemic, person=nurse, recommended_by=world.county_b,
        recommended_on=dt.date(2020, 2, 14), reason="出征武汉，表现突出",
    )  # fmt: skip
    case = Case.objects.get(person=nurse)
    assert rec.case == case and case.org == world.branch_b_1
    assert case.frontline and case.special_basis == epidemic.frontline_basis
    assert case.source == "一线推荐：新冠肺炎疫情防控"
    with pytest.raises(ValidationError, match="已被推荐"):
        services.frontline_recommend(
            actor=world.admin, campaign=epidemic, person=nurse, recommended_by=world.county_b,
            recommended_on=dt.date(2020, 2, 14), reason="再次推荐",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="不需要推荐入党"):
        services.frontline_recommend(
            actor=world.admin, campaign=epidemic, person=world.people["in_branch"], recommended_by=world.county_b,
            recommended_on=dt.date(2020, 2, 14), reason="表现突出",
        )  # fmt: skip


def test_a_recommendation_from_outside_the_home_org_waits_for_it(world, flood):
    """A temporary org recommends; the home branch opens the case (RULES.md §7.4). Outside 2020,
    the case is an ordinary one."""
    link = _temp_branch(world, flood)
    applicant = world.people["applicant"]
    services.registration_create(
        actor=world.admin, campaign=flood, person=world.people["county_b"], community=world.branch_a1_1,
        registered_on=flood.starts_on,
    )  # fmt: skip
    rec = services.frontline_recommend(
        actor=world.organizer, campaign=flood, person=applicant, recommended_by=link.org,
        recommended_on=days_ago(1), reason="抗洪抢险表现突出",
    )  # fmt: skip
    assert rec.case is not None and not rec.case.frontline  # the organizer manages the home branch too
    # Someone outside the organizer's scope: the county_b member works at 乙县医院.
    Person.objects.filter(pk=world.people["county_b"].pk).update(standing="applicant", admitted_on=None,
                                                                  converted_on=None, candidate_on=None)  # fmt: skip
    waiting = services.frontline_recommend(
        actor=world.organizer, campaign=flood, person=world.people["county_b"], recommended_by=link.org,
        recommended_on=days_ago(1), reason="报到后参加抢险",
    )  # fmt: skip
    assert waiting.case is None
    with pytest.raises(PermissionDenied):
        services.frontline_accept(actor=world.organizer, recommendation=waiting)
    accepted = services.frontline_accept(actor=world.admin, recommendation=waiting)
    assert (
        accepted.case.person_id == world.people["county_b"].pk
        and accepted.case.source == "一线推荐：防汛救灾"
    )


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
