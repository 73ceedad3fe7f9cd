import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.conftest import make_person
from dangjian.development.models import Case, StepRecord
from dangjian.development.services import case_open

D = dt.date


@pytest.fixture(autouse=True)
def _frozen(frozen_today):
    yield


@pytest.fixture
def case(applicant_case):
    return applicant_case


def test_board_is_scoped(world, client_as, case):
    client = client_as(world.secretary)
    page = client.get(f"/development/org/{world.branch_a1_1.pk}/")
    assert page.status_code == 200
    assert "赵新" in page.content.decode()
    assert client.get(f"/development/org/{world.branch_b_1.pk}/").status_code == 404
    other = client_as(world.viewer).get(f"/development/org/{world.county_b.pk}/")
    assert other.status_code == 404


def test_case_page_shows_timeline_and_next_steps(world, client_as, case):
    body = client_as(world.secretary).get(f"/development/case/{case.pk}/").content.decode()
    assert "递交入党申请书" in body and "2022-03-01" in body
    assert f"/development/case/{case.pk}/step/2/" in body
    assert client_as(world.outsider).get(f"/development/case/{case.pk}/").status_code == 404


def test_step_form_records_a_step(world, client_as, case):
    client = client_as(world.secretary)
    assert client.get(f"/development/case/{case.pk}/step/2/").status_code == 200
    response = client.post(f"/development/case/{case.pk}/step/2/", {"on": "2022-03-20", "note": "书记谈话"})
    assert response.status_code == 302
    assert StepRecord.objects.filter(case=case, step=2, on=D(2022, 3, 20)).exists()


