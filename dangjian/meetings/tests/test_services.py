"""Meeting services: validation, the motion/meeting/authority rules, scope, and the change log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.conftest import make_person
from dangjian.meetings import selectors
from dangjian.meetings.models import Meeting, MeetingKind, Motion, Resolution
from dangjian.meetings.services import (
    meeting_record,
    meeting_update,
    resolution_delete,
    resolution_record,
    resolution_update,
)
from dangjian.orgs.services import org_create, org_dissolve
from dangjian.people.services import person_reduce

HELD_ON = dt.date(2024, 6, 28)
K, M = MeetingKind, Motion


def all_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def db_state() -> tuple:
    return (
        sorted(
            Meeting.objects.values_list("pk", "kind", "expected_voters", "present_voters", "written_opinions")
        ),
        sorted(Resolution.objects.values_list("pk", "motion", "yes", "no", "abstain", "written_yes")),
        ChangeRecord.objects.count(),
    )


def meeting(world, org=None, kind=K.BRANCH_GENERAL, expected=10, present=8, written=0, actor=None, **extra):
    return meeting_record(
        actor=actor, org=org or world.branch_a1_1, kind=kind, held_on=extra.pop("held_on", HELD_ON),
        expected_voters=expected, present_voters=present, written_opinions=written, **extra,
    )  # fmt: skip


def vote(world, m, person=None, motion=M.ADMIT, yes=7, no=1, abstain=0, actor=None, **extra):
    return resolution_record(
        actor=actor, meeting=m, person=person or world.people["applicant"], motion=motion, yes=yes, no=no,
        abstain=abstain, **extra,
    )  # fmt: skip


def refused(call, *args, **kwargs) -> list[str]:
    before = db_state()
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert db_state() == before
    return all_messages(info.value)


def denied(call, *args, **kwargs) -> str:
    before = db_state()
    with pytest.raises(PermissionDenied) as info:
        call(*args, **kwargs)
    assert db_state() == before
    return str(info.value)


# --- recording -----------------------------------------------------------------------------------


def test_record_meeting_and_resolution_with_change_log(world):
    m = meeting(world, actor=world.secretary, title=" 接收预备党员支部大会 ", chair="王书记", online=True)
    assert m.created_by == world.secretary and m.title == "接收预备党员支部大会" and m.online
    r = vote(world, m, actor=world.secretary, written_yes=0, opinion="同意接收")
    assert (r.yes_total, r.quorum_met, r.passed, r.findings()) == (7, True, True, [])
    assert r.secret_ballot
    records = ChangeRecord.objects.filter(object_type__startswith="meetings.").order_by("id")
    assert [(c.object_type, c.action, c.actor_id) for c in records] == [
        ("meetings.meeting", ChangeAction.CREATE, world.secretary.pk),
        ("meetings.resolution", ChangeAction.CREATE, world.secretary.pk),
    ]
    assert records[0].after["应到会有表决权人数"] == 10
    assert records[0].after["会议类型"] == "支部党员大会"
    assert records[1].after["表决事项"] == "接收为预备党员"
    assert records[1].after["人员"] == "单明"


def test_failing_vote_is_recorded_but_does_not_pass(world):
    m = meeting(world, expected=10, present=5)  # exactly half: no quorum
    r = vote(world, m, yes=5, no=0)  # exactly half: not passed
    assert Resolution.objects.filter(pk=r.pk).exists()
    assert not r.quorum_met and not r.passed
    assert [f[0] for f in r.findings()] == ["R-QUORUM", "R-PASS"]


def test_half_plus_one_passes(world):
    m = meeting(world, expected=10, present=6)
    r = vote(world, m, yes=6, no=0)
    assert r.quorum_met and r.passed and r.findings() == []


def test_written_yes_is_counted_in_the_service(world):
    m = meeting(world, expected=10, present=7, written=3)
    r = vote(world, m, yes=4, no=3, abstain=0, written_yes=1, written_no=2)
    assert r.yes_total == 5 and not r.passed
    r2 = vote(world, m, person=world.people["in_branch"], motion=M.CONVERT, yes=4, no=3, written_yes=2)
    assert r2.yes_total == 6 and r2.passed


def test_one_resolution_per_person_per_motion(world):
    m = meeting(world)
    vote(world, m)
    messages = refused(vote, world, m)
    assert messages == ["该会议已就“单明”的“接收为预备党员”记录过决议：逐个表决，每人每项只记录一次。"]
    vote(world, m, motion=M.DEFER)  # another motion on the same person
    vote(world, m, person=world.people["in_branch"])  # another person
    assert m.resolutions.count() == 3


# --- every inconsistent combination is refused, nothing written -----------------------------------

small = st.integers(min_value=-1, max_value=7)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(expected=small, present=small, written=small)
def test_meeting_counts_property(world, expected, present, written):
    consistent = expected >= 1 and 0 <= present <= expected and 0 <= written <= expected - present
    if consistent:
        m = meeting(world, expected=expected, present=present, written=written)
        assert (m.expected_voters, m.present_voters, m.written_opinions) == (expected, present, written)
    else:
        assert refused(meeting, world, expected=expected, present=present, written=written)


@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(votes=st.tuples(small, small, small, small, small, small))
def test_resolution_votes_property(world, votes):
    yes, no, abstain, written_yes, written_no, written_abstain = votes
    m = meeting(world, expected=9, present=5, written=3)
    consistent = (
        min(votes) >= 0 and yes + no + abstain <= 5 and written_yes + written_no + written_abstain <= 3
    )
    kwargs = dict(
        yes=yes, no=no, abstain=abstain, written_yes=written_yes, written_no=written_no,
        written_abstain=written_abstain,
    )  # fmt: skip
    if consistent:
        r = vote(world, m, **kwargs)
        assert r.yes_total == yes + written_yes
        assert r.passed == (2 * (yes + written_yes) > 9)
    else:
        assert refused(vote, world, m, **kwargs)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("held_on", "tomorrow", "会议日期不能晚于今天。"),
        ("held_on", dt.date(2000, 1, 1), "会议日期不能早于“东城镇第一党支部”的成立日期（2001-07-01）。"),
        ("held_on", None, "请填写会议日期。"),
        ("kind", "lunch", "请选择会议类型。"),
        (
            "kind",
            K.PARTY_COMMITTEE,
            "党委会（基层党委会议）只能由党委、党工委、临时党委召开，“东城镇第一党支部”是党支部。",
        ),
        ("expected_voters", 0, "应到会有表决权人数至少为1人。"),
        ("expected_voters", None, "请填写应到会有表决权人数。"),
        ("present_voters", 11, "实到会有表决权人数（11）不能多于应到会有表决权人数（10）。"),
        ("present_voters", -1, "实到会有表决权人数不能为负数。"),
        ("written_opinions", 3, "提交书面意见的人数（3）不能多于未到会的有表决权人数（2）。"),
        ("title", "长" * 201, "会议名称不能超过200个字。"),
    ],
)
def test_meeting_refusals(world, field, value, message):
    data = dict(
        actor=world.secretary, org=world.branch_a1_1, kind=K.BRANCH_GENERAL, held_on=HELD_ON, expected_voters=10,
        present_voters=8, written_opinions=0,
    )  # fmt: skip
    data[field] = timezone.localdate() + dt.timedelta(days=1) if value == "tomorrow" else value
    assert message in refused(meeting_record, **data)


def test_meeting_at_a_dissolved_org_is_refused(world):
    empty = org_create(actor=None, parent=world.town_a1, code="BR-EMPTY", name="空支部", kind="branch")
    org_dissolve(actor=None, org=empty, dissolved_on=dt.date(2025, 1, 1), reason="合并")
    assert refused(meeting, world, org=empty) == ["“空支部”已撤销，不能记录会议。"]


def test_votes_required_at_voting_meetings(world):
    for kind, org, motion in (
        (K.BRANCH_GENERAL, world.branch_a1_1, M.ADMIT),
        (K.BRANCH_COMMITTEE, world.branch_a1_1, M.DESIGNATE_CANDIDATE),
        (K.PARTY_COMMITTEE, world.town_a1, M.APPROVE_ADMISSION),
    ):
        m = meeting(world, org=org, kind=kind, expected=5, present=5)
        messages = refused(vote, world, m, motion=motion, yes=None, no=None, abstain=None)
        assert messages == ["请填写赞成票。", "请填写反对票。", "请填写弃权票。"]


def test_reduced_person_is_refused(world):
    person = make_person(world.branch_a1_1, name="离开人", standing="activist")
    person_reduce(
        actor=None, person=person, reduction="transferred_out", reduced_on=dt.date(2025, 1, 1), note="转出"
    )
    m = meeting(world)
    assert refused(vote, world, m, person=person) == ["该人员已减少（不在册），不能再记录决议。"]


# --- motions, meeting kinds and approval authority ------------------------------------------------


@pytest.mark.parametrize("motion", [M.ADMIT, M.CONVERT, M.EXTEND_PROBATION, M.DISQUALIFY])
def test_admission_and_conversion_only_at_branch_general_meeting(world, motion):
    committee_meeting = meeting(world, kind=K.BRANCH_COMMITTEE, expected=5, present=5)
    (message,) = refused(vote, world, committee_meeting, motion=motion, yes=5, no=0)
    assert message.endswith("只能在支部党员大会上表决，不能在支部委员会上表决。")
    vote(world, meeting(world), motion=motion)


@pytest.mark.parametrize("motion", [M.DESIGNATE_ACTIVIST, M.DESIGNATE_CANDIDATE, M.COMMITTEE_REVIEW])
def test_designations_at_committee_or_general_meeting(world, motion):
    vote(world, meeting(world, kind=K.BRANCH_COMMITTEE, expected=5, present=4), motion=motion, yes=4, no=0)
    vote(world, meeting(world, kind=K.BRANCH_GENERAL), motion=motion)
    town = meeting(world, org=world.town_a1, kind=K.PARTY_COMMITTEE, expected=7, present=6)
    (message,) = refused(vote, world, town, motion=motion, yes=6, no=0)
    assert "不能在党委会（基层党委会议）上表决" in message


def test_town_committee_with_authority_approves_its_subtree(world):
    town = meeting(world, org=world.town_a1, kind=K.PARTY_COMMITTEE, expected=7, present=6)
    r = vote(world, town, motion=M.APPROVE_ADMISSION, yes=6, no=0)
    assert r.passed
    vote(world, town, person=world.people["in_branch"], motion=M.APPROVE_CONVERSION, yes=6, no=0)
    (message,) = refused(
        vote, world, town, person=world.people["county_b"], motion=M.APPROVE_ADMISSION, yes=6, no=0
    )
    assert message == "“李小艳”所在的“乙县医院第一党支部”不是“东城镇党委”或其下级组织，不能在该会议上表决。"


@pytest.mark.parametrize("motion", [M.APPROVE_ADMISSION, M.APPROVE_CONVERSION])
def test_general_branch_cannot_approve(world, motion):
    gb = meeting(world, org=world.general_branch_b, kind=K.GENERAL_BRANCH_COMMITTEE, expected=5, present=5)
    (message,) = refused(vote, world, gb, person=world.people["county_b"], motion=motion, yes=5, no=0)
    assert message.startswith("党总支只能审议，不能审批发展党员")
    assert "党总支、无审批权限的党委（如村、社区党委）不能审批" in message
    # …and it cannot hold a 党委会 to get around it.
    assert any(
        "党委会（基层党委会议）只能由" in m
        for m in refused(meeting, world, org=world.general_branch_b, kind=K.PARTY_COMMITTEE)
    )
    # It may record its review (审议), with or without a vote.
    r = vote(
        world, gb, person=world.people["county_b"], motion=M.COMMITTEE_REVIEW, yes=None, no=None, abstain=None
    )
    assert r.findings() == [] and not r.has_votes


def test_village_committee_without_authority_cannot_approve(world):
    village = org_create(
        actor=None, parent=world.town_a1, code="VIL-1", name="东村党委", kind="committee", unit_type="village"
    )
    branch = org_create(actor=None, parent=village, code="VIL-1-1", name="东村第一党支部", kind="branch")
    person = make_person(branch, name="陈发展", standing="candidate")
    m = meeting(world, org=village, kind=K.PARTY_COMMITTEE, expected=5, present=5, actor=world.organizer)
    (message,) = refused(vote, world, m, person=person, motion=M.APPROVE_ADMISSION, yes=5, no=0)
    assert message.startswith("“东村党委”没有审批权限")
    assert "党总支、无审批权限的党委（如村、社区党委）不能审批" in message
    # The town committee above it approves.
    town = meeting(world, org=world.town_a1, kind=K.PARTY_COMMITTEE, expected=7, present=7)
    assert vote(world, town, person=person, motion=M.APPROVE_ADMISSION, yes=7, no=0).passed


def test_routine_meetings_do_not_vote_on_development(world):
    m = meeting(world, kind=K.THEMED_DAY, expected=10, present=9)
    (message,) = refused(vote, world, m, motion=M.DESIGNATE_ACTIVIST, yes=9, no=0)
    assert message == "主题党日不表决发展党员事项，请在支部委员会、支部党员大会或党委会的记录中登记。"


def test_temporary_org_admits_only_under_the_frontline_exception(world):
    temp = org_create(
        actor=None, parent=world.town_a1, code="TMP-1", name="抗疫临时党支部", kind="temp_branch"
    )
    m = meeting(world, org=temp, actor=world.organizer)
    (message,) = refused(vote, world, m, motion=M.ADMIT, actor=world.organizer)
    assert message.startswith("临时党组织不能发展党员：“抗疫临时党支部”不能表决“接收为预备党员”")
    r = vote(world, m, motion=M.ADMIT, actor=world.organizer, frontline_exception=True)
    assert r.passed
    record = ChangeRecord.objects.get(object_type="meetings.resolution", object_id=r.pk)
    assert record.message == "按火线入党特殊情况办理"
    # A temporary org may cultivate activists without the exception.
    vote(world, m, person=world.people["in_branch"], motion=M.DESIGNATE_ACTIVIST, actor=world.organizer)


def test_frontline_exception_still_needs_the_person_in_scope(world):
    temp = org_create(actor=None, parent=world.town_a1, code="TMP-2", name="临时党支部二", kind="temp_branch")
    m = meeting(world, org=temp)
    message = denied(
        vote,
        world,
        m,
        person=world.people["county_b"],
        motion=M.ADMIT,
        actor=world.organizer,
        frontline_exception=True,
    )
    assert message == "该人员不在您的管理范围内，不能为其记录决议。"


# --- scope ---------------------------------------------------------------------------------------


def test_branch_secretary_records_for_own_branch_only(world):
    meeting(world, actor=world.secretary)
    message = denied(meeting, world, org=world.branch_a1_2, actor=world.secretary)
    assert message == "您无权为该党组织记录会议。"
    other = meeting(world, org=world.branch_a1_2)
    assert denied(vote, world, other, person=world.people["other_branch"], actor=world.secretary) == (
        "您无权在该会议上记录决议。"
    )
    assert denied(meeting_update, actor=world.secretary, meeting=other, present_voters=7)
    assert denied(meeting, world, actor=world.viewer)


def test_selectors_follow_scope(world):
    mine = meeting(world)
    other = meeting(world, org=world.branch_a1_2)
    far = meeting(world, org=world.branch_b_1)
    assert list(selectors.meetings_for(world.secretary)) == [mine]
    assert set(selectors.meetings_for(world.organizer)) == {mine, other}
    assert set(selectors.meetings_for(world.root)) == {mine, other, far}
    assert list(selectors.meetings_for(world.organizer, world.branch_a1_2)) == [other]
    assert set(selectors.meetings_for(world.organizer, world.town_a1, include_subtree=True)) == {mine, other}
    assert list(selectors.meetings_for(world.outsider)) == []
    r = vote(world, mine)
    town = meeting(world, org=world.town_a1, kind=K.PARTY_COMMITTEE, expected=7, present=7)
    approval = vote(world, town, motion=M.APPROVE_ADMISSION, yes=7, no=0)
    assert list(selectors.resolutions_for_person(world.secretary, world.people["applicant"])) == [r, approval]
    assert list(selectors.resolutions_for_person(world.outsider, world.people["applicant"])) == []


# --- corrections ---------------------------------------------------------------------------------


def test_meeting_update_records_before_and_after(world):
    m = meeting(world, actor=world.secretary)
    vote(world, m)
    meeting_update(actor=world.secretary, meeting=m, present_voters=9, chair="李书记")
    m.refresh_from_db()
    assert (m.present_voters, m.chair) == (9, "李书记")
    record = ChangeRecord.objects.filter(object_type="meetings.meeting", action=ChangeAction.UPDATE).get()
    assert ("实到会有表决权人数", 8, 9) in record.changed_fields()
    assert ("主持人", "", "李书记") in record.changed_fields()


def test_meeting_update_keeps_resolutions_consistent(world):
    m = meeting(world, expected=10, present=8, written=2)
    vote(world, m, yes=7, no=1, written_yes=2)
    (message,) = refused(meeting_update, actor=None, meeting=m, present_voters=7)
    assert message.startswith(
        "已记录的决议（单明 · 接收为预备党员）与修改后的会议记录不符：赞成、反对、弃权票合计8票"
    )
    (message,) = refused(meeting_update, actor=None, meeting=m, written_opinions=1)
    assert "书面意见赞成、反对、弃权合计2份" in message
    (message,) = refused(meeting_update, actor=None, meeting=m, kind=K.BRANCH_COMMITTEE)
    assert "只能在支部党员大会上表决" in message
    assert refused(meeting_update, actor=None, meeting=m, org=world.branch_a1_2) == [
        "不能直接修改这些字段：org。"
    ]


def test_meeting_update_without_change_writes_no_record(world):
    m = meeting(world)
    before = ChangeRecord.objects.count()
    meeting_update(actor=None, meeting=m, present_voters=8)
    assert ChangeRecord.objects.count() == before


def test_resolution_update_and_delete(world):
    m = meeting(world, expected=10, present=8)
    r = vote(world, m, yes=5, no=3)
    assert not r.passed
    r = resolution_update(actor=world.secretary, resolution=r, yes=6, no=2, opinion="更正计票")
    assert r.passed and r.opinion == "更正计票"
    assert refused(resolution_update, actor=None, resolution=r, yes=9)
    assert refused(resolution_update, actor=None, resolution=r, motion=M.DEFER) == [
        "不能直接修改这些字段：motion。"
    ]
    resolution_delete(actor=world.secretary, resolution=r)
    assert not Resolution.objects.filter(pk=r.pk).exists()
    deleted = ChangeRecord.objects.get(object_type="meetings.resolution", action=ChangeAction.DELETE)
    assert deleted.before["赞成票"] == 6
    assert ChangeRecord.objects.filter(
        object_type="meetings.meeting", object_id=m.pk, action=ChangeAction.UPDATE, message="删除误录的决议"
    ).exists()


# --- minutes -------------------------------------------------------------------------------------


def test_minutes_upload_and_type_check(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    m = meeting(world, minutes=pdf)
    assert m.minutes.name.startswith(f"meetings/{timezone.localdate():%Y}/")
    assert (tmp_path / m.minutes.name).read_bytes() == b"%PDF-1.4 minutes"
    exe = SimpleUploadedFile("minutes.exe", b"MZ", content_type="application/octet-stream")
    assert refused(meeting, world, minutes=exe) == [
        "会议记录附件只能是PDF、OFD、Word、WPS或图片文件，且不超过20MB。"
    ]
    meeting_update(actor=None, meeting=m, minutes=False)
    m.refresh_from_db()
    assert not m.minutes
