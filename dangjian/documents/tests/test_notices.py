"""公示: the user chooses the window (a working day to start, at least the working days the rules ask
for); the notice names exactly the people whose designation or admission it announces."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from dangjian.conftest import make_person
from dangjian.development.services.backfill import cases_backfill
from dangjian.documents import notices
from dangjian.documents.models import TemplateKind

pytestmark = pytest.mark.django_db
D = dt.date
# Tuesday 2026-03-03, 5 working days: 03-03, 04, 05, 06 and Monday 03-09.
WINDOW = "start=2026-03-03&working_days=5"
EARLY = [{"step": 1, "on": D(2024, 1, 10)}, {"step": 3, "on": D(2024, 4, 10)}]


def _case(world, name, records, standing="candidate"):
    person = make_person(world.branch_a1_1, name=name, standing=standing)
    cases_backfill(actor=None, source="测试", rows=[{"person": person, "records": EARLY + records}])
    return person


@pytest.fixture
def notice_world(world):
    # 发展对象公示 of 2026-03-03..09
    _case(world, "甲定", [{"step": 7, "on": D(2026, 3, 2)}])  # designated the day before: on it
    _case(world, "乙当天", [{"step": 7, "on": D(2026, 3, 3)}])  # designated on the first day: on it
    _case(world, "丙已备案", [{"step": 7, "on": D(2026, 3, 2)}, {"step": 8, "on": D(2026, 3, 5)}])
    _case(world, "丁迟定", [{"step": 7, "on": D(2026, 3, 4)}])  # designated during the notice: not on it
    _case(world, "戊早已备案", [{"step": 7, "on": D(2026, 1, 5)}, {"step": 8, "on": D(2026, 1, 20)}])
    # 拟接收预备党员公示 of 2026-03-03..09
    designated = [{"step": 7, "on": D(2025, 3, 1)}, {"step": 8, "on": D(2025, 3, 20)}]
    _case(world, "己预审", [*designated, {"step": 13, "on": D(2026, 3, 2)}])
    _case(
        world, "庚会中", [*designated, {"step": 13, "on": D(2026, 3, 2)}, {"step": 15, "on": D(2026, 3, 6)}]
    )
    _case(
        world, "辛会后", [*designated, {"step": 13, "on": D(2026, 3, 2)}, {"step": 15, "on": D(2026, 3, 12)}]
    )
    _case(
        world, "壬另期",  # its 预审 record names another notice
        [*designated, {"step": 13, "on": D(2026, 3, 2), "data": {"notice_start": D(2026, 3, 16),
                                                                    "notice_end": D(2026, 3, 20)}}],
    )  # fmt: skip
    _case(world, "癸本期", [*designated, {"step": 13, "on": D(2026, 2, 27), "data": {
        "notice_start": D(2026, 3, 3), "notice_end": D(2026, 3, 9)}}])  # fmt: skip
    return world


def _names(world, kind, start, days=5, org=None):
    window = notices.notice_window(org or world.town_a1, start, days)
    return {c.person.name for c in notices.notice_cases(org or world.town_a1, kind, window)}


def test_a_notice_names_exactly_the_people_whose_decision_it_announces(notice_world):
    w = notice_world
    assert _names(w, TemplateKind.CANDIDATE_NOTICE, D(2026, 3, 3)) == {"甲定", "乙当天"}
    assert _names(w, TemplateKind.ADMISSION_NOTICE, D(2026, 3, 3)) == {"己预审", "辛会后", "癸本期"}
    # 己预审's 预审 names no notice and no meeting is recorded yet: still 拟接收 a fortnight later
    assert _names(w, TemplateKind.ADMISSION_NOTICE, D(2026, 3, 16)) == {"壬另期", "己预审"}
    # 甲定 and 乙当天 are not filed yet either; a notice ending before their designation names nobody
    assert _names(w, TemplateKind.CANDIDATE_NOTICE, D(2026, 2, 9)) == set()
    # a notice of another org's subtree names nobody from here
    assert _names(w, TemplateKind.CANDIDATE_NOTICE, D(2026, 3, 3), org=w.county_b) == set()


def test_the_page_shows_the_window_and_the_list_then_the_document(notice_world, client_as):
    w = notice_world
    client = client_as(w.organizer)
    form = client.get(f"/documents/notice/candidate_notice/?org={w.town_a1.pk}")
    assert form.status_code == 200
    assert "公示开始日期" in form.content.decode() and 'name="working_days"' in form.content.decode()
    page = client.get(f"/documents/notice/candidate_notice/?org={w.town_a1.pk}&{WINDOW}")
    body = page.content.decode()
    assert page.status_code == 200 and "2026-03-03 至 2026-03-09" in body
    assert "甲定" in body and "乙当天" in body and "丙已备案" not in body and "丁迟定" not in body
    response = client.get(f"/documents/notice/candidate_notice/?org={w.town_a1.pk}&{WINDOW}&download=1")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert "拟将以下2名同志确定为发展对象" in text and "公示时间：2026年3月3日至2026年3月9日" in text
    names = {r.cells[1].text for r in document.tables[0].rows[1:]}
    assert names == {"甲定", "乙当天"}
    admission = client.get(f"/documents/notice/admission_notice/?org={w.town_a1.pk}&{WINDOW}&download=1")
    names = {r.cells[1].text for r in docx.Document(io.BytesIO(admission.content)).tables[0].rows[1:]}
    assert names == {"己预审", "辛会后", "癸本期"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-03-07&working_days=5", "公示开始日期须为工作日：2026年3月7日是休息日"),  # a Saturday
        ("start=2026-10-01&working_days=5", "公示开始日期须为工作日：2026年10月1日是休息日"),  # 国庆节
        ("start=2026-03-03&working_days=3", "公示期不少于5个工作日"),
        ("start=2028-03-01&working_days=5", "2028年的节假日安排尚未录入"),
        ("start=2026-13-45&working_days=5", "有效的日期"),
    ],
)
def test_a_bad_window_is_refused_in_chinese_and_nothing_is_generated(notice_world, client_as, query, message):
    w = notice_world
    client = client_as(w.organizer)
    for extra in ("", "&download=1"):
        response = client.get(f"/documents/notice/candidate_notice/?org={w.town_a1.pk}&{query}{extra}")
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()


def test_an_empty_notice_is_not_generated(notice_world, client_as):
    w = notice_world
    response = client_as(w.organizer).get(
        f"/documents/notice/candidate_notice/?org={w.branch_a1_2.pk}&{WINDOW}&download=1"
    )
    assert response.status_code == 400 and "没有应当公示的同志" in response.content.decode()


def test_the_rule_set_may_ask_for_more_working_days(notice_world, monkeypatch):
    monkeypatch.setattr(notices, "minimum_working_days", lambda org, on: 7)
    with pytest.raises(notices.ValidationError, match="不少于7个工作日"):
        notices.notice_window(notice_world.town_a1, D(2026, 3, 3), 5)
    assert notices.notice_window(notice_world.town_a1, D(2026, 3, 3), 7).end == D(2026, 3, 11)


def test_the_admission_notice_offers_the_windows_recorded_with_the_prereview(notice_world, client_as):
    w = notice_world
    # 壬另期 and 癸本期 carry their windows; 辛会后 and 庚会中 are past the meeting or have none.
    assert notices.recorded_windows(w.town_a1) == [(D(2026, 3, 16), 5, 1), (D(2026, 3, 3), 5, 1)]
    assert notices.recorded_windows(w.county_b) == []
    body = (
        client_as(w.organizer).get(f"/documents/notice/admission_notice/?org={w.town_a1.pk}").content.decode()
    )
    assert "上级党委预审时记录的公示期" in body
    assert f"?org={w.town_a1.pk}&start=2026-03-03&working_days=5" in body
    candidate = client_as(w.organizer).get(f"/documents/notice/candidate_notice/?org={w.town_a1.pk}")
    assert "上级党委预审时记录的公示期" not in candidate.content.decode()
