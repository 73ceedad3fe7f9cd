"""The reserve pool in the HTTP API: an org's pool, coverage and structure; registering an entry.

Same scope and services as the pages: an org outside the caller's scope is a 404, a write without
the right a 403, invalid input a 422 with Chinese messages. No ID numbers or phones are returned.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts import scope
from dangjian.base.api import BodyIn, Error, Id, Pagination, ValidationErrorOut
from dangjian.talent import selectors, services
from dangjian.talent.models import EntryStatus, ReservedPost, SourceChannel

router = Router(tags=["后备力量"])


class EntryOut(Schema):
    id: int
    org_id: int
    org_name: str
    person_id: int | None
    name: str
    gender: str
    birth_date: dt.date
    education: str
    occupation: str
    source: str
    source_label: str
    reserved_for: str
    reserved_for_label: str
    registered_on: dt.date
    status: str
    status_label: str
    status_on: dt.date | None
    status_reason: str

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_source_label(obj) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_reserved_for_label(obj) -> str:
        return str(obj.get_reserved_for_display())

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class EntryFilter(Schema):
    org: Id | None = Field(None, description="组织 id：该组织及其下级的后备力量（不填则为授权范围内全部）")
    status: str = Field(
        "active", description="状态：active（在库）、appointed（已选任）、removed（已出库）或 all"
    )
    source: str = Field("", description="来源渠道")


class EntryIn(BodyIn):
    person_id: Id | None = Field(None, description="已有人员档案的 id（须在授权范围内）；不填则按姓名等登记")
    name: str = ""
    gender: str = Field("", description="M（男）或 F（女）")
    birth_date: dt.date | None = None
    education: str = ""
    occupation: str = ""
    source: str = Field(
        description="来源渠道：" + "、".join(f"{v}（{label}）" for v, label in SourceChannel.choices)
    )
    reserved_for: str = Field(
        description="储备岗位：" + "、".join(f"{v}（{label}）" for v, label in ReservedPost.choices)
    )
    registered_on: dt.date
    note: str = ""


def _figures(rows) -> list[dict]:
    return [{"key": f.key, "label": f.label, "count": f.count} for f in rows]


@router.get(
    "/entries",
    response={200: list[EntryOut], 404: Error, 422: ValidationErrorOut},
    summary="后备力量（按授权范围；可按组织 id 取该组织及其下级的，按状态、来源渠道筛选）",
)
@paginate(Pagination)
def list_entries(request, filters: Query[EntryFilter]):
    org = scope.get_org_for_user(request.user, filters.org) if filters.org is not None else None
    if filters.status not in [*EntryStatus.values, "all"]:
        raise ValidationError({"status": ["状态无效。"]})
    if filters.source and filters.source not in SourceChannel.values:
        raise ValidationError({"source": ["来源渠道无效。"]})
    status = "" if filters.status == "all" else filters.status
    return selectors.entries_for(request.user, org, status=status, source=filters.source)


@router.post(
    "/orgs/{org_id}/entries",
    response={201: EntryOut, 403: Error, 404: Error, 422: Error},
    summary="登记后备力量",
)
def create_entry(request, org_id: Id, payload: EntryIn):
    org = scope.get_org_for_user(request.user, org_id)
    data = payload.dict(exclude={"person_id"})
    person = None
    if payload.person_id is not None:
        person = scope.people_for(request.user).filter(pk=payload.person_id).first()
        if person is None:
            raise ValidationError({"person_id": ["人员不存在或不在您的管理范围内。"]})
        for key in ("name", "gender", "birth_date"):
            data.pop(key)
    entry = services.entry_register(actor=request.user, org=org, person=person, **data)
    return Status(201, selectors.get_entry_for_user(request.user, entry.pk))


@router.get(
    "/orgs/{org_id}/coverage",
    response={200: dict, 404: Error, 422: ValidationErrorOut},
    summary="村（社区）后备力量达标情况（标准见规则 R-TALENT-POOL）",
)
def coverage(request, org_id: Id, on: dt.date | None = None, below_only: bool = False):
    org = scope.get_org_for_user(request.user, org_id)
    report = selectors.coverage(request.user, org, on=on, below_only=below_only)
    return {
        "org_id": org.pk, "on": report.on, "entries": report.entries, "below": len(report.below),
        "villages": [
            {"org_id": v.pk, "name": v.name, "unit_type": v.unit_type, "standard": v.standard, "count": v.count,
             "short": v.short, "below": v.below}
            for v in report.villages
        ],
    }  # fmt: skip


@router.get(
    "/orgs/{org_id}/structure",
    response={200: dict, 404: Error, 422: ValidationErrorOut},
    summary="后备力量结构：年龄、学历、职业、来源、政治面貌、储备岗位；入库后发展为党员、选任人数",
)
def structure(request, org_id: Id, on: dt.date | None = None, election_year: int | None = None):
    org = scope.get_org_for_user(request.user, org_id)
    f = selectors.structure(request.user, org, on=on)
    e = selectors.elected_from_pool(request.user, org, election_year)
    return {
        "election": {"year": e.year, "committees": e.committees, "elected": e.elected, "from_pool": e.from_pool},
        "org_id": org.pk, "on": f.on, "total": f.total, "members": f.members, "ever": f.ever,
        "developed": f.developed, "appointed": f.appointed, "removed": f.removed,
        "age": _figures(f.age), "education": _figures(f.education), "occupation": _figures(f.occupation),
        "source": _figures(f.source), "standing": _figures(f.standing), "reserved_for": _figures(f.reserved_for),
    }  # fmt: skip
