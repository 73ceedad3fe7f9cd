"""In Chromium: the pages work under the Content-Security-Policy (no inline script), an ID number
typed into a search box never appears in a URL, and repeated wrong passwords end in the lockout page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def watched(page: Page):
    """Every request URL the page makes and every CSP complaint on the console."""
    seen = {"urls": [], "csp": []}
    page.on("request", lambda r: seen["urls"].append(r.url))
    page.on(
        "console",
        lambda m: seen["csp"].append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def test_tree_due_list_and_compliance_filters_work_under_the_csp(page: Page, e2e_world, login, watched):
    login("admin")
    page.goto("/orgs/")
    page.get_by_role("button", name="展开广安市委", exact=True).click()
    page.get_by_role("button", name="展开甲县委", exact=True).click()
    expect(page.get_by_role("link", name="东城镇党委")).to_be_visible()
    collapse = page.get_by_role("button", name="收起甲县委", exact=True)
    expect(collapse).to_be_visible()
    collapse.click()
    expect(page.get_by_role("link", name="东城镇党委")).to_be_hidden()
    collapse.click()
    expect(page.get_by_role("link", name="东城镇党委")).to_be_visible()

    page.goto("/development/due/")
    kind = page.get_by_label("事项")
    value = kind.locator("option").nth(1).get_attribute("value")
    kind.select_option(value)
    expect(page).to_have_url(re.compile(rf"kind={value}"))

    page.goto("/development/compliance/")
    page.locator("#f-org").press_sequentially("jiaxian")  # the org picker: pinyin, then a choice
    page.locator("#f-org-listbox [role=option]").first.click()
    expect(page).to_have_url(re.compile(rf"org=[^&]*{e2e_world.county_a.code}"))
    assert watched["csp"] == []


def test_id_number_never_travels_in_a_url(page: Page, e2e_world, login, watched):
    person = e2e_world.people["in_branch"]
    login("admin")
    box = page.get_by_role("search").locator("input[name=q]")
    box.fill(person.id_number)
    box.press("Enter")
    expect(page.locator("#search-results").get_by_role("link", name=person.name)).to_be_visible()
    # The live search on the search page.
    page.locator("#search-q").fill("")
    page.locator("#search-q").press_sequentially(person.id_number[:12], delay=10)
    page.locator("#search-q").press_sequentially(person.id_number[12:], delay=10)
    expect(page.locator("#search-results")).to_contain_text("1 人")
    assert person.id_number not in page.url
    assert not [u for u in watched["urls"] if person.id_number in u or person.id_number[:10] in u]
    assert watched["csp"] == []


def test_repeated_wrong_passwords_show_the_chinese_lockout_page(page: Page, e2e_world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/login/")
        page.get_by_label("用户名").fill("secretary")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="登录已被锁定")).to_be_visible()
    expect(page.locator("#lockout-message")).to_contain_text("分钟后再试")
