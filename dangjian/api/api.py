"""The HTTP API. Same scope functions and services as the pages; OpenAPI docs at /api/docs."""

# No `from __future__ import annotations` here: ninja resolves string annotations in the globals of
# the @paginate wrapper, where `Query[PeopleFilter]` cannot be resolved (GET /api/people then fails).
import datetime as dt

from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from ninja.security import HttpBearer, django_auth

from dangjian.accounts import scope, security
from dangjian.accounts.models import Action, ApiToken
from dangjian.base.api import BodyIn, Error, Id, Pagination, ValidationErrorOut
from dangjian.orgs.selectors import children_of
from dangjian.people import services as people_services
from dangjian.people.selectors import people_list, search_people


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        # Guessing tokens is throttled like guessing passwords: per address, through django-axes.
        if security.address_locked(request):
            raise HttpError(429, security.lockout_message(request))
        row = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        if row is None or not row.user.is_active:
            security.report_bad_api_token(request)
            return None
        if row.revoked_at is not None:
            raise HttpError(401, _("该 API 令牌已被吊销，请使用新的令牌。"))
        if row.is_expired:
            raise HttpError(401, _("该 API 令牌已于 %(date)s 过期，请重新创建。") % {
                "date": timezone.localtime(row.expires_at).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="党建 API",
    version="1",
    description="党组织、人员档案接口。所有数据按调用者的授权范围过滤；范围外的对象返回 404。"
    "认证方式：浏览器会话，或 `Authorization: Bearer <令牌>`。",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or _("对象不存在或不在您的管理范围内。")}, status=404
    )


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("没有操作权限。")}, status=403)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    findings = getattr(exc, "findings", None)
    if findings is not None:
        from dangjian.development.services import NeedsAcknowledgement

        code = "needs_acknowledgement" if isinstance(exc, NeedsAcknowledgement) else "rule_violation"
        return api.create_response(
            request,
            {"detail": "步骤未通过规则检查。", "code": code, "errors": {"__all__": exc.messages},
             "findings": [f.as_dict() for f in findings]},
            status=422,
        )  # fmt: skip
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("数据校验未通过。"), "errors": errors}, status=422)


# pydantic's error types, in Chinese; anything else keeps pydantic's (English) text after the prefix.
PYDANTIC_MESSAGES = {
    "missing": "必须填写",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，格式 YYYY-MM-DD",
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "datetime_parsing": "应为日期时间",
    "datetime_from_date_parsing": "应为日期时间",
    "datetime_type": "应为日期时间",
    "greater_than_equal": "不能小于%(ge)s",
    "greater_than": "应大于%(gt)s",
    "less_than_equal": "不能大于%(le)s",
    "less_than": "应小于%(lt)s",
    "string_too_long": "不能超过%(max_length)s个字符",
    "string_too_short": "至少%(min_length)s个字符",
    "extra_forbidden": "不是可用的字段",
}


def _pydantic_message(item: dict) -> str:
    template = PYDANTIC_MESSAGES.get(item.get("type", ""))
    if item.get("type") == "value_error":  # raised by our own validators, in Chinese already
        return str(item.get("msg", "")).removeprefix("Value error, ")
    if template is None:
        return _("字段格式不正确：%(message)s") % {"message": item.get("msg", "")}
    return _("字段格式不正确：%(message)s") % {"message": template % item.get("ctx", {})}


@api.exception_handler(NinjaValidationError)
def schema_invalid(request, exc):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        field = loc[-1] if loc else "__all__"
        errors.setdefault(field, []).append(_pydantic_message(item))
    return api.create_response(request, {"detail": _("请求数据格式不正确。"), "errors": errors}, status=422)


@api.exception_handler(BadRequest)
def bad_parameter(request, exc):
    """A query parameter the endpoint reads itself (dangjian.base.params) is malformed or out of range."""
    errors = {getattr(exc, "name", "__all__"): [str(exc)]}
    return api.create_response(request, {"detail": str(exc), "errors": errors}, status=422)


