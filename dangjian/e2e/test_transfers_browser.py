"""End-to-end: a branch secretary sends a member to a branch in another county; the town's committee
reviews and issues the letter; that county's 组织员 receives it (screenshots t01…t06).

Before receipt the receiving side sees the member's name and gender only; after receipt the file is
theirs, and the sender's person page no longer opens (404)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangjian.accounts.models import Role
from dangjian.accounts.services import role_grant
from dangjian.conftest import make_user
from dangjian.people import counts
from dangjian.people.models import Person
from dangjian.transfers.models import Status, Transfer

pytestmark = pytest.mark.browser


def test_a_secretary_sends_a_member_to_another_county_and_its_organizer_receives(
    e2e_world, login, shot, page
):
    w = e2e_world
    receiver = make_user("b_organizer")
    role_grant(actor=None, user=receiver, org=w.county_b, role=Role.COMMITTEE_ORGANIZER)
    member = w.people["in_branch"]

    login("secretary")
    page.goto(f"/people/{member.pk}/")
    page.locator("#transfer-start").click()
    page.locator("#q").fill("乙县医院第一")
    page.get_by_role("button", name="查找").click()
    page.locator(f"#org-{w.branch_b_1.pk}").check()
    page.locator("#id_reason").select_option("work")
    page.locator("#id_note").fill("调入乙县医院工作")
    shot("t01-transfer-form")
    page.get_by_role("button", name="发起转出").click()
    expect(page.locator("h1")).to_contain_text("组织关系转接：曾小芳")
    expect(page.locator("#transfer-facts")).to_contain_text("东城镇党委")
    shot("t02-transfer-submitted")

    page.context.clear_cookies()
    login("organizer")
    page.goto("/transfers/?tab=review")
    page.locator("#transfers").get_by_role("link", name="曾小芳").click()
    page.locator("#btn-approve").click()
    expect(page.locator(".alert-success")).to_contain_text("审核通过")
    expect(page.locator("#letter-no")).to_contain_text("TOWN-A1-")
    shot("t03-transfer-approved")
    page.goto(f"/people/{member.pk}/")
    expect(page.locator("#transfer-mark")).to_contain_text("转出中")
    shot("t04-person-transferring")

    page.context.clear_cookies()
    login("b_organizer")
    page.goto("/transfers/?tab=in")
    expect(page.locator("#transfers")).to_contain_text("曾小芳")
    shot("t05-incoming-list")
    page.locator("#transfers").get_by_role("link", name="曾小芳").click()
    expect(page.locator("#person-hidden")).to_be_visible()
    expect(page.locator("#person-standing")).to_have_count(0)
    page.locator("#btn-receive").click()
    expect(page.locator(".alert-success")).to_contain_text("已接收")
    expect(page.locator("#person-standing")).to_be_visible()
    shot("t06-received")
    page.locator("#transfer-facts").get_by_role("link", name="曾小芳").click()
    expect(page.locator("body")).to_contain_text("乙县医院第一党支部")

    assert Transfer.objects.get().status == Status.RECEIVED
    assert Person.objects.get(pk=member.pk).org == w.branch_b_1
    assert counts.stored() == counts.recompute()
