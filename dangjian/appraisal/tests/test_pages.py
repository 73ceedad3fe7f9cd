from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine
from openpyxl import load_workbook

from dangjian.appraisal.models import Appraisal, FollowUp
from dangjian.appraisal.services import appraisal_record

from .conftest import HELD_ON

A4 = (11906, 16838)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        yield


def _post(ten, excellent: int, extra: dict | None = None) -> dict:
    data = {"year": "2025", "held_on": HELD_ON.isoformat(), "notes": ""}
    for pk, grade in ten.grades(excellent=excellent).items():
        data[f"grade-{pk}"] = grade
    data.update(extra or {})
    return data


def _recorded(ten, overrides: dict | None = None, excellent: int = 3) -> Appraisal:
    return appraisal_record(
        actor=ten.world.secretary, org=ten.branch, year=2025, held_on=HELD_ON,
        grades=ten.grades(excellent=excellent, overrides=overrides),
    )  # fmt: skip


def test_the_form_refuses_four_excellent_keeping_the_grades_then_accepts_three(ten, client_as):
    client = client_as(ten.world.secretary)
    url = f"/appraisal/org/{ten.branch.pk}/new/?year=2025"
    page = client.get(url).content.decode()
    assert page.count('class="form-select form-select-sm grade-select"') == 10
    assert "参加评议，不评定等次" in page and "孙新苗" in page
    assert 'data-allowed="0"' not in page

    refused = client.post(url, _post(ten, 4))
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "最多可评3名优秀，现评定4名" in body
    assert len(re.findall(r'<option value="excellent" selected>', body)) == 4  # the entered grades are kept
    assert not Appraisal.objects.exists()

    accepted = client.post(url, _post(ten, 3))
    appraisal = Appraisal.objects.get()
    assert accepted.status_code == 302 and accepted["Location"] == f"/appraisal/{appraisal.pk}/"
    detail = client.get(accepted["Location"]).content.decode()
    assert 'data-grade="excellent">3<' in detail and 'data-grade="qualified">7<' in detail
    assert 'data-grade="probationary">1<' in detail


def test_a_recorded_year_redirects_to_its_correction(ten, client_as):
    appraisal = _recorded(ten)
    client = client_as(ten.world.secretary)
    response = client.get(f"/appraisal/org/{ten.branch.pk}/new/?year=2025")
    assert response.status_code == 302 and response["Location"] == f"/appraisal/{appraisal.pk}/edit/"
    edit = client.post(f"/appraisal/{appraisal.pk}/edit/", _post(ten, 2))
    assert edit.status_code == 302
    assert appraisal.entries.filter(grade="excellent").count() == 2


def test_out_of_scope_is_404_and_no_right_is_403(ten, client_as):
    appraisal = _recorded(ten)
    outsider = client_as(ten.world.outsider)
    for url in (f"/appraisal/{appraisal.pk}/", f"/appraisal/{appraisal.pk}/export.xlsx",
                f"/appraisal/{appraisal.pk}/sheet.docx", f"/appraisal/org/{ten.branch.pk}/"):  # fmt: skip
        assert outsider.get(url).status_code == 404, url
    viewer = client_as(ten.world.viewer)
    assert viewer.get(f"/appraisal/{appraisal.pk}/").status_code == 200
    assert viewer.get(f"/appraisal/{appraisal.pk}/edit/").status_code == 403
    assert viewer.get(f"/appraisal/org/{ten.branch.pk}/new/").status_code == 403
    other = client_as(ten.world.secretary)
    assert other.get(f"/appraisal/org/{ten.world.branch_a1_2.pk}/").status_code == 404
    assert other.get(f"/appraisal/org/{ten.world.town_a1.pk}/new/").status_code == 404


def test_pages_keep_their_query_counts(ten, client_as, django_assert_max_num_queries):
    appraisal = _recorded(ten, {ten.full[7].pk: "unqualified"})
    client = client_as(ten.world.secretary)
    with django_assert_max_num_queries(25):
        assert client.get(f"/appraisal/{appraisal.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/appraisal/org/{ten.branch.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/appraisal/figures/?org={ten.branch.pk}&year=2025").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/appraisal/figures/records/?org={ten.branch.pk}&year=2025").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(f"/appraisal/{appraisal.pk}/export.xlsx").status_code == 200


