"""The development pipeline in the HTTP API: cases, steps (record, preview, return) and the due list."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.api import BodyIn, Error, Id, Pagination, ValidationErrorOut
from dangjian.development import selectors, services
from dangjian.development.models import RecordKind, StepRecord

router = Router(tags=["发展党员"])


class FindingOut(Schema):
    rule: str
    step: int
    severity: str
    article: str
    message: str


class ReturnOut(Schema):
    reason: str
    actor_name: str
    at: dt.datetime

    @staticmethod
    def resolve_reason(obj) -> str:
        return obj.correction_reason

    @staticmethod
    def resolve_at(obj) -> dt.datetime:
        return obj.created_at


class RecordOut(Schema):
    id: int
    step: int
    step_name: str
    on: dt.date
    org_id: int
    org_name: str
    actor_name: str
    data: dict[str, Any]
    note: str
    filing_ref: str
    is_current: bool
    is_backfill: bool
    acknowledged: list[str]
    findings: list[FindingOut]
    supersedes_id: int | None
    correction_reason: str
    returned: ReturnOut | None = None

    @staticmethod
    def resolve_step_name(obj) -> str:
        return obj.get_step_display()

    @staticmethod
    def resolve_returned(obj):
        """The return (退回) of this record, if it was returned: reason, user and time."""
        successor = getattr(obj, "superseded_by", None) if obj.pk else None
        return successor if successor is not None and successor.is_return else None

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class CaseOut(Schema):
    id: int
    person_id: int
    person_name: str
    org_id: int
    org_name: str
    status: str
    status_label: str
    stage: int
    stage_label: str
    last_step: int
    last_step_on: dt.date | None
    special_basis: str
    frontline: bool
    is_backfill: bool
    blocking: int

    @staticmethod
    def resolve_person_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_stage_label(obj) -> str:
        return obj.get_stage_display()


class CaseDetailOut(CaseOut):
    records: list[RecordOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_records(obj) -> list:
        # Step records only: a return marker shows as `returned` on the record it returned.
        return list(
            selectors.case_timeline(obj).filter(kind=RecordKind.RECORD).select_related("superseded_by")
        )

    @staticmethod
    def resolve_findings(obj) -> list[dict]:
        return [f.as_dict() for f in services.case_findings(obj)]


class CaseFilter(Schema):
    org: Id | None = None
    stage: int | None = Field(None, ge=1, le=5)
    status: str = ""


class CaseIn(BodyIn):
    person_id: Id
    special_basis: str = ""


class StepIn(BodyIn):
    step: int = Field(ge=1, le=25, description="步骤编号（1至25）")
    on: dt.date
    data: dict[str, Any] = {}
    org_code: str = ""
    note: str = ""
    filing_ref: str = ""
    acknowledge: list[str] = []


class RuleCheckOut(Schema):
    rule: str
    title: str
    article: str
    passed: bool
    findings: list[FindingOut]


class ReasonIn(BodyIn):
    reason: str


class DueOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    due_on: dt.date
    message: str
    org_id: int
    case_id: int | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class DueFilter(Schema):
    org: Id | None = None
    kind: str = ""


def _check_members(user, case, step: int, data: dict) -> None:
    key = {5: "contacts", 9: "introducers"}.get(step)
    ids = (data or {}).get(key) if key else None
    if ids and (not isinstance(ids, list) or selectors.members_out_of_choice(user, case, ids)):
        raise ValidationError({key: ["所选党员不是本支部或您管理范围内的党员，未保存。"]})


def _org(user, code: str):
    if not code:
        return None
    org = scope.orgs_for(user, Action.VIEW).filter(code=code.strip()).first()
    if org is None:
        raise ValidationError({"org_code": ["找不到该组织代码，或该组织不在您的管理范围内。"]})
    return org


@router.get(
    "/cases",
    response={200: list[CaseOut], 404: Error, 422: ValidationErrorOut},
    summary="发展纪实列表（按授权范围）",
)
@paginate(Pagination)
def list_cases(request, filters: Query[CaseFilter]):
    org = scope.get_org_for_user(request.user, filters.org) if filters.org else None
    qs = selectors.cases_for(request.user, org).select_related("person", "org")
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("person__name_sort_key", "id")


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetailOut, 404: Error},
    summary="发展纪实详情（步骤记录与检查结果）",
)
def get_case(request, case_id: int):
    return selectors.get_case_for_user(request.user, case_id)


@router.post("/cases", response={201: CaseOut, 403: Error, 404: Error, 422: Error}, summary="建立发展纪实")
def open_case(request, payload: CaseIn):
    person = scope.get_person_for_user(request.user, payload.person_id, Action.CHANGE_PERSON)
    case = services.case_open(actor=request.user, person=person, special_basis=payload.special_basis)
    return Status(201, selectors.get_case_for_user(request.user, case.pk))


@router.post(
    "/cases/{case_id}/steps",
    response={201: RecordOut, 403: Error, 404: Error, 422: Error},
    summary="记录一个步骤（违反规则时返回 422 和检查结果；提醒须在 acknowledge 中确认）",
)
def record_step(request, case_id: int, payload: StepIn):
    case = selectors.get_case_for_user(request.user, case_id)
    _check_members(request.user, case, payload.step, payload.data)
    record = services.step_record(
        actor=request.user, case=case, step=payload.step, on=payload.on, data=payload.data,
        org=_org(request.user, payload.org_code), note=payload.note, filing_ref=payload.filing_ref,
        acknowledge=payload.acknowledge,
    )  # fmt: skip
    return Status(201, StepRecord.objects.select_related("org").get(pk=record.pk))


@router.post(
    "/cases/{case_id}/preview",
    response={200: list[RuleCheckOut], 404: Error, 422: Error},
    summary="保存前检查：本步骤涉及的规则（保存时会被拒绝的录入问题返回 422，与保存时相同）",
)
def preview_step(request, case_id: int, payload: StepIn):
    case = selectors.get_case_for_user(request.user, case_id)
    _check_members(request.user, case, payload.step, payload.data)
    checked = services.step_preview(
        case=case,
        step=payload.step,
        on=payload.on,
        data=payload.data,
        org=_org(request.user, payload.org_code),
        actor=request.user,
    )
    if checked.problems:  # what saving would refuse the step with, in the same words
        raise ValidationError(checked.problems)
    return [
        {"rule": eff.rule.id, "title": eff.rule.title, "article": eff.article, "passed": not found,
         "findings": [f.as_dict() for f in found]}
        for eff, found in checked.rules
    ]  # fmt: skip


@router.post(
    "/records/{record_id}/return",
    response={204: None, 403: Error, 404: Error, 422: Error},
    summary="退回步骤",
)
def return_step(request, record_id: int, payload: ReasonIn):
    record = StepRecord.objects.filter(pk=record_id).first()
    if record is None:
        from django.http import Http404

        raise Http404("记录不存在或不在您的管理范围内。")
    selectors.get_case_for_user(request.user, record.case_id)
    services.step_return(actor=request.user, record=record, reason=payload.reason)
    return Status(204, None)


@router.get(
    "/due",
    response={200: list[DueOut], 404: Error, 422: ValidationErrorOut},
    summary="待办事项（按授权范围）",
)
@paginate(Pagination)
def due_list(request, filters: Query[DueFilter]):
    org = scope.get_org_for_user(request.user, filters.org) if filters.org else None
    qs = selectors.due_for(request.user, org)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs
