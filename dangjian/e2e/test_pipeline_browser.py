"""End-to-end: a whole 发展党员 admission recorded through the pages, as its users would.

The branch secretary opens the case from the person page and records each step through its form;
the town committee's organizer records the two approvals. On the way: a violation blocked by the
rule check (R-CULT), a warning that must be acknowledged (R-TALK), and the 403 a secretary gets on
an approval form. Nothing is frozen: the live server uses the real today, so every date is past.

Screenshots p01…p06 go to the shot() folder (var/screenshots by default).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from dangjian.conftest import make_person
from dangjian.development.catalog import STEP_BY_NUMBER
from dangjian.development.models import Case, CaseStatus, StepRecord
from dangjian.people.models import Standing

pytestmark = pytest.mark.browser


def _timeline(page: Page, step: int):
    return page.locator(f'ol.timeline li[data-step="{step}"]')


def _open_step(page: Page, step: int) -> None:
    """Click the step's 记录 link in the case timeline and wait for its form."""
    _timeline(page, step).get_by_role("link", name="记录", exact=True).click()
    expect(page.locator("h1")).to_contain_text(STEP_BY_NUMBER[step].label)


def _fill(page: Page, on: str, fields: dict) -> None:
    page.locator("#id_on").fill(on)
    for name, value in fields.items():
        field = page.locator(f'#step-form [name="{name}"]')
        if isinstance(value, list | tuple):  # contacts and introducers are checkboxes
            for v in value:
                page.locator(f'#step-form input[name="{name}"][value="{v}"]').check()
        elif field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))


def _save(page: Page) -> None:
    page.locator("#step-form").get_by_role("button", name="保存", exact=True).click()


