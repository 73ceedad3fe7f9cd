"""End-to-end: 民主评议党员 in the secretary's branch of ten full members (screenshots a01…a03).

Four 优秀 of ten are refused with the number allowed (3), the entered grades kept; one changed to
合格, the 民主评议 is saved and its result page shows the counts.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dangjian.appraisal.models import Appraisal
from dangjian.appraisal.tests.conftest import build_ten

pytestmark = pytest.mark.browser


def test_four_excellent_of_ten_refused_three_accepted(e2e_world, login, shot):
    ten = build_ten(e2e_world)
    page = login("secretary")
    page.goto(f"/orgs/{ten.branch.pk}/")
    page.get_by_role("link", name="民主评议").first.click()
    expect(page.locator("h1")).to_contain_text("民主评议党员")
    page.get_by_role("link", name="开展2025年度民主评议").click()
    expect(page.locator("h1")).to_contain_text("2025年度")
    page.get_by_label("评议日期").fill("2025-12-20")
    selects = page.locator("select.grade-select")
    expect(selects).to_have_count(10)
    expect(page.locator("#roster")).to_contain_text("参加评议，不评定等次")
    for i in range(4):
        selects.nth(i).select_option("excellent")
    expect(page.locator("#excellent-count")).to_have_text("4")
    expect(page.locator("#excellent-over")).to_be_visible()
    shot("a01-appraisal-form-warning")

    page.get_by_role("button", name="保存评议结果").click()
    alert = page.locator(".alert-danger").first
    expect(alert).to_contain_text("本支部正式党员10名，最多可评3名优秀，现评定4名")
    expect(page.locator("select.grade-select option[value=excellent]:checked")).to_have_count(4)
    assert not Appraisal.objects.exists()
    shot("a02-appraisal-refused")

    page.locator("select.grade-select").nth(3).select_option("qualified")
    expect(page.locator("#excellent-count")).to_have_text("3")
    expect(page.locator("#excellent-over")).to_be_hidden()
    page.get_by_role("button", name="保存评议结果").click()
    expect(page.locator("h1")).to_contain_text("2025年度民主评议党员结果")
    expect(page.locator("#summary [data-grade=excellent]")).to_have_text("3")
    expect(page.locator("#summary [data-grade=qualified]")).to_have_text("7")
    expect(page.locator("#summary [data-grade=probationary]")).to_have_text("1")
    expect(page.locator("#entries")).to_contain_text("孙新苗")
    appraisal = Appraisal.objects.get()
    assert appraisal.entries.filter(grade="excellent").count() == 3
    shot("a03-appraisal-result")
