"""The reserve-pool pages: the pool of an org's subtree, one entry (review, appointment, tasks), the
coverage of villages and communities against the standard, and the structure figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors
from dangjian.base.params import BadParameter, date_param, id_or_none, int_param
from dangjian.orgs.selectors import ancestors_in_scope
from dangjian.talent import exports, selectors, services
from dangjian.talent.forms import AppointForm, EntryForm, ReviewForm, TaskCloseForm, TaskForm
from dangjian.talent.models import EntryStatus, SourceChannel

PER_PAGE = 50
VILLAGES_PER_PAGE = 200


def _crumbs(user, org) -> list[tuple[str, str]]:
    return [(a.name, reverse("org-detail", args=[a.pk])) for a in [*ancestors_in_scope(user, org), org]]


def _pool_crumbs(user, org) -> list[tuple[str, str]]:
    return [*_crumbs(user, org), (_("后备力量"), reverse("talent-pool", args=[org.pk]))]


def _choice(request, name: str, choices, label: str, default: str = "") -> str:
    value = (request.GET.get(name, default) or "").strip()
    if value and value not in choices:
        raise BadParameter(name, _("参数“%(label)s”无效。") % {"label": label})
    return value


@login_required
@require_GET
def pool(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    status = _choice(request, "status", [*EntryStatus.values, "all"], _("状态"), EntryStatus.ACTIVE)
    source = _choice(request, "source", SourceChannel.values, _("来源渠道"))
    entries = selectors.entries_for(
        request.user, org, status="" if status == "all" else status, source=source
    )
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "talent/pool.html",
        {
            "nav": "orgs", "org": org, "page": page, "entries": page.object_list, "crumbs": _crumbs(request.user, org),
            "status": status, "source": source, "statuses": EntryStatus.choices, "sources": SourceChannel.choices,
            "query": query.urlencode(), "today": timezone.localdate(),
            "can_record": org.is_active and scope.can(request.user, Action.CHANGE_PERSON, org),
        },
    )  # fmt: skip


@login_required
@require_GET
def pool_export(request, org_pk: int):
    """一村一册 (Excel): the pool in the page's filters, and the structure of the subtree's pool."""
    org = scope.get_org_for_user(request.user, org_pk)
    status = _choice(request, "status", [*EntryStatus.values, "all"], _("状态"), EntryStatus.ACTIVE)
    source = _choice(request, "source", SourceChannel.values, _("来源渠道"))
    entries = selectors.entries_for(
        request.user, org, status="" if status == "all" else status, source=source
    )
    figures = selectors.structure(request.user, org)
    response = HttpResponse(content_type=exports.XLSX)
    exports.booklet(response, org, entries, figures)
    filename = _("后备力量名册-%(org)s.xlsx") % {"org": org.name}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _form_page(request, *, form, title, org, cancel_url):
    return render(
        request,
        "talent/form.html",
        {
            "nav": "orgs", "form": form, "title": title, "cancel_url": cancel_url,
            "crumbs": _pool_crumbs(request.user, org),
        },
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.CHANGE_PERSON)
    form = EntryForm(request.POST or None, initial={"registered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        id_number = data.pop("id_number").strip().upper()
        person = None
        if id_number:
            person = scope.people_for(request.user).filter(id_number=id_number).first()
            if person is None:
                form.add_error("id_number", _("未找到该公民身份号码的人员档案，或该人员不在您的管理范围内。"))
        if not form.errors:
            if person is not None:
                for key in ("name", "gender", "birth_date"):
                    data.pop(key)
            try:
                entry = services.entry_register(actor=request.user, org=org, person=person, **data)
            except ValidationError as exc:
                apply_service_errors(form, exc, {"person": "id_number"})
            else:
                messages.success(request, _("已登记为后备力量。"))
                return redirect("talent-entry", entry.pk)
    return _form_page(
        request, form=form, title=_("登记后备力量：%(name)s") % {"name": org.name}, org=org,
        cancel_url=reverse("talent-pool", args=[org.pk]),
    )  # fmt: skip


ACTIONS = {"review": ReviewForm, "appoint": AppointForm, "task": TaskForm, "close": TaskCloseForm}


def _act(request, entry, action: str, form) -> str:
    data, user = form.cleaned_data, request.user
    if action == "review":
        services.entry_review(actor=user, entry=entry, **data)
        return _("年度调整已记录。")
    if action == "appoint":
        services.entry_appoint(actor=user, entry=entry, post=data["post"], on=data["on"])
        return _("已记录选任。")
    if action == "task":
        services.task_assign(actor=user, entry=entry, **data)
        return _("任务已交办。")
    task = entry.tasks.filter(pk=id_or_none(request.POST.get("task"))).first()
    if task is None:
        raise BadParameter("task", _("所选任务无效。"))
    services.task_close(actor=user, task=task, **data)
    return _("任务完成情况已评定。")


@login_required
@require_http_methods(["GET", "POST"])
def entry_detail(request, pk: int):
    entry = selectors.get_entry_for_user(request.user, pk)
    can_change = entry.org.is_active and scope.can(request.user, Action.CHANGE_PERSON, entry.org)
    today = timezone.localdate()
    forms = {
        "review": ReviewForm(initial={"year": today.year, "reviewed_on": today, "result": "kept"}, prefix="review"),
        "appoint": AppointForm(initial={"on": today}, prefix="appoint"),
        "task": TaskForm(initial={"assigned_on": today}, prefix="task"),
        "close": TaskCloseForm(initial={"closed_on": today}, prefix="close"),
    }  # fmt: skip
    if request.method == "POST":
        entry = selectors.get_entry_for_user(request.user, pk, Action.CHANGE_PERSON)
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            raise BadParameter("action", _("操作无效。"))
        form = ACTIONS[action](request.POST, prefix=action)
        forms[action] = form
        if form.is_valid():
            try:
                message = _act(request, entry, action, form)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("talent-entry", entry.pk)
    return render(
        request,
        "talent/entry.html",
        {
            "nav": "orgs", "entry": entry, "org": entry.org, "crumbs": _pool_crumbs(request.user, entry.org),
            "reviews": selectors.reviews_of(entry), "tasks": selectors.tasks_of(entry), "forms": forms,
            "can_change": can_change, "person_visible": entry.person is not None,
        },
    )  # fmt: skip


def _coverage(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    on = date_param(request.GET.get("on"), "on", label=_("日期"))
    below_only = request.GET.get("below") == "1"
    return org, selectors.coverage(request.user, org, on=on, below_only=below_only), below_only


@login_required
@require_GET
def coverage(request, org_pk: int):
    org, report, below_only = _coverage(request, org_pk)
    page = Paginator(report.villages, VILLAGES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "talent/coverage.html",
        {
            "nav": "orgs", "org": org, "report": report, "below_only": below_only, "query": query.urlencode(),
            "crumbs": _crumbs(request.user, org), "page": page, "villages": page.object_list,
        },
    )  # fmt: skip


@login_required
@require_GET
def coverage_export(request, org_pk: int):
    org, report, _below = _coverage(request, org_pk)
    response = HttpResponse(content_type=exports.XLSX)
    exports.coverage(response, report)
    filename = _("后备力量达标情况-%(org)s.xlsx") % {"org": org.name}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def structure(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    on = date_param(request.GET.get("on"), "on", label=_("日期"))
    figures = selectors.structure(request.user, org, on=on)
    year = int_param(request.GET.get("year"), "year", label=_("换届年度"), minimum=1949, maximum=2100)
    elected = selectors.elected_from_pool(request.user, org, year)
    groups = [
        (_("年龄"), figures.age), (_("学历"), figures.education), (_("来源渠道"), figures.source),
        (_("政治面貌"), figures.standing), (_("储备岗位"), figures.reserved_for), (_("职业"), figures.occupation),
    ]  # fmt: skip
    return render(
        request,
        "talent/structure.html",
        {
            "nav": "orgs",
            "org": org,
            "figures": figures,
            "groups": groups,
            "crumbs": _crumbs(request.user, org),
            "elected": elected,
        },
    )
