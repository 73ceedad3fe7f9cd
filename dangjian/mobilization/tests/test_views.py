"""The pages: what each persona sees and may do (outsider 404, secretary only their branch, viewer
read-only), the forms' round trips, and query-count guards on the list pages."""

from __future__ import annotations

import pytest

from dangjian.mobilization import services
from dangjian.mobilization.models import (
    Campaign,
    DutyService,
    GridNode,
    Post,
    Team,
    TeamMember,
    TemporaryOrg,
)
from dangjian.mobilization.tests.conftest import days_ago


@pytest.fixture
def setup(world, flood):
    """The flood campaign with one of everything: a temporary org, teams in two branches, a post,
    a grid with a gap, a shift, a volunteer event, a recommendation and a bulletin."""
    link = services.temporary_org_create(
        actor=world.organizer, campaign=flood, parent=world.town_a1, kind="temp_branch", name="防汛临时党支部",
        approved_by=world.town_a1, approved_on=flood.starts_on, secretary=world.people["in_branch"],
    )  # fmt: skip
    own = services.team_create(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, kind="shock", name="一支部突击队",
        starts_on=flood.starts_on, leader=world.people["in_branch"], others=[("王大妈", "13812345678")],
    )  # fmt: skip
    other = services.team_create(
        actor=world.organizer, campaign=flood, org=world.branch_a1_2, kind="volunteer", name="二支部志愿服务队",
        starts_on=flood.starts_on, leader_name="赵六",
    )  # fmt: skip
    services.post_create(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, kind="post", name="物资党员先锋岗",
        place="村委会仓库", holder=world.people["in_branch"], starts_on=flood.starts_on,
    )  # fmt: skip
    services.grid_node_save(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, compound="阳光小区", building="1栋", unit="1单元",
        lead=services.GridLead(name="李小红", phone="13912345678"),
    )  # fmt: skip
    shift = services.duty_plan(
        actor=world.secretary, team=own, first_day=days_ago(1), place="河堤一号点", periods=["白班"]
    )[0]
    services.duty_record_served(
        actor=world.secretary, shift=shift, members=list(TeamMember.objects.filter(team=own))
    )
    services.volunteer_event_record(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, on=days_ago(1), place="安置点", title="送餐",
        participants=5, people_served=80,
    )  # fmt: skip
    services.frontline_recommend(
        actor=world.secretary, campaign=flood, person=world.people["applicant"], recommended_by=world.branch_a1_1,
        recommended_on=days_ago(1), reason="连续值守十天",
    )  # fmt: skip
    services.bulletin_record(
        actor=world.organizer, campaign=flood, number="第1期", issued_on=days_ago(1), issued_by=world.town_a1,
        title="防汛通报表扬", collectives=[{"team": own}], individuals=[{"person": world.people["in_branch"]}],
    )  # fmt: skip
    return {"campaign": flood, "link": link, "own": own, "other": other, "shift": shift}


def _pages(s) -> list[str]:
    c = s["campaign"].pk
    return [
        "/mobilization/", f"/mobilization/{c}/", f"/mobilization/{c}/temporary-orgs/", f"/mobilization/{c}/teams/",
        f"/mobilization/{c}/posts/", f"/mobilization/{c}/grid/", f"/mobilization/{c}/grid/coverage/",
        f"/mobilization/{c}/registrations/", f"/mobilization/{c}/duty/", f"/mobilization/{c}/volunteer/",
        f"/mobilization/{c}/frontline/", f"/mobilization/{c}/commendations/", f"/mobilization/teams/{s['own'].pk}/",
        f"/mobilization/shifts/{s['shift'].pk}/", f"/mobilization/temporary-orgs/{s['link'].pk}/",
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["admin", "organizer", "secretary", "viewer"])
def test_every_page_opens_for_those_in_scope(world, setup, client_as, who):
    client = client_as(getattr(world, who))
    for url in _pages(setup):
        if who == "secretary" and "temporary-orgs/" in url and url.rstrip("/").split("/")[-1].isdigit():
            continue  # the temporary org hangs under the town committee, outside the branch
        response = client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)


def test_outsider_gets_404_everywhere_and_no_campaign_listed(world, setup, client_as):
    client = client_as(world.outsider)
    for url in _pages(setup)[1:]:
        assert client.get(url).status_code == 404, url
    assert f"/mobilization/{setup['campaign'].pk}/" not in client.get("/mobilization/").content.decode()


