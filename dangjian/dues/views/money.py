"""The money's side: an org's books (balance by month, 上缴 with the share the rule set asks for,
opening balance, spending, requests), allocations (下拨) and their notice, the statistics with the
records behind each figure, and the yearly 党费收缴使用情况公示."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.errors import messages_of
from dangjian.base.forms import apply_service_errors
from dangjian.base.params import year_param
from dangjian.documents.word import UnsafeTemplate
from dangjian.dues import exports, selectors, services
from dangjian.dues.forms import AllocationForm, HandUpForm, NoteForm, OpeningForm, RequestForm, SpendingForm
from dangjian.dues.models import Allocation, FundRequest, Purpose, RequestStatus
from dangjian.dues.months import month_label
from dangjian.dues.orgs import fund_parent
from dangjian.dues.views._common import DOCX, crumbs, current_month, dues_crumbs, file_response, period_arg
from dangjian.dues.views.members import _decision_meetings
from dangjian.meetings.models import Meeting
from dangjian.mobilization.models import Campaign
from dangjian.orgs.models import Org
from dangjian.people.models import Person

RECORDS_PER_PAGE = 100


def _year(request) -> int:
    return year_param(request.GET.get("year"), "year", label=_("年份")) or timezone.localdate().year


def _campaigns(org: Org) -> list[tuple[int, str]]:
    """Campaigns run by the org, above it or below it (a city campaign concerns every branch)."""
    ancestors = [org.path[:i] for i in range(Org.steplen, len(org.path) + 1, Org.steplen)]
    qs = Campaign.objects.filter(org__path__in=ancestors) | Campaign.objects.filter(
        org__path__startswith=org.path
    )
    return [(c.pk, f"{c.name}（{c.starts_on:%Y-%m-%d}）") for c in qs.distinct().order_by("-starts_on")[:30]]


def _write_then_funds(request, org, done: str, write) -> HttpResponse:
    """Run a write from a funds form: its refusal shown as messages, its success as `done`; back to
    the funds page either way."""
    try:
        write()
    except ValidationError as exc:
        _report(request, exc)
    else:
        messages.success(request, done)
    return _back_to_funds(org)


@login_required
@require_GET
def funds(request, org_pk: int):
    user = request.user
    org = scope.get_org_for_user(user, org_pk)
    year = _year(request)
    first, last = year * 12, min(year * 12 + 11, max(current_month(), year * 12))
    refused = selectors.refusal(org)
    period_from, period_to = selectors.default_period()
    can_manage = not refused and org.is_active and scope.can(user, Action.MANAGE_DUES, org)
    made, received = selectors.requests_of(org)
    handups_out, handups_in = selectors.handups_of(org, first, last)
    suggestion = selectors.handup_suggestion(org, period_from, period_to) if not refused else None
    earmarks = selectors.earmarks_of(org)
    context = {
        "nav": "orgs", "org": org, "year": year, "tab": "funds", "crumbs": crumbs(user, org), "refused": refused,
        "rows": selectors.balances(org, first, last) if not refused else [], "balance": selectors.balance_now(org),
        "handups_out": handups_out, "handups_in": handups_in, "suggestion": suggestion, "earmarks": earmarks,
        "spendings": selectors.spendings_of(org, first, last), "opening": selectors.opening_of(org),
        "requests_made": made, "requests_received": received, "can_manage": can_manage,
        "parent": fund_parent(org) if not refused else None, "years": list(range(timezone.localdate().year, 2019, -1)),
        "centre_payments": selectors.voluntary_to_centre(org, first, last),
    }  # fmt: skip
    if can_manage:
        initial = {"handed_on": timezone.localdate(), "period_from": period_from, "period_to": period_to}
        if suggestion is not None:
            initial.update(amount=suggestion.amount, centre_amount=suggestion.centre)
        context["handup_form"] = HandUpForm(initial=initial, top=context["parent"] is None)
        context["spending_form"] = SpendingForm(
            initial={"spent_on": timezone.localdate()}, meetings=_decision_meetings(org),
            allocations=[(e.allocation.pk, f"{e.allocation.title}（{_('尚未使用')}{e.unspent}）") for e in earmarks
                         if e.unspent > 0],
        )  # fmt: skip
        context["request_form"] = RequestForm(campaigns=_campaigns(org)) if context["parent"] else None
        context["opening_form"] = (
            OpeningForm(initial={"month": current_month()}) if context["opening"] is None else None
        )
    return render(request, "dues/funds.html", context)


def _back_to_funds(org: Org):
    return redirect("dues-funds", org.pk)


def _report(request, exc: ValidationError | PermissionDenied) -> None:
    for message in messages_of(exc):
        messages.error(request, message)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


@login_required
@require_http_methods(["POST"])
def opening(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.MANAGE_DUES)
    form = OpeningForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to_funds(org)
    try:
        services.fund_opening_set(actor=request.user, org=org, month=form.cleaned_data["month"],
                                  amount=form.cleaned_data["amount"], note=form.cleaned_data["note"])  # fmt: skip
    except ValidationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("期初结余已登记。"))
    return _back_to_funds(org)


@login_required
@require_http_methods(["POST"])
def handup(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.MANAGE_DUES)
    form = HandUpForm(request.POST, top=fund_parent(org) is None)
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to_funds(org)
    data = form.cleaned_data
    return _write_then_funds(
        request,
        org,
        _("上缴已记录。"),
        lambda: services.handup_record(
            actor=request.user,
            org=org,
            handed_on=data["handed_on"],
            amount=data["amount"],
            centre_amount=data["centre_amount"] or None,
            period_from=data["period_from"],
            period_to=data["period_to"],
            to_name=data.get("to_name", ""),
            note=data["note"],
        ),
    )


@login_required
@require_http_methods(["POST"])
def spending(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.MANAGE_DUES)
    earmarks = [(e.allocation.pk, e.allocation.title) for e in selectors.earmarks_of(org)]
    form = SpendingForm(request.POST, allocations=earmarks, meetings=_decision_meetings(org))
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to_funds(org)
    data = form.cleaned_data
    allocation = Allocation.objects.filter(pk=data["allocation"]).first() if data["allocation"] else None
    meeting = Meeting.objects.filter(pk=data["meeting"], org=org).first() if data["meeting"] else None
    return _write_then_funds(
        request,
        org,
        _("党费使用已登记。"),
        lambda: services.spending_record(
            actor=request.user,
            org=org,
            spent_on=data["spent_on"],
            amount=data["amount"],
            purpose=data["purpose"],
            description=data["description"],
            allocation=allocation,
            meeting=meeting,
        ),
    )


@login_required
@require_http_methods(["POST"])
def fund_request(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.MANAGE_DUES)
    form = RequestForm(request.POST, campaigns=_campaigns(org))
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to_funds(org)
    data = form.cleaned_data
    campaign = Campaign.objects.filter(pk=data["campaign"]).first() if data["campaign"] else None
    return _write_then_funds(
        request,
        org,
        _("下拨申请已报送上一级党组织。"),
        lambda: services.fund_request_create(
            actor=request.user,
            org=org,
            amount=data["amount"],
            purpose=data["purpose"],
            reason=data["reason"],
            campaign=campaign,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_decline(request, pk: int):
    item = get_object_or_404(FundRequest.objects.select_related("org", "to_org"), pk=pk)
    org = scope.get_org_for_user(request.user, item.to_org_id, Action.MANAGE_DUES)
    form = NoteForm(request.POST or None)
    form.fields["note"].label = _("处理意见")
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_request_decline(actor=request.user, request=item, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已回复下拨申请。"))
            return _back_to_funds(org)
    return render(
        request, "dues/form.html",
        {"nav": "orgs", "form": form, "submit_label": _("不同意下拨"), "crumbs": dues_crumbs(request.user, org),
         "title": _("回复下拨申请：%(name)s") % {"name": item.org.name}, "intro": item.reason,
         "cancel_url": reverse("dues-funds", args=[org.pk])},
    )  # fmt: skip


@login_required
@require_GET
def notice(request, org_pk: int):
    """党费收缴使用情况公示 of a year (Word, the replaceable template)."""
    org = scope.get_org_for_user(request.user, org_pk)
    year = _year(request)
    try:
        content = exports.notice_docx(org, year, today=timezone.localdate())
    except UnsafeTemplate as exc:
        messages.error(request, str(exc))
        return _back_to_funds(org)
    return file_response(
        content, DOCX, _("党费收缴使用情况公示-%(org)s-%(year)d年.docx") % {"org": org.name, "year": year}
    )


# ---- allocations -------------------------------------------------------------------------------------


@login_required
@require_GET
def allocations(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    purpose = request.GET.get("purpose", "")
    if purpose not in Purpose.values:
        purpose = ""
    qs = selectors.allocations_for(request.user, org, purpose=purpose)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "dues/allocations.html",
        {"nav": "orgs", "org": org, "page": page, "rows": page.object_list, "tab": "allocations", "purpose": purpose,
         "purposes": Purpose.choices, "crumbs": crumbs(request.user, org), "refused": selectors.refusal(org),
         "can_allocate": not selectors.refusal(org) and org.is_active and scope.can(request.user, Action.MANAGE_DUES, org),
         "earmarks": selectors.earmarks_of(org)},
    )  # fmt: skip


LINE_SPLIT = re.compile(r"[,，\t]")


def _parse_lines(org: Org, text: str) -> tuple[list[services.LineIn], list[str]]:
    """Each line: an org code (below `org`) or a person's name, an amount, an optional note."""
    lines, problems = [], []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in LINE_SPLIT.split(raw)]
        if len(parts) < 2:
            problems.append(_("第%(n)d行：请按“对象,金额,说明”填写。") % {"n": n})
            continue
        who, amount, note = parts[0], parts[1], "，".join(parts[2:])
        target = Org.objects.filter(code=who, path__startswith=org.path).first()
        if target is not None:
            lines.append(services.LineIn(amount=amount, org=target, note=note))
            continue
        person = Person.objects.select_related("org").filter(name=who, org__path__startswith=org.path).first()
        if person is not None:
            lines.append(services.LineIn(amount=amount, person=person, note=note))
        else:
            lines.append(services.LineIn(amount=amount, recipient=who[:60], note=note))
    return lines, problems


