"""Meetings of branch life: purposes, lecturers, the attendance list and the quorum it gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person
from dangjian.meetings import roster
from dangjian.meetings.models import Attendance, MeetingKind, Motion
from dangjian.meetings.selectors import attendance_rows
from dangjian.meetings.services import attendance_record, meeting_record, meeting_update, resolution_record

HELD_ON = dt.date(2024, 6, 28)
K = MeetingKind
NAMES = "甲乙丙丁戊己庚辛壬癸"


def messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


@pytest.fixture
def branch(world):
    """The branch with 6 full members (the fixture's 曾小芳 and five more) and 2 probationary."""
    org = world.branch_a1_1
    for i in range(5):
        make_person(org, name=f"赵{NAMES[i]}")
    for i in range(2):
        make_person(org, name=f"钱{NAMES[i]}", standing="probationary", admitted_on=dt.date(2024, 1, 5))
    return org


def routine(world, kind=K.THEMED_DAY, **extra):
    return meeting_record(actor=world.secretary, org=world.branch_a1_1, kind=kind, held_on=HELD_ON, **extra)


def test_a_routine_meeting_keeps_no_vote_counts_and_needs_none(world):
    m = routine(world, topic="学习党章", place="村委会会议室")
    assert (m.expected_voters, m.present_voters, m.written_opinions) == (0, 0, 0)
    assert not m.takes_decisions
    # Counts typed in for a meeting that does not vote are dropped, not kept.
    m2 = routine(world, kind=K.PARTY_LECTURE, expected_voters=9, present_voters=3, lecturer="李书记")
    assert (m2.expected_voters, m2.present_voters) == (0, 0)


def test_a_deciding_meeting_still_needs_its_counts(world):
    with pytest.raises(ValidationError) as info:
        meeting_record(actor=None, org=world.branch_a1_1, kind=K.BRANCH_GENERAL, held_on=HELD_ON)
    assert "请填写应到会有表决权人数。" in messages(info.value)


def test_one_meeting_serves_several_purposes_and_is_recorded_once(world):
    m = meeting_record(
        actor=None, org=world.branch_a1_1, kind=K.BRANCH_GENERAL, held_on=HELD_ON, expected_voters=6,
        present_voters=5, purposes=[K.THEMED_DAY, K.PARTY_LECTURE], lecturer="王书记", lecturer_is_secretary=True,
    )  # fmt: skip
    assert sorted(m.purposes.values_list("kind", flat=True)) == [K.PARTY_LECTURE, K.THEMED_DAY]
    # It still decides about people like any 支部党员大会.
    person = make_person(world.branch_a1_1, name="孙发展", standing="candidate")
    assert resolution_record(
        actor=None, meeting=m, person=person, motion=Motion.ADMIT, yes=5, no=0, abstain=0
    )
    meeting_update(actor=None, meeting=m, purposes=[K.THEMED_DAY], lecturer="", lecturer_is_secretary=False)
    assert list(m.purposes.values_list("kind", flat=True)) == [K.THEMED_DAY]


@pytest.mark.parametrize(
    ("kind", "purposes", "fragment"),
    [
        (K.BRANCH_COMMITTEE, [K.THEMED_DAY], "支部委员会只记录本身"),
        (K.THEMED_DAY, [K.PARTY_COMMITTEE], "同时作为的只能是"),
        (K.THEMED_DAY, [K.PARTY_GROUP], "不召开党小组会"),
    ],
)
def test_purposes_a_meeting_cannot_serve(world, kind, purposes, fragment):
    extra = {"expected_voters": 5, "present_voters": 5} if kind == K.BRANCH_COMMITTEE else {}
    with pytest.raises(ValidationError) as info:
        routine(world, kind=kind, purposes=purposes, **extra)
    assert any(fragment in m for m in messages(info.value)), messages(info.value)


def test_a_lecturer_belongs_to_a_party_lecture(world):
    with pytest.raises(ValidationError) as info:
        routine(world, kind=K.THEMED_DAY, lecturer="王书记")
    assert "只有党课（或同时作为党课的会议）填写授课人。" in messages(info.value)
    m = routine(
        world, kind=K.THEMED_DAY, purposes=[K.PARTY_LECTURE], lecturer="王书记", lecturer_is_secretary=True
    )
    assert m.lecturer_is_secretary


def test_the_roster_is_the_members_on_the_day_and_only_full_members_vote(world, branch):
    late = make_person(branch, name="李新人", standing="probationary", admitted_on=dt.date(2024, 9, 1))
    rows, note = roster.roster(branch, K.BRANCH_GENERAL, HELD_ON)
    names = {r.person.name: r.is_voter for r in rows}
    assert late.name not in names  # admitted after the meeting
    assert world.people["applicant"].name not in names  # not a member
    assert sum(names.values()) == 6 and len(names) == 8
    assert note == ""


def test_attendance_gives_the_counts_and_the_quorum(world, branch):
    m = meeting_record(
        actor=None, org=branch, kind=K.BRANCH_GENERAL, held_on=HELD_ON, expected_voters=1, present_voters=1
    )
    rows, _ = roster.roster(branch, m.kind, HELD_ON)
    voters = [r.person.pk for r in rows if r.is_voter]
    others = [r.person.pk for r in rows if not r.is_voter]
    entries = [(pid, "present", "") for pid in voters[:3]]
    entries += [(voters[3], "leave", "外出务工"), (voters[4], "absent", ""), (voters[5], "absent", "")]
    entries += [(pid, "present", "") for pid in others]
    m = attendance_record(actor=world.secretary, meeting=m, entries=entries, written_opinions=1)
    assert (m.expected_voters, m.present_voters, m.written_opinions) == (6, 3, 1)
    assert not m.quorum_met  # 3 of 6 is not more than half
    assert Attendance.objects.filter(meeting=m).count() == 8
    assert Attendance.objects.get(meeting=m, person_id=voters[3]).reason == "外出务工"
    # Correcting the list corrects the quorum: the same list with one more present.
    entries[4] = (voters[4], "present", "")
    m = attendance_record(actor=world.secretary, meeting=m, entries=entries)
    assert (m.expected_voters, m.present_voters) == (6, 4) and m.quorum_met
    # The counts now follow the list: typing other counts is refused.
    with pytest.raises(ValidationError) as info:
        meeting_update(actor=None, meeting=m, expected_voters=10, present_voters=9)
    assert any("由名单计算" in msg for msg in messages(info.value))
    assert ChangeRecord.objects.filter(object_type="meetings.meeting", object_id=m.pk).count() >= 3


def test_a_bad_attendance_list_changes_nothing(world, branch):
    m = routine(world)
    rows, _ = roster.roster(branch, m.kind, HELD_ON)
    good = [(r.person.pk, "present", "") for r in rows]
    attendance_record(actor=None, meeting=m, entries=good)
    before = list(Attendance.objects.filter(meeting=m).values_list("person_id", "status"))
    outsider = make_person(world.branch_b_1, name="周外人")
    cases = [
        ([*good[1:], (good[0][0], "leave", "")], "请假，请填写请假事由"),
        ([*good, good[0]], "出现了两次"),
        ([*good, (outsider.pk, "present", "")], "不在本次会议的名单内"),
        ([*good[1:], (good[0][0], "asleep", "")], "请为"),
        ([], "到会名单为空"),
    ]
    for entries, fragment in cases:
        with pytest.raises(ValidationError) as info:
            attendance_record(actor=None, meeting=m, entries=entries)
        assert any(fragment in msg for msg in messages(info.value)), (fragment, messages(info.value))
        assert list(Attendance.objects.filter(meeting=m).values_list("person_id", "status")) == before


def test_the_attendance_list_must_fit_the_resolutions_already_recorded(world, branch):
    m = meeting_record(
        actor=None, org=branch, kind=K.BRANCH_GENERAL, held_on=HELD_ON, expected_voters=6, present_voters=6
    )
    person = make_person(branch, name="孙发展", standing="candidate")
    resolution_record(actor=None, meeting=m, person=person, motion=Motion.ADMIT, yes=6, no=0, abstain=0)
    rows, _ = roster.roster(branch, m.kind, HELD_ON)
    entries = [(r.person.pk, "present" if not r.is_voter else "absent", "") for r in rows]
    entries[0] = (rows[0].person.pk, "present", "")
    with pytest.raises(ValidationError) as info:
        attendance_record(actor=None, meeting=m, entries=entries)
    assert any("已记录的决议" in msg for msg in messages(info.value))
    assert not Attendance.objects.filter(meeting=m).exists()


def test_members_seconded_elsewhere_are_suggested_as_on_leave(world, branch):
    rows, _ = roster.roster(branch, K.THEMED_DAY, HELD_ON)
    member = rows[0].person

    def away(ids, day):
        return {member.pk: "在临时党组织“防汛临时党支部”参加组织生活"} if member.pk in ids else {}

    roster.register_away_source(away)
    try:
        rows, _ = roster.roster(branch, K.THEMED_DAY, HELD_ON)
    finally:
        roster._away_sources.remove(away)
    row = next(r for r in rows if r.person.pk == member.pk)
    assert (row.status, row.reason) == ("leave", "在临时党组织“防汛临时党支部”参加组织生活")


def test_a_committee_meeting_without_a_recorded_committee_lists_the_full_members(world, branch):
    m = meeting_record(
        actor=None, org=branch, kind=K.BRANCH_COMMITTEE, held_on=HELD_ON, expected_voters=3, present_voters=3
    )
    rows, note = attendance_rows(m)
    assert len(rows) == 6 and all(r["is_voter"] for r in rows)
    assert "尚未登记本组织的委员会" in note


def test_attendance_page_records_the_list(client, world, branch):
    m = routine(world)
    client.force_login(world.secretary)
    page = client.get(f"/meetings/{m.pk}/attendance/")
    assert page.status_code == 200
    rows, _ = roster.roster(branch, m.kind, HELD_ON)
    data = {f"status_{r.person.pk}": "present" for r in rows}
    first = rows[0].person.pk
    data[f"status_{first}"] = "leave"
    refused = client.post(f"/meetings/{m.pk}/attendance/", data)
    assert refused.status_code == 200 and "请填写请假事由" in refused.content.decode()
    assert not Attendance.objects.filter(meeting=m).exists()
    data[f"reason_{first}"] = "住院"
    done = client.post(f"/meetings/{m.pk}/attendance/", data)
    assert done.status_code == 302
    detail = client.get(f"/meetings/{m.pk}/").content.decode()
    assert "住院" in detail and 'id="resolution-form"' not in detail  # a 主题党日 takes no votes
    client.force_login(world.outsider)
    assert client.get(f"/meetings/{m.pk}/attendance/").status_code == 404


def test_many_meetings_at_once_all_or_nothing(world, branch):
    from dangjian.meetings.models import Meeting, MeetingPurpose
    from dangjian.meetings.services import meetings_bulk_record

    rows, _ = roster.roster(branch, K.BRANCH_GENERAL, HELD_ON)
    attendance = [(r.person.pk, "present", "", r.is_voter) for r in rows]
    good = {"org": branch, "kind": K.BRANCH_GENERAL, "held_on": HELD_ON, "purposes": [K.THEMED_DAY],
            "attendance": attendance}  # fmt: skip
    bad = {"org": branch, "kind": K.THEMED_DAY, "held_on": dt.date(2099, 1, 1)}
    with pytest.raises(ValidationError) as info:
        meetings_bulk_record(actor=None, meetings=[good, bad], log_message="测试")
    assert any("第2条会议：会议日期不能晚于今天。" in m for m in info.value.messages)
    assert not Meeting.objects.exists()
    assert meetings_bulk_record(actor=None, meetings=[good, good], log_message="测试") == 2
    meeting = Meeting.objects.order_by("id").first()
    assert (meeting.expected_voters, meeting.present_voters) == (6, 6)
    assert MeetingPurpose.objects.filter(kind=K.THEMED_DAY).count() == 2
    assert Attendance.objects.count() == 16


def test_a_heart_talk_lists_only_who_took_part(world, branch):
    m = routine(world, kind=K.HEART_TALK, topic="支委与党员谈心谈话")
    rows, _ = roster.roster(branch, m.kind, HELD_ON)
    assert rows and all(r.status == "" for r in rows)
    two = [(rows[0].person.pk, "present", ""), (rows[1].person.pk, "present", "")]
    attendance_record(actor=None, meeting=m, entries=two)
    assert Attendance.objects.filter(meeting=m).count() == 2


def test_the_meeting_list_as_excel(client, world, branch):
    import io

    from openpyxl import load_workbook

    routine(world, title="6月主题党日", topic="学习党章", purposes=[K.PARTY_LECTURE], lecturer="王书记")
    client.force_login(world.secretary)
    response = client.get(f"/meetings/org/{branch.pk}/?format=xlsx&kind=party_lecture")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "6月主题党日" in values and "主题党日、党课" in values and "学习党章" in values