def test_secretary_sees_only_their_branch(world, setup, client_as):
    client = client_as(world.secretary)
    c = setup["campaign"].pk
    teams = client.get(f"/mobilization/{c}/teams/").content.decode()
    assert "一支部突击队" in teams and "二支部志愿服务队" not in teams
    assert client.get(f"/mobilization/teams/{setup['other'].pk}/").status_code == 404
    assert client.get(f"/mobilization/temporary-orgs/{setup['link'].pk}/").status_code == 404
    dashboard = client.get(f"/mobilization/{c}/").content.decode()
    assert "只列出您管理范围内的党组织的内容" in dashboard
    assert 'data-stat="teams">1<' in dashboard
    organizer = client_as(world.organizer).get(f"/mobilization/{c}/").content.decode()
    assert 'data-stat="teams">2<' in organizer and "只列出您管理范围内" not in organizer


def test_viewer_reads_but_every_post_is_refused(world, setup, client_as):
    client = client_as(world.viewer)
    c = setup["campaign"].pk
    page = client.get(f"/mobilization/{c}/teams/").content.decode()
    assert 'id="team-form"' not in page
    before = (Team.objects.count(), Post.objects.count(), GridNode.objects.count())
    posts = {
        f"/mobilization/{c}/teams/": {"kind": "shock", "name": "x", "starts_on": "2026-01-01"},
        f"/mobilization/{c}/posts/": {"kind": "post", "name": "x", "place": "y", "starts_on": "2026-01-01"},
        f"/mobilization/{c}/grid/": {"compound": "新小区"},
        f"/mobilization/{c}/temporary-orgs/": {"name": "x"},
        f"/mobilization/{c}/volunteer/": {"title": "x"},
        f"/mobilization/{c}/frontline/": {"reason": "x"},
        f"/mobilization/{c}/commendations/": {"number": "x"},
        f"/mobilization/{c}/registrations/": {"name": "x"},
        f"/mobilization/{c}/close/": {"closed_on": "2026-01-01"},
        f"/mobilization/{c}/edit/": {"name": "x"},
        f"/mobilization/shifts/{setup['shift'].pk}/": {"members": []},
        f"/mobilization/teams/{setup['own'].pk}/": {"form": "member", "name": "x"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert (Team.objects.count(), Post.objects.count(), GridNode.objects.count()) == before
    assert client.get("/mobilization/new/").status_code == 403


def test_grid_table_highlights_the_gaps(world, setup, client_as):
    c = setup["campaign"].pk
    services.grid_node_save(actor=world.secretary, campaign=setup["campaign"], org=world.branch_a1_1,
                            compound="阳光小区", building="2栋")  # fmt: skip
    body = client_as(world.secretary).get(f"/mobilization/{c}/grid/").content.decode()
    assert body.count('class="table-warning gap"') == 3  # the compound, 1栋 and 2栋 have no lead
    assert "李小红" in body
    report = client_as(world.secretary).get(f"/mobilization/{c}/grid/coverage/").content.decode()
    assert 'data-stat="gaps">3<' in report
    xlsx = client_as(world.secretary).get(f"/mobilization/{c}/grid/coverage/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_forms_create_through_the_services(world, setup, client_as):
    client = client_as(world.secretary)
    campaign = setup["campaign"]
    c = campaign.pk
    response = client.post(
        f"/mobilization/{c}/teams/?org={world.branch_a1_1.code}",
        {"for_org": world.branch_a1_1.code, "kind": "emergency", "name": "应急队", "starts_on": days_ago(2).isoformat(),
         "leader": world.people["in_branch"].pk, "members": [world.people["applicant"].pk], "others": "张三 13700001111"},
    )  # fmt: skip
    assert response.status_code == 302
    team = Team.objects.get(name="应急队")
    assert team.org == world.branch_a1_1 and team.members.count() == 3
    # Bad input comes back as Chinese form errors, nothing written.
    response = client.post(
        f"/mobilization/{c}/posts/", {"for_org": world.branch_a1_1.code, "kind": "zone", "name": "", "place": "",
                                      "starts_on": days_ago(1).isoformat()},
    )  # fmt: skip
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = client.post(
        f"/mobilization/{c}/posts/",
        {"for_org": world.branch_a1_1.code, "kind": "zone", "name": "一组责任区", "place": "一组",
         "holder_ref": f"单明 (x) #{world.people['applicant'].pk}", "starts_on": days_ago(1).isoformat()},
    )  # fmt: skip
    assert "不是在册党员" in response.content.decode()
    assert not Post.objects.filter(name="一组责任区").exists()
    # The shift lead records who served.
    shift = services.duty_plan(
        actor=world.secretary, team=team, first_day=days_ago(0), place="卡点", periods=["夜班"]
    )[0]
    members = list(TeamMember.objects.filter(team=team))
    response = client.post(f"/mobilization/shifts/{shift.pk}/", {"members": [m.pk for m in members[:2]]})
    assert response.status_code == 302
    assert DutyService.objects.filter(shift=shift).count() == 2


def test_the_wizard_steps_for_an_organizer(world, client_as):
    client = client_as(world.organizer)
    response = client.post(
        "/mobilization/new/",
        {
            "name": "2026年防汛救灾",
            "kind": "flood",
            "org_code": world.town_a1.code,
            "starts_on": days_ago(1).isoformat(),
        },
    )
    campaign = Campaign.objects.get(name="2026年防汛救灾")
    assert (
        response.status_code == 302
        and response["Location"] == f"/mobilization/{campaign.pk}/setup/temporary-orgs/"
    )
    step2 = client.get(response["Location"]).content.decode()
    assert 'id="temporary-org-form"' in step2 and 'value="TOWN-A1"' in step2
    response = client.post(
        f"/mobilization/{campaign.pk}/setup/temporary-orgs/",
        {"kind": "temp_branch", "name": "防汛临时党支部", "parent_code": "TOWN-A1", "approved_by_code": "TOWN-A1",
         "approved_on": days_ago(1).isoformat(), "secretary": f"x #{world.people['in_branch'].pk}"},
    )  # fmt: skip
    assert response.status_code == 302
    assert TemporaryOrg.objects.get(campaign=campaign).org.name == "防汛临时党支部"
    step3 = client.get(f"/mobilization/{campaign.pk}/setup/teams/").content.decode()
    assert 'id="team-form"' in step3 and "下一步：设岗定责" in step3


def test_the_wizard_tells_a_secretary_to_skip_the_temporary_orgs(world, client_as):
    client = client_as(world.secretary)
    response = client.post(
        "/mobilization/new/",
        {
            "name": "村防汛",
            "kind": "flood",
            "org_code": world.branch_a1_1.code,
            "starts_on": days_ago(1).isoformat(),
        },
    )
    assert Campaign.objects.filter(name="村防汛").exists()
    step2 = client.get(response["Location"]).content.decode()
    assert 'id="temporary-org-skip"' in step2 and 'id="temporary-org-form"' not in step2


def test_person_file_shows_campaign_roles_and_commendations(world, setup, client_as):
    body = client_as(world.secretary).get(f"/people/{world.people['in_branch'].pk}/").content.decode()
    assert 'id="campaign-roles"' in body
    assert "一支部突击队" in body and "物资党员先锋岗" in body and "防汛临时党支部" in body
    assert "通报表扬（第1期" in body


def test_list_pages_do_not_grow_queries_with_rows(world, setup, client_as, django_assert_max_num_queries):
    campaign = setup["campaign"]
    for i in range(30):
        services.team_create(
            actor=world.secretary, campaign=campaign, org=world.branch_a1_1, kind="vanguard", name=f"先锋队{i}",
            starts_on=campaign.starts_on, leader=world.people["in_branch"], others=[("王五", "")],
        )  # fmt: skip
        services.post_create(
            actor=world.secretary, campaign=campaign, org=world.branch_a1_1, kind="zone", name=f"责任区{i}",
            place=f"{i}组", holder=world.people["in_branch"], starts_on=campaign.starts_on,
        )  # fmt: skip
        services.grid_node_save(actor=world.secretary, campaign=campaign, org=world.branch_a1_1,
                                compound=f"小区{i}", building="1栋", unit="1单元")  # fmt: skip
    client = client_as(world.admin)
    c = campaign.pk
    client.get(f"/mobilization/{c}/")  # warm the session
    budgets = {
        f"/mobilization/{c}/": 24, f"/mobilization/{c}/teams/": 12, f"/mobilization/{c}/posts/": 12,
        f"/mobilization/{c}/grid/": 12, f"/mobilization/{c}/grid/coverage/": 9, f"/mobilization/{c}/duty/": 12,
        f"/mobilization/{c}/temporary-orgs/": 12, f"/mobilization/{c}/frontline/": 26,
        f"/mobilization/{c}/registrations/": 9, f"/mobilization/{c}/volunteer/": 12,
    }  # fmt: skip
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_frontline_page_opens_the_case(world, setup, client_as):
    from dangjian.development.models import Case

    case = Case.objects.get(person=world.people["applicant"])
    body = client_as(world.secretary).get(f"/mobilization/{setup['campaign'].pk}/frontline/").content.decode()
    assert f"/development/case/{case.pk}/" in body
    assert case.source == "一线推荐：防汛救灾" and not case.frontline


def test_campaign_close_through_the_page(world, setup, client_as):
    c = setup["campaign"].pk
    response = client_as(world.organizer).post(
        f"/mobilization/{c}/close/", {"closed_on": days_ago(0).isoformat()}
    )
    assert response.status_code == 302
    setup["link"].org.refresh_from_db()
    assert setup["link"].org.dissolved_on is not None
    page = client_as(world.organizer).get(f"/mobilization/{c}/teams/").content.decode()
    assert 'id="team-form"' not in page
