"""End-to-end: step 5 lists the case branch's members; the scoped search adds a member of another
branch, who stays ticked through a second search and is saved (screenshots m01, m02)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.conftest import make_person
from dangjian.development.models import StepRecord
from dangjian.development.services import case_open, step_record

pytestmark = pytest.mark.browser


def test_contacts_from_another_branch_through_the_scoped_search(page: Page, e2e_world, login, shot):
    w = e2e_world
    applicant = make_person(w.branch_a1_1, name="周明远", standing="applicant", applied_on=dt.date(2023, 3, 1),
                            birth_date=dt.date(1998, 6, 18))  # fmt: skip
    case = case_open(actor=w.secretary, person=applicant)
    for step, on in ((1, dt.date(2023, 3, 1)), (2, dt.date(2023, 3, 15)), (3, dt.date(2023, 5, 10)),
                     (4, dt.date(2023, 5, 20))):  # fmt: skip
        step_record(actor=w.secretary, case=case, step=step, on=on)
    other = w.people["other_branch"]  # 欧阳修远, 东城镇第二党支部

    login("organizer")
    page.goto(f"/development/case/{case.pk}/step/5/")
    checks = page.locator("#id_contacts")
    expect(checks).to_contain_text("曾小芳")
    expect(checks).not_to_contain_text("欧阳修远")
    search = page.get_by_placeholder(re.compile("添加其他正式党员"))
    search.fill("欧")
    expect(page.locator("#id_contacts-results")).to_contain_text("请至少输入2个字")
    search.fill("oy")
    result = page.locator(f'#id_contacts-results input[value="{other.pk}"]')
    expect(result).to_be_visible()
    result.check()
    expect(checks.locator(f'input[value="{other.pk}"]')).to_be_checked()  # moved into the list
    search.fill("李小")  # 李小艳 is in another county: not offered
    expect(page.locator("#id_contacts-results")).to_contain_text("没有找到")
    search.press("Enter")  # searching, not submitting
    expect(checks.locator(f'input[value="{other.pk}"]')).to_be_checked()
    page.locator("#id_on").fill("2023-05-20")
    shot("m01-contacts-scoped-search")
    page.locator("#step-form").get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已记录")
    assert StepRecord.objects.get(case=case, step=5).data["contacts"] == [other.pk]

    # The secretary of the case's branch cannot see 欧阳修远 at all.
    page.locator(".navbar").get_by_role("button", name="退出").click()
    login("secretary")
    page.goto(f"/development/case/{case.pk}/step/9/")
    page.get_by_placeholder(re.compile("添加其他正式党员")).fill("欧阳")
    expect(page.locator("#id_introducers-results")).to_contain_text("没有找到")
    shot("m02-introducers-search-out-of-scope")
