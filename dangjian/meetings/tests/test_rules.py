"""The pure meeting rules (rules.py): R-QUORUM and R-PASS at the edges, and vote consistency.

INTERCHANGE.md, "Meeting rules": quorum holds when present > expected / 2; the motion passes when
yes > expected / 2, yes including the written opinions in favour from absent voters.
"""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.meetings import rules
from dangjian.meetings.choices import MeetingKind, Motion
from dangjian.meetings.models import Meeting, Resolution

expected_voters = st.integers(min_value=1, max_value=10_000)


# --- R-QUORUM ------------------------------------------------------------------------------------


@given(expected=expected_voters, data=st.data())
def test_quorum_is_strictly_more_than_half(expected, data):
    present = data.draw(st.integers(min_value=0, max_value=expected))
    assert rules.quorum_met(expected, present) == (Fraction(present) > Fraction(expected, 2))


@given(half=st.integers(min_value=1, max_value=5_000))
def test_even_expected_exactly_half_present_fails_half_plus_one_holds(half):
    expected = 2 * half
    assert not rules.quorum_met(expected, half)
    assert rules.quorum_met(expected, half + 1)


@given(half=st.integers(min_value=0, max_value=5_000))
def test_odd_expected_floor_half_fails_ceil_half_holds(half):
    expected = 2 * half + 1
    assert not rules.quorum_met(expected, half)
    assert rules.quorum_met(expected, half + 1)


@pytest.mark.parametrize(
    ("expected", "smallest_quorum"),
    [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (7, 4), (10, 6), (11, 6), (50, 26)],
)
def test_smallest_quorum_table(expected, smallest_quorum):
    assert not rules.quorum_met(expected, smallest_quorum - 1)
    assert rules.quorum_met(expected, smallest_quorum)


# --- R-PASS --------------------------------------------------------------------------------------


@given(expected=expected_voters, data=st.data())
def test_pass_is_strictly_more_than_half_of_expected(expected, data):
    yes_total = data.draw(st.integers(min_value=0, max_value=expected))
    assert rules.passed(expected, yes_total) == (Fraction(yes_total) > Fraction(expected, 2))


@given(half=st.integers(min_value=1, max_value=5_000))
def test_yes_exactly_half_of_even_expected_fails(half):
    assert not rules.passed(2 * half, half)
    assert rules.passed(2 * half, half + 1)


@given(half=st.integers(min_value=0, max_value=5_000))
def test_yes_for_odd_expected(half):
    assert not rules.passed(2 * half + 1, half)
    assert rules.passed(2 * half + 1, half + 1)


def test_pass_counts_against_expected_not_present():
    """10 expected, 6 present, 5 yes of 6: a majority of those present, but not of 应到会 → fails."""
    assert rules.quorum_met(10, 6)
    assert not rules.passed(10, 5)


def _resolution(
    expected, present, written, yes, no=0, abstain=0, written_yes=0, kind=MeetingKind.BRANCH_GENERAL
):
    meeting = Meeting(kind=kind, expected_voters=expected, present_voters=present, written_opinions=written)
    return Resolution(
        meeting=meeting, motion=Motion.ADMIT, yes=yes, no=no, abstain=abstain, written_yes=written_yes
    )


def test_written_yes_counts_towards_pass():
    without = _resolution(10, 6, 2, yes=5, no=1)
    assert without.yes_total == 5 and without.quorum_met and not without.passed
    assert [f[0] for f in without.findings()] == ["R-PASS"]
    with_written = _resolution(10, 6, 2, yes=5, no=1, written_yes=1)
    assert with_written.yes_total == 6 and with_written.passed and with_written.findings() == []


def test_written_opinions_do_not_make_a_quorum():
    """Written opinions count among the yes votes, never among those present (INTERCHANGE.md)."""
    r = _resolution(10, 5, 5, yes=5, written_yes=5)
    assert r.yes_total == 10
    assert r.meets_pass_threshold
    assert not r.quorum_met
    assert not r.passed
    assert [f[:2] for f in r.findings()] == [("R-QUORUM", "violation")]