def test_violation_is_shown_in_chinese_and_nothing_is_saved(world, client_as, case):
    client = client_as(world.secretary)
    client.post(f"/development/case/{case.pk}/step/3/", {"on": "2022-05-10"})
    response = client.post(f"/development/case/{case.pk}/step/7/", {"on": "2022-06-01"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "R-CULT" in body and "培养期不足1年" in body
    assert not StepRecord.objects.filter(case=case, step=7).exists()


def test_preview_lists_rules_before_saving(world, client_as, case):
    client = client_as(world.secretary)
    response = client.post(
        f"/development/case/{case.pk}/step/2/", {"on": "2022-04-05", "preview": "1"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'data-rule="R-TALK"' in body and "提醒" in body
    assert not StepRecord.objects.filter(case=case, step=2).exists()


def test_warning_needs_acknowledgement_through_the_form(world, client_as, case):
    client = client_as(world.secretary)
    first = client.post(f"/development/case/{case.pk}/step/2/", {"on": "2022-04-05"})
    assert "需要您确认" in first.content.decode()
    assert not StepRecord.objects.filter(case=case, step=2).exists()
    second = client.post(
        f"/development/case/{case.pk}/step/2/",
        {"on": "2022-04-05", "acknowledge": ["R-TALK"], "note": "出差"},
    )
    assert second.status_code == 302
    assert StepRecord.objects.get(case=case, step=2).acknowledged == ["R-TALK"]


def test_viewer_and_secretary_cannot_record_what_they_may_not(world, client_as, case):
    assert client_as(world.viewer).get(f"/development/case/{case.pk}/step/2/").status_code == 403
    response = client_as(world.secretary).post(
        f"/development/case/{case.pk}/step/17/", {"on": "2023-08-01", "org_code": "TOWN-A1"}
    )
    assert response.status_code == 403
    assert not StepRecord.objects.filter(case=case, step=17).exists()


def test_open_case_from_person_page(world, client_as):
    person = make_person(world.branch_a1_1, name="新申请人", standing="applicant", applied_on=D(2026, 1, 5))
    response = client_as(world.secretary).post(f"/development/open/{person.pk}/")
    assert response.status_code == 302
    assert Case.objects.filter(person=person).exists()
    again = client_as(world.secretary).post(f"/development/open/{person.pk}/", follow=True)
    assert "已有发展纪实" in again.content.decode()


def test_board_query_count_does_not_grow_with_cases(world, client_as):
    client = client_as(world.admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/development/org/{world.city.pk}/").status_code == 200
        return len(ctx)

    for i in range(2):
        case_open(actor=None, person=make_person(world.branch_a1_1, name="甲乙丙丁戊"[i], standing="applicant",
                                                 applied_on=D(2024, 1, 1)))  # fmt: skip
    few = count()
    for i in range(12):
        case_open(actor=None, person=make_person(world.branch_a1_2, name="子丑寅卯辰巳午未申酉戌亥"[i], standing="applicant",
                                                 applied_on=D(2024, 1, 1)))  # fmt: skip
    assert count() == few


def test_evidence_upload_and_scoped_download(world, client_as, case, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_as(world.secretary)
    upload = SimpleUploadedFile("谈话记录.pdf", b"%PDF-1.4 talk record", content_type="application/pdf")
    response = client.post(
        f"/development/case/{case.pk}/step/2/",
        {"on": "2022-03-20", "evidence_kind": "talk_record", "evidence_file": upload},
    )
    assert response.status_code == 302
    record = StepRecord.objects.get(case=case, step=2)
    item = record.evidence.get()
    assert item.kind == "talk_record" and item.title == "谈话记录.pdf"
    page = client.get(f"/development/case/{case.pk}/").content.decode()
    assert f"/development/evidence/{item.pk}/" in page
    download = client.get(f"/development/evidence/{item.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_as(world.outsider).get(f"/development/evidence/{item.pk}/").status_code == 404


def test_evidence_of_the_wrong_type_is_refused(world, client_as, case, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = client_as(world.secretary).post(
        f"/development/case/{case.pk}/step/2/", {"on": "2022-03-20", "evidence_file": upload}
    )
    assert "只能是PDF" in response.content.decode()
    assert not StepRecord.objects.filter(case=case, step=2).exists()


def test_step_from_a_meeting_resolution(world, client_as, case):
    from dangjian.meetings.services import meeting_record, resolution_record

    client = client_as(world.secretary)
    client.post(f"/development/case/{case.pk}/step/2/", {"on": "2022-03-20"})
    meeting = meeting_record(actor=world.secretary, org=world.branch_a1_1, kind="branch_committee",
                             held_on=D(2022, 5, 10), expected_voters=5, present_voters=4)  # fmt: skip
    resolution = resolution_record(actor=world.secretary, meeting=meeting, person=case.person,
                                   motion="designate_activist", yes=4, no=0, abstain=0)  # fmt: skip
    form = client.get(f"/development/case/{case.pk}/step/3/").content.decode()
    assert f'value="{resolution.pk}"' in form and "支部委员会" in form
    response = client.post(
        f"/development/case/{case.pk}/step/3/", {"on": "2022-06-01", "resolution": resolution.pk}
    )
    assert response.status_code == 302
    record = StepRecord.objects.get(case=case, step=3)
    assert record.resolution_id == resolution.pk and record.meeting_id == meeting.pk
    assert record.on == D(2022, 5, 10)  # the meeting's date, not the one typed


def test_board_counts_frontline_admissions_apart(world, client_as, case):
    from dangjian.development.models import Case as CaseModel

    CaseModel.objects.filter(pk=case.pk).update(special_basis="2020疫情防控一线", stage=5)
    body = client_as(world.admin).get(f"/development/org/{world.city.pk}/").content.decode()
    assert "火线入党（已接收）1 人" in body


def test_case_page_links_the_filing_forms_of_the_steps_done(client_as, world, applicant_case):
    from dangjian.development.services import step_record

    page = client_as(world.secretary).get(f"/development/case/{applicant_case.pk}/").content.decode()
    assert "入党积极分子备案表" not in page
    step_record(actor=world.secretary, case=applicant_case, step=2, on=dt.date(2022, 3, 15))
    step_record(actor=world.secretary, case=applicant_case, step=3, on=dt.date(2022, 6, 1))
    page = client_as(world.secretary).get(f"/development/case/{applicant_case.pk}/").content.decode()
    link = f"/documents/case/{applicant_case.pk}/activist_filing/"
    assert link in page and "发展对象备案表" not in page
    response = client_as(world.secretary).get(link)
    assert response.status_code == 200 and response.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("名册.xlsx", b"%PDF-1.4 a pdf renamed", "PDF 文档"),
        ("证明.pdf", b"<!doctype html><script>alert(1)</script>", "网页或 XML/SVG 文件"),
        ("证明.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "可执行程序"),
        ("照片.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "网页或 XML/SVG 文件"),
    ],
)
def test_evidence_content_must_match_its_name(
    world, client_as, case, settings, tmp_path, name, content, says
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client_as(world.secretary).post(
        f"/development/case/{case.pk}/step/2/", {"on": "2022-03-20", "evidence_file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200 and says in body and "与扩展名" in body
    assert not StepRecord.objects.filter(case=case, step=2).exists()
    assert not list(tmp_path.rglob("*.*"))
