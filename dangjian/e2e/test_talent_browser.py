"""End-to-end: the 后备力量库 of a town and the coverage of its villages (screenshots t01…t05).

The town's 党委组织员 opens 后备力量 from the town's page, registers someone without a file in the
second branch's village, gives a task, then reads the coverage report (one village below the
standard of 2), drills down to it and reads the structure figures; the person file of a member in
the pool shows the history. Nothing is frozen: the live server uses the real today.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.talent import services
from dangjian.talent.models import PoolEntry

pytestmark = pytest.mark.browser


def _register(org, name, **kw):
    values = dict(source="graduate", reserved_for="committee", registered_on=dt.date(2025, 3, 1), name=name,
                  gender="M", birth_date=dt.date(1995, 5, 4), education="bachelor", occupation="电商创业")  # fmt: skip
    values.update(kw)
    return services.entry_register(actor=None, org=org, **values)


def test_the_organizer_keeps_the_pool_and_reads_the_coverage(e2e_world, login, shot, page):
    w = e2e_world
    _register(w.branch_a1_1, "李青")
    _register(
        w.branch_a1_1, "", person=w.people["applicant"], source="returned_migrant", occupation="种养殖大户"
    )
    login("organizer")
    page.goto(f"/orgs/{w.town_a1.pk}/")
    page.get_by_role("link", name="后备力量").first.click()
    expect(page.locator("h1")).to_contain_text("东城镇党委的后备力量")
    expect(page.locator("#entries tr[data-entry]")).to_have_count(2)
    shot("t01-talent-pool")
    page.goto(f"/talent/org/{w.branch_a1_2.pk}/new/")
    page.get_by_label("姓名", exact=True).fill("赵小燕")
    page.get_by_label("性别").select_option("F")
    page.get_by_label("出生日期").fill("1996-08-15")
    page.get_by_label("学历").select_option("college")
    page.get_by_label("职业").fill("返乡创业")
    page.get_by_label("来源渠道").select_option("returned_migrant")
    page.get_by_label("储备岗位").select_option("director")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记为后备力量。")
    entry = PoolEntry.objects.get(name="赵小燕")
    assert entry.person is None and entry.registered_on == timezone.localdate()
    page.locator("#task-form").get_by_label("任务").fill("牵头村集体经济项目")
    page.locator("#task-form").get_by_role("button", name="交办任务").click()
    expect(page.locator("#tasks")).to_contain_text("牵头村集体经济项目")
    shot("t02-talent-entry")
    page.goto(f"/talent/org/{w.town_a1.pk}/coverage/")
    expect(page.locator("#below-count")).to_have_text("1")
    row = page.locator(f'#villages tr[data-village="{w.branch_a1_2.pk}"]')
    expect(row).to_contain_text("未达标")
    shot("t03-talent-coverage")
    with page.expect_download() as download:
        page.locator("#export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    row.get_by_role("link").click()
    expect(page.locator("#entries tr[data-entry]")).to_have_count(1)
    page.goto(f"/talent/org/{w.town_a1.pk}/structure/")
    expect(page.locator("#total")).to_have_text("3")
    shot("t04-talent-structure")
    page.goto(f"/people/{w.people['applicant'].pk}/")
    expect(page.locator("#person-pool")).to_contain_text("东城镇第一党支部")
    shot("t05-talent-person-file")
