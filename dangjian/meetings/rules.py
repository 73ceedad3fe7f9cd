"""The meeting rules, as pure functions of plain values: no database access here.

R-QUORUM and R-PASS follow docs INTERCHANGE.md ("Meeting rules") exactly:
  quorum holds when present > expected / 2;
  a motion passes when yes > expected / 2, where yes counts the written opinions in favour
  submitted before the meeting by absent voters (RULES.md §2 step 15, 细则第二十、二十一条).
Both are computed in integers (2 × n > expected), so there is no rounding at odd numbers.

Orgs are duck-typed (kind, name, path, has_approval_authority, is_active, is_temporary,
founded_on), so an unsaved Org or any stand-in works. Messages are in the active language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from dangjian.meetings.choices import MeetingKind, Motion
from dangjian.orgs.models import BRANCH_KINDS, COMMITTEE_KINDS, GROUP_KINDS, OrgKind

K, M = MeetingKind, Motion
MEETING_KINDS = frozenset(MeetingKind.values)

# Meetings whose decisions are votes: votes are required on every resolution they record.
VOTING_KINDS = frozenset({K.BRANCH_COMMITTEE, K.BRANCH_GENERAL, K.PARTY_COMMITTEE})
# Meetings that may record a resolution about a person at all. A 党总支委员会 reviews (审议) and
# may record its opinion, with or without a vote.
DECISION_KINDS = VOTING_KINDS | {K.GENERAL_BRANCH_COMMITTEE}
ROUTINE_KINDS = frozenset({K.PARTY_GROUP, K.PARTY_LECTURE, K.THEMED_DAY, K.LIFE_MEETING, K.HEART_TALK})
# Meetings of all the members (not of a committee): one of them may serve several of these purposes
# at once (a 支部党员大会 held as the month's 主题党日, with a 党课), recorded once.
ALL_MEMBER_KINDS = frozenset({K.BRANCH_GENERAL, K.PARTY_GROUP, K.PARTY_LECTURE, K.THEMED_DAY, K.LIFE_MEETING})
# Meetings of a committee: their roster is the committee, not the membership.
COMMITTEE_MEETING_KINDS = frozenset({K.BRANCH_COMMITTEE, K.PARTY_COMMITTEE, K.GENERAL_BRANCH_COMMITTEE})

# The org kinds that hold each kind of meeting; a kind missing here may be held by any org.
MEETING_ORG_KINDS: dict[str, frozenset[str]] = {
    K.BRANCH_COMMITTEE: BRANCH_KINDS,
    K.BRANCH_GENERAL: BRANCH_KINDS,
    K.PARTY_COMMITTEE: COMMITTEE_KINDS,
    K.GENERAL_BRANCH_COMMITTEE: frozenset({OrgKind.GENERAL_BRANCH}),
    K.PARTY_GROUP: GROUP_KINDS,
}

# Which meeting may decide which motion (RULES.md §2 steps 3, 7, 12, 15, 17, 23, 24).
# Designations and the committee review belong to the 支部委员会, or to the 支部党员大会 where the
# branch has no committee; admission and the conversion outcomes only to the 支部党员大会;
# approvals only to a 党委会 (and the org must have approval authority, checked separately).
MOTION_MEETING_KINDS: dict[str, frozenset[str]] = {
    M.DESIGNATE_ACTIVIST: frozenset({K.BRANCH_COMMITTEE, K.BRANCH_GENERAL}),
    M.DESIGNATE_CANDIDATE: frozenset({K.BRANCH_COMMITTEE, K.BRANCH_GENERAL}),
    M.COMMITTEE_REVIEW: frozenset({K.BRANCH_COMMITTEE, K.BRANCH_GENERAL, K.GENERAL_BRANCH_COMMITTEE}),
    M.ADMIT: frozenset({K.BRANCH_GENERAL}),
    M.CONVERT: frozenset({K.BRANCH_GENERAL}),
    M.EXTEND_PROBATION: frozenset({K.BRANCH_GENERAL}),
    M.DISQUALIFY: frozenset({K.BRANCH_GENERAL}),
    M.APPROVE_ADMISSION: frozenset({K.PARTY_COMMITTEE}),
    M.APPROVE_CONVERSION: frozenset({K.PARTY_COMMITTEE}),
    M.DECLINE: frozenset(
        {K.BRANCH_COMMITTEE, K.BRANCH_GENERAL, K.GENERAL_BRANCH_COMMITTEE, K.PARTY_COMMITTEE}
    ),
    M.DEFER: frozenset({K.BRANCH_COMMITTEE, K.BRANCH_GENERAL, K.GENERAL_BRANCH_COMMITTEE, K.PARTY_COMMITTEE}),
}
APPROVAL_MOTIONS = frozenset({M.APPROVE_ADMISSION, M.APPROVE_CONVERSION})
# A temporary org does not admit members or decide on probationary members (RULES.md §7.4),
# except under the frontline exception (§6.2), which the caller must state explicitly.
TEMPORARY_ORG_MOTIONS = frozenset(
    {M.ADMIT, M.APPROVE_ADMISSION, M.CONVERT, M.EXTEND_PROBATION, M.DISQUALIFY, M.APPROVE_CONVERSION}
)
# 无记名投票 (secret ballot) at the 支部党员大会 (细则第二十一条).
SECRET_BALLOT_MOTIONS = frozenset({M.ADMIT, M.CONVERT, M.EXTEND_PROBATION, M.DISQUALIFY})

VIOLATION = "violation"
WARNING = "warning"

Errors = dict[str, list[str]]


def quorum_met(expected: int, present: int) -> bool:
    """R-QUORUM: more than half of the voting members expected are present."""
    return present * 2 > expected


def passed(expected: int, yes_total: int) -> bool:
    """R-PASS: yes (written opinions in favour included) is more than half of those expected."""
    return yes_total * 2 > expected


def votes_required(kind: str) -> bool:
    return kind in VOTING_KINDS


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _or_list(labels: Iterable[str]) -> str:
    return _("或").join(labels)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


# --- the meeting ---------------------------------------------------------------------------------


def _count_label(field: str) -> str:
    return {
        "expected_voters": _("应到会有表决权人数"),
        "present_voters": _("实到会有表决权人数"),
        "written_opinions": _("提交书面意见人数"),
        "yes": _("赞成票"),
        "no": _("反对票"),
        "abstain": _("弃权票"),
        "written_yes": _("书面意见赞成"),
        "written_no": _("书面意见反对"),
        "written_abstain": _("书面意见弃权"),
    }[field]


def _check_counts(errors: Errors, values: dict[str, int | None], *, required: bool) -> bool:
    """Present, whole and not negative; True when every value can be used in arithmetic."""
    usable = True
    for field, value in values.items():
        if value is None:
            if required:
                _add(errors, field, _("请填写%(field)s。") % {"field": _count_label(field)})
            usable = False
        elif isinstance(value, bool) or not isinstance(value, int):
            _add(errors, field, _("%(field)s必须是整数。") % {"field": _count_label(field)})
            usable = False
        elif value < 0:
            _add(errors, field, _("%(field)s不能为负数。") % {"field": _count_label(field)})
            usable = False
    return usable


def attendance_errors(*, expected: int | None, present: int | None, written_opinions: int | None) -> Errors:
    """应到 ≥ 1, 实到 ≤ 应到, 书面意见 ≤ 应到 − 实到 (only absent voters submit written opinions)."""
    errors: Errors = {}
    values = {"expected_voters": expected, "present_voters": present, "written_opinions": written_opinions}
    if not _check_counts(errors, values, required=True):
        return errors
    if expected < 1:
        _add(errors, "expected_voters", _("应到会有表决权人数至少为1人。"))
    if present > expected:
        _add(
            errors,
            "present_voters",
            _("实到会有表决权人数（%(present)d）不能多于应到会有表决权人数（%(expected)d）。")
            % {"present": present, "expected": expected},
        )
    elif written_opinions > expected - present:
        _add(
            errors,
            "written_opinions",
            _("提交书面意见的人数（%(written)d）不能多于未到会的有表决权人数（%(absent)d）。")
            % {"written": written_opinions, "absent": expected - present},
        )
    return errors


def meeting_errors(
    *,
    org,
    kind: str,
    held_on: dt.date | None,
    expected: int | None,
    present: int | None,
    written_opinions: int | None,
    today: dt.date,
) -> Errors:
    """Every rule on a meeting record, by field."""
    errors: Errors = {}
    if not org.is_active:
        _add(errors, NON_FIELD_ERRORS, _("“%(name)s”已撤销，不能记录会议。") % {"name": org.name})
    if kind not in MEETING_KINDS:
        _add(errors, "kind", _("请选择会议类型。"))
    elif (allowed := MEETING_ORG_KINDS.get(kind)) is not None and org.kind not in allowed:
        _add(
            errors,
            "kind",
            _("%(meeting)s只能由%(org_kinds)s召开，“%(name)s”是%(org_kind)s。")
            % {
                "meeting": _label(MeetingKind, kind),
                "org_kinds": _("、").join(_label(OrgKind, k) for k in OrgKind.values if k in allowed),
                "name": org.name,
                "org_kind": _label(OrgKind, org.kind),
            },
        )
    if held_on is None:
        _add(errors, "held_on", _("请填写会议日期。"))
    else:
        if held_on > today:
            _add(errors, "held_on", _("会议日期不能晚于今天。"))
        if org.founded_on and held_on < org.founded_on:
            _add(
                errors,
                "held_on",
                _("会议日期不能早于“%(name)s”的成立日期（%(date)s）。")
                % {"name": org.name, "date": f"{org.founded_on:%Y-%m-%d}"},
            )
    if kind in DECISION_KINDS:
        for field, messages in attendance_errors(
            expected=expected, present=present, written_opinions=written_opinions
        ).items():
            errors.setdefault(field, []).extend(messages)
    return errors


def purpose_errors(*, org, kind: str, purposes: Iterable[str]) -> list[str]:
    """What else a meeting may count as: only a meeting of all the members, only as another such
    meeting, and only as one the org may hold (a 党小组会 only in a 党小组)."""
    purposes = [p for p in purposes if p != kind]
    if not purposes:
        return []
    if kind not in ALL_MEMBER_KINDS:
        return [_("%(kind)s只记录本身，不能同时作为其他组织生活。") % {"kind": _label(MeetingKind, kind)}]
    problems = []
    for purpose in purposes:
        if purpose not in ALL_MEMBER_KINDS:
            problems.append(
                _(
                    "会议不能同时作为%(purpose)s：同时作为的只能是党员大会、党小组会、党课、主题党日或组织生活会。"
                )
                % {"purpose": _label(MeetingKind, purpose)}
            )
        elif (allowed := MEETING_ORG_KINDS.get(purpose)) is not None and org.kind not in allowed:
            problems.append(
                _("“%(name)s”不召开%(purpose)s。")
                % {"name": org.name, "purpose": _label(MeetingKind, purpose)}
            )
    return problems


def roster_errors(
    *, entries: list[tuple[int, str, str]], eligible: dict[int, str], statuses: Iterable[str]
) -> list[str]:
    """An attendance list: everyone once, each on the roster, a reason for every leave.

    `entries`: (person id, status, reason); `eligible`: {person id: name} of those who may be on it.
    """
    problems: list[str] = []
    seen: set[int] = set()
    statuses = set(statuses)
    for person_id, status, reason in entries:
        name = eligible.get(person_id)
        if name is None:
            problems.append(
                _("编号为%(id)s的人员不在本次会议的名单内（须为会议当日本组织的党员）。") % {"id": person_id}
            )
            continue
        if person_id in seen:
            problems.append(_("“%(name)s”在到会名单中出现了两次。") % {"name": name})
        seen.add(person_id)
        if status not in statuses:
            problems.append(_("请为“%(name)s”选择到会情况。") % {"name": name})
        elif status == "leave" and not (reason or "").strip():
            problems.append(_("“%(name)s”请假，请填写请假事由。") % {"name": name})
        if len(reason or "") > 200:
            problems.append(_("“%(name)s”的请假事由不能超过200个字。") % {"name": name})
    return problems


# --- the votes on one resolution -----------------------------------------------------------------


def vote_errors(
    *,
    kind: str,
    present: int,
    written_opinions: int,
    yes: int | None,
    no: int | None,
    abstain: int | None,
    written_yes: int | None = 0,
    written_no: int | None = 0,
    written_abstain: int | None = 0,
) -> Errors:
    """The votes must fit the attendance: 赞成+反对+弃权 ≤ 实到, 书面意见合计 ≤ 提交书面意见人数.

    Votes are required at the meetings that vote (VOTING_KINDS); elsewhere they are optional but
    all three are given together or not at all.
    """
    errors: Errors = {}
    ballots = {"yes": yes, "no": no, "abstain": abstain}
    written = {"written_yes": written_yes, "written_no": written_no, "written_abstain": written_abstain}
    required = votes_required(kind)
    given = [v is not None for v in ballots.values()]
    if not required and any(given) and not all(given):
        _add(errors, NON_FIELD_ERRORS, _("赞成、反对、弃权票数须同时填写或同时不填。"))
    ballots_ok = _check_counts(errors, ballots, required=required)
    written_ok = _check_counts(errors, written, required=True)
    if ballots_ok and yes + no + abstain > present:
        _add(
            errors,
            NON_FIELD_ERRORS,
            _("赞成、反对、弃权票合计%(total)d票，不能多于实到会有表决权人数%(present)d人。")
            % {"total": yes + no + abstain, "present": present},
        )
    if written_ok:
        total = written_yes + written_no + written_abstain
        if total > written_opinions:
            _add(
                errors,
                NON_FIELD_ERRORS,
                _("书面意见赞成、反对、弃权合计%(total)d份，不能多于提交书面意见的人数%(written)d人。")
                % {"total": total, "written": written_opinions},
            )
        elif total and not any(given):
            _add(errors, NON_FIELD_ERRORS, _("记录了书面意见，也须填写会上的赞成、反对、弃权票数。"))
    return errors


# --- which meeting may decide which motion -------------------------------------------------------


def motion_kind_errors(*, motion: str, meeting_kind: str, org) -> list[str]:
    """The motion must belong to the meeting kind; approvals need a 党委 with approval authority."""
    if motion not in Motion.values:
        return [_("请选择表决事项。")]
    label = _label(Motion, motion)
    if motion in APPROVAL_MOTIONS and (
        meeting_kind != K.PARTY_COMMITTEE or not org.has_approval_authority or org.kind not in COMMITTEE_KINDS
    ):
        if org.kind == OrgKind.GENERAL_BRANCH:
            why = _("党总支只能审议，不能审批发展党员")
        elif org.kind in COMMITTEE_KINDS and not org.has_approval_authority:
            why = _("“%(name)s”没有审批权限") % {"name": org.name}
        else:
            why = _("“%(motion)s”只能在具有审批权限的党委召开的党委会上表决") % {"motion": label}
        return [
            _("%(why)s：只有具有审批权限的党委才能审批，党总支、无审批权限的党委（如村、社区党委）不能审批。")
            % {"why": why}
        ]
    allowed = MOTION_MEETING_KINDS[motion]
    if meeting_kind not in allowed:
        if meeting_kind not in DECISION_KINDS:
            return [
                _("%(kind)s不表决发展党员事项，请在支部委员会、支部党员大会或党委会的记录中登记。")
                % {"kind": _label(MeetingKind, meeting_kind)}
            ]
        return [
            _("“%(motion)s”只能在%(kinds)s上表决，不能在%(kind)s上表决。")
            % {
                "motion": label,
                "kinds": _or_list(_label(MeetingKind, k) for k in MeetingKind.values if k in allowed),
                "kind": _label(MeetingKind, meeting_kind),
            }
        ]
    return []


def temporary_org_errors(*, motion: str, org, frontline_exception: bool) -> list[str]:
    if org.is_temporary and motion in TEMPORARY_ORG_MOTIONS and not frontline_exception:
        return [
            _(
                "临时党组织不能发展党员：“%(name)s”不能表决“%(motion)s”（疫情防控等一线特殊情况经批准的除外）。"
            )
            % {"name": org.name, "motion": _label(Motion, motion)}
        ]
    return []


def person_org_errors(*, org, person_name: str, person_org, frontline_exception: bool) -> list[str]:
    """The person belongs to the meeting's org or an org below it (a 党委会 decides for its subtree).

    A temporary org's members keep their home org, and frontline admissions may come from
    anywhere, so neither is tied to the meeting's subtree.
    """
    if org.is_temporary or frontline_exception:
        return []
    if not person_org.path.startswith(org.path):
        return [
            _("“%(person)s”所在的“%(person_org)s”不是“%(org)s”或其下级组织，不能在该会议上表决。")
            % {"person": person_name, "person_org": person_org.name, "org": org.name}
        ]
    return []


def motion_errors(
    *, motion: str, meeting_kind: str, org, person_name: str, person_org, frontline_exception: bool
):
    return (
        motion_kind_errors(motion=motion, meeting_kind=meeting_kind, org=org)
        + temporary_org_errors(motion=motion, org=org, frontline_exception=frontline_exception)
        + person_org_errors(
            org=org, person_name=person_name, person_org=person_org, frontline_exception=frontline_exception
        )
    )


# --- findings for the rule engine ----------------------------------------------------------------


def findings(
    *,
    kind: str,
    motion: str,
    expected: int,
    present: int,
    yes: int | None,
    written_yes: int = 0,
    secret_ballot: bool = True,
) -> list[tuple[str, str, str]]:
    """(rule_id, severity, message) for each broken meeting rule of one resolution.

    A resolution without votes at a meeting that does not vote has no R-PASS finding.
    """
    found: list[tuple[str, str, str]] = []
    if not quorum_met(expected, present):
        found.append(
            (
                "R-QUORUM",
                VIOLATION,
                _(
                    "实到会有表决权人数%(present)d人，未超过应到会有表决权人数%(expected)d人的半数，"
                    "会议不足法定人数，表决无效。"
                )
                % {"present": present, "expected": expected},
            )
        )
    if yes is not None or votes_required(kind):
        yes_total = (yes or 0) + written_yes
        if not passed(expected, yes_total):
            found.append(
                (
                    "R-PASS",
                    VIOLATION,
                    _(
                        "赞成票%(yes)d票（含书面意见赞成%(written)d票），未超过应到会有表决权人数"
                        "%(expected)d人的半数，未获通过。"
                    )
                    % {"yes": yes_total, "written": written_yes, "expected": expected},
                )
            )
    if motion in SECRET_BALLOT_MOTIONS and not secret_ballot:
        found.append(
            (
                "R-PASS",
                WARNING,
                _("“%(motion)s”应采用无记名投票方式表决。") % {"motion": _label(Motion, motion)},
            )
        )
    return found
