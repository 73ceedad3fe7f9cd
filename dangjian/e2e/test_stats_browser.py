"""End-to-end: the 统计分析 dashboard draws its charts (ECharts, served by the app) in Chinese, and a
click on a bar opens the list of exactly the people behind it. Screenshots s01…s03."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.conftest import make_person

pytestmark = pytest.mark.browser


def test_dashboard_click_a_bar_to_drill_down(page: Page, e2e_world, login, shot):
    w = e2e_world
    for i, (name, org) in enumerate(
        [("王芳", w.branch_a1_1), ("李强", w.branch_a1_2), ("曾敏", w.branch_b_1)]
    ):
        make_person(org, name=name, standing="probationary", applied_on=dt.date(2024, 1, 5),
                    activist_on=dt.date(2024, 2, 1), candidate_on=dt.date(2024, 3, 1),
                    admitted_on=dt.date(2024, 4 + i, 10), birth_date=dt.date(1990 + i, 1, 1))  # fmt: skip
    login("admin")
    page.locator(".navbar").get_by_role("link", name="统计分析").click()
    expect(page.get_by_role("heading", name=re.compile("统计分析"), level=1)).to_be_visible()
    page.get_by_label("起始月份").fill("2024-01")
    page.get_by_label("截止月份").fill("2024-12")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#chart-suborgs canvas")).to_be_visible()
    page.wait_for_function("() => !!echarts.getInstanceByDom(document.getElementById('chart-suborgs'))")
    shot("s01-stats-dashboard")

    # Click the first bar of the sub-org comparison (甲县委's members): lands on exactly those people.
    expected = int(page.locator('[data-figures="suborgs"] tbody tr').first.locator("td").nth(1).inner_text())
    x, y = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('chart-suborgs'));
            const bar = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(0);
            return [bar.x + bar.width / 2, bar.y + bar.height / 2];
        }"""
    )
    page.locator("#chart-suborgs").scroll_into_view_if_needed()
    box = page.locator("#chart-suborgs").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page).to_have_url(re.compile(r"/stats/people/\?.*standing=member"))
    expect(page.get_by_role("heading", name=re.compile("统计人员名单"))).to_be_visible()
    expect(page.locator("#drill-count")).to_have_text(f"共 {expected} 人")
    expect(page.get_by_role("link", name="王芳")).to_be_visible()
    expect(page.get_by_role("link", name="曾敏")).to_have_count(0)
    shot("s02-stats-drilldown")

    # Back to the dashboard, now of 甲县委 and the same period; the funnel's admissions open that list.
    page.get_by_role("link", name="返回统计分析").click()
    expect(page.get_by_role("heading", name=re.compile("甲县委"), level=1)).to_be_visible()
    page.wait_for_function("() => !!echarts.getInstanceByDom(document.getElementById('chart-funnel'))")
    page.locator('[data-figures="funnel"] a').nth(3).click()
    expect(page.locator("#drill-count")).to_have_text("共 2 人")
    expect(page.get_by_role("link", name="李强")).to_be_visible()
    shot("s03-stats-funnel-list")
