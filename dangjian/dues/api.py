"""党费 in the HTTP API: the calculator, norms, a month's collection, payments, the books, hand-ups,
allocations and the statistics.

Same scope and services as the pages: an org or record outside the caller's scope is a 404, a write
without the right a 403, invalid input a 422 with Chinese messages. Amounts go in as decimal
numbers or strings of yuan and come out as decimal strings ("45.00"), never floats; the base
(income) comes out masked ("***") unless the caller holds `VIEW_DUES_INCOME` and asks (`reveal`).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.api import BodyIn, Error, Id, Pagination, ValidationErrorOut
from dangjian.dues import selectors, services
from dangjian.dues.calculator import CalcError, quote
from dangjian.dues.models import Allocation, DuesCategory, PaymentWay, Purpose, yuan
from dangjian.dues.months import month_label, month_of, parse_month
from dangjian.dues.rules import DuesRules
from dangjian.meetings.models import Meeting
from dangjian.mobilization.models import Campaign
from dangjian.orgs.models import Org
from dangjian.people.models import Person

router = Router(tags=["党费"])
CATEGORIES = "、".join(f"{v}（{label}）" for v, label in DuesCategory.choices)
Money = Decimal | None


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _org(user, code: str, action: str = Action.VIEW) -> Org:
    org = scope.orgs_for(user, Action.VIEW).filter(code=(code or "").strip()).first() if code else None
    if org is None:
        raise Http404("党组织不存在或不在您的管理范围内。")
    return scope.get_org_for_user(user, org.pk, action)


def _month(value: str, field: str) -> int:
    try:
        return parse_month(value)
    except ValueError as exc:
        raise ValidationError({field: [str(exc)]}) from None


# ---- the calculator ----------------------------------------------------------------------------------


class QuoteOut(Schema):
    category: str = Field(description="党费类别")
    base: str | None = Field(description="交纳基数（元）；定额交纳的类别为 null")
    rate: str | None = Field(description="交纳比例（小数，0.015 即 1.5%）；定额为 null")
    amount: str = Field(description="每月应交党费（元，保留到分，十进制字符串）")
    rule: str = Field(description="依据的规则编号，如 R-DUES-RATE")
    article: str = Field(description="依据条款，如 党费规定第二、三、四条")
    ruleset: str = Field(description="适用的规则集编号")


class QuoteQuery(Schema):
    category: str = Field(description="党费类别：" + CATEGORIES)
    income: str = Field(
        "", description="交纳基数（元），按收入比例交纳的四类必填；档次含上限（3000 按 0.5%，3000.01 按 1%）"
    )
    flat: str = Field("", description="农民党员：党支部在规定范围内确定的每月金额（元），不填按最低标准")
    on: dt.date | None = Field(None, description="按该日适用的规则集计算，默认今天")
    org: str = Field("", description="组织代码：按该组织适用的本地规则集（须在授权范围内），默认全辖区规则集")


@router.get(
    "/calc", response={200: QuoteOut, 404: Error, 422: ValidationErrorOut},
    summary="党费计算器：按党费类别和交纳基数计算每月应交党费",
    description="在职（月税后固定工资）、年薪制（当月实际收入）、灵活就业（上季度月平均纯收入）按比例：3000元及以下"
    "0.5%，3000元以上至5000元1%，5000元以上至10000元1.5%，10000元以上2%，按全额计算；离退休5000元及以下0.5%，"
    "以上1%；农民0.2至1元；学生、下岗失业、依靠抚恤救济、享受低保0.2元。比例、定额和舍入方式以规则集为准"
    "（R-DUES-RATE、R-DUES-RETIRED、R-DUES-FLAT、R-DUES-ROUNDING）。金额为十进制字符串。",
)  # fmt: skip
def calc(request, params: Query[QuoteQuery]):
    org = _org(request.user, params.org) if params.org else None
    day = params.on or timezone.localdate()
    try:
        result = quote(
            DuesRules().params(org, day), params.category, params.income or None, params.flat or None
        )
    except CalcError as exc:
        raise ValidationError({"__all__": [str(exc)]}) from None
    return result.as_dict()


# ---- norms ---------------------------------------------------------------------------------------------


class NormOut(Schema):
    person_id: int
    name: str
    group: str
    standing: str
    category: str
    base: str = Field(description="交纳基数（元）；无权查看或未要求显示时为 ***")
    rate: str
    amount: str | None
    from_month: str | None


class NormIn(BodyIn):
    person_id: Id
    category: str = Field(description="党费类别：" + CATEGORIES)
    from_month: str = Field(description="起始月份 YYYY-MM（新工资发放的月份）")
    income: Money = Field(None, description="交纳基数（元）")
    flat: Money = Field(None, description="农民党员每月金额（元）")
    note: str = ""


@router.get(
    "/norms", response={200: list[NormOut], 404: Error}, summary="党员的党费标准（交纳基数按权限隐藏）"
)
def norms(request, org: str, reveal: bool = False):
    target = _org(request.user, org)
    rows, _shown = selectors.norms_for(request.user, target, reveal=reveal)
    return [
        {"person_id": r.person_id, "name": r.name, "group": r.group, "standing": r.standing, "category": r.category,
         "base": r.base, "rate": r.rate, "amount": _money(r.amount),
         "from_month": month_label(r.from_month) if r.from_month else None}
        for r in rows
    ]  # fmt: skip


@router.post(
    "/norms", response={201: dict, 403: Error, 404: Error, 422: ValidationErrorOut}, summary="核定党费标准"
)
def norm_create(request, payload: NormIn):
    person = scope.get_person_for_user(request.user, payload.person_id)
    norm = services.norm_record(
        actor=request.user, person=person, category=payload.category, from_month=_month(payload.from_month, "from_month"),
        income=payload.income, flat=payload.flat, note=payload.note,
    )  # fmt: skip
    return Status(201, {"person_id": person.pk, "from_month": month_label(norm.from_month),
                        "category": norm.category, "amount": _money(norm.amount), "rule": norm.rule})  # fmt: skip


# ---- collection --------------------------------------------------------------------------------------


class MemberOut(Schema):
    person_id: int
    name: str
    group: str
    standing: str
    category: str
    base: str
    rate: str
    due: str | None
    paid: str
    status: str
    status_label: str
    paid_on: str
    way: str
    collector: str
    arrears: int = Field(description="欠缴月数（已结束的月份中未交清的）")
    voluntary: str


class CollectionOut(Schema):
    org_id: int
    month: str
    opened: bool
    members: int
    due: str
    paid: str
    rate: str
    rows: list[MemberOut]


@router.get(
    "/collection", response={200: CollectionOut, 404: Error, 422: ValidationErrorOut},
    summary="党组织某月的党费收缴情况（应交、实交、欠缴；交纳基数按权限隐藏）",
)  # fmt: skip
def collection(request, org: str, month: str = "", reveal: bool = False):
    target = _org(request.user, org)
    number = _month(month, "month") if month else month_of(timezone.localdate())
    data = selectors.collection_for(request.user, target, number, reveal=reveal)
    return {
        "org_id": target.pk, "month": month_label(number), "opened": data.opened, "members": data.members,
        "due": _money(data.due), "paid": _money(data.paid), "rate": data.rate,
        "rows": [
            {"person_id": r.person_id, "name": r.name, "group": r.group, "standing": r.standing, "category": r.category,
             "base": r.base, "rate": r.rate, "due": _money(r.due), "paid": _money(r.paid), "status": r.status,
             "status_label": r.status_label, "paid_on": r.paid_on, "way": r.way, "collector": r.collector,
             "arrears": r.arrears, "voluntary": _money(r.voluntary)}
            for r in data.rows
        ],
    }  # fmt: skip


class EntryIn(Schema):
    person_id: Id
    first_month: str = Field("", description="从哪个月起 YYYY-MM（交纳党费时必填）")
    months: int = Field(1, ge=0, le=120, description="交纳月数（预交多填；只交自愿多交填0）")
    amount: Money = Field(None, description="党费金额（元），不填为所选月份尚未交纳的全部")
    voluntary: Money = Field(None, description="自愿多交（元）；一次1000元以上全部上缴中央")
    note: str = ""


class PaymentsIn(BodyIn):
    org_code: str
    paid_on: dt.date
    way: str = Field(
        description="交纳方式：" + "、".join(f"{v}（{label}）" for v, label in PaymentWay.choices)
    )
    collector_name: str = ""
    open_month: bool = Field(
        True, description="先为本组织开始收缴第一笔所属的月份（使未交的党员也有应交记录）"
    )
    entries: list[EntryIn] = Field(min_length=1, max_length=500)


@router.post(
    "/payments", response={201: dict, 403: Error, 404: Error, 422: ValidationErrorOut},
    summary="记录党费交纳（全部记录或全部不记录）",
)  # fmt: skip
def payments(request, payload: PaymentsIn):
    target = _org(request.user, payload.org_code, Action.MANAGE_DUES)
    entries = [
        services.PaymentEntry(
            person=e.person_id, first_month=_month(e.first_month, "first_month") if e.first_month else None,
            months=e.months, amount=e.amount, voluntary=e.voluntary, note=e.note,
        )
        for e in payload.entries
    ]  # fmt: skip
    with transaction.atomic():
        first = next((e.first_month for e in entries if e.first_month), None)
        if payload.open_month and first and first <= month_of(timezone.localdate()):
            services.month_open(actor=request.user, org=target, month=first)
        created = services.payments_record(
            actor=request.user, org=target, paid_on=payload.paid_on, way=payload.way, entries=entries,
            collector_name=payload.collector_name,
        )  # fmt: skip
    return Status(201, {"payments": len(created), "amount": _money(yuan(sum(p.amount_fen for p in created))),
                        "to_centre": _money(yuan(sum(p.amount_fen for p in created if p.to_centre)))})  # fmt: skip


# ---- books, hand-ups ---------------------------------------------------------------------------------


class BalanceOut(Schema):
    month: str
    opening: str
    collected: str
    received: str
    handed_up: str
    allocated: str
    spent: str
    closing: str


class BalanceQuery(Schema):
    org: str = Field(description="组织代码")
    year: int = Field(ge=2000, le=2100, description="年度")


@router.get("/balances", response={200: list[BalanceOut], 404: Error, 422: ValidationErrorOut},
            summary="党组织各月党费收支与结余")  # fmt: skip
def balances(request, params: Query[BalanceQuery]):
    target, year = _org(request.user, params.org), params.year
    return [
        {"month": r.label, "opening": _money(r.opening), "collected": _money(r.collected), "received": _money(r.received),
         "handed_up": _money(r.handed_up), "allocated": _money(r.allocated), "spent": _money(r.spent),
         "closing": _money(r.closing)}
        for r in selectors.balances(target, year * 12, year * 12 + 11)
    ]  # fmt: skip


class HandUpIn(BodyIn):
    org_code: str
    handed_on: dt.date
    amount: Decimal
    centre_amount: Money = None
    period_from: str = Field(description="所属期起 YYYY-MM")
    period_to: str = Field(description="所属期止 YYYY-MM")
    to_name: str = Field("", description="本组织没有上一级党组织时的接收单位")
    note: str = ""


@router.post(
    "/handups", response={201: dict, 403: Error, 404: Error, 422: ValidationErrorOut}, summary="记录党费上缴"
)
def handup(request, payload: HandUpIn):
    target = _org(request.user, payload.org_code, Action.MANAGE_DUES)
    item = services.handup_record(
        actor=request.user, org=target, handed_on=payload.handed_on, amount=payload.amount,
        centre_amount=payload.centre_amount, period_from=_month(payload.period_from, "period_from"),
        period_to=_month(payload.period_to, "period_to"), to_name=payload.to_name, note=payload.note,
    )  # fmt: skip
    return Status(201, {"id": item.pk, "to": item.recipient, "amount": _money(item.amount)})


# ---- allocations -------------------------------------------------------------------------------------


class AllocationOut(Schema):
    id: int
    org_id: int
    org_name: str
    purpose: str
    purpose_label: str
    title: str
    allocated_on: dt.date
    amount: str
    campaign_id: int | None
    earmark: str

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_purpose_label(obj) -> str:
        return str(obj.get_purpose_display())

    @staticmethod
    def resolve_amount(obj) -> str:
        return _money(obj.amount)


class AllocationFilter(Schema):
    org: str = Field("", description="组织代码：该组织及其下级作出的下拨（不填为授权范围内的全部）")
    campaign: int | None = Field(None, description="战时动员编号（id）")
    purpose: str = Field(
        "", description="用途：" + "、".join(f"{v}（{label}）" for v, label in Purpose.choices)
    )


@router.get("/allocations", response={200: list[AllocationOut], 404: Error, 422: ValidationErrorOut},
            summary="党费下拨（按授权范围）")  # fmt: skip
@paginate(Pagination)
def allocations(request, filters: Query[AllocationFilter]):
    target = _org(request.user, filters.org) if filters.org else None
    if filters.purpose and filters.purpose not in Purpose.values:
        raise ValidationError({"purpose": ["用途无效。"]})
    campaign = Campaign.objects.filter(pk=filters.campaign).first() if filters.campaign else None
    return selectors.allocations_for(request.user, target, campaign=campaign, purpose=filters.purpose)


@router.get(
    "/allocations/{allocation_id}",
    response={200: dict, 404: Error},
    summary="一笔下拨：对象、使用和尚未使用的金额",
)
def allocation(request, allocation_id: int):
    item = selectors.get_allocation_for_user(request.user, allocation_id)
    detail = selectors.allocation_detail(request.user, item)
    return {
        **AllocationOut.from_orm(item).dict(),
        "lines": [
            {"recipient": r.line.recipient, "org_id": r.line.to_org_id, "amount": _money(r.line.amount),
             "note": r.line.note, "used": _money(r.used) if r.line.to_org_id else None,
             "unspent": _money(r.unspent) if r.line.to_org_id else None}
            for r in detail.lines
        ],
        "used": _money(detail.used), "unspent": _money(detail.unspent), "paid_to_people": _money(detail.direct),
    }  # fmt: skip


class LineIn(Schema):
    org_code: str = Field("", description="下级党组织代码")
    person_id: int | None = Field(None, description="党员（人员编号）")
    recipient: str = Field("", description="其他对象的姓名（如因疫致贫的群众）")
    amount: Decimal
    note: str = ""


class AllocationIn(BodyIn):
    org_code: str
    purpose: str
    title: str
    allocated_on: dt.date
    meeting_id: Id = Field(description="集体研究决定的会议（本组织的支委会、党委会等）")
    lines: list[LineIn] = Field(min_length=1, max_length=2000)
    earmark: str = ""
    campaign_id: int | None = None
    source_id: int | None = Field(None, description="转拨的上级下拨（id）")
    note: str = ""


@router.post("/allocations", response={201: AllocationOut, 403: Error, 404: Error, 422: ValidationErrorOut},
             summary="下拨党费（集体研究决定，专款专用）")  # fmt: skip
def allocation_create(request, payload: AllocationIn):
    target = _org(request.user, payload.org_code, Action.MANAGE_DUES)
    lines = []
    for n, line in enumerate(payload.lines, start=1):
        org = (
            Org.objects.filter(code=line.org_code.strip(), path__startswith=target.path).first()
            if line.org_code
            else None
        )
        if line.org_code and org is None:
            raise ValidationError({"lines": [f"第{n}行：本组织下没有代码为“{line.org_code}”的党组织。"]})
        person = None
        if line.person_id:
            person = (
                Person.objects.select_related("org")
                .filter(pk=line.person_id, org__path__startswith=target.path)
                .first()
            )
            if person is None:
                raise ValidationError({"lines": [f"第{n}行：本组织范围内没有编号为{line.person_id}的人员。"]})
        lines.append(
            services.LineIn(
                amount=line.amount, org=org, person=person, recipient=line.recipient, note=line.note
            )
        )
    item = services.allocation_record(
        actor=request.user, org=target, purpose=payload.purpose, title=payload.title,
        allocated_on=payload.allocated_on, meeting=Meeting.objects.filter(pk=payload.meeting_id).first(), lines=lines,
        earmark=payload.earmark,
        campaign=Campaign.objects.filter(pk=payload.campaign_id).first() if payload.campaign_id else None,
        source=Allocation.objects.filter(pk=payload.source_id).first() if payload.source_id else None, note=payload.note,
    )  # fmt: skip
    return Status(201, item)


# ---- statistics --------------------------------------------------------------------------------------


class StatsQuery(Schema):
    org: str = Field(description="组织代码")
    start: str = Field(alias="from", description="开始月份 YYYY-MM")
    end: str = Field(alias="to", description="结束月份 YYYY-MM（含）")


@router.get("/stats", response={200: dict, 404: Error, 422: ValidationErrorOut},
            summary="党费统计：应交、实交、收缴率（按下级组织，不按个人排名），欠缴时长，上缴，下拨，使用，结余")  # fmt: skip
def stats(request, params: Query[StatsQuery]):
    target = _org(request.user, params.org)
    first, last = _month(params.start, "from"), _month(params.end, "to")
    if last < first:
        raise ValidationError({"to": ["结束月份不能早于开始月份。"]})
    if last - first >= 120:
        raise ValidationError({"from": ["统计期间最长10年。"]})
    f = selectors.dues_figures(request.user, target, first, last)
    money = ("due", "covered", "paid", "collected", "voluntary", "centre", "handed_up", "received", "allocated",
             "passed_on", "direct", "spent", "opening", "closing", "unspent")  # fmt: skip
    return {
        "org_id": target.pk, "from": month_label(first), "to": month_label(last), "rate": f.rate,
        "members": f.members, "settled": f.settled, "unpriced": f.unpriced,
        **{k: _money(getattr(f, k)) for k in money},
        "arrears": {a.key: a.value for a in f.arrears},
        "allocated_by_purpose": {a.key: _money(a.value) for a in f.allocated_by_purpose},
        "spent_by_purpose": {a.key: _money(a.value) for a in f.spent_by_purpose},
        "orgs": [
            {"org_id": r.org.pk if r.org else target.pk, "name": r.label, "members": r.members, "due": _money(r.due),
             "paid": _money(r.covered), "rate": r.rate, "handed_up": _money(r.handed_up), "closing": _money(r.closing)}
            for r in f.children
        ],
    }  # fmt: skip
