"""组织关系转接 in the HTTP API: list, create, review, receive, return, cancel, and the target search.

Same scope and services as the pages: a transfer outside what the caller may see is a 404, a write
without the right a 403, an invalid transition a 422 with a Chinese message. Before receipt the
receiving side sees the member's name and gender only."""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.api import BodyIn, Error, Id, Pagination, ValidationErrorOut
from dangjian.orgs.models import Org
from dangjian.transfers import selectors, services
from dangjian.transfers.models import Reason, Transfer

router = Router(tags=["组织关系转接"])
REASONS = "、".join(f"{v}（{label}）" for v, label in Reason.choices)


class OrgOut(Schema):
    id: int
    code: str
    name: str


class TransferOut(Schema):
    id: int
    status: str = Field(
        description="submitted 待审核、pending 待接收、received 已接收、returned 已退回、cancelled 已撤销"
    )
    person_id: int | None = Field(None, description="仅在调用者可查看该人员档案时给出")
    name: str
    gender: str
    from_org: OrgOut | None = Field(None, description="系统内的转出党组织；从系统外转入时为空")
    from_outside: str = Field("", description="系统外转出党组织名称")
    to_org: OrgOut | None = Field(None, description="系统内的接收党组织；转往系统外时为空")
    to_outside: str = Field("", description="系统外党组织名称")
    receipt_on: dt.date | None = None
    reviewer: OrgOut
    reason: str
    note: str
    letter_no: str
    submitted_on: dt.date
    issued_on: dt.date | None
    valid_until: dt.date | None
    closed_on: dt.date | None
    closed_reason: str


def _out(user, t: Transfer) -> dict:
    def org(o):
        return {"id": o.pk, "code": o.code, "name": o.name}

    return {
        "id": t.pk, "status": t.status, "name": t.person.name, "gender": t.person.gender,
        "person_id": t.person_id if selectors.person_visible(user, t) else None,
        "from_org": org(t.from_org) if t.from_org else None, "from_outside": t.from_outside, "to_org": org(t.to_org) if t.to_org else None, "reviewer": org(t.reviewer),
        "to_outside": t.to_outside, "receipt_on": t.receipt_on,
        "reason": t.reason, "note": t.note, "letter_no": t.letter_no, "submitted_on": t.submitted_on,
        "issued_on": t.issued_on, "valid_until": t.valid_until, "closed_on": t.closed_on,
        "closed_reason": t.closed_reason,
    }  # fmt: skip


class ListFilter(Schema):
    side: str = Field("out", description="out 转出、in 转入、review 待审核、overdue 逾期未接收")


@router.get("", response={200: list[TransferOut], 422: ValidationErrorOut}, summary="转接列表")
@paginate(Pagination)
def transfer_list(request, filters: Query[ListFilter]):
    user = request.user
    pick = {
        "out": selectors.outgoing_for, "in": selectors.incoming_for,
        "review": selectors.review_for, "overdue": selectors.overdue_for,
    }.get(filters.side, selectors.outgoing_for)  # fmt: skip
    return [_out(user, t) for t in pick(user).order_by("-submitted_on", "-id")]


@router.get("/orgs", response=list[OrgOut], summary="查找接收党组织（按名称或代码，只返回名称和代码）")
def target_orgs(request, q: str = ""):
    return selectors.target_orgs(q)


class TransferIn(BodyIn):
    person_id: Id
    to_org_code: str = Field("", description="接收党组织代码（系统内）")
    to_outside: str = Field("", description="系统外党组织名称（转往系统外时填写，不填代码）")
    reason: str = Field(description=REASONS)
    note: str = ""
    on: dt.date | None = None


@router.post(
    "", response={201: TransferOut, 403: Error, 404: Error, 422: ValidationErrorOut}, summary="发起转出"
)
def transfer_create(request, payload: TransferIn):
    person = scope.get_person_for_user(request.user, payload.person_id, Action.CHANGE_PERSON)
    to_org = None
    if payload.to_org_code.strip():
        to_org = Org.objects.filter(code=payload.to_org_code.strip()).first()
        if to_org is None:
            raise Http404("接收党组织不存在。")
    transfer = services.transfer_submit(
        actor=request.user, person=person, to_org=to_org, to_outside=payload.to_outside, reason=payload.reason,
        note=payload.note, on=payload.on,
    )  # fmt: skip
    return Status(201, _out(request.user, selectors.get_transfer_for_user(request.user, transfer.pk)))


class DateIn(BodyIn):
    on: dt.date | None = None


class ReasonIn(BodyIn):
    reason: str
    on: dt.date | None = None


WRITE = {200: TransferOut, 403: Error, 404: Error, 422: ValidationErrorOut}


def _after(request, transfer_id: int) -> dict:
    return _out(request.user, selectors.get_transfer_for_user(request.user, transfer_id))


class ReceiptIn(BodyIn):
    on: dt.date | None = None
    note: str = ""


class FromOutsideIn(BodyIn):
    org_code: str = Field(description="接收党组织代码（须在调用者的管理范围内）")
    from_outside: str = Field(description="系统外转出党组织（介绍信开具单位）")
    letter_no: str = Field(description="介绍信编号")
    reason: str = Field(description=REASONS)
    id_number: str = Field(description="公民身份号码：曾在系统中转出的，恢复原档案")
    on: dt.date | None = None
    note: str = ""
    name: str = Field("", description="新建档案时必填，以下同")
    gender: str = ""
    birth_date: dt.date | None = None
    standing: str = Field("", description="full 正式党员、probationary 预备党员")
    admitted_on: dt.date | None = None
    converted_on: dt.date | None = None