@login_required
@require_http_methods(["GET", "POST"])
def allocation_create(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.MANAGE_DUES)
    if selectors.refusal(org):
        raise PermissionDenied(selectors.refusal(org))
    earmarks = [e for e in selectors.earmarks_of(org) if e.unspent > 0]
    pending = FundRequest.objects.filter(to_org=org, status=RequestStatus.PENDING).select_related("org")
    form = AllocationForm(
        request.POST or None, initial={"allocated_on": timezone.localdate()}, meetings=_decision_meetings(org),
        campaigns=_campaigns(org),
        sources=[(e.allocation.pk, f"{e.allocation.title}（{_('尚未使用')}{e.unspent}）") for e in earmarks],
        requests=[(r.pk, f"{r.org.name} {r.get_purpose_display()} {r.amount}") for r in pending],
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines, problems = _parse_lines(org, data["lines"])
        for problem in problems:
            form.add_error("lines", problem)
        if not problems:
            try:
                allocation = services.allocation_record(
                    actor=request.user, org=org, purpose=data["purpose"], title=data["title"],
                    allocated_on=data["allocated_on"], meeting=Meeting.objects.filter(pk=data["meeting"], org=org).first(),
                    lines=lines, earmark=data["earmark"],
                    campaign=Campaign.objects.filter(pk=data["campaign"]).first() if data["campaign"] else None,
                    source=Allocation.objects.filter(pk=data["source"]).first() if data["source"] else None,
                    request=pending.filter(pk=data["request"]).first() if data["request"] else None, note=data["note"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("下拨已记录。"))
                return redirect("dues-allocation", allocation.pk)
    return render(
        request, "dues/form.html",
        {"nav": "orgs", "form": form, "title": _("下拨党费：%(name)s") % {"name": org.name},
         "intro": _("党费的使用和下拨须经集体研究决定，专款专用；下级申请下拨只能向上一级党组织提出。下拨到下级党组织的，由其登记使用情况；直接慰问、补助到人的，按名单发放。"),
         "cancel_url": reverse("dues-allocations", args=[org.pk]), "crumbs": dues_crumbs(request.user, org)},
    )  # fmt: skip


@login_required
@require_GET
def allocation(request, pk: int):
    item = selectors.get_allocation_for_user(request.user, pk)
    detail = selectors.allocation_detail(request.user, item)
    org = item.org if scope.can(request.user, Action.VIEW, item.org) else None
    return render(
        request, "dues/allocation.html",
        {"nav": "orgs", "item": item, "detail": detail, "org": org,
         "crumbs": dues_crumbs(request.user, org) if org else []},
    )  # fmt: skip


@login_required
@require_GET
def allocation_notice(request, pk: int):
    item = selectors.get_allocation_for_user(request.user, pk)
    detail = selectors.allocation_detail(request.user, item)
    content = exports.allocation_docx(detail, today=timezone.localdate())
    return file_response(content, DOCX, _("党费下拨通知-%(title)s.docx") % {"title": item.title[:40]})


# ---- statistics --------------------------------------------------------------------------------------


@login_required
@require_GET
def stats(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    first, last = period_arg(request)
    figures = selectors.dues_figures(request.user, org, first, last)
    return render(
        request, "dues/stats.html",
        {"nav": "orgs", "org": org, "f": figures, "tab": "stats", "crumbs": crumbs(request.user, org),
         "from": month_label(first), "to": month_label(last)},
    )  # fmt: skip


@login_required
@require_GET
def stats_card(request, org_pk: int):
    """The dues figures on the statistics page (loaded after the page)."""
    org = scope.get_org_for_user(request.user, org_pk)
    first, last = period_arg(request)
    return render(
        request,
        "dues/_stats_card.html",
        {"org": org, "f": selectors.dues_figures(request.user, org, first, last)},
    )


@login_required
@require_GET
def records(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    first, last = period_arg(request)
    kind = request.GET.get("kind", "collection")
    rows = selectors.records(org, first, last, kind, request.GET)
    page = Paginator(rows, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "dues/records.html",
        {"nav": "orgs", "org": org, "kind": kind, "title": selectors.KINDS[kind], "page": page, "rows": page.object_list,
         "query": query.urlencode(), "from": month_label(first), "to": month_label(last),
         "crumbs": dues_crumbs(request.user, org)},
    )  # fmt: skip
