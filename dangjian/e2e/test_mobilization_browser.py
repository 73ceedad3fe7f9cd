"""End-to-end: a town committee's organizer sets up an emergency through the wizard in a few minutes
(campaign → temporary org → team → post), then the grid, a shift and the dashboard; the branch
secretary sees only their branch and the person's file shows the campaign roles.

Screenshots m01…m12 go to the shot() folder (var/screenshots by default).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from dangjian.mobilization.models import Campaign, DutyService, GridNode, Post, Team, TemporaryOrg

pytestmark = pytest.mark.browser


def _logout(page: Page) -> None:
    page.locator(".navbar").get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def _stat(page: Page, name: str):
    return page.locator(f'[data-stat="{name}"]')


def test_emergency_set_up_through_the_wizard(page: Page, e2e_world, login, shot):
    w = e2e_world
    zeng, shan = w.people["in_branch"], w.people["applicant"]
    today = timezone.localdate().isoformat()

    # 1. The organizer opens 战时动员 from the navigation and starts the wizard.
    login("organizer")
    page.locator(".navbar").get_by_role("link", name="战时动员").click()
    expect(page.get_by_role("heading", name="战时动员", level=1)).to_be_visible()
    shot("m01-campaign-list")
    page.get_by_role("link", name="新建战时动员（设置向导）").click()
    expect(page.locator("#wizard-steps li[data-step='1']")).to_have_class(re.compile("fw-bold"))
    page.get_by_label("动员名称").fill("2026年防汛救灾")
    page.get_by_label("类别").select_option("flood")
    expect(page.locator("#id_org_code")).to_have_value("TOWN-A1")  # the organizer's own committee
    page.get_by_label("说明").fill("汛期堤坝巡查、群众转移安置。")
    shot("m02-wizard-campaign")
    page.get_by_role("button", name="建立并进入下一步").click()
    expect(page.locator(".alert-success")).to_contain_text("已建立“2026年防汛救灾”")
    campaign = Campaign.objects.get(name="2026年防汛救灾")

    # 2. A temporary branch approved by the town committee, its secretary picked from the list.
    expect(page.locator("#wizard-steps li[data-step='2']")).to_have_class(re.compile("fw-bold"))
    page.locator("#id_name").fill("东城镇防汛抢险临时党支部")
    secretary = page.locator("#id_secretary")
    secretary.fill("曾")
    expect(page.locator("#id_secretary-options option")).to_have_count(1)  # suggested as you type
    secretary.fill(f"曾小芳 (东城镇第一党支部) #{zeng.pk}")
    page.get_by_label("任务").fill("堤坝巡查、抢险")
    page.get_by_role("button", name="设立").click()
    expect(page.locator(".alert-success")).to_contain_text("已设立“东城镇防汛抢险临时党支部”，书记：曾小芳")
    expect(page.locator("#temporary-orgs")).to_contain_text("东城镇防汛抢险临时党支部")
    shot("m03-wizard-temporary-org")
    link = TemporaryOrg.objects.get(campaign=campaign)
    assert link.org.kind == "temp_branch" and link.secretary == zeng

    # 3. A shock team of the first branch: the leader, an applicant and a resident.
    page.get_by_role("link", name="下一步：组建队伍").click()
    page.locator("#org-switch input[name=org]").fill("BR-A1-1")
    page.locator("#org-switch").get_by_role("button", name="切换").click()
    expect(page.locator("#org-switch")).to_contain_text("东城镇第一党支部")
    page.get_by_label("类别").select_option("shock")
    page.get_by_label("队伍名称").fill("东城一支部防汛突击队")
    page.get_by_label("任务").fill("堤坝巡查")
    page.get_by_label("队长", exact=True).select_option(str(zeng.pk))
    page.locator(f'#team-form input[name="members"][value="{shan.pk}"]').check()
    page.get_by_label("其他队员（群众等，每行“姓名 电话”）").fill("王大妈 13812345678")
    shot("m04-wizard-team-form")
    page.get_by_role("button", name="组建").click()
    expect(page.locator(".alert-success")).to_contain_text("已组建“东城一支部防汛突击队”")
    expect(page.locator("#teams")).to_contain_text("曾小芳")
    team = Team.objects.get(campaign=campaign)
    assert team.members.count() == 3

    # 4. A vanguard post, then done.
    page.get_by_role("link", name="下一步：设岗定责").click()
    expect(page.locator("#org-switch")).to_contain_text("东城镇第一党支部")
    page.get_by_label("类别").select_option("post")
    page.locator("#id_name").fill("防汛物资党员先锋岗")
    page.get_by_label("地点（责任范围）").fill("村委会仓库")
    page.get_by_label("责任党员").select_option(str(zeng.pk))
    page.get_by_role("button", name="设立").click()
    expect(page.locator("#posts")).to_contain_text("防汛物资党员先锋岗")
    shot("m05-wizard-posts")
    assert Post.objects.filter(campaign=campaign).count() == 1
    page.get_by_role("link", name="完成，查看动员概况").click()
    expect(_stat(page, "temporary_orgs")).to_have_text("1")
    expect(_stat(page, "teams")).to_have_text("1")
    expect(_stat(page, "posts")).to_have_text("1")

    # 5. The grid: a unit with its lead and a building without one, highlighted as a gap.
    page.locator("#campaign-tabs").get_by_role("link", name="网格包保").click()
    page.locator("#org-switch input[name=org]").fill("BR-A1-1")
    page.locator("#org-switch").get_by_role("button", name="切换").click()
    for building, unit, lead in (("1栋", "1单元", "李小红"), ("2栋", "", "")):
        page.get_by_label("小区").fill("阳光小区")
        page.get_by_label("楼栋").fill(building)
        page.get_by_label("单元").fill(unit)
        page.get_by_label("或：负责人姓名（群众）").fill(lead)
        page.locator("#grid-form").get_by_role("button", name="保存").click()
        expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#grid-table td.gap")).to_have_count(3)  # 小区长, 1栋 and 2栋 have no lead
    expect(page.locator("#grid-table")).to_contain_text("李小红")
    shot("m06-grid-table")
    page.get_by_role("link", name="覆盖情况报告").click()
    expect(page.locator("#coverage-gaps tbody tr")).to_have_count(3)
    shot("m07-coverage-report")
    assert GridNode.objects.filter(campaign=campaign, lead_name="").count() == 3

    # 6. Duty: the team's shift today; the shift lead ticks who served.
    page.goto(f"/mobilization/teams/{team.pk}/")
    page.get_by_label("值守地点").fill("河堤一号点")
    page.get_by_label("开始日期").fill(today)
    page.get_by_label("班次").fill("08:00-20:00")
    page.get_by_label("带班人").select_option(label="曾小芳")
    page.locator("#plan-form").get_by_role("button", name="排班").click()
    expect(page.locator(".alert-success")).to_contain_text("已排班1个班次")
    page.locator("#team-shifts").get_by_role("link", name=today).click()
    for name in ("曾小芳", "王大妈"):
        page.get_by_label(name).check()
    shot("m08-shift-record")
    page.get_by_role("button", name="保存在岗人员").click()
    expect(page.locator(".alert-success")).to_contain_text("的值守人员（2人）")
    expect(page.locator("#duty-daily")).to_contain_text(today)
    shot("m09-duty")
    assert DutyService.objects.filter(shift__campaign=campaign).count() == 2

    page.locator("#campaign-tabs").get_by_role("link", name="概况").click()
    expect(_stat(page, "daily_average")).to_have_text("2")
    expect(_stat(page, "grid_leads")).to_have_text("1")
    shot("m10-dashboard")
    _logout(page)

    # 7. The branch secretary sees their branch's part; the person's file shows the roles.
    login("secretary")
    page.goto(f"/mobilization/{campaign.pk}/")
    expect(page.locator("main")).to_contain_text("只列出您管理范围内的党组织的内容")
    expect(_stat(page, "temporary_orgs")).to_have_text("0")  # the temporary branch hangs under the town
    expect(_stat(page, "teams")).to_have_text("1")
    shot("m11-dashboard-secretary")
    page.goto(f"/people/{zeng.pk}/")
    roles = page.locator("#campaign-roles")
    expect(roles).to_contain_text("东城镇防汛抢险临时党支部书记")
    expect(roles).to_contain_text("东城一支部防汛突击队队长")
    expect(roles).to_contain_text("防汛物资党员先锋岗")
    roles.scroll_into_view_if_needed()
    shot("m12-person-roles")