@api.exception_handler(OverflowError)
def overflow(request, exc):
    """The last line behind the bounded schemas: SQLite refuses integers beyond 64 bits."""
    return api.create_response(request, {"detail": _("数值超出允许的范围。")}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    detail = str(exc)
    if exc.status_code == 403 and "CSRF" in detail:
        detail = _("CSRF 校验失败，请刷新页面后重试。")
    elif exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = _("请求体不是有效的 JSON。")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("未登录或令牌无效。")}, status=401)


class OrgOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    unit_type: str
    has_approval_authority: bool
    founded_on: dt.date | None
    dissolved_on: dt.date | None
    depth: int
    child_count: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_child_count(obj) -> int:
        return obj.numchild


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    ethnicity: str
    birth_date: dt.date
    id_number_masked: str
    phone_masked: str
    education: str
    category: str
    work_unit: str
    org_id: int
    org_name: str
    standing: str
    standing_label: str
    applied_on: dt.date | None
    activist_on: dt.date | None
    candidate_on: dt.date | None
    admitted_on: dt.date | None
    converted_on: dt.date | None
    reduction: str
    reduced_on: dt.date | None
    is_backfilled: bool = Field(description="政治面貌和各阶段日期由补录录入（没有发展纪实）")
    backfill_reason: str

    @staticmethod
    def resolve_is_backfilled(obj) -> bool:
        return obj.is_backfilled

    @staticmethod
    def resolve_id_number_masked(obj) -> str:
        return obj.masked_id_number

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return obj.masked_phone

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_standing_label(obj) -> str:
        return obj.get_standing_display()


class PersonIn(BodyIn):
    name: str
    id_number: str
    org_code: str
    standing: str
    gender: str = ""
    ethnicity: str = "汉族"
    phone: str = ""
    education: str = ""
    category: str = "other"
    work_unit: str = ""
    applied_on: dt.date | None = None
    activist_on: dt.date | None = None
    candidate_on: dt.date | None = None
    admitted_on: dt.date | None = None
    converted_on: dt.date | None = None
    backfill_reason: str = Field(
        "", description="补录原因：建档时已是积极分子、发展对象或党员的（系统建立前入党、转入等）必填"
    )


class PersonBackfillIn(BodyIn):
    """补录入党信息 of someone without development records (the only way to change their dates)."""

    standing: str
    reason: str
    applied_on: dt.date | None = None
    activist_on: dt.date | None = None
    candidate_on: dt.date | None = None
    admitted_on: dt.date | None = None
    converted_on: dt.date | None = None


class PersonPatch(BodyIn):
    name: str | None = None
    id_number: str | None = None
    org_code: str | None = None
    standing: str | None = None
    gender: str | None = None
    ethnicity: str | None = None
    phone: str | None = None
    education: str | None = None
    category: str | None = None
    work_unit: str | None = None
    applied_on: dt.date | None = None
    activist_on: dt.date | None = None
    candidate_on: dt.date | None = None
    admitted_on: dt.date | None = None
    converted_on: dt.date | None = None


class PeopleFilter(Schema):
    org: Id | None = None
    direct: bool = False
    standing: str = ""
    category: str = ""
    q: str = ""
    include_reduced: bool = False


@api.get("/orgs", response=list[OrgOut], tags=["党组织"], summary="授权范围内的顶层党组织")
def list_roots(request):
    return list(scope.scope_roots(request.user).order_by("path"))


@api.get("/orgs/{org_id}", response={200: OrgOut, 404: Error}, tags=["党组织"], summary="党组织详情")
def get_org(request, org_id: int):
    return scope.get_org_for_user(request.user, org_id)


