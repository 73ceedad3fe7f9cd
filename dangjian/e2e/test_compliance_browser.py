"""End-to-end: the compliance page (合规检查) as the 组织部管理员 and as a branch secretary.

Screenshots c01…c03 go to the shot() folder (var/screenshots by default).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.conftest import make_person
from dangjian.development.rulesets import ensure_national
from dangjian.development.services import cases_backfill

pytestmark = pytest.mark.browser
D = dt.date


def _case(org, name, steps):
    person = make_person(org, name=name, standing="applicant", applied_on=steps[0][1])
    cases_backfill(actor=None, rows=[{"person": person, "records": [{"step": s, "on": on} for s, on in steps]}],
                   source="测试")  # fmt: skip


def test_compliance_page_filters_and_export(page: Page, e2e_world, login, shot):
    w = e2e_world
    ensure_national()
    _case(w.branch_a1_1, "迟谈话", [(1, D(2023, 3, 1)), (2, D(2023, 5, 1))])
    _case(w.branch_a1_2, "培养短", [(1, D(2021, 1, 4)), (2, D(2021, 1, 20)), (3, D(2021, 3, 1)), (4, D(2021, 3, 5)),
                                    (6, D(2021, 8, 1)), (7, D(2021, 9, 1))])  # fmt: skip
    _case(
        w.branch_b_1,
        "乙县人",
        [(1, D(2022, 3, 1)), (2, D(2022, 6, 1)), (3, D(2022, 7, 1)), (7, D(2022, 9, 1))],
    )
    login("admin")
    page.locator(".navbar").get_by_role("link", name="合规检查").click()
    expect(page.locator("h1")).to_contain_text("合规检查")
    table = page.locator("#compliance-table tbody tr")
    # It opens on the summary: counts by rule and by org; the findings are one click away.
    expect(page.locator("#compliance-totals")).to_contain_text("按规则检查了 3 份发展纪实")
    expect(page.locator("#compliance-table")).to_have_count(0)
    shot("c00-compliance-summary")
    page.locator("#compliance-findings-link").click()
    expect(table).to_have_count(5)
    shot("c01-compliance-admin")

    page.locator("#compliance-by-rule").get_by_role("link", name="R-CULT").click()
    expect(page).to_have_url(re.compile(r"rule=R-CULT"))
    expect(table).to_have_count(2)
    page.locator("#f-severity").select_option("violation")  # submits the filters on change
    expect(page).to_have_url(re.compile(r"severity=violation"))
    page.locator("#compliance-by-org").get_by_role("link", name=w.branch_a1_2.name).click()
    expect(table).to_have_count(1)
    expect(table.first).to_contain_text("培养短")
    expect(page.locator("#f-org")).to_have_value(f"{w.branch_a1_2.name}（{w.branch_a1_2.code}）")
    shot("c02-compliance-filtered")
    with page.expect_download() as download:
        page.locator("#compliance-export").click()
    assert re.fullmatch(r"合规检查报告-\d{8}\.xlsx", download.value.suggested_filename)

    page.locator(".navbar").get_by_role("button", name="退出").click()
    login("secretary")
    page.goto("/development/compliance/?view=findings")
    expect(table).to_have_count(1)
    expect(table.first).to_contain_text("迟谈话")
    # The org picker lists only what is in scope: typing pinyin finds the secretary's branch alone.
    page.locator("#f-org").press_sequentially("dangzhibu")
    expect(page.locator("#f-org-listbox [role=option]")).to_have_count(1)
    expect(page.locator("#f-org-listbox [role=option]")).to_contain_text(w.branch_a1_1.name)
    shot("c03-compliance-secretary")
    page.goto(f"/development/compliance/?org={w.branch_b_1.code}")
    expect(page.locator("#f-org-error")).to_contain_text("不在您的管理范围内")
