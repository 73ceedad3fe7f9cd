"""Branch life in the HTTP API: meetings with their purposes and attendance, committees, figures.

The same services and scope as the pages: out of scope is 404, no right is 403, a refused write is a
422 with the Chinese messages and changes nothing.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.api import BodyIn, Error, Id, Pagination, ValidationErrorOut
from dangjian.base.params import year_param
from dangjian.meetings import selectors as meeting_selectors
from dangjian.meetings import services as meeting_services
from dangjian.meetings.models import MeetingKind
from dangjian.orglife import figures, selectors, services

router = Router(tags=["组织生活"])


class PurposeOut(Schema):
    kind: str


class AttendanceOut(Schema):
    person_id: int
    name: str
    status: str
    reason: str
    is_voter: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name


class MeetingOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: str
    kind_label: str
    purposes: list[str]
    held_on: dt.date
    title: str
    topic: str
    place: str
    online: bool
    chair: str
    lecturer: str
    lecturer_is_secretary: bool
    expected_voters: int
    present_voters: int
    written_opinions: int
    quorum_met: bool | None

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_purposes(obj) -> list[str]:
        return [p.kind for p in obj.purposes.all()]

    @staticmethod
    def resolve_quorum_met(obj) -> bool | None:
        return obj.quorum_met if obj.takes_decisions else None


class MeetingDetailOut(MeetingOut):
    attendance: list[AttendanceOut]

    @staticmethod
    def resolve_attendance(obj) -> list:
        return meeting_selectors.attendance_of(obj)


class MeetingFilter(Schema):
    org: Id | None = None
    subtree: bool = False
    kind: MeetingKind | None = None
    start: dt.date | None = Field(None, description="起始日期（含）")
    end: dt.date | None = Field(None, description="截止日期（含）")


class MeetingIn(BodyIn):
    org: Id
    kind: MeetingKind
    held_on: dt.date
    title: str = Field("", max_length=200)
    topic: str = Field("", max_length=300)
    place: str = Field("", max_length=100)
    online: bool = False
    chair: str = Field("", max_length=60)
    lecturer: str = Field("", max_length=60)
    lecturer_is_secretary: bool = False
    purposes: list[MeetingKind] = Field(default_factory=list, max_length=8)
    expected_voters: int | None = Field(None, ge=0, le=100000)
    present_voters: int | None = Field(None, ge=0, le=100000)
    written_opinions: int = Field(0, ge=0, le=100000)
    notes: str = Field("", max_length=5000)


class AttendanceEntryIn(Schema):
    person_id: Id
    status: Literal["present", "leave", "absent"]
    reason: str = Field("", max_length=200)


class AttendanceIn(BodyIn):
    entries: list[AttendanceEntryIn] = Field(..., max_length=5000)
    written_opinions: int | None = Field(None, ge=0, le=100000)


class CommitteeMemberOut(Schema):
    person_id: int
    name: str
    post: str
    votes: int | None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name


class CommitteeOut(Schema):
    id: int
    org_id: int
    elected_on: dt.date
    term_years: int
    term_ends_on: dt.date
    ended_on: dt.date | None
    election_meeting_id: int | None
    members: list[CommitteeMemberOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())


class CommitteeMemberIn(Schema):
    person_id: Id
    post: str = Field(..., max_length=16)
    votes: int | None = Field(None, ge=0, le=100000)


class CommitteeIn(BodyIn):
    org: Id
    elected_on: dt.date
    members: list[CommitteeMemberIn] = Field(..., max_length=30)
    election_meeting_id: Id | None = None
    term_years: int | None = Field(None, ge=1, le=5)
    notes: str = Field("", max_length=2000)


class CadenceOut(Schema):
    key: str
    label: str
    expected: int
    held: int
    missing: int


class FiguresOut(Schema):
    org_id: int
    start: dt.date
    end: dt.date
    meetings_by_kind: dict[str, int]
    cadences: list[CadenceOut]
    attendance_present: int
    attendance_listed: int
    term_overdue: int
    term_soon: int


@router.get(
    "/meetings", response={200: list[MeetingOut], 404: Error, 422: ValidationErrorOut}, summary="会议记录列表"
)
@paginate(Pagination)
def list_meetings(request, filters: Query[MeetingFilter]):
    org = scope.get_org_for_user(request.user, filters.org) if filters.org else None
    qs = meeting_selectors.meetings_for(
        request.user, org, include_subtree=filters.subtree, kind=filters.kind or "", start=filters.start,
        end=filters.end,
    )  # fmt: skip
    return qs.prefetch_related("purposes")


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingDetailOut, 404: Error},
    summary="会议记录详情（含到会名单）",
)
def get_meeting(request, meeting_id: int):
    return meeting_selectors.get_meeting_for_user(request.user, meeting_id)


@router.post(
    "/meetings", response={201: MeetingDetailOut, 403: Error, 404: Error, 422: Error}, summary="记录会议"
)
def create_meeting(request, payload: MeetingIn):
    data = payload.dict()
    org = scope.get_org_for_user(request.user, data.pop("org"))
    meeting = meeting_services.meeting_record(actor=request.user, org=org, **data)
    return Status(201, meeting_selectors.get_meeting_for_user(request.user, meeting.pk))


@router.put(
    "/meetings/{meeting_id}/attendance",
    response={200: MeetingDetailOut, 403: Error, 404: Error, 422: Error},
    summary="登记（更正）到会名单：出席、请假（须写事由）、缺席",
)
def put_attendance(request, meeting_id: int, payload: AttendanceIn):
    meeting = meeting_selectors.get_meeting_for_user(request.user, meeting_id, Action.CHANGE_PERSON)
    meeting_services.attendance_record(
        actor=request.user, meeting=meeting, written_opinions=payload.written_opinions,
        entries=[(e.person_id, e.status, e.reason) for e in payload.entries],
    )  # fmt: skip
    return meeting_selectors.get_meeting_for_user(request.user, meeting.pk)


@router.get(
    "/committees",
    response={200: list[CommitteeOut], 404: Error, 422: ValidationErrorOut},
    summary="历届委员会",
)
def list_committees(request, org: Id):
    return list(selectors.committees_of(request.user, scope.get_org_for_user(request.user, org)))


@router.post(
    "/committees", response={201: CommitteeOut, 403: Error, 404: Error, 422: Error}, summary="登记换届选举"
)
def elect_committee(request, payload: CommitteeIn):
    org = scope.get_org_for_user(request.user, payload.org)
    people = {
        p.pk: p
        for p in scope.people_for(request.user, Action.VIEW).filter(
            pk__in=[m.person_id for m in payload.members]
        )
    }
    missing = [m.person_id for m in payload.members if m.person_id not in people]
    if missing:
        raise ValidationError(
            {"members": [f"人员（编号 {pid}）不存在或不在您的管理范围内。" for pid in missing]}
        )
    meeting = (
        meeting_selectors.get_meeting_for_user(request.user, payload.election_meeting_id)
        if payload.election_meeting_id
        else None
    )
    committee = services.committee_elect(
        actor=request.user, org=org, elected_on=payload.elected_on, election_meeting=meeting,
        members=[(people[m.person_id], m.post, m.votes) for m in payload.members], term_years=payload.term_years,
        notes=payload.notes,
    )  # fmt: skip
    return Status(201, selectors.committees_of(request.user, org).get(pk=committee.pk))


@router.get(
    "/figures",
    response={200: FiguresOut, 404: Error, 422: ValidationErrorOut},
    summary="组织生活统计（任一组织及下级、任一年度）",
)
def get_figures(request, org: Id, year: str):
    org_obj = scope.get_org_for_user(request.user, org)
    today = timezone.localdate()
    year = year_param(year, "year", label="年度")
    if year is None:
        raise ValidationError({"year": ["请填写年度。"]})
    start = dt.date(year, 1, 1)
    if start > today:
        raise ValidationError({"year": ["年度不能晚于今年。"]})
    end = min(dt.date(year, 12, 31), today)
    data = figures.org_life_figures(org_obj, start, end, today)
    return {
        "org_id": org_obj.pk, "start": start, "end": end, "meetings_by_kind": data.meetings_by_kind,
        "cadences": [
            {"key": f.cadence.key, "label": str(f.cadence.label), "expected": f.expected, "held": f.held,
             "missing": f.missed}
            for f in data.cadences
        ],
        "attendance_present": data.attendance_present, "attendance_listed": data.attendance_listed,
        "term_overdue": len(data.term_overdue), "term_soon": len(data.term_soon),
    }  # fmt: skip
