"""End-to-end: a 发展对象培训 class completing step 11 of a 发展对象's case (screenshots t01…t07).

The town committee's organizer records a class from the org page, adds a 发展对象 from the picker,
marks the completion, and finds step 11 (开展集中培训) on the case with the class's dates and 学时.
A two-day class of 16 学时 is refused by R-TRAIN and changes nothing. Nothing is frozen: the live
server uses the real today, so every date is past.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dangjian.conftest import make_person
from dangjian.development.models import StepRecord
from dangjian.training import services
from dangjian.training.models import Participation
from dangjian.training.tests.conftest import candidate_case

pytestmark = pytest.mark.browser


def test_a_candidate_class_records_step_11(e2e_world, login, shot):
    w = e2e_world
    introducers = [w.people["in_branch"].pk, make_person(w.branch_a1_1, name="钱老党员").pk]
    case = candidate_case(w, introducers, name="赵新")
    other = candidate_case(w, introducers, name="孙晓梅", birth=dt.date(1998, 8, 8))
    page = login("organizer")

    page.goto(f"/orgs/{w.town_a1.pk}/")
    page.get_by_role("link", name="培训与学时").click()
    expect(page.locator("h1")).to_contain_text("东城镇党委的培训班")
    page.get_by_role("link", name="记录培训班").click()
    page.get_by_label("培训班名称").fill("2023年第一期发展对象培训班")
    page.get_by_label("培训类别").select_option(label="发展对象培训")
    page.get_by_label("开始日期").fill("2023-06-01")
    page.get_by_label("结束日期").fill("2023-06-03")
    page.locator("#id_hours").fill("24")
    page.get_by_label("培训地点").fill("东城镇党校")
    shot("t01-training-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("培训班已记录，请登记学员。")
    expect(page.locator('#class-facts [data-field="days"]')).to_have_text("3")

    # The picker offers the 发展对象 first.
    picker = page.locator("#id_add-people")
    expect(picker.locator("option")).to_have_count(2)
    picker.select_option(label=f"赵新 · 发展对象 · {w.branch_a1_1.name}")
    page.locator("#add-form").get_by_role("button", name="登记").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记 1 名学员。")
    row = page.locator(f'#participants tr[data-person="{case.person_id}"]')
    expect(row).to_contain_text("发展对象")
    expect(row).to_contain_text("未结业")
    shot("t02-training-participants")

    row.locator("input.pick").check()
    page.get_by_role("button", name="登记所选学员结业").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记 1 名学员结业。")
    expect(row).to_contain_text("已结业")
    expect(row).to_contain_text("2023-06-03")
    shot("t03-training-completed")

    record = StepRecord.objects.get(case=case, step=11, is_current=True)
    assert (record.on, record.data) == (dt.date(2023, 6, 3), {"start": "2023-06-01", "hours": 24.0})
    page.goto(f"/development/case/{case.pk}/")
    step = page.locator('ol.timeline li[data-step="11"]')
    expect(step.locator(".bi-check-circle-fill")).to_have_count(1)
    expect(step).to_contain_text("2023-06-03")
    shot("t04-case-step-11")

    # A two-day class of 16 学时 is refused for a 发展对象 by R-TRAIN, and nothing changes.
    short = services.training_class_create(
        actor=w.organizer, org=w.town_a1, name="两天短训班", kind="candidate", start_on=dt.date(2023, 6, 2),
        end_on=dt.date(2023, 6, 3), hours=16,
    )  # fmt: skip
    services.participants_add(actor=w.organizer, training_class=short, people=[other.person])
    page.goto(f"/training/{short.pk}/")
    page.locator(f'#participants tr[data-person="{other.person_id}"] input.pick').check()
    page.get_by_role("button", name="登记所选学员结业").click()
    expect(page.locator("#complete-errors")).to_contain_text("【R-TRAIN】集中培训2天、16学时")
    assert not Participation.objects.filter(training_class=short, completed=True).exists()
    assert not StepRecord.objects.filter(case=other, step=11).exists()
    shot("t05-training-refused")

    page.goto(f"/training/org/{w.town_a1.pk}/hours/?year=2023")
    expect(page.locator('#hours-summary [data-field="members"]')).to_have_text("3")
    shot("t06-training-hours")
    page.goto(f"/training/org/{w.town_a1.pk}/figures/?from=2023-01-01&to=2023-12-31")
    expect(page.locator('#by-category tr[data-key="candidate"]')).to_contain_text("1")
    shot("t07-training-figures")