@api.get(
    "/orgs/{org_id}/children", response={200: list[OrgOut], 404: Error}, tags=["党组织"], summary="下级组织"
)
def get_children(request, org_id: int):
    org = scope.get_org_for_user(request.user, org_id)
    return list(children_of(request.user, org, include_dissolved=True))


@api.get(
    "/people",
    response={200: list[PersonOut], 404: Error, 422: ValidationErrorOut},
    tags=["人员档案"],
    summary="人员列表（可按组织、阶段、类别、关键字筛选）",
)
@paginate(Pagination)
def list_people(request, filters: Query[PeopleFilter]):
    if filters.q:
        return search_people(request.user, filters.q, limit=200)
    org = scope.get_org_for_user(request.user, filters.org) if filters.org else None
    return people_list(
        request.user, org, direct_only=filters.direct, standing=filters.standing, category=filters.category,
        include_reduced=filters.include_reduced,
    )  # fmt: skip


@api.get("/people/{person_id}", response={200: PersonOut, 404: Error}, tags=["人员档案"], summary="人员档案")
def get_person(request, person_id: int):
    return scope.get_person_for_user(request.user, person_id)


def _org_by_code(user, code: str):
    org = scope.orgs_for(user, Action.VIEW).filter(code=code.strip()).first()
    if org is None:
        raise ValidationError({"org_code": [_("找不到该组织代码，或该组织不在您的管理范围内。")]})
    return org


@api.post(
    "/people", response={201: PersonOut, 403: Error, 422: Error}, tags=["人员档案"], summary="新建人员档案"
)
def create_person(request, payload: PersonIn):
    data = payload.dict()
    org = _org_by_code(request.user, data.pop("org_code"))
    person = people_services.person_create(actor=request.user, org=org, **data)
    return Status(201, scope.get_person_for_user(request.user, person.pk))


@api.patch(
    "/people/{person_id}",
    response={200: PersonOut, 403: Error, 404: Error, 422: Error},
    tags=["人员档案"],
    summary="修改人员档案",
)
def update_person(request, person_id: int, payload: PersonPatch):
    person = scope.get_person_for_user(request.user, person_id, Action.CHANGE_PERSON)
    changes = payload.dict(exclude_unset=True)
    if "org_code" in changes:
        changes["org"] = _org_by_code(request.user, changes.pop("org_code") or "")
    changes = {k: v for k, v in changes.items() if v is not None or k.endswith("_on")}
    people_services.person_update(actor=request.user, person=person, **changes)
    return scope.get_person_for_user(request.user, person.pk)


@api.post(
    "/people/{person_id}/backfill",
    response={200: PersonOut, 403: Error, 404: Error, 422: Error},
    tags=["人员档案"],
    summary="补录入党信息（没有发展纪实的人员；须写明补录原因）",
)
def backfill_person(request, person_id: int, payload: PersonBackfillIn):
    person = scope.get_person_for_user(request.user, person_id, Action.CHANGE_PERSON)
    people_services.person_backfill(actor=request.user, person=person, **payload.dict())
    return scope.get_person_for_user(request.user, person.pk)


def _mount_routers() -> None:
    from dangjian.development.api import router as development_router

    api.add_router("/development", development_router)
    from dangjian.mobilization.api import router as mobilization_router

    api.add_router("/mobilization", mobilization_router)
    from dangjian.stats.api import router as stats_router

    api.add_router("/stats", stats_router)
    from dangjian.orglife.api import router as orglife_router

    api.add_router("/orglife", orglife_router)
    from dangjian.appraisal.api import router as appraisal_router

    api.add_router("/appraisals", appraisal_router)
    from dangjian.training.api import router as training_router

    api.add_router("/training", training_router)
    from dangjian.dues.api import router as dues_router

    api.add_router("/dues", dues_router)
    from dangjian.transfers.api import router as transfers_router

    api.add_router("/transfers", transfers_router)
    from dangjian.talent.api import router as talent_router

    api.add_router("/talent", talent_router)


_mount_routers()
