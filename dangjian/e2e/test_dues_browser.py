"""End-to-end: a branch secretary collects a month of dues; the 组织部 sees the figures (screenshots d01…d05).

The secretary opens her branch from the org page, goes to 党费, ticks two members and records their
dues of this month (one paying part), sees the calculator, then the 组织部管理员 reads the city's
statistics. Nothing is frozen: the live server uses the real today.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.conftest import make_person
from dangjian.dues import services
from dangjian.dues.models import DuesMonth
from dangjian.dues.months import month_of

pytestmark = pytest.mark.browser


def test_a_secretary_collects_a_month_and_the_department_reads_the_figures(e2e_world, login, shot, page):
    w = e2e_world
    month = month_of(timezone.localdate())
    retired = make_person(w.branch_a1_1, name="王老书记")
    services.norm_record(actor=w.secretary, person=w.people["in_branch"], category="in_service", from_month=month,
                         income="4500")  # fmt: skip
    services.norm_record(
        actor=w.secretary, person=retired, category="retired", from_month=month, income="6000"
    )
    login("secretary")
    page.goto(f"/orgs/{w.branch_a1_1.pk}/")
    page.locator("#dues-link").click()
    expect(page.locator("h1")).to_contain_text("东城镇第一党支部的党费")
    expect(page.locator("#not-opened")).to_be_visible()
    expect(page.locator('#members tr[data-person] [data-field="base"]').first).to_have_text("***")
    shot("d01-dues-collection")
    page.locator(f'#members tr[data-person="{w.people["in_branch"].pk}"] input.pick').check()
    row = page.locator(f'#members tr[data-person="{retired.pk}"]')
    row.locator("input.pick").check()
    row.locator(f'input[name="amount_{retired.pk}"]').fill("20")
    page.get_by_role("button", name="记录所选党员本月党费").click()
    expect(page.locator(".alert-success")).to_contain_text("已记录2名党员的党费。")
    expect(row).to_contain_text("部分交纳")
    expect(page.locator(f'#members tr[data-person="{w.people["in_branch"].pk}"]')).to_contain_text("已交清")
    expect(page.locator('#collection-summary [data-field="paid"]')).to_have_text("65.00")
    shot("d02-dues-recorded")
    assert DuesMonth.objects.filter(org=w.branch_a1_1, month=month).count() == 2
    page.locator("#reveal-income").click()
    expect(page.locator(f'#members tr[data-person="{retired.pk}"] [data-field="base"]')).to_have_text(
        "6,000.00"
    )
    page.goto("/dues/calc/?category=retired&income=5000.01")
    expect(page.locator('#calc-result [data-field="amount"]')).to_contain_text("50.00")
    shot("d03-dues-calculator")
    page.context.clear_cookies()
    login("admin")
    page.goto(f"/dues/org/{w.city.pk}/stats/")
    expect(page.locator('#dues-figures [data-figure="collected"]')).to_have_text("65.00")
    expect(page.locator("#by-org tr[data-org]").first).to_be_visible()
    shot("d04-dues-statistics")
    page.goto(f"/dues/org/{w.branch_a1_1.pk}/collection/?reveal=1")
    expect(page.locator(f'#members tr[data-person="{retired.pk}"] [data-field="base"]')).to_have_text("***")
    shot("d05-dues-admin-masked")