@given(
    expected=st.integers(min_value=1, max_value=200),
    data=st.data(),
)
def test_resolution_passed_is_quorum_and_threshold(expected, data):
    present = data.draw(st.integers(min_value=0, max_value=expected))
    written = data.draw(st.integers(min_value=0, max_value=expected - present))
    yes = data.draw(st.integers(min_value=0, max_value=present))
    written_yes = data.draw(st.integers(min_value=0, max_value=written))
    r = _resolution(expected, present, written, yes=yes, written_yes=written_yes)
    quorum = 2 * present > expected
    threshold = 2 * (yes + written_yes) > expected
    assert r.quorum_met == quorum
    assert r.meets_pass_threshold == threshold
    assert r.passed == (quorum and threshold)
    rule_ids = [rule for rule, severity, _ in r.findings() if severity == "violation"]
    assert rule_ids == [
        rid for rid, broken in (("R-QUORUM", not quorum), ("R-PASS", not threshold)) if broken
    ]


def test_findings_are_chinese_messages_naming_the_numbers():
    (quorum, vote) = _resolution(9, 4, 0, yes=4).findings()
    assert quorum[0] == "R-QUORUM" and "4人" in quorum[2] and "9人" in quorum[2] and "半数" in quorum[2]
    assert vote[0] == "R-PASS" and "赞成票4票" in vote[2] and "未获通过" in vote[2]


def test_open_ballot_on_admission_is_a_warning():
    r = _resolution(10, 8, 0, yes=8)
    r.secret_ballot = False
    assert r.passed
    assert [(f[0], f[1]) for f in r.findings()] == [("R-PASS", "warning")]
    assert "无记名投票" in r.findings()[0][2]


def test_resolution_without_votes_at_a_meeting_that_does_not_vote():
    r = _resolution(5, 4, 0, yes=None, no=None, abstain=None, kind=MeetingKind.GENERAL_BRANCH_COMMITTEE)
    r.motion = Motion.COMMITTEE_REVIEW
    assert not r.has_votes and r.quorum_met and not r.passed
    assert r.findings() == []


# --- consistency of the counts -------------------------------------------------------------------

counts = st.integers(min_value=-2, max_value=14)


@given(expected=counts, present=counts, written=counts)
def test_attendance_consistency(expected, present, written):
    errors = rules.attendance_errors(expected=expected, present=present, written_opinions=written)
    consistent = min(expected, present, written) >= 0 and expected >= 1 and present <= expected
    consistent = consistent and written <= expected - present
    assert (errors == {}) == consistent, errors


@given(
    present=st.integers(min_value=0, max_value=8),
    written=st.integers(min_value=0, max_value=4),
    votes=st.tuples(counts, counts, counts, counts, counts, counts),
)
def test_vote_consistency(present, written, votes):
    yes, no, abstain, written_yes, written_no, written_abstain = votes
    errors = rules.vote_errors(
        kind=MeetingKind.BRANCH_GENERAL, present=present, written_opinions=written, yes=yes, no=no,
        abstain=abstain, written_yes=written_yes, written_no=written_no, written_abstain=written_abstain,
    )  # fmt: skip
    consistent = (
        min(votes) >= 0
        and yes + no + abstain <= present
        and written_yes + written_no + written_abstain <= written
    )
    assert (errors == {}) == consistent, errors


@pytest.mark.parametrize("kind", sorted(rules.VOTING_KINDS))
def test_votes_are_required_where_the_meeting_votes(kind):
    errors = rules.vote_errors(kind=kind, present=5, written_opinions=0, yes=None, no=None, abstain=None)
    assert set(errors) == {"yes", "no", "abstain"}
    assert errors["yes"] == ["请填写赞成票。"]


def test_votes_are_optional_at_a_general_branch_committee_but_all_or_none():
    kind = MeetingKind.GENERAL_BRANCH_COMMITTEE
    assert rules.vote_errors(kind=kind, present=5, written_opinions=0, yes=None, no=None, abstain=None) == {}
    errors = rules.vote_errors(kind=kind, present=5, written_opinions=0, yes=3, no=None, abstain=None)
    assert errors == {"__all__": ["赞成、反对、弃权票数须同时填写或同时不填。"]}


def test_messages_name_the_numbers():
    errors = rules.vote_errors(
        kind=MeetingKind.BRANCH_GENERAL, present=5, written_opinions=1, yes=4, no=1, abstain=1, written_yes=2
    )
    assert errors["__all__"] == [
        "赞成、反对、弃权票合计6票，不能多于实到会有表决权人数5人。",
        "书面意见赞成、反对、弃权合计2份，不能多于提交书面意见的人数1人。",
    ]
    errors = rules.attendance_errors(expected=9, present=6, written_opinions=4)
    assert errors == {"written_opinions": ["提交书面意见的人数（4）不能多于未到会的有表决权人数（3）。"]}