@router.post(
    "/from-outside", response={201: TransferOut, 403: Error, 404: Error, 422: ValidationErrorOut},
    summary="从系统外转入（同一公民身份号码曾转出的，恢复原档案）",
)  # fmt: skip
def transfer_from_outside(request, payload: FromOutsideIn):
    code = payload.org_code.strip()
    org = scope.orgs_for(request.user, Action.VIEW).filter(code=code).first() if code else None
    if org is None:
        raise Http404("党组织不存在或不在您的管理范围内。")
    fields = {
        k: getattr(payload, k)
        for k in ("name", "gender", "birth_date", "standing", "admitted_on", "converted_on")
    }
    fields = {k: v for k, v in fields.items() if v not in ("", None)}
    transfer = services.transfer_receive_from_outside(
        actor=request.user, org=org, from_outside=payload.from_outside, letter_no=payload.letter_no,
        reason=payload.reason, id_number=payload.id_number, on=payload.on, note=payload.note, person_fields=fields,
    )  # fmt: skip
    return Status(201, _out(request.user, selectors.get_transfer_for_user(request.user, transfer.pk)))


class BatchIn(BodyIn):
    person_ids: list[Id] = Field(description="要转出的人员（全部转出或全部不转出）", max_length=2000)
    to_org_code: str = Field(description="接收党组织代码")
    reason: str = Field(description=REASONS)
    note: str = ""
    on: dt.date | None = None


class IdsIn(BodyIn):
    ids: list[Id] = Field(description="转接编号（全部办理或全部不办理）", max_length=2000)
    on: dt.date | None = None


@router.post(
    "/batch", response={201: list[TransferOut], 403: Error, 404: Error, 422: ValidationErrorOut},
    summary="批量发起转出（如单位合并后整体转接）",
)  # fmt: skip
def transfer_batch(request, payload: BatchIn):
    people = list(
        scope.people_for(request.user, Action.VIEW).select_related("org").filter(pk__in=payload.person_ids)
    )
    if len(people) != len(set(payload.person_ids)):
        raise Http404("有人员不存在或不在您的管理范围内。")
    to_org = Org.objects.filter(code=payload.to_org_code.strip()).first()
    if to_org is None:
        raise Http404("接收党组织不存在。")
    done = services.transfers_submit_many(
        actor=request.user,
        people=people,
        to_org=to_org,
        reason=payload.reason,
        note=payload.note,
        on=payload.on,
    )
    return Status(201, [_after(request, t.pk) for t in done])


def _many(request, ids: list[int]) -> list[Transfer]:
    found = {t.pk: t for t in selectors.visible_transfers(request.user).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise Http404("有转接不存在或不在您的管理范围内。")
    return [found[i] for i in dict.fromkeys(ids)]


@router.post(
    "/batch/review",
    response={200: list[TransferOut], 403: Error, 404: Error, 422: ValidationErrorOut},
    summary="批量审核（审核党委）",
)
def transfer_batch_review(request, payload: IdsIn):
    done = services.transfers_approve_many(
        actor=request.user, transfers=_many(request, payload.ids), on=payload.on
    )
    return [_after(request, t.pk) for t in done]


@router.post(
    "/batch/receive",
    response={200: list[TransferOut], 403: Error, 404: Error, 422: ValidationErrorOut},
    summary="批量接收（接收党组织）",
)
def transfer_batch_receive(request, payload: IdsIn):
    done = services.transfers_receive_many(
        actor=request.user, transfers=_many(request, payload.ids), on=payload.on
    )
    return [_after(request, t.pk) for t in done]


# Routes with a transfer id last: "/batch", "/from-outside" and "/orgs" must match before them.


@router.get("/{transfer_id}", response={200: TransferOut, 404: Error}, summary="一个转接")
def transfer_get(request, transfer_id: int):
    return _out(request.user, selectors.get_transfer_for_user(request.user, transfer_id))


@router.post("/{transfer_id}/review", response=WRITE, summary="审核通过并开具介绍信（审核党委）")
def transfer_review(request, transfer_id: int, payload: DateIn):
    transfer = selectors.get_transfer_for_user(request.user, transfer_id)
    services.transfer_approve(actor=request.user, transfer=transfer, on=payload.on)
    return _after(request, transfer_id)


@router.post("/{transfer_id}/receive", response=WRITE, summary="接收（接收党组织）")
def transfer_receive(request, transfer_id: int, payload: DateIn):
    transfer = selectors.get_transfer_for_user(request.user, transfer_id)
    services.transfer_receive(actor=request.user, transfer=transfer, on=payload.on)
    return _after(request, transfer_id)


@router.post("/{transfer_id}/return", response=WRITE, summary="退回（审核党委或接收党组织），须写明原因")
def transfer_return(request, transfer_id: int, payload: ReasonIn):
    transfer = selectors.get_transfer_for_user(request.user, transfer_id)
    services.transfer_return(actor=request.user, transfer=transfer, reason=payload.reason, on=payload.on)
    return _after(request, transfer_id)


@router.post("/{transfer_id}/cancel", response=WRITE, summary="撤销（转出党组织），须写明原因")
def transfer_cancel(request, transfer_id: int, payload: ReasonIn):
    transfer = selectors.get_transfer_for_user(request.user, transfer_id)
    services.transfer_cancel(actor=request.user, transfer=transfer, reason=payload.reason, on=payload.on)
    return _after(request, transfer_id)


@router.post(
    "/{transfer_id}/receipt",
    response=WRITE,
    summary="登记回执（转往系统外，转出党组织），人员随之减少（转出）",
)
def transfer_receipt(request, transfer_id: int, payload: ReceiptIn):
    transfer = selectors.get_transfer_for_user(request.user, transfer_id)
    services.transfer_record_receipt(actor=request.user, transfer=transfer, on=payload.on, note=payload.note)
    return _after(request, transfer_id)