def test_follow_up_forms_decide_and_close(ten, client_as):
    failing = ten.full[6]
    appraisal = _recorded(ten, {failing.pk: "unqualified"}, excellent=1)
    followup = FollowUp.objects.get()
    client = client_as(ten.world.secretary)
    detail = client.get(f"/appraisal/{appraisal.pk}/").content.decode()
    assert "待决定处置" in detail and f"/appraisal/followup/{followup.pk}/decide/" in detail
    p = f"d{followup.pk}-"
    client.post(
        f"/appraisal/followup/{followup.pk}/decide/",
        {p + "measure": "correct", p + "decided_on": "2026-01-05"},
    )
    followup.refresh_from_db()
    assert not followup.measure  # no deadline: refused
    page = client.get(f"/appraisal/{appraisal.pk}/").content.decode()
    assert "限期改正须写明改正期限" in page
    client.post(
        f"/appraisal/followup/{followup.pk}/decide/",
        {p + "measure": "correct", p + "decided_on": "2026-01-05", p + "deadline": "2026-04-05"},
    )
    c = f"c{followup.pk}-"
    client.post(
        f"/appraisal/followup/{followup.pk}/close/",
        {c + "outcome": "corrected", c + "outcome_on": "2026-04-01"},
    )
    followup.refresh_from_db()
    assert followup.measure == "correct" and followup.outcome == "corrected"
    assert (
        client_as(ten.world.viewer)
        .post(f"/appraisal/followup/{followup.pk}/close/", {c + "outcome": "corrected"})
        .status_code
        == 403
    )


def test_excel_masks_id_numbers_and_prints_on_a4(ten, client_as):
    appraisal = _recorded(ten)
    response = client_as(ten.world.secretary).get(f"/appraisal/{appraisal.pk}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    numbers = {p.id_number for p in ten.full}
    assert not numbers & set(cells)
    assert not any(n in "".join(cells) for n in numbers)
    masked = ten.full[0].masked_id_number
    assert masked in cells and "*" in masked
    assert "孙新苗" in cells and "参加评议，不评定等次" in cells
    assert int(sheet.page_setup.paperSize) == 9


def _page_sizes(content: bytes) -> list[tuple[int, int]]:
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    return [
        tuple(int(re.search(rf'w:{a}="(\d+)"', tag).group(1)) for a in ("w", "h"))
        for tag in re.findall(r"<w:pgSz\b[^>]*>", xml)
    ]


def test_the_word_result_sheet_is_a4_and_lists_everyone(ten, client_as):
    appraisal = _recorded(ten)
    response = client_as(ten.world.secretary).get(f"/appraisal/{appraisal.pk}/sheet.docx")
    assert response.status_code == 200
    assert _page_sizes(response.content) == [A4]
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    assert "东城镇第一党支部2025年度民主评议党员结果表" in xml
    assert "优秀3名" in xml and "合格7名" in xml and "预备党员1名" in xml
    assert all(p.name in xml for p in ten.full) and "孙新苗" in xml
    assert "{{" not in xml


def test_figures_drill_down_to_the_records(ten, client_as):
    _recorded(ten, {ten.full[8].pk: "basic"})
    client = client_as(ten.world.organizer)
    town = ten.world.town_a1.pk
    page = client.get(f"/appraisal/figures/?org={town}&year=2025").content.decode()
    assert re.search(r'data-figure="excellent" href="([^"]+)">3<', page)
    assert re.search(r'data-figure="basic" href="[^"]+">1<', page)
    # Both branches of the town have a full member; one held it.
    assert re.search(r'data-figure="due" href="[^"]+">2<', page)
    assert re.search(r'data-figure="held" href="[^"]+">1<', page)
    link = re.search(r'data-figure="excellent" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    records = client.get(link).content.decode()
    assert sum(p.name in records for p in ten.full) == 3
    missing = re.search(r'data-figure="missing" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "东城镇第二党支部" in client.get(missing).content.decode()
    assert client.get(f"/appraisal/figures/records/?org={town}&year=2025&grade=best").status_code == 404
    assert client.get(f"/appraisal/figures/?org={town}&year=abc").status_code == 400


def test_panels_on_the_org_page_and_the_person_file(ten, client_as):
    _recorded(ten)
    client = client_as(ten.world.secretary)
    org_page = client.get(f"/orgs/{ten.branch.pk}/").content.decode()
    assert f"/appraisal/org/{ten.branch.pk}/" in org_page
    person_page = client.get(f"/people/{ten.full[0].pk}/").content.decode()
    assert 'id="appraisal-grades"' in person_page and "2025" in person_page


def test_the_pages_are_english_for_an_english_browser(ten, client_as):
    from dangjian.shell.tests.test_i18n import _chinese_outside_data

    appraisal = _recorded(ten, {ten.full[7].pk: "unqualified"})
    client = client_as(ten.world.secretary)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    for url in (
        f"/appraisal/org/{ten.branch.pk}/", f"/appraisal/org/{ten.branch.pk}/new/?year=2026",
        f"/appraisal/org/{ten.branch.pk}/import/?year=2025", f"/appraisal/{appraisal.pk}/edit/",
        f"/appraisal/figures/?org={ten.branch.pk}&year=2025",
        f"/appraisal/figures/records/?org={ten.branch.pk}&year=2025&followup=pending",
        f"/appraisal/figures/branches/?org={ten.branch.pk}&year=2025",
    ):  # fmt: skip
        response = client.get(url, **english)
        assert response.status_code == 200, url
        assert _chinese_outside_data(response.content.decode()) == [], url
    body = client.get(f"/appraisal/{appraisal.pk}/", **english).content.decode()
    assert "Measures for members graded unqualified" in body and "Takes part, not graded" in body
