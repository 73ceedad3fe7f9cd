"""The pages of 组织关系转接: the lists (转出, 转入, 待审核, 逾期), the 转出 form from the person file,
a transfer's page with its history and the actions the user may take. Every write is a service."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors
from dangjian.orgs.models import Org
from dangjian.people.models import Person
from dangjian.transfers import figures, selectors, services
from dangjian.transfers.forms import FromOutsideForm, ReasonForm, TransferForm
from dangjian.transfers.letter import letter_docx
from dangjian.transfers.models import OPEN_STATUSES, Status

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TABS = ("out", "in", "review", "overdue")
PAGE_ROWS = 200


@login_required
def transfer_list(request):
    user = request.user
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "out"
    show_all = request.GET.get("all") == "1"
    if tab == "out":
        rows = selectors.outgoing_for(user)
    elif tab == "in":
        rows = selectors.incoming_for(user)
    elif tab == "review":
        rows = selectors.review_for(user)
    else:
        rows = selectors.overdue_for(user)
    if not show_all and tab in ("out", "in"):
        rows = rows.filter(status__in=OPEN_STATUSES)
    today = timezone.localdate()
    counts = {
        "review": selectors.review_for(user).count(),
        "overdue": selectors.overdue_for(user).count(),
    }
    rows = list(rows[:PAGE_ROWS])
    for t in rows:
        t.overdue = t.status == Status.PENDING and t.valid_until is not None and t.valid_until < today
        t.visible = selectors.person_visible(user, t)
        t.receivable = tab == "in" and selectors.permitted(user, t).receive
    context = {"nav": "transfers", "tab": tab, "rows": rows, "show_all": show_all, "counts": counts,
               "any_receivable": any(t.receivable for t in rows)}  # fmt: skip
    return render(request, "transfers/list.html", context)


@login_required
def transfer_figures(request):
    """统计: the figures of a subtree and a period, each a link to the transfers behind it."""
    from dangjian.stats.selectors import parse_period

    user = request.user
    roots = list(scope.scope_roots(user)[:1])
    if not roots:
        raise Http404
    org = (
        scope.get_org_for_user(user, request.GET["org"]) if request.GET.get("org", "").isdigit() else roots[0]
    )
    period = parse_period(request.GET.get("from"), request.GET.get("to"))
    today = timezone.localdate()
    figure = request.GET.get("figure", "")
    rows = None
    if figure in figures.FIGURE_LABELS:
        rows = list(figures.figure_transfers(user, figure, org, period.start, period.end, today)[:PAGE_ROWS])
        for t in rows:
            t.overdue = t.status == Status.PENDING and t.valid_until is not None and t.valid_until < today
            t.visible = selectors.person_visible(user, t)
    counts = {
        "review": selectors.review_for(user).count(),
        "overdue": selectors.overdue_for(user).count(),
    }
    context = {
        "nav": "transfers", "tab": "figures", "org": org, "period": period, "counts": counts,
        "figures": figures.transfer_figures(user, org, period.start, period.end, today),
        "figure": figure, "figure_label": figures.FIGURE_LABELS.get(figure, ""), "rows": rows,
        "query": f"org={org.pk}&from={period.start:%Y-%m}&to={period.end:%Y-%m}",
    }  # fmt: skip
    return render(request, "transfers/figures.html", context)


@login_required
def transfer_new(request, person_pk: int):
    person = scope.get_person_for_user(request.user, person_pk, Action.CHANGE_PERSON)
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()
    matches = [m for m in selectors.target_orgs(query) if m["id"] != person.org_id]
    form = TransferForm(request.POST or None)
    chosen = None
    if request.method == "POST" and form.is_valid():
        picked = request.POST.get("to_org") or ""
        # The org comes from the radio list of the search (name and code only), not a form field.
        chosen = Org.objects.filter(pk=int(picked)).first() if picked.isdigit() and len(picked) < 10 else None
        try:
            transfer = services.transfer_submit(
                actor=request.user, person=person, to_org=chosen, to_outside=form.cleaned_data["to_outside"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"], on=form.cleaned_data["on"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)  # errors of fields not on the form (to_org) go on top
        else:
            messages.success(request, "已发起组织关系转出，等待审核党委审核。")
            return redirect("transfer-detail", transfer.pk)
    context = {
        "nav": "transfers", "person": person, "form": form, "query": query, "matches": matches,
        "chosen": request.POST.get("to_org") or "", "reviewer": services.reviewer_for(person.org),
    }  # fmt: skip
    return render(request, "transfers/new.html", context)


@login_required
def transfer_detail(request, pk: int):
    transfer = selectors.get_transfer_for_user(request.user, pk)
    today = timezone.localdate()
    context = {
        "nav": "transfers",
        "t": transfer,
        "visible": selectors.person_visible(request.user, transfer),
        "may": selectors.permitted(request.user, transfer),
        "events": transfer.events.all(),
        "overdue": transfer.status == Status.PENDING
        and transfer.valid_until
        and transfer.valid_until < today,
        "reason_form": ReasonForm(),
    }
    return render(request, "transfers/detail.html", context)


@login_required
@require_POST
def transfer_receive_many(request):
    """批量接收 from the incoming list: the ticked transfers, all or none."""
    ids = [int(v) for v in request.POST.getlist("pick") if v.isdigit() and len(v) < 10]
    found = {t.pk: t for t in selectors.visible_transfers(request.user).filter(pk__in=ids)}
    if len(found) != len(set(ids)):
        raise Http404("有转接不存在或不在您的管理范围内。")
    try:
        done = services.transfers_receive_many(actor=request.user, transfers=list(found.values()))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已接收{len(done)}名同志。")
    return redirect(reverse("transfer-list") + "?tab=in")


ACTIONS = {"approve", "receive", "return", "cancel", "receipt"}


@login_required
def transfer_letter(request, pk: int):
    """The 介绍信 with its 回执 (Word, A4): for the sending side and the reviewer once issued."""
    transfer = selectors.get_transfer_for_user(request.user, pk)
    if not selectors.permitted(request.user, transfer).letter:
        raise Http404("介绍信尚未开具，或您不能查看。")
    content = letter_docx(transfer)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"介绍信-{transfer.letter_no}.docx")
    return response


@login_required
@require_POST
def transfer_act(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    transfer = selectors.get_transfer_for_user(request.user, pk)
    user = request.user
    try:
        if action == "approve":
            services.transfer_approve(actor=user, transfer=transfer)
            messages.success(request, "审核通过，已开具介绍信，等待接收。")
        elif action == "receipt":
            on = _date_or_none(request.POST.get("on"))
            services.transfer_record_receipt(
                actor=user, transfer=transfer, on=on, note=request.POST.get("note", "")
            )
            messages.success(request, "已登记回执，该同志已作转出（减少）处理。")
        elif action == "receive":
            services.transfer_receive(actor=user, transfer=transfer)
            messages.success(request, "已接收，该同志的档案已转入本组织。")
        else:
            form = ReasonForm(request.POST)
            reason = form.data.get("reason", "")
            service = services.transfer_return if action == "return" else services.transfer_cancel
            service(actor=user, transfer=transfer, reason=reason)
            messages.success(request, "已退回。" if action == "return" else "已撤销。")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("transfer-detail", transfer.pk)


def _date_or_none(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError({"on": ["日期格式应为 YYYY-MM-DD。"]}) from None


PERSON_KEYS = ("name", "gender", "birth_date", "standing", "admitted_on", "converted_on")


@login_required
def transfer_from_outside(request):
    """接收 a member with a letter from outside the system, into an org of the user's scope."""
    form = FromOutsideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = data["org_code"].strip()
        org = scope.orgs_for(request.user, Action.CHANGE_PERSON).filter(code=code).first()
        if org is None:
            form.add_error("org_code", "该党组织不存在或不在您的管理范围内。")
        else:
            fields = {k: data[k] for k in PERSON_KEYS if data.get(k) not in ("", None)}
            try:
                transfer = services.transfer_receive_from_outside(
                    actor=request.user, org=org, from_outside=data["from_outside"], letter_no=data["letter_no"],
                    reason=data["reason"], id_number=data["id_number"], on=data["on"], note=data["note"],
                    person_fields=fields,
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "已从系统外转入。")
                return redirect("transfer-detail", transfer.pk)
    return render(request, "transfers/from_outside.html", {"nav": "transfers", "form": form})


