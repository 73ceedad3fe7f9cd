"""The training pages: classes of an org, a class with its participants, 学时, figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.errors import messages_of
from dangjian.base.forms import apply_service_errors
from dangjian.base.params import MAX_YEAR, MIN_YEAR, BadParameter, id_or_none, year_param
from dangjian.orgs.selectors import ancestors_in_scope
from dangjian.people.models import Standing
from dangjian.training import exports, selectors, services
from dangjian.training.forms import AddParticipantsForm, CompleteForm, TrainingClassForm
from dangjian.training.models import TraineeCategory, TrainingKind

CLASSES_PER_PAGE = 50
ROWS_PER_PAGE = 100
CLASS_FORM_FIELDS = ("name", "kind", "start_on", "end_on", "days", "hours", "place", "online", "notes")
PICKER_STANDINGS = [
    ("member", gettext_lazy("党员")),
    *((s.value, s.label) for s in Standing if s.value not in ("full", "probationary")),
    ("all", gettext_lazy("全部")),
]


def _crumbs(user, org) -> list[tuple[str, str]]:
    return [(a.name, reverse("org-detail", args=[a.pk])) for a in [*ancestors_in_scope(user, org), org]]


def _training_crumbs(user, org) -> list[tuple[str, str]]:
    return [*_crumbs(user, org), (_("培训与学时"), reverse("training-list", args=[org.pk]))]


def _choice_param(value, choices, name: str, label: str) -> str:
    text = (value or "").strip()
    if text and text not in choices:
        raise BadParameter(name, _("参数“%(label)s”无效。") % {"label": label})
    return text


def _date_param(value, name: str, label: str) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise BadParameter(
            name, _("参数“%(label)s”应为日期，格式 YYYY-MM-DD，例如 2026-06-30。") % {"label": label}
        )
    return day


def _period(request) -> tuple[dt.date, dt.date]:
    """from/to (both included); by default this year up to today."""
    today = timezone.localdate()
    start = _date_param(request.GET.get("from"), "from", _("开始日期")) or dt.date(today.year, 1, 1)
    end = _date_param(request.GET.get("to"), "to", _("结束日期")) or max(today, start)
    if end < start:
        raise BadParameter("to", _("结束日期不能早于开始日期。"))
    return start, end


def _xlsx(write, filename: str, *args) -> HttpResponse:
    response = HttpResponse(content_type=exports.XLSX)
    write(response, *args)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _list_filters(request) -> tuple[str, int | None]:
    kind = _choice_param(request.GET.get("kind"), TrainingKind.values, "kind", _("培训类别"))
    year = year_param(request.GET.get("year"), "year", label=_("年份"))
    return kind, year


@login_required
@require_GET
def training_list(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    kind, year = _list_filters(request)
    classes = selectors.classes_for(request.user, org, kind=kind, year=year)
    page = Paginator(classes, CLASSES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    return render(
        request,
        "training/list.html",
        {
            "nav": "orgs", "org": org, "page": page, "classes": page.object_list, "crumbs": _crumbs(request.user, org),
            "kind": kind, "year": year, "kinds": TrainingKind.choices, "query": query.urlencode(),
            "years": list(range(today.year, today.year - 6, -1)),
            "can_record": org.is_active and scope.can(request.user, Action.CHANGE_PERSON, org),
        },
    )  # fmt: skip


@login_required
@require_GET
def training_list_export(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    kind, year = _list_filters(request)
    classes = selectors.classes_for(request.user, org, kind=kind, year=year)
    return _xlsx(exports.class_list, _("培训班-%(org)s.xlsx") % {"org": org.name}, classes, org.name)


def _form_page(request, *, form, title, org, cancel_url):
    return render(
        request,
        "training/form.html",
        {
            "nav": "orgs", "form": form, "title": title, "cancel_url": cancel_url,
            "crumbs": _training_crumbs(request.user, org),
        },
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.CHANGE_PERSON)
    today = timezone.localdate()
    form = TrainingClassForm(request.POST or None, initial={"start_on": today, "end_on": today})
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in CLASS_FORM_FIELDS}
        try:
            training_class = services.training_class_create(actor=request.user, org=org, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("培训班已记录，请登记学员。"))
            return redirect("training-detail", training_class.pk)
    return _form_page(
        request, form=form, title=_("记录培训班：%(name)s") % {"name": org.name}, org=org,
        cancel_url=reverse("training-list", args=[org.pk]),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request, pk: int):
    training_class = selectors.get_class_for_user(request.user, pk, Action.CHANGE_PERSON)
    initial = {f: getattr(training_class, f) for f in CLASS_FORM_FIELDS}
    form = TrainingClassForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in CLASS_FORM_FIELDS}
        if changes["days"] is None:
            changes.pop("days")
        try:
            services.training_class_update(actor=request.user, training_class=training_class, **changes)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("培训班已更正。"))
            return redirect("training-detail", training_class.pk)
    return _form_page(
        request, form=form, title=_("更正培训班：%(name)s") % {"name": training_class.name},
        org=training_class.org, cancel_url=reverse("training-detail", args=[training_class.pk]),
    )  # fmt: skip


def _picked_ids(request) -> list[int]:
    ids = [id_or_none(v) for v in request.POST.getlist("people")]
    if None in ids:
        raise BadParameter("people", _("所选学员无效。"))
    return ids


def _picker_standing(request, training_class) -> str:
    default = selectors.PICKER_STANDING.get(training_class.kind, "member")
    value = request.GET.get("standing", default)
    return _choice_param(value, [k for k, _l in PICKER_STANDINGS], "standing", _("政治面貌"))


@login_required
@require_http_methods(["GET", "POST"])
def training_detail(request, pk: int):
    """The class, its participants (completion by checkboxes) and the picker that adds people."""
    user = request.user
    training_class = selectors.get_class_for_user(user, pk)
    org = training_class.org
    can_change = org.is_active and scope.can(user, Action.CHANGE_PERSON, org)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not can_change:
        raise PermissionDenied(_("您无权修改该培训班的学员名单。"))
    standing = _picker_standing(request, training_class)
    add_form = complete_form = None
    complete_errors: list[str] = []
    if can_change:
        people = selectors.people_for_picker(user, training_class, standing if standing != "all" else "")
        add_form = AddParticipantsForm(
            request.POST if action == "add" else None,
            people=people,
            prefix="add",
            limit=selectors.PICKER_LIMIT,
        )
        complete_form = CompleteForm(request.POST if action == "complete" else None, prefix="done")
        if action == "add" and add_form.is_valid():
            try:
                added = services.participants_add(
                    actor=user, training_class=training_class, people=list(add_form.cleaned_data["people"]),
                    category=add_form.cleaned_data["category"] or None,
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(add_form, exc)
            except PermissionDenied as exc:
                add_form.add_error("people", str(exc))
            else:
                messages.success(request, _("已登记 %(n)d 名学员。") % {"n": len(added)})
                return redirect(f"{reverse('training-detail', args=[pk])}?standing={standing}")
        elif action == "complete" and complete_form.is_valid():
            try:
                done = services.participation_complete(
                    actor=user, training_class=training_class, people=_picked_ids(request),
                    completed_on=complete_form.cleaned_data["completed_on"],
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as exc:
                complete_errors = messages_of(exc)
            else:
                messages.success(request, _("已登记 %(n)d 名学员结业。") % {"n": len(done)})
                return redirect("training-detail", pk)
        elif action == "remove":
            participation = training_class.participations.filter(
                pk=id_or_none(request.POST.get("participation"))
            ).first()
            if participation is None:
                raise Http404(_("该学员不在本培训班的名单中。"))
            services.participation_remove(actor=user, participation=participation)
            messages.success(request, _("已移除：%(name)s。") % {"name": participation.person.name})
            return redirect("training-detail", pk)
    rows = list(selectors.participations_of(training_class))
    return render(
        request,
        "training/detail.html",
        {
            "nav": "orgs", "training_class": training_class, "org": org, "rows": rows,
            "completed": sum(1 for r in rows if r.completed), "can_change": can_change,
            "add_form": add_form, "complete_form": complete_form, "complete_errors": complete_errors,
            "standing": standing, "standings": PICKER_STANDINGS, "crumbs": _training_crumbs(user, org),
            "history": selectors.class_history(training_class, [r.pk for r in rows])[:50],
            "is_candidate_class": training_class.kind == TrainingKind.CANDIDATE,
        },
    )  # fmt: skip


@login_required
@require_GET
def training_export(request, pk: int):
    training_class = selectors.get_class_for_user(request.user, pk)
    rows = selectors.participations_of(training_class)
    return _xlsx(
        exports.participants,
        _("学员名单-%(name)s.xlsx") % {"name": training_class.name},
        training_class,
        rows,
    )


def _year(request) -> int:
    return year_param(request.GET.get("year"), "year", label=_("年份")) or timezone.localdate().year


@login_required
@require_GET
def study_hours(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    year = _year(request)
    study = selectors.study_hours(request.user, org, year)
    page = Paginator(study.below, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "training/hours.html",
        {
            "nav": "orgs", "org": org, "study": study, "page": page, "year": year,
            "years": list(range(today.year, today.year - 6, -1)), "crumbs": _training_crumbs(request.user, org),
        },
    )  # fmt: skip


@login_required
@require_GET
def study_hours_export(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    study = selectors.study_hours(request.user, org, _year(request))
    filename = _("学时未达要求-%(org)s-%(year)d.xlsx") % {"org": org.name, "year": study.year}
    return _xlsx(exports.below_obligation, filename, study)


@login_required
@require_GET
def figures(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    start, end = _period(request)
    return render(
        request,
        "training/figures.html",
        {
            "nav": "orgs", "org": org, "figures": selectors.training_figures(request.user, org, start, end),
            "start": start, "end": end, "crumbs": _training_crumbs(request.user, org),
        },
    )  # fmt: skip


@login_required
@require_GET
def participations(request, org_pk: int):
    """The participations behind a figure (the filters of its URL)."""
    org = scope.get_org_for_user(request.user, org_pk)
    start, end = _period(request)
    kind = _choice_param(request.GET.get("kind"), TrainingKind.values, "kind", _("培训类别"))
    category = _choice_param(request.GET.get("category"), TraineeCategory.values, "category", _("参训类别"))
    qs = (
        selectors.participations_in(request.user, org, start, end, kind=kind, category=category)
        .select_related("person", "person__org", "training_class", "training_class__org")
        .order_by(
            "-training_class__end_on", "training_class_id", "person__org__path", "person__name_sort_key"
        )
    )
    page = Paginator(qs, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/participations.html",
        {
            "nav": "orgs", "org": org, "page": page, "rows": page.object_list, "start": start, "end": end,
            "kind_label": TrainingKind(kind).label if kind else "",
            "category_label": TraineeCategory(category).label if category else "",
            "query": query.urlencode(), "crumbs": _training_crumbs(request.user, org),
            "figures_url": f"{reverse('training-figures', args=[org.pk])}?from={start}&to={end}",
        },
    )  # fmt: skip
