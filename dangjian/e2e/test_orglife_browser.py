"""End-to-end: a branch secretary records the month's 主题党日 with its attendance list, and the org
page reminds of the 换届 (screenshots o01…o05)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.conftest import make_person
from dangjian.development import due
from dangjian.meetings.models import Attendance, Meeting
from dangjian.orglife.services import committee_elect

pytestmark = pytest.mark.browser
NAMES = "甲乙丙丁戊"


def test_secretary_records_a_themed_day_with_attendance(e2e_world, login, shot):
    w = e2e_world
    branch = w.branch_a1_1
    people = [w.people["in_branch"], *(make_person(branch, name=f"赵{n}") for n in NAMES)]
    make_person(branch, name="钱预备", standing="probationary", admitted_on=dt.date(2026, 3, 1))
    today = timezone.localdate()
    # The committee was elected five years and a month ago: its term is over.
    committee_elect(
        actor=None, org=branch, elected_on=today - dt.timedelta(days=5 * 365 + 30),
        members=[(people[0], "secretary", None), (people[1], "organization", None), (people[2], "propaganda", None)],
    )  # fmt: skip
    due.refresh(today)
    page = login("secretary")
    page.goto(f"/orgs/{branch.pk}/")
    card = page.locator("#committee-card")
    expect(card.locator("#org-secretary")).to_have_text("曾小芳")
    expect(card.locator("[data-reminder=term]")).to_contain_text("应按期换届")
    shot("o01-org-committee-term")
    page.goto(f"/development/due/?org={branch.pk}&kind=org_life")
    expect(page.locator("body")).to_contain_text("尚未开展主题党日")
    shot("o02-due-org-life")

    page.goto(f"/meetings/org/{branch.pk}/new/")
    page.get_by_label("会议类型").select_option("themed_day")
    expect(page.get_by_label("应到会有表决权人数")).to_be_hidden()  # a 主题党日 takes no votes
    page.get_by_label("会议名称").fill("12月主题党日")
    page.get_by_label("主题或议题").fill("重温入党誓词")
    page.get_by_label("地点").fill("党员活动室")
    page.get_by_label("党课", exact=True).check()  # it is also the quarter's 党课
    page.get_by_label("授课人").fill("曾小芳")
    page.get_by_label("由党组织书记讲授").check()
    shot("o03-themed-day-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("12月主题党日")
    page.get_by_role("link", name="登记到会情况").click()
    rows = page.locator("#roster tbody tr")
    expect(rows).to_have_count(7)  # six full members and one probationary member
    absent = page.locator(f"tr[data-person='{people[3].pk}']")
    absent.locator("select").select_option("leave")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("#attendance-errors")).to_contain_text("请填写请假事由")
    page.locator(f"tr[data-person='{people[3].pk}'] input").fill("外出务工")
    shot("o04-attendance-form")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("#attendance-summary")).to_contain_text("名单 7 人：出席 6，请假 1，缺席 0")
    shot("o05-themed-day")
    meeting = Meeting.objects.get(title="12月主题党日")
    assert Attendance.objects.filter(meeting=meeting, status="leave", reason="外出务工").count() == 1
    assert sorted(meeting.purposes.values_list("kind", flat=True)) == ["party_lecture"]
    page.goto(f"/development/due/?org={branch.pk}&kind=org_life")
    expect(page.locator("body")).not_to_contain_text("尚未开展主题党日")