# --- which meeting may decide which motion -------------------------------------------------------


def org(kind="branch", authority=False, temporary=False, name="某党组织", path="0001"):
    return SimpleNamespace(
        kind=kind,
        has_approval_authority=authority,
        is_temporary=temporary,
        name=name,
        path=path,
        is_active=True,
    )


@pytest.mark.parametrize("motion", Motion.values)
@pytest.mark.parametrize("kind", MeetingKind.values)
def test_motion_kind_table(motion, kind):
    committee = org("committee", authority=True)
    errors = rules.motion_kind_errors(motion=motion, meeting_kind=kind, org=committee)
    assert (errors == []) == (kind in rules.MOTION_MEETING_KINDS[motion])


def test_designations_at_branch_committee_or_branch_general_meeting():
    branch = org()
    for motion in (Motion.DESIGNATE_ACTIVIST, Motion.DESIGNATE_CANDIDATE, Motion.COMMITTEE_REVIEW):
        for kind in (MeetingKind.BRANCH_COMMITTEE, MeetingKind.BRANCH_GENERAL):
            assert rules.motion_kind_errors(motion=motion, meeting_kind=kind, org=branch) == []
    for motion in (Motion.ADMIT, Motion.CONVERT, Motion.EXTEND_PROBATION, Motion.DISQUALIFY):
        assert (
            rules.motion_kind_errors(motion=motion, meeting_kind=MeetingKind.BRANCH_GENERAL, org=branch) == []
        )
        (message,) = rules.motion_kind_errors(
            motion=motion, meeting_kind=MeetingKind.BRANCH_COMMITTEE, org=branch
        )
        assert "只能在支部党员大会上表决" in message


@pytest.mark.parametrize("motion", sorted(rules.APPROVAL_MOTIONS))
def test_approval_needs_a_committee_with_authority(motion):
    ok = rules.motion_kind_errors(
        motion=motion, meeting_kind=MeetingKind.PARTY_COMMITTEE, org=org("committee", authority=True)
    )
    assert ok == []
    (general_branch,) = rules.motion_kind_errors(
        motion=motion, meeting_kind=MeetingKind.GENERAL_BRANCH_COMMITTEE, org=org("general_branch")
    )
    assert general_branch.startswith("党总支只能审议，不能审批发展党员")
    assert "党总支、无审批权限的党委（如村、社区党委）不能审批" in general_branch
    (village,) = rules.motion_kind_errors(
        motion=motion, meeting_kind=MeetingKind.PARTY_COMMITTEE, org=org("committee", name="某村党委")
    )
    assert village.startswith("“某村党委”没有审批权限")
    (branch,) = rules.motion_kind_errors(motion=motion, meeting_kind=MeetingKind.BRANCH_GENERAL, org=org())
    assert "只能在具有审批权限的党委召开的党委会上表决" in branch


def test_temporary_org_needs_the_frontline_exception():
    temp = org("temp_branch", temporary=True, name="抗疫临时党支部")
    (message,) = rules.temporary_org_errors(motion=Motion.ADMIT, org=temp, frontline_exception=False)
    assert message.startswith("临时党组织不能发展党员")
    assert rules.temporary_org_errors(motion=Motion.ADMIT, org=temp, frontline_exception=True) == []
    assert (
        rules.temporary_org_errors(motion=Motion.DESIGNATE_ACTIVIST, org=temp, frontline_exception=False)
        == []
    )


def test_person_must_be_in_the_meeting_orgs_subtree():
    town = org("committee", path="00010001", name="镇党委")
    inside = SimpleNamespace(path="000100010002", name="支部")
    outside = SimpleNamespace(path="00010002", name="别处")
    assert (
        rules.person_org_errors(org=town, person_name="甲", person_org=inside, frontline_exception=False)
        == []
    )
    assert (
        rules.person_org_errors(org=town, person_name="甲", person_org=town, frontline_exception=False) == []
    )
    (message,) = rules.person_org_errors(
        org=town, person_name="甲", person_org=outside, frontline_exception=False
    )
    assert "“别处”不是“镇党委”或其下级组织" in message
    assert (
        rules.person_org_errors(org=town, person_name="甲", person_org=outside, frontline_exception=True)
        == []
    )
