"""The meeting pages: list, detail (computed badges), the two forms, scope, and query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import valid_id_number
from dangjian.meetings.models import Meeting, MeetingKind, Motion, Resolution
from dangjian.meetings.services import meeting_record, resolution_record
from dangjian.people.models import Person
from dangjian.people.services import people_bulk_create

HELD_ON = dt.date(2024, 6, 28)


def make_meeting(org, kind=MeetingKind.BRANCH_GENERAL, expected=10, present=8, **extra):
    return meeting_record(
        actor=None,
        org=org,
        kind=kind,
        held_on=HELD_ON,
        expected_voters=expected,
        present_voters=present,
        **extra,
    )


def meeting_post(**overrides) -> dict:
    data = {
        "kind": MeetingKind.BRANCH_GENERAL, "held_on": "2024-06-28", "title": "七月支部党员大会", "chair": "王书记",
        "expected_voters": "10", "present_voters": "8", "written_opinions": "1", "notes": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def resolution_post(person, **overrides) -> dict:
    data = {
        "person": str(person.pk), "motion": Motion.ADMIT, "yes": "7", "no": "1", "abstain": "0",
        "written_yes": "1", "written_no": "0", "written_abstain": "0", "secret_ballot": "on", "opinion": "同意",
    }  # fmt: skip
    data.update(overrides)
    return data


# --- list ----------------------------------------------------------------------------------------


def test_list_shows_the_orgs_meetings_with_quorum_badges(world, client_as):
    make_meeting(world.branch_a1_1, title="达到人数的会")
    make_meeting(world.branch_a1_1, title="人数不足的会", expected=10, present=5)
    make_meeting(world.branch_a1_2, title="别的支部的会")
    html = (
        client_as(world.secretary).get(reverse("meeting-list", args=[world.branch_a1_1.pk])).content.decode()
    )
    assert "达到人数的会" in html and "人数不足的会" in html and "别的支部的会" not in html
    assert html.count('data-quorum="yes"') == 1 and html.count('data-quorum="no"') == 1
    assert "实到 5 / 应到 10" in html
    assert reverse("meeting-create", args=[world.branch_a1_1.pk]) in html


def test_list_scope(world, client_as, client):
    url = reverse("meeting-list", args=[world.branch_a1_2.pk])
    assert client_as(world.secretary).get(url).status_code == 404
    viewer_page = client_as(world.viewer).get(url)
    assert viewer_page.status_code == 200
    assert reverse("meeting-create", args=[world.branch_a1_2.pk]) not in viewer_page.content.decode()
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/")


# --- recording a meeting -------------------------------------------------------------------------


def test_record_meeting_through_the_form(world, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(world.secretary)
    url = reverse("meeting-create", args=[world.branch_a1_1.pk])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'value="party_committee"' not in page  # a branch does not hold a 党委会
    upload = SimpleUploadedFile("记录.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(url, {**meeting_post(), "minutes": upload})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("meeting-detail", args=[meeting.pk])
    assert (meeting.title, meeting.present_voters, meeting.written_opinions) == ("七月支部党员大会", 8, 1)
    assert meeting.created_by == world.secretary
    download = client.get(reverse("meeting-minutes", args=[meeting.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    assert client_as(world.outsider).get(reverse("meeting-minutes", args=[meeting.pk])).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"present_voters": "11"}, "实到会有表决权人数（11）不能多于应到会有表决权人数（10）。"),
        ({"written_opinions": "3"}, "提交书面意见的人数（3）不能多于未到会的有表决权人数（2）。"),
        ({"held_on": "2999-01-01"}, "会议日期不能晚于今天。"),
    ],
)
def test_meeting_form_shows_chinese_errors_and_writes_nothing(world, client_as, overrides, message):
    before = ChangeRecord.objects.count()
    response = client_as(world.secretary).post(
        reverse("meeting-create", args=[world.branch_a1_1.pk]), meeting_post(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists() and ChangeRecord.objects.count() == before


def test_meeting_form_scope(world, client_as):
    assert (
        client_as(world.secretary).get(reverse("meeting-create", args=[world.branch_a1_2.pk])).status_code
        == 404
    )
    response = client_as(world.secretary).post(
        reverse("meeting-create", args=[world.branch_a1_2.pk]), meeting_post()
    )
    assert response.status_code == 404
    assert (
        client_as(world.viewer).get(reverse("meeting-create", args=[world.branch_a1_2.pk])).status_code == 403
    )
    assert not Meeting.objects.exists()


def test_meeting_edit_form(world, client_as):
    meeting = make_meeting(world.branch_a1_1)
    client = client_as(world.secretary)
    url = reverse("meeting-edit", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, meeting_post(present_voters="9", written_opinions="0"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.present_voters == 9
    assert client_as(world.outsider).get(url).status_code == 404
    assert client_as(world.viewer).get(url).status_code == 403


# --- the meeting page ----------------------------------------------------------------------------


def test_detail_shows_votes_and_computed_badges(world, client_as):
    meeting = make_meeting(world.branch_a1_1, expected=10, present=6, written_opinions=2)
    resolution_record(actor=None, meeting=meeting, person=world.people["applicant"], motion=Motion.ADMIT,
                      yes=5, no=1, abstain=0, written_yes=1)  # fmt: skip
    resolution_record(actor=None, meeting=meeting, person=world.people["in_branch"], motion=Motion.CONVERT,
                      yes=4, no=2, abstain=0, written_yes=1)  # fmt: skip
    html = client_as(world.secretary).get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert html.count('data-passed="yes"') == 1 and html.count('data-passed="no"') == 1
    assert 'data-quorum="no"' not in html
    assert "R-PASS" in html and "赞成票5票（含书面意见赞成1票）" in html
    assert 'id="resolution-form"' in html
    assert 'data-field="expected">10<' in html and 'data-field="present">6<' in html


def test_detail_without_quorum_is_red(world, client_as):
    meeting = make_meeting(world.branch_a1_1, expected=10, present=5)
    resolution_record(actor=None, meeting=meeting, person=world.people["applicant"], motion=Motion.ADMIT,
                      yes=5, no=0, abstain=0)  # fmt: skip
    html = client_as(world.viewer).get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert 'data-quorum="yes"' not in html and html.count('data-quorum="no"') == 2
    assert 'data-passed="no"' in html and "R-QUORUM" in html
    assert 'id="resolution-form"' not in html  # the viewer cannot record


def test_add_resolution_on_the_meeting_page(world, client_as):
    meeting = make_meeting(world.branch_a1_1, written_opinions=1)
    client = client_as(world.secretary)
    url = reverse("meeting-detail", args=[meeting.pk])
    response = client.post(url, resolution_post(world.people["applicant"]))
    assert response.status_code == 302
    r = Resolution.objects.get()
    assert (r.person, r.motion, r.yes_total, r.secret_ballot, r.opinion) == (
        world.people["applicant"], Motion.ADMIT, 8, True, "同意",
    )  # fmt: skip
    assert "已记录：单明 · 接收为预备党员。" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"yes": "8", "no": "1"}, "赞成、反对、弃权票合计9票，不能多于实到会有表决权人数8人。"),
        ({"written_yes": "2"}, "书面意见赞成、反对、弃权合计2份，不能多于提交书面意见的人数1人。"),
        ({"yes": ""}, "请填写赞成票。"),
        ({"motion": Motion.APPROVE_ADMISSION}, "只有具有审批权限的党委才能审批"),
    ],
)
def test_resolution_form_shows_chinese_errors_and_writes_nothing(world, client_as, overrides, message):
    meeting = make_meeting(world.branch_a1_1, written_opinions=1)
    before = ChangeRecord.objects.count()
    response = client_as(world.secretary).post(
        reverse("meeting-detail", args=[meeting.pk]), resolution_post(world.people["applicant"], **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Resolution.objects.exists() and ChangeRecord.objects.count() == before


def test_resolution_form_offers_only_people_of_the_subtree_in_development(world, client_as):
    meeting = make_meeting(world.branch_a1_1)
    html = client_as(world.secretary).get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    options = re.findall(r'<option value="(\d+)"', html)
    assert options == [str(world.people["applicant"].pk)]  # 曾小芳 is a full member; others elsewhere


def test_detail_scope(world, client_as):
    mine = make_meeting(world.branch_a1_1)
    other = make_meeting(world.branch_a1_2)
    secretary = client_as(world.secretary)
    assert secretary.get(reverse("meeting-detail", args=[other.pk])).status_code == 404
    response = secretary.post(
        reverse("meeting-detail", args=[other.pk]), resolution_post(world.people["other_branch"])
    )
    assert response.status_code == 404
    viewer = client_as(world.viewer)
    response = viewer.post(
        reverse("meeting-detail", args=[mine.pk]), resolution_post(world.people["applicant"])
    )
    assert response.status_code == 403
    assert not Resolution.objects.exists()


# --- query counts --------------------------------------------------------------------------------


def _add_candidates(org, count: int, start: int) -> list[Person]:
    rows = []
    for i in range(start, start + count):
        birth = dt.date(1980 + i % 20, 1 + i % 12, 1 + i % 28)
        rows.append(
            {
                "org": org, "name": f"候选人{chr(0x4E00 + i)}", "id_number": valid_id_number(birth, "M"),
                "gender": "M", "birth_date": birth, "standing": "candidate", "applied_on": dt.date(2020, 3, 1),
                "activist_on": dt.date(2021, 3, 1), "candidate_on": dt.date(2022, 6, 1),
            }
        )  # fmt: skip
    people_bulk_create(actor=None, rows=rows)
    return list(
        Person.objects.filter(org=org, name__startswith="候选人").order_by("id")[start : start + count]
    )


@pytest.mark.parametrize("persona", ["secretary", "root"])
def test_meeting_page_query_count_does_not_grow_with_resolutions(world, client_as, persona):
    client = client_as(getattr(world, persona))
    people = _add_candidates(world.branch_a1_1, 20, 0)

    def measure(n: int) -> int:
        meeting = make_meeting(world.branch_a1_1, expected=30, present=25, written_opinions=2)
        for person in people[:n]:
            resolution_record(actor=None, meeting=meeting, person=person, motion=Motion.ADMIT,
                              yes=20, no=3, abstain=2, written_yes=1)  # fmt: skip
        url = reverse("meeting-detail", args=[meeting.pk])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('data-passed="yes"') == n
        return len(ctx.captured_queries)

    small, large = measure(2), measure(20)
    assert small == large, f"{small} queries with 2 resolutions, {large} with 20"


def test_meeting_list_query_count_does_not_grow_with_meetings(world, client_as):
    client = client_as(world.secretary)
    url = reverse("meeting-list", args=[world.branch_a1_1.pk])

    def measure() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        make_meeting(world.branch_a1_1)
    small = measure()
    for _ in range(18):
        make_meeting(world.branch_a1_1)
    assert measure() == small


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("记录.pdf", b"<html><body><script>alert(1)</script></body></html>"),
        ("记录.pdf", b"MZ\x90\x00" + b"\x00" * 40),
        ("记录.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("记录.docx", b"%PDF-1.4 renamed"),
    ],
)
def test_minutes_content_must_match_its_name(world, client_as, settings, tmp_path, name, content):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(world.secretary)
    url = reverse("meeting-create", args=[world.branch_a1_1.pk])
    response = client.post(url, {**meeting_post(), "minutes": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and "与扩展名" in response.content.decode()
    assert not Meeting.objects.exists()
    assert not list(tmp_path.rglob("*.*"))
