"""End-to-end: a real browser (headless Chromium) against the live server.

Run with:  DANGJIAN_FAST_HASHER=1 .venv/bin/pytest -q dangjian/e2e
Screenshots go to $DANGJIAN_SCREENSHOTS (default var/screenshots).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.base.idnumber import make_id_number, mask_id_number
from dangjian.orgs.models import Org, OrgKind
from dangjian.people.models import Person

pytestmark = pytest.mark.browser


def _with_wrong_check_digit(number: str) -> str:
    for candidate in "0123456789X":
        if candidate != number[-1]:
            return number[:-1] + candidate
    raise AssertionError("unreachable")


def test_login_wrong_password_then_home(page: Page, e2e_world, shot):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.get_by_label("用户名").fill("secretary")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".alert-danger")).to_have_text("用户名或密码不正确，请重新输入。")
    expect(page.get_by_label("用户名")).to_have_value("secretary")
    shot("01-login")

    page.get_by_label("密码").fill("demo-pass-123")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作概况")).to_be_visible()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    # 曾小芳 is a full member and 单明 an applicant in the secretary's branch.
    expect(page.locator('.stat[data-standing="full"]')).to_have_text("1")
    expect(page.locator('.stat[data-standing="applicant"]')).to_have_text("1")
    expect(page.locator(".stat-label").first).to_have_text("入党申请人")


def test_branch_secretary_sees_only_their_branch(page: Page, e2e_world, login, shot):
    w = e2e_world
    login("secretary")
    scope = page.locator("h1 small")
    expect(scope).to_contain_text("管理范围：东城镇第一党支部")
    expect(scope.get_by_role("link")).to_have_count(1)
    expect(page.locator(".navbar")).to_contain_text("支部书记")
    shot("02-home-secretary")

    page.get_by_role("link", name="组织架构", exact=True).click()
    top = page.locator("#org-tree > li")
    expect(top).to_have_count(1)
    expect(top.first).to_have_attribute("data-org", "BR-A1-1")
    expect(page.locator("#org-tree")).not_to_contain_text("乙县医院")
    expect(page.locator("#org-tree")).not_to_contain_text("东城镇第二党支部")
    shot("02b-tree-secretary")

    response = page.goto(f"/orgs/{w.branch_b_1.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("乙县医院第一党支部")
    response = page.goto(f"/people/{w.people['county_b'].pk}/")
    assert response is not None and response.status == 404


def test_tree_lazy_expansion_to_branch_page(page: Page, e2e_world, login, shot):
    w = e2e_world
    login("admin")
    page.get_by_role("link", name="组织架构", exact=True).click()
    tree = page.locator("#org-tree")
    expect(tree.locator("> li")).to_have_count(1)
    expect(tree.locator('li[data-org="CTY-A"]')).to_have_count(0)  # children are not loaded yet

    for name, child in (("广安市委", "CTY-A"), ("甲县委", "TOWN-A1"), ("东城镇党委", "BR-A1-1")):
        page.get_by_role("button", name=f"展开{name}", exact=True).click()
        expect(tree.locator(f'li[data-org="{child}"]')).to_be_visible()
        expect(page.get_by_role("button", name=f"收起{name}", exact=True)).to_be_visible()

    branch = tree.get_by_role("link", name="东城镇第一党支部", exact=True)
    expect(branch).to_be_visible()
    expect(tree.locator('li[data-org="CTY-B"]')).to_be_visible()
    expect(tree.locator('li[data-org="GB-B-1"]')).to_have_count(0)  # 乙县委 was never opened
    shot("03-tree-expanded")

    # Collapsing hides the loaded subtree without another request.
    page.get_by_role("button", name="收起东城镇党委", exact=True).click()
    expect(branch).to_be_hidden()
    page.get_by_role("button", name="收起东城镇党委", exact=True).click()
    expect(branch).to_be_visible()

    branch.click()
    expect(page).to_have_url(re.compile(rf"/orgs/{w.branch_a1_1.pk}/$"))
    expect(page.get_by_role("heading", name="东城镇第一党支部", level=1)).to_be_visible()
    members = page.locator("#members")
    expect(members.get_by_role("link", name="曾小芳")).to_be_visible()
    expect(members.get_by_role("link", name="单明")).to_be_visible()
    expect(members).to_contain_text("共 2 人")
    expect(page.locator("#children")).to_contain_text("第一党小组")
    expect(page.locator(".breadcrumb")).to_contain_text("广安市委")
    shot("03b-org-page")

    # The member filter is an htmx partial swap.
    page.get_by_label("发展阶段").select_option("applicant")
    expect(members.locator("tbody tr")).to_have_count(1)
    expect(members.get_by_role("link", name="单明")).to_be_visible()
    expect(page.locator("#members")).to_contain_text("共 1 人")


def test_live_search_by_initials_and_id_number(page: Page, e2e_world, login, shot):
    person = e2e_world.people["in_branch"]
    login("admin")
    page.get_by_role("link", name="人员查询", exact=True).click()
    box = page.locator("#search-q")
    results = page.locator("#search-results")

    box.press_sequentially("zxf", delay=30)
    expect(results.get_by_role("link", name="曾小芳")).to_be_visible()
    expect(results).to_contain_text("“zxf”的查询结果：1 人")
    expect(page).to_have_url(re.compile(r"/search/\?q=zxf$"))  # hx-push-url
    row = results.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td.masked").first).to_have_text(mask_id_number(person.id_number))
    shot("04-search")

    box.fill(person.id_number)
    expect(results).to_contain_text(f"“{person.id_number}”的查询结果：1 人")
    expect(results.get_by_role("link", name="曾小芳")).to_be_visible()
    masked = row.locator("td.masked").first
    expect(masked).to_have_text(re.compile(r"^\d{3}\*{11}[\dX]{4}$"))
    expect(masked).to_have_text(mask_id_number(person.id_number))
    # The full number appears only in what the user typed, never in the result table.
    assert person.id_number not in results.locator("table").inner_text()
    shot("04b-search-id")

    box.fill("zzzzzz")
    expect(results).to_contain_text("没有符合条件的人员。")


def test_edit_person_phone(page: Page, e2e_world, login, shot):
    person = e2e_world.people["in_branch"]
    login("secretary")
    page.goto(f"/people/{person.pk}/")
    expect(page.get_by_role("heading", name="曾小芳", level=1)).to_be_visible()
    page.get_by_role("link", name="修改档案").click()
    expect(page.get_by_role("heading", name="修改档案：曾小芳")).to_be_visible()

    phone = page.get_by_label("联系电话")
    phone.fill("1234")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback", has_text="电话号码")).to_be_visible()
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(page.get_by_label("联系电话")).to_have_value("1234")
    shot("05-edit-error")
    person.refresh_from_db()
    assert person.phone == ""

    page.get_by_label("联系电话").fill("138 1234 5678")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("档案已保存。")
    person.refresh_from_db()
    assert person.phone == "13812345678"
    expect(page.locator("dd.masked").nth(1)).to_have_text("138****5678")

    history = page.locator(".card", has=page.get_by_role("heading", name="变更记录"))
    first = history.locator("tbody tr").first
    expect(first).to_contain_text("修改")
    expect(first).to_contain_text("联系电话")
    expect(first).to_contain_text("（已修改，内容不记录）")
    text = history.inner_text()
    assert "13812345678" not in text and "5678" not in text and "1381234" not in text
    shot("06-person-history")


def test_create_person_checks_id_number(page: Page, e2e_world, login, shot):
    w = e2e_world
    number = make_id_number("511602", dt.date(1998, 8, 8), 321, "F")
    login("secretary")
    page.goto(f"/orgs/{w.branch_a1_1.pk}/")
    page.get_by_role("link", name="新建人员档案").click()
    expect(page.get_by_role("heading", name="新建人员档案")).to_be_visible()
    expect(page.get_by_label("所在党组织")).to_have_value("BR-A1-1")

    page.get_by_label("姓名").fill("吕晓雯")
    page.get_by_label("公民身份号码").fill(_with_wrong_check_digit(number))
    page.get_by_label("政治面貌/发展阶段").select_option("applicant")
    page.get_by_label("递交入党申请书日期").fill("2023-04-01")
    page.get_by_role("button", name="保存").click()
    id_errors = page.locator(".invalid-feedback", has_text="校验码错误")
    expect(id_errors).to_have_text("公民身份号码校验码错误，请核对后重新输入。")
    # Gender and birth date are read from the number: no follow-on errors the user cannot act on.
    expect(page.locator(".invalid-feedback")).to_have_count(1)
    expect(page.locator(".alert-danger")).to_have_count(0)
    shot("07-create-id-error")
    assert not Person.objects.filter(name="吕晓雯").exists()

    page.get_by_label("公民身份号码").fill(number.lower())
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已为吕晓雯建立档案。")
    expect(page.get_by_role("heading", name="吕晓雯", level=1)).to_be_visible()
    expect(page.locator("#id-number")).to_have_text(mask_id_number(number))
    person = Person.objects.get(name="吕晓雯")
    assert (person.id_number, person.gender, person.birth_date) == (number, "F", dt.date(1998, 8, 8))
    assert person.org_id == w.branch_a1_1.pk
    shot("07b-person-created")


def test_party_group_cannot_have_children(page: Page, e2e_world, login, shot):
    w = e2e_world
    login("admin")
    page.goto(f"/orgs/{w.branch_a1_2.pk}/")
    page.get_by_role("link", name="设立下级组织").click()
    expect(page.get_by_role("heading", name="在“东城镇第二党支部”下设立组织")).to_be_visible()
    page.get_by_label("组织名称").fill("第二支部第一党小组")
    page.get_by_label("组织代码").fill("GRP-A1-2-1")
    page.get_by_label("组织类别").select_option(OrgKind.PARTY_GROUP)
    page.get_by_role("button", name="保存").click()

    group = Org.objects.get(code="GRP-A1-2-1")
    assert group.kind == OrgKind.PARTY_GROUP
    assert group.path.startswith(w.branch_a1_2.path) and group.depth == w.branch_a1_2.depth + 1
    expect(page).to_have_url(re.compile(rf"/orgs/{group.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("已设立第二支部第一党小组。")
    expect(page.get_by_role("heading", name="第二支部第一党小组", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="修改", exact=True)).to_be_visible()  # admin may change it
    expect(page.get_by_role("link", name="设立下级组织")).to_have_count(0)
    shot("08-group-page")

    page.goto(f"/orgs/{group.pk}/new/")
    page.get_by_label("组织名称").fill("不该存在的小组")
    page.get_by_label("组织代码").fill("GRP-NOPE")
    page.get_by_label("组织类别").select_option(OrgKind.PARTY_GROUP)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text(
        "党小组下不能再设下级组织。"
    )
    assert not Org.objects.filter(code="GRP-NOPE").exists()
    shot("08b-group-child-error")