BATCH_MAX = 500


@login_required
def transfer_batch(request, org_pk: int):
    """批量转出: members of one org (a unit merged into another) sent to one target, all or none."""
    org = scope.get_org_for_user(request.user, org_pk, Action.CHANGE_PERSON)
    members = list(
        Person.objects.filter(org=org, reduction="").exclude(transfers__status__in=OPEN_STATUSES)
        .order_by("name_sort_key", "id")[:BATCH_MAX]
    )  # fmt: skip
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()
    matches = [m for m in selectors.target_orgs(query) if m["id"] != org.pk]
    form = TransferForm(request.POST or None)
    picked = set(request.POST.getlist("pick"))
    if request.method == "POST" and form.is_valid():
        chosen_id = request.POST.get("to_org") or ""
        chosen = (
            Org.objects.filter(pk=int(chosen_id)).first()
            if chosen_id.isdigit() and len(chosen_id) < 10
            else None
        )
        people = [p for p in members if str(p.pk) in picked]
        try:
            if chosen is None:
                raise ValidationError("请选择接收党组织。")
            done = services.transfers_submit_many(
                actor=request.user, people=people, to_org=chosen, reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"], on=form.cleaned_data["on"],
            )  # fmt: skip
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"已发起{len(done)}名同志的组织关系转出，等待审核党委审核。")
            return redirect(reverse("transfer-list") + "?tab=out")
    context = {
        "nav": "transfers", "org": org, "members": members, "form": form, "query": query, "matches": matches,
        "chosen": request.POST.get("to_org") or "", "picked": picked, "reviewer": services.reviewer_for(org),
    }  # fmt: skip
    return render(request, "transfers/batch.html", context)
