"""Training in the HTTP API: classes, their participants (ID numbers masked), adding and completing.

Same scope and services as the pages: a class outside the caller's scope is a 404, a write without
the right a 403, invalid input a 422 with Chinese messages.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.api import BodyIn, Error, Id, Pagination, ValidationErrorOut
from dangjian.base.params import MAX_YEAR, MIN_YEAR
from dangjian.training import selectors, services
from dangjian.training.models import TrainingKind

router = Router(tags=["培训与学时"])


class ClassOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    org_id: int
    org_code: str
    org_name: str
    start_on: dt.date
    end_on: dt.date
    days: int
    hours: float
    place: str
    online: bool
    notes: str
    participant_count: int
    completed_count: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_hours(obj) -> float:
        return float(obj.hours)


class ParticipantOut(Schema):
    id: int
    person_id: int
    name: str
    id_number: str = Field(description="公民身份号码（已隐藏中间位）")
    org_name: str
    category: str
    category_label: str
    completed: bool
    completed_on: dt.date | None
    hours: float | None
    note: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.person.name

    @staticmethod
    def resolve_id_number(obj) -> str:
        return obj.person.masked_id_number

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.person.org.name

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.get_category_display())

    @staticmethod
    def resolve_hours(obj) -> float | None:
        return float(obj.hours) if obj.completed and obj.hours is not None else None


class ClassDetailOut(ClassOut):
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(selectors.participations_of(obj))


class ClassFilter(Schema):
    org: str = Field("", description="组织代码：该组织及其下级举办的培训班")
    kind: str = Field("", description="培训类别")
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="年度（培训日期与该年有交集）")


class ClassIn(BodyIn):
    org_code: str
    name: str
    kind: str = Field(
        description="培训类别：" + "、".join(f"{v}（{label}）" for v, label in TrainingKind.choices)
    )
    start_on: dt.date
    end_on: dt.date
    hours: Decimal = Field(description="学时")
    days: int | None = Field(None, description="培训天数，不填则按开始至结束的天数")
    place: str = ""
    online: bool = False
    notes: str = ""


class PeopleIn(BodyIn):
    person_ids: list[Id] = Field(min_length=1, max_length=2000)
    category: str = Field("", description="参训类别（不填则按政治面貌：党员、入党积极分子、发展对象）")


class CompleteIn(BodyIn):
    person_ids: list[Id] = Field(min_length=1, max_length=2000)
    completed_on: dt.date | None = Field(None, description="结业日期，不填则为培训结束日期")


def _org(user, code: str, action: str = Action.VIEW):
    org = scope.orgs_for(user, action).filter(code=(code or "").strip()).first() if code else None
    if org is None:
        raise ValidationError({"org_code": ["找不到该组织代码，或该组织不在您的管理范围内。"]})
    return org


def _detail(user, pk: int):
    return selectors.classes_for(user).select_related("org").get(pk=pk)


@router.get(
    "/classes",
    response={200: list[ClassOut], 422: ValidationErrorOut},
    summary="培训班列表（按授权范围；可按组织代码、类别、年度筛选）",
)
@paginate(Pagination)
def list_classes(request, filters: Query[ClassFilter]):
    org = _org(request.user, filters.org) if filters.org else None
    if filters.kind and filters.kind not in TrainingKind.values:
        raise ValidationError({"kind": ["培训类别无效。"]})
    return selectors.classes_for(request.user, org, kind=filters.kind, year=filters.year)


@router.get(
    "/classes/{class_id}",
    response={200: ClassDetailOut, 404: Error},
    summary="培训班及其学员（身份证号已隐藏）",
)
def get_class(request, class_id: int):
    selectors.get_class_for_user(request.user, class_id)
    return _detail(request.user, class_id)


@router.post("/classes", response={201: ClassOut, 403: Error, 422: Error}, summary="记录培训班")
def create_class(request, payload: ClassIn):
    org = _org(request.user, payload.org_code)
    data = payload.dict(exclude={"org_code"})
    training_class = services.training_class_create(actor=request.user, org=org, **data)
    return Status(201, _detail(request.user, training_class.pk))


def _people_ids(user, ids: list[int]) -> list[int]:
    """The ids as given, each checked to be a person the user may see (else the same 422)."""
    visible = set(scope.people_for(user, Action.VIEW).filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in visible]
    if missing:
        raise ValidationError({"person_ids": [f"人员{missing[0]}不存在或不在您的管理范围内。"]})
    return ids


@router.post(
    "/classes/{class_id}/participants",
    response={201: ClassDetailOut, 403: Error, 404: Error, 422: Error},
    summary="登记学员（全部登记或全部不登记；已在名单中的人员被拒绝）",
)
def add_participants(request, class_id: int, payload: PeopleIn):
    training_class = selectors.get_class_for_user(request.user, class_id)
    services.participants_add(
        actor=request.user, training_class=training_class, people=_people_ids(request.user, payload.person_ids),
        category=payload.category or None,
    )  # fmt: skip
    return Status(201, _detail(request.user, class_id))


@router.post(
    "/classes/{class_id}/complete",
    response={200: ClassDetailOut, 403: Error, 404: Error, 422: Error},
    summary="登记结业（发展对象培训班：为尚未记录的发展对象记录第11步；任一人不符合规则则全部不登记）",
)
def complete_participants(request, class_id: int, payload: CompleteIn):
    training_class = selectors.get_class_for_user(request.user, class_id)
    services.participation_complete(
        actor=request.user, training_class=training_class, people=payload.person_ids,
        completed_on=payload.completed_on,
    )  # fmt: skip
    return _detail(request.user, class_id)


@router.get(
    "/figures",
    response={200: dict, 404: Error, 422: ValidationErrorOut},
    summary="培训统计：某组织及其下级举办、在期间内结束的培训班的培训人次（按培训类别、参训类别）和学时",
)
def figures(request, org: Id, start: dt.date, end: dt.date):
    target = scope.get_org_for_user(request.user, org)
    if end < start:
        raise ValidationError({"end": ["结束日期不能早于开始日期。"]})
    f = selectors.training_figures(request.user, target, start, end)
    return {
        "org_id": target.pk, "start": start, "end": end, "classes": f.classes, "count": f.count,
        "people": f.people, "hours": float(f.hours),
        "by_kind": {r.key: {"label": r.label, "count": r.count, "hours": float(r.hours)} for r in f.by_kind},
        "by_category": {
            r.key: {"label": r.label, "count": r.count, "hours": float(r.hours)} for r in f.by_category
        },
    }  # fmt: skip
