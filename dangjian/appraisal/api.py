"""民主评议党员 in the HTTP API: appraisals (list, detail, record) and the follow-ups of 不合格.

Same scope and services as the pages: an appraisal outside the caller's scope is a 404, a write
without the right a 403, invalid input a 422 with Chinese messages. ID numbers are masked.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.appraisal import selectors, services
from dangjian.base.api import BodyIn, Error, Id, Pagination, ValidationErrorOut
from dangjian.meetings.models import Meeting

router = Router(tags=["民主评议党员"])


class FollowUpOut(Schema):
    id: int
    status: str
    measure: str
    measure_label: str
    decided_on: dt.date | None
    deadline: dt.date | None
    outcome: str
    outcome_label: str
    outcome_on: dt.date | None
    outcome_note: str

    @staticmethod
    def resolve_status(obj) -> str:
        return "closed" if obj.outcome else "open" if obj.measure else "pending"

    @staticmethod
    def resolve_measure_label(obj) -> str:
        return obj.get_measure_display() if obj.measure else ""

    @staticmethod
    def resolve_outcome_label(obj) -> str:
        return obj.get_outcome_display() if obj.outcome else ""


class EntryOut(Schema):
    person_id: int
    name: str
    id_number: str  # masked
    is_probationary: bool
    grade: str
    grade_label: str
    followup: FollowUpOut | None = None

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.person.masked_id_number

    @staticmethod
    def resolve_grade_label(obj) -> str:
        return obj.get_grade_display() if obj.grade else ""

    @staticmethod
    def resolve_followup(obj):
        return getattr(obj, "followup", None) if obj.grade == "unqualified" else None


class AppraisalOut(Schema):
    id: int
    org_id: int
    org_code: str
    org_name: str
    year: int
    held_on: dt.date
    meeting_id: int | None
    notes: str
    counts: dict[str, int]

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_counts(obj) -> dict[str, int]:
        keys = ("excellent", "qualified", "basic", "unqualified", "probationary")
        return {k: getattr(obj, f"n_{k}", 0) for k in keys}


class AppraisalDetailOut(AppraisalOut):
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj) -> list:
        return list(selectors.entries_of(obj))


class AppraisalFilter(Schema):
    org: str = Field("", description="党组织代码：该组织及其下级的民主评议")
    year: int | None = Field(None, ge=2000, le=2100)


class AppraisalIn(BodyIn):
    org_code: str
    year: int = Field(ge=2000, le=2100)
    held_on: dt.date
    grades: dict[str, str] = Field(
        description="人员编号 → 等次（excellent/qualified/basic/unqualified 或中文）"
    )
    meeting_id: Id | None = None
    notes: str = ""


class DecideIn(BodyIn):
    measure: str = Field(description="correct 限期改正 / persuade 劝其退党 / remove 除名")
    decided_on: dt.date
    deadline: dt.date | None = None


class CloseIn(BodyIn):
    outcome: str = Field(description="corrected / not_corrected / withdrew / removed")
    outcome_on: dt.date
    note: str = ""


def _org_by_code(user, code: str, field: str = "org_code"):
    org = scope.orgs_for(user, Action.VIEW).filter(code=(code or "").strip()).first()
    if org is None:
        raise ValidationError({field: [_("找不到该组织代码，或该组织不在您的管理范围内。")]})
    return org


@router.get(
    "", response={200: list[AppraisalOut], 404: Error, 422: ValidationErrorOut},
    summary="民主评议党员列表（按授权范围）",
)  # fmt: skip
@paginate(Pagination)
def list_appraisals(request, filters: Query[AppraisalFilter]):
    org = _org_by_code(request.user, filters.org, "org") if filters.org else None
    qs = selectors.appraisals_for(request.user, org, include_subtree=True)
    if filters.year:
        qs = qs.filter(year=filters.year)
    return qs


@router.get(
    "/{appraisal_id}",
    response={200: AppraisalDetailOut, 404: Error},
    summary="民主评议结果（身份证号已遮蔽）",
)
def get_appraisal(request, appraisal_id: int):
    return selectors.get_appraisal_for_user(request.user, appraisal_id)


@router.post(
    "", response={201: AppraisalDetailOut, 403: Error, 404: Error, 422: ValidationErrorOut},
    summary="记录一个党支部一个年度的民主评议（全部等次一次提交，有任何问题则不保存）",
)  # fmt: skip
def record_appraisal(request, payload: AppraisalIn):
    org = _org_by_code(request.user, payload.org_code)
    meeting = None
    if payload.meeting_id is not None:
        meeting = Meeting.objects.filter(pk=payload.meeting_id, org=org).first()
        if meeting is None:
            raise ValidationError({"meeting_id": [_("所选会议不是本支部召开的会议。")]})
    appraisal = services.appraisal_record(
        actor=request.user, org=org, year=payload.year, held_on=payload.held_on, grades=payload.grades,
        meeting=meeting, notes=payload.notes,
    )  # fmt: skip
    return Status(201, selectors.get_appraisal_for_user(request.user, appraisal.pk))


@router.post(
    "/followups/{followup_id}/decide", response={200: FollowUpOut, 403: Error, 404: Error, 422: ValidationErrorOut},
    summary="不合格党员的组织处置决定（限期改正须有改正期限）",
)  # fmt: skip
def decide_followup(request, followup_id: int, payload: DecideIn):
    followup = selectors.get_followup_for_user(request.user, followup_id, Action.CHANGE_PERSON)
    return services.followup_decide(
        actor=request.user, followup=followup, measure=payload.measure, decided_on=payload.decided_on,
        deadline=payload.deadline,
    )  # fmt: skip


@router.post(
    "/followups/{followup_id}/close", response={200: FollowUpOut, 403: Error, 404: Error, 422: ValidationErrorOut},
    summary="记录组织处置的结果并办结",
)  # fmt: skip
def close_followup(request, followup_id: int, payload: CloseIn):
    followup = selectors.get_followup_for_user(request.user, followup_id, Action.CHANGE_PERSON)
    return services.followup_close(
        actor=request.user, followup=followup, outcome=payload.outcome, outcome_on=payload.outcome_on,
        note=payload.note,
    )  # fmt: skip
