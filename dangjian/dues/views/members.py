"""The members' side: a branch's monthly collection (recording a month of payments at once), one
member's payment (advance, partial, voluntary), 冲正, norms, one member's dues, reliefs, arrears
and the 党章第九条 decision."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.errors import messages_of
from dangjian.base.forms import apply_service_errors
from dangjian.base.params import BadParameter, id_or_none, year_param
from dangjian.dues import exports, selectors, services
from dangjian.dues.forms import LapseForm, NormForm, NoteForm, PaymentForm, ReliefDecisionForm, ReliefForm
from dangjian.dues.models import DuesPayment, DuesRelief, PaymentWay, ReliefStatus
from dangjian.dues.months import month_cn, month_label
from dangjian.dues.orgs import collecting_org
from dangjian.dues.views._common import (
    DOCX,
    XLSX,
    crumbs,
    current_month,
    dues_crumbs,
    file_response,
    month_arg,
    month_options,
)
from dangjian.meetings.models import Meeting
from dangjian.meetings.rules import DECISION_KINDS
from dangjian.orgs.models import BRANCH_KINDS

ARREARS_PER_PAGE = 100


@login_required
@require_GET
def home(request, org_pk: int):
    """A branch opens on its collection, any other org on its figures."""
    org = scope.get_org_for_user(request.user, org_pk)
    if org.kind in BRANCH_KINDS and not org.is_temporary:
        return redirect("dues-collection", org.pk)
    return redirect("dues-stats", org.pk)


def _decision_meetings(org, limit: int = 30) -> list[tuple[int, str]]:
    return [
        (m.pk, f"{m.held_on:%Y-%m-%d} {m.display_title}")
        for m in Meeting.objects.filter(org=org, kind__in=sorted(DECISION_KINDS)).order_by("-held_on", "-id")[
            :limit
        ]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def collection(request, org_pk: int):
    """The month's members with what is due and paid; ticking members records their payment of the
    month at once (the month is opened first, so those who did not pay are on the books too)."""
    user = request.user
    org = scope.get_org_for_user(user, org_pk)
    month = month_arg(request)
    reveal = request.GET.get("reveal") == "1"
    errors: list[str] = []
    if request.method == "POST":
        if not scope.can(user, Action.MANAGE_DUES, org):
            raise PermissionDenied(_("您无权为该党组织收缴党费。"))
        picked = [id_or_none(v) for v in request.POST.getlist("pick")]
        if None in picked:
            raise BadParameter("pick", _("所选党员无效。"))
        paid_on = request.POST.get("paid_on", "")
        try:
            day = dt.date.fromisoformat(paid_on)
        except ValueError:
            day = None
        entries = [
            services.PaymentEntry(
                person=pk, first_month=month, months=1, amount=request.POST.get(f"amount_{pk}") or None
            )
            for pk in picked
        ]
        try:
            with transaction.atomic():
                if month <= current_month():
                    services.month_open(actor=user, org=org, month=month)
                payments = services.payments_record(
                    actor=user, org=org, paid_on=day, way=request.POST.get("way", ""), entries=entries,
                    collector_name=request.POST.get("collector_name", ""),
                )  # fmt: skip
        except ValidationError as exc:
            errors = messages_of(exc)
        else:
            people = len({p.person_id for p in payments})
            messages.success(request, _("已记录%(n)d名党员的党费。") % {"n": people})
            return redirect(f"{reverse('dues-collection', args=[org.pk])}?month={month_label(month)}")
    data = selectors.collection_for(user, org, month, reveal=reveal)
    return render(
        request, "dues/collection.html",
        {"nav": "orgs", "org": org, "data": data, "month": month, "month_label": month_label(month),
         "month_cn": month_cn(month), "months": month_options(current_month(), 24, 3), "errors": errors,
         "ways": PaymentWay.choices, "today": timezone.localdate(), "crumbs": crumbs(user, org), "tab": "collection",
         "can_reveal": selectors.may_see_income(user, org), "posted": request.POST if errors else {},
         "is_current": month <= current_month()},
    )  # fmt: skip


@login_required
@require_POST
def open_month(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.MANAGE_DUES)
    month = month_arg(request)
    try:
        created = services.month_open(actor=request.user, org=org, month=month)
    except ValidationError as exc:
        for message in messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已开始收缴%(month)s党费，新建%(n)d条应交记录。") % {"month": month_cn(month), "n": created},
        )
    return redirect(f"{reverse('dues-collection', args=[org.pk])}?month={month_label(month)}")


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, org_pk: int):
    """One member's payment: several months ahead, part of a month, a voluntary payment."""
    org = scope.get_org_for_user(request.user, org_pk, Action.MANAGE_DUES)
    reason = selectors.refusal(org)
    if reason:
        raise PermissionDenied(reason)
    month = month_arg(request)
    people = [(r.person_id, r.name) for r in selectors.collection_for(request.user, org, month).rows]
    initial = {"first_month": month, "months": 1, "paid_on": timezone.localdate(), "way": PaymentWay.WECHAT,
               "person": id_or_none(request.GET.get("person"))}  # fmt: skip
    form = PaymentForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = services.PaymentEntry(
            person=data["person"], first_month=data["first_month"], months=data["months"], amount=data["amount"] or None,
            voluntary=data["voluntary"] or None, note=data["note"],
        )  # fmt: skip
        try:
            services.payments_record(
                actor=request.user, org=org, paid_on=data["paid_on"], way=data["way"], entries=[entry],
                collector_name=data["collector_name"],
            )  # fmt: skip
        except ValidationError as exc:
            for message in messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("党费已记录。"))
            return redirect(f"{reverse('dues-collection', args=[org.pk])}?month={month_label(month)}")
    return render(
        request, "dues/form.html",
        {"nav": "orgs", "form": form, "title": _("记录党费：%(name)s") % {"name": org.name},
         "intro": _("预交：选择起始月份并填写月数（最多预交的月数见规则集 R-DUES-ADVANCE）；部分交纳：金额少于应交；只交自愿多交：月数填0。"),
         "cancel_url": f"{reverse('dues-collection', args=[org.pk])}?month={month_label(month)}",
         "crumbs": dues_crumbs(request.user, org)},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def reverse_payment(request, pk: int):
    payment = get_object_or_404(DuesPayment.objects.select_related("org", "person"), pk=pk)
    org = scope.get_org_for_user(request.user, payment.org_id, Action.MANAGE_DUES)
    form = NoteForm(request.POST or None)
    form.fields["note"].label = _("冲正原因")
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_reverse(actor=request.user, payment=payment, reason=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_service_errors(form, exc, {"reason": "note"})
        else:
            messages.success(request, _("已冲正。"))
            return redirect(f"{reverse('dues-collection', args=[org.pk])}?month={month_label(payment.month)}")
    return render(
        request, "dues/form.html",
        {"nav": "orgs", "form": form, "submit_label": _("冲正"), "crumbs": dues_crumbs(request.user, org),
         "title": _("冲正：%(name)s %(month)s %(amount)s元") % {"name": payment.person.name,
                                                            "month": month_label(payment.month), "amount": payment.amount},
         "intro": _("冲正后该笔记录保留并注明原因，金额从所属月份和当月收缴中扣除。"),
         "cancel_url": f"{reverse('dues-collection', args=[org.pk])}?month={month_label(payment.month)}"},
    )  # fmt: skip


@login_required
@require_GET
def register_export(request, org_pk: int, fmt: str):
    """党费收缴登记表 of a month, as Excel or Word (the base masked unless allowed and asked)."""
    org = scope.get_org_for_user(request.user, org_pk)
    month = month_arg(request)
    unmask = request.GET.get("unmask") == "1"
    data = selectors.collection_for(request.user, org, month, reveal=unmask)
    name = _("党费收缴登记表-%(org)s-%(month)s") % {"org": org.name, "month": month_label(month)}
    if fmt == "docx":
        return file_response(exports.register_docx(data, today=timezone.localdate()), DOCX, f"{name}.docx")
    return file_response(exports.register_xlsx(data, today=timezone.localdate()), XLSX, f"{name}.xlsx")


# ---- norms and one member --------------------------------------------------------------------------


@login_required
@require_GET
def norms(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    rows, shown = selectors.norms_for(request.user, org, reveal=request.GET.get("reveal") == "1")
    return render(
        request, "dues/norms.html",
        {"nav": "orgs", "org": org, "rows": rows, "shown": shown, "tab": "norms", "crumbs": crumbs(request.user, org),
         "can_reveal": selectors.may_see_income(request.user, org), "refused": selectors.refusal(org),
         "can_set": scope.can(request.user, Action.MANAGE_DUES, org) and selectors.may_see_income(request.user, org)},
    )  # fmt: skip


@login_required
@require_GET
def person(request, pk: int):
    member = selectors.get_person_for_dues(request.user, pk)
    year = year_param(request.GET.get("year"), "year", label=_("年份")) or timezone.localdate().year
    data = selectors.person_dues(request.user, member, year=year, reveal=request.GET.get("reveal") == "1")
    meetings = _decision_meetings(data.org)
    return render(
        request, "dues/person.html",
        {"nav": "orgs", "data": data, "person": member, "org": data.org, "year": year,
         "crumbs": [*crumbs(request.user, member.org), (member.name, reverse("person-detail", args=[member.pk]))],
         "relief_form": ReliefForm(meetings=meetings) if data.can_manage else None, "meetings": meetings,
         "this_year": timezone.localdate().year},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def norm(request, pk: int):
    member = selectors.get_person_for_dues(request.user, pk, Action.MANAGE_DUES)
    org = collecting_org(member.org)
    if not selectors.may_see_income(request.user, org):
        raise PermissionDenied(
            _("党费交纳基数属于个人信息，只有党支部书记、组织委员和党费收缴员可以核定党费标准。")
        )
    initial = {"from_month": current_month()}
    form = NormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.norm_record(
                actor=request.user, person=member, category=data["category"], from_month=data["from_month"],
                income=data["income"] or None, flat=data["flat"] or None, note=data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("党费标准已核定。"))
            return redirect("dues-person", member.pk)
    return render(
        request, "dues/form.html",
        {"nav": "orgs", "form": form, "title": _("核定党费标准：%(name)s") % {"name": member.name},
         "intro": _("交纳基数属于个人信息，只在核定页面和授权人员的名单中显示，变更记录只记“收入已更改”。"),
         "cancel_url": reverse("dues-person", args=[member.pk]), "crumbs": dues_crumbs(request.user, org),
         "calc_url": reverse("dues-calc")},
    )  # fmt: skip


@login_required
@require_POST
def relief_new(request, pk: int):
    member = selectors.get_person_for_dues(request.user, pk, Action.MANAGE_DUES)
    org = collecting_org(member.org)
    form = ReliefForm(request.POST, meetings=_decision_meetings(org))
    if form.is_valid():
        data = form.cleaned_data
        meeting = Meeting.objects.filter(pk=data["meeting"], org=org).first()
        try:
            services.relief_request(
                actor=request.user, person=member, kind=data["kind"], from_month=data["from_month"],
                to_month=data["to_month"], reason=data["reason"], meeting=meeting, amount=data["amount"] or None,
            )  # fmt: skip
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("党费减免已记录，待上一级党委审批。"))
    else:
        for field, errs in form.errors.items():
            for e in errs:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}：{e}")
    return redirect("dues-person", member.pk)


@login_required
@require_http_methods(["GET", "POST"])
def relief_decide(request, pk: int):
    relief = get_object_or_404(
        DuesRelief.objects.select_related("person", "org", "approver", "meeting"), pk=pk
    )
    scope.get_org_for_user(request.user, relief.org_id)  # 404 outside the scope
    if not scope.can(request.user, Action.MANAGE_DUES, relief.approver):
        raise PermissionDenied(_("党费减免由上一级党委（%(name)s）审批。") % {"name": relief.approver.name})
    form = ReliefDecisionForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.relief_decide(
                actor=request.user, relief=relief, approve=request.POST.get("decision") == "approve",
                decided_on=data["decided_on"], reference=data["reference"], note=data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已审批。"))
            return redirect("dues-reliefs", relief.approver_id)
    return render(
        request, "dues/relief_decide.html",
        {"nav": "orgs", "form": form, "relief": relief, "crumbs": dues_crumbs(request.user, relief.approver),
         "title": _("审批党费减免：%(name)s") % {"name": relief.person.name}},
    )  # fmt: skip


@login_required
@require_GET
def reliefs(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    rows = selectors.pending_reliefs(request.user, org)
    for r in rows:
        r.may_decide = r.status == ReliefStatus.PENDING and scope.can(
            request.user, Action.MANAGE_DUES, r.approver
        )
    return render(
        request, "dues/reliefs.html",
        {"nav": "orgs", "org": org, "rows": rows, "tab": "reliefs", "crumbs": crumbs(request.user, org)},
    )  # fmt: skip


@login_required
@require_GET
def arrears(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    rows, remind, lapse = selectors.arrears_for(request.user, org)
    page = Paginator(rows, ARREARS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.may_decide = row.lapse and scope.can(request.user, Action.CHANGE_PERSON, org)
    return render(
        request, "dues/arrears.html",
        {"nav": "orgs", "org": org, "page": page, "rows": page.object_list, "count": len(rows), "remind": remind,
         "lapse": lapse, "lapse_count": sum(1 for r in rows if r.lapse), "tab": "arrears",
         "crumbs": crumbs(request.user, org)},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def lapse(request, pk: int):
    member = selectors.get_person_for_dues(request.user, pk, Action.CHANGE_PERSON)
    org = collecting_org(member.org)
    meetings = _decision_meetings(org)
    form = LapseForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = Meeting.objects.filter(pk=data["meeting"], org=org).first()
        try:
            services.lapse_decide(
                actor=request.user,
                person=member,
                outcome=data["outcome"],
                reason=data["reason"],
                meeting=meeting,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("党支部的研究结果已记录。"))
            return redirect("dues-person", member.pk)
    return render(
        request, "dues/form.html",
        {"nav": "orgs", "form": form, "title": _("按党章第九条研究处理：%(name)s") % {"name": member.name},
         "intro": _("党员连续六个月不交纳党费、没有正当理由的，按党章第九条视为自行脱党，由党支部研究决定；系统只记录党支部的决定，不会自动处理。除名须在人员档案中按程序办理。"),
         "cancel_url": reverse("dues-person", args=[member.pk]), "crumbs": dues_crumbs(request.user, org),
         "empty": not meetings,
         "empty_message": _("请先在会议记录中记录党支部研究此事的支委会或支部党员大会。")},
    )  # fmt: skip