def _expect_recorded(page: Page, case: Case, step: int, on: str) -> None:
    """Back on the case page with the flash message, the tick and the dated record."""
    expect(page).to_have_url(re.compile(rf"/development/case/{case.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text(f"已记录：{STEP_BY_NUMBER[step].label}。")
    row = _timeline(page, step)
    expect(row.locator(".bi-check-circle-fill")).to_have_count(1)
    expect(row).to_contain_text(on)


def _record(page: Page, case: Case, step: int, on: str, snap=None, **fields) -> None:
    """Record one step through its form; `snap` is a shot() callable to capture the filled form."""
    _open_step(page, step)
    _fill(page, on, fields)
    if snap is not None:
        snap()
    _save(page)
    _expect_recorded(page, case, step, on)


def _logout(page: Page) -> None:
    page.locator(".navbar").get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login/"))


def test_admission_pipeline_through_the_pages(page: Page, e2e_world, login, shot):
    w = e2e_world
    contact = w.people["in_branch"]  # 曾小芳, full member since 2012
    second = make_person(w.branch_a1_1, name="孙立华", gender="F", birth_date=dt.date(1980, 4, 2))
    applicant = make_person(
        w.branch_a1_1, name="周明远", standing="applicant", applied_on=dt.date(2023, 3, 1),
        birth_date=dt.date(1998, 6, 18),
    )  # fmt: skip

    # 1. The secretary opens the case from the applicant's person page.
    login("secretary")
    page.goto(f"/people/{applicant.pk}/")
    expect(page.get_by_role("heading", name="周明远", level=1)).to_be_visible()
    page.get_by_role("button", name="建立发展纪实").click()
    expect(page.locator(".alert-success")).to_contain_text("已为周明远建立发展纪实。")
    expect(page.get_by_role("heading", name="周明远 发展纪实", level=1)).to_be_visible()
    case = Case.objects.get(person=applicant)
    expect(page).to_have_url(re.compile(rf"/development/case/{case.pk}/$"))
    expect(page.locator(".timeline .bi-check-circle-fill")).to_have_count(0)
    shot("p01-open-case")

    # 2. Stages I–II, each step through its form.
    _record(page, case, 1, "2023-03-01")
    _record(page, case, 2, "2023-03-15")
    _record(page, case, 3, "2023-05-10")
    _record(page, case, 4, "2023-05-20", filing_ref="东组备〔2023〕12号")
    _record(page, case, 5, "2023-05-20", contacts=[contact.pk])
    _record(page, case, 6, "2023-11-01", note="第一次考察")
    _record(page, case, 6, "2024-05-01", note="第二次考察")
    expect(_timeline(page, 6)).to_contain_text("2023-11-01")  # both assessments are listed

    # 3. A candidate designation one day short of a year of cultivation is blocked (R-CULT).
    _open_step(page, 7)
    _fill(page, "2024-05-09", {})
    page.get_by_role("button", name="保存前检查").click()
    cult = page.locator('#preview #rule-check li[data-rule="R-CULT"]')
    expect(cult.locator(".badge")).to_have_text("不符合")
    expect(cult).to_contain_text("最早应为2024-05-10")
    expect(page.locator('#preview li[data-rule="R-FILING"] .badge')).to_have_text("符合")
    _save(page)
    error = page.locator("#step-form .alert-danger")
    expect(error).to_contain_text("【R-CULT】确定为发展对象时培养期不足1年")
    expect(error).to_contain_text("细则第十三条")
    expect(page.locator("#id_on")).to_have_value("2024-05-09")  # the user's input is kept
    expect(page.locator('#preview li[data-rule="R-CULT"] .badge')).to_have_text("不符合")
    shot("p02-cult-blocked")
    assert not StepRecord.objects.filter(case=case, step=7).exists()
    page.locator("#id_on").fill("2024-05-15")
    page.get_by_role("button", name="保存前检查").click()
    expect(cult.locator(".badge")).to_have_text("符合")
    _save(page)
    _expect_recorded(page, case, 7, "2024-05-15")

    # Stages III–IV up to the admission meeting and the committee's talk.
    _record(page, case, 8, "2024-05-25", filing_ref="东组备〔2024〕7号")
    _record(
        page, case, 9, "2024-05-28", introducers=[contact.pk, second.pk],
        snap=lambda: shot("p02b-introducers-form"),
    )  # fmt: skip
    _record(page, case, 10, "2024-06-01", result="合格")
    _record(page, case, 11, "2024-06-05", start="2024-06-03", hours="24")
    _record(page, case, 12, "2024-06-10")
    # 13 预审 is the town committee's: the secretary is offered no link, and is told whose it is.
    expect(_timeline(page, 13).get_by_role("link", name="记录", exact=True)).to_have_count(0)
    expect(_timeline(page, 13)).to_contain_text("由上级党委记录")
    _logout(page)
    login("organizer")
    page.goto(f"/development/case/{case.pk}/")
    _record(page, case, 13, "2024-06-20", notice_start="2024-06-21", notice_end="2024-06-28")
    expect(_timeline(page, 13)).to_contain_text("东城镇党委")
    _logout(page)
    login("secretary")
    page.goto(f"/development/case/{case.pk}/")
    _record(page, case, 14, "2024-06-25", form_number="5116022024001")
    _record(
        page, case, 15, "2024-07-01", expected=20, present=15, yes=14, no=1, abstain=0,
        snap=lambda: shot("p02c-votes-form"),
    )  # fmt: skip
    expect(_timeline(page, 15)).to_contain_text("应到20 实到15 赞成14")

    # 5. The talk, the approval and its filing are the town committee's: the secretary is offered
    # no link to their forms, and typing the address gets a 403 that says whose step it is.
    for step in (16, 17, 18):
        expect(_timeline(page, step).get_by_role("link", name="记录", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name=STEP_BY_NUMBER[17].label)).to_have_count(0)
    response = page.goto(f"/development/case/{case.pk}/step/17/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="没有操作权限")).to_be_visible()
    expect(page.locator("main, body").first).to_contain_text("由上级党委（东城镇党委）的组织员记录")
    shot("p04a-approval-403")
    _logout(page)

    login("organizer")
    page.goto(f"/development/case/{case.pk}/")
    _record(page, case, 16, "2024-07-10")
    _open_step(page, 17)
    expect(page.locator("#id_org_code")).to_have_value("TOWN-A1")  # the nearest approving committee
    _fill(page, "2024-08-01", {"note": "东城镇党委会议审批"})
    page.get_by_role("button", name="保存前检查").click()
    expect(page.locator('#preview li[data-rule="R-AUTH"] .badge')).to_have_text("符合")
    expect(page.locator('#preview li[data-rule="R-APPROVE"] .badge')).to_have_text("符合")
    _save(page)
    _expect_recorded(page, case, 17, "2024-08-01")
    expect(_timeline(page, 17)).to_contain_text("东城镇党委")
    expect(page.locator("h1 + .badge")).to_have_text("预备党员")
    shot("p04-approval")
    _record(page, case, 18, "2024-08-10", filing_ref="甲组备〔2024〕31号")

    # The organizer's board of the town committee has the case in the 预备期 column.
    page.goto(f"/development/org/{w.town_a1.pk}/")
    probation = page.locator(".board > div").nth(4)
    expect(probation.locator("h2")).to_contain_text("预备期")
    expect(probation.locator(f'.case-card[data-case="{case.pk}"]')).to_contain_text("第18步")
    shot("p04b-board-probation")
    _logout(page)

    # Stage V: the branch records the probation and the conversion meeting.
    login("secretary")
    page.goto(f"/development/case/{case.pk}/")
    _record(page, case, 19, "2024-08-10")
    _record(page, case, 20, "2024-08-15")
    _record(page, case, 21, "2025-02-10", note="预备期第一次考察")
    _record(page, case, 22, "2025-06-20")
    _record(page, case, 23, "2025-07-01", expected=20, present=16, yes=15, no=0, abstain=1, result="按期转正")
    expect(_timeline(page, 23)).to_contain_text("按期转正")
    _logout(page)

    login("organizer")
    page.goto(f"/development/case/{case.pk}/")
    _record(page, case, 24, "2025-08-01")
    _logout(page)

    # Archiving is the branch's last step: once converted, it is the only step still offered.
    login("secretary")
    page.goto(f"/development/case/{case.pk}/")
    expect(page.locator("h1 ~ .badge.text-bg-secondary")).to_have_text("已转正")
    expect(page.locator(".timeline").get_by_role("link", name="记录", exact=True)).to_have_count(1)
    expect(page.get_by_role("link", name=STEP_BY_NUMBER[25].label)).to_be_visible()
    _record(page, case, 25, "2025-08-20")
    expect(page.locator(".timeline").get_by_role("link", name="记录", exact=True)).to_have_count(0)
    expect(page.locator(".timeline .bi-check-circle-fill")).to_have_count(25)
    expect(page.locator("#findings")).to_have_count(0)  # no rule finding left on the case
    expect(page.locator("h1 + .badge")).to_have_text("正式党员")
    shot("p05-case-complete")
    # A closed case offers no deferral; asked directly, it refuses in plain words.
    expect(page.get_by_role("link", name="暂缓/不予发展")).to_have_count(0)
    page.goto(page.url.rstrip("/") + "/status/")
    page.get_by_label("处理").select_option("deferred")
    page.get_by_label("原因").fill("测试")
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_contain_text(
        "该发展纪实当前为“已归档”，不能再改变状态。"
    )
    page.get_by_role("link", name="取消").click()

    # 6. The person page and the board.
    page.get_by_role("link", name="周明远", exact=True).click()
    expect(page.get_by_role("heading", name="周明远", level=1)).to_be_visible()
    expect(page.locator("h1 + .badge")).to_have_text("正式党员")
    expect(page.locator("body")).to_contain_text("接收为预备党员：2024-07-01")
    expect(page.locator("body")).to_contain_text("转为正式党员：2025-07-01")
    shot("p05b-person-full")
    page.get_by_role("link", name="东城镇第一党支部").first.click()
    page.get_by_role("link", name="发展党员").click()
    expect(page.get_by_role("heading", name=re.compile("发展党员工作台"))).to_be_visible()
    shot("p06-board")

    case.refresh_from_db()
    applicant.refresh_from_db()
    assert case.status == CaseStatus.ARCHIVED and case.blocking == 0
    assert applicant.standing == Standing.FULL
    assert (applicant.admitted_on, applicant.converted_on) == (dt.date(2024, 7, 1), dt.date(2025, 7, 1))
    assert StepRecord.objects.filter(case=case, is_current=True).count() == 26  # 25 steps, 6 twice


def test_late_talk_needs_acknowledgement(page: Page, e2e_world, login, shot):
    applicant = e2e_world.people["applicant"]  # 单明
    login("secretary")
    page.goto(f"/people/{applicant.pk}/")
    page.get_by_role("button", name="建立发展纪实").click()
    case = Case.objects.get(person=applicant)
    _record(page, case, 1, "2023-03-01")

    # A talk more than a month after the application: a warning, not a violation.
    _open_step(page, 2)
    _fill(page, "2023-04-20", {})
    _save(page)
    expect(page.locator("#step-form .alert-danger")).to_contain_text("以下提醒需要您确认后才能保存")
    ack = page.locator('#step-form input[name="acknowledge"][value="R-TALK"]')
    expect(ack).to_be_visible()
    expect(page.locator("#step-form")).to_contain_text("最迟应为2023-04-01")
    box = page.locator("#id_acknowledge").bounding_box()  # the warning reads across the form
    assert box is not None and box["width"] > 400, box
    assert not StepRecord.objects.filter(case=case, step=2).exists()
    ack.check()
    page.locator("#id_note").fill("申请人外出务工，返乡后谈话")
    shot("p03-ack")
    _save(page)
    _expect_recorded(page, case, 2, "2023-04-20")
    row = _timeline(page, 2)
    expect(row.locator(".badge")).to_have_text("已确认提醒 R-TALK")
    expect(row).to_contain_text("申请人外出务工，返乡后谈话")
    shot("p03b-ack-recorded")
    record = StepRecord.objects.get(case=case, step=2)
    assert record.acknowledged == ["R-TALK"]
