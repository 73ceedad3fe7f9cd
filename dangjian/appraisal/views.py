"""Pages of the 民主评议: per branch (list, record, correct, result, follow-ups, import, exports) and
the figures of any subtree, each figure linking to the records behind it."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.appraisal import exports, rules, selectors, services, workbook
from dangjian.appraisal.forms import MAX_IMPORT_BYTES, AppraisalForm, CloseForm, DecideForm, ImportForm
from dangjian.appraisal.models import Grade
from dangjian.base.forms import apply_service_errors
from dangjian.base.params import id_or_none, year_param
from dangjian.documents import word
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import Org
from dangjian.orgs.selectors import ancestors_in_scope

PER_PAGE = 50
RECORDS_SHOWN = 2000


def _crumbs(user, org) -> list[tuple[str, str]]:
    return [(a.name, reverse("org-detail", args=[a.pk])) for a in [*ancestors_in_scope(user, org), org]]


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _branch(request, org_pk: int, action: str = Action.VIEW) -> Org:
    org = scope.get_org_for_user(request.user, org_pk, action)
    if not org.is_branch:
        raise Http404(_("民主评议党员以党支部为单位开展，该组织不是党支部。"))
    return org


def _year(request, default: int) -> int:
    return year_param(request.GET.get("year") or request.POST.get("year"), "year", label=_("年度")) or default


@login_required
@require_GET
def appraisal_list(request, org_pk: int):
    """A branch's 民主评议 by year; for a committee, those of its subtree."""
    user = request.user
    org = scope.get_org_for_user(user, org_pk)
    qs = selectors.appraisals_for(user, org, include_subtree=not org.is_branch)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    done = set(qs.values_list("year", flat=True)) if org.is_branch else set()
    return render(
        request,
        "appraisal/list.html",
        {
            "nav": "orgs", "org": org, "page": page, "appraisals": page.object_list,
            "crumbs": _crumbs(user, org), "year": today.year - 1,
            "can_record": org.is_branch and org.is_active and scope.can(user, Action.CHANGE_PERSON, org),
            "open_years": [y for y in (today.year, today.year - 1) if y not in done],
        },
    )  # fmt: skip


def _meetings(org: Org):
    return Meeting.objects.filter(org=org, kind__in=services.MEETING_KINDS).order_by("-held_on", "-id")[:100]


def _posted_grades(request) -> dict[int, str]:
    grades = {}
    for key, value in request.POST.items():
        if key.startswith("grade-") and (pid := id_or_none(key.removeprefix("grade-"))) is not None:
            grades[pid] = value
    return grades


def _roster_rows(org: Org, on: dt.date, grades: dict[int, str] | None):
    people = list(rules.roster_people(org, on).select_related("org"))
    full = rules.full_ids(org, on)
    rows = []
    for person in sorted(people, key=lambda p: p.pk not in full):
        is_full = person.pk in full
        default = Grade.QUALIFIED if is_full else ""
        grade = (grades or {}).get(person.pk, default) if grades is not None else default
        rows.append({"person": person, "is_full": is_full, "grade": rules.parse_grade(grade) or ""})
    return rows


def _form_page(request, *, org, form, rows, year, title, appraisal=None, status=200):
    limit = rules.limit_for(org, form.initial.get("held_on") or timezone.localdate())
    full = sum(1 for r in rows if r["is_full"])
    return render(
        request,
        "appraisal/form.html",
        {
            "nav": "orgs", "org": org, "form": form, "rows": rows, "year": year, "title": title,
            "appraisal": appraisal, "grades": Grade.choices, "full": full, "allowed": limit.allowed(full),
            "fraction": limit.fraction, "crumbs": _crumbs(request.user, org),
            "cancel_url": reverse("appraisal-detail", args=[appraisal.pk]) if appraisal
            else reverse("appraisal-list", args=[org.pk]),
        },
        status=status,
    )  # fmt: skip


def _held_on_of(form, default: dt.date) -> dt.date:
    try:
        return form.fields["held_on"].clean(form.data.get("held_on")) or default
    except ValidationError:
        return default


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_create(request, org_pk: int):
    """开展民主评议: the roster with a grade per full member (合格 by default)."""
    org = _branch(request, org_pk, Action.CHANGE_PERSON)
    today = timezone.localdate()
    year = _year(request, today.year)
    existing = selectors.appraisals_for(request.user, org).filter(year=year).first()
    if existing is not None and request.method == "GET":
        messages.info(request, _("%(year)d年度的民主评议已经记录，可在此更正。") % {"year": year})
        return redirect("appraisal-edit", existing.pk)
    default_day = today if year == today.year else dt.date(year, 12, 31)
    form = AppraisalForm(request.POST or None, meetings=_meetings(org), initial={"held_on": default_day})
    grades = None
    held_on = default_day
    status = 200
    if request.method == "POST":
        grades = _posted_grades(request)
        held_on = _held_on_of(form, default_day)
        form.initial["held_on"] = held_on
        if form.is_valid():
            try:
                appraisal = services.appraisal_record(
                    actor=request.user, org=org, year=year, held_on=form.cleaned_data["held_on"], grades=grades,
                    meeting=form.cleaned_data["meeting"], notes=form.cleaned_data["notes"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc, {"grades": "__all__", "year": "__all__"})
                status = 400
            else:
                messages.success(request, _("民主评议结果已保存。"))
                return redirect("appraisal-detail", appraisal.pk)
        else:
            status = 400
    return _form_page(
        request, org=org, form=form, rows=_roster_rows(org, held_on, grades), year=year,
        title=_("开展民主评议：%(org)s %(year)d年度") % {"org": org.name, "year": year}, status=status,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_edit(request, pk: int):
    appraisal = selectors.get_appraisal_for_user(request.user, pk, Action.CHANGE_PERSON)
    org = appraisal.org
    current = dict(appraisal.entries.values_list("person_id", "grade"))
    form = AppraisalForm(
        request.POST or None, meetings=_meetings(org),
        initial={"held_on": appraisal.held_on, "meeting": appraisal.meeting, "notes": appraisal.notes},
    )  # fmt: skip
    grades, held_on, status = current, appraisal.held_on, 200
    if request.method == "POST":
        grades = _posted_grades(request)
        held_on = _held_on_of(form, appraisal.held_on)
        form.initial["held_on"] = held_on
        if form.is_valid():
            try:
                services.appraisal_update(
                    actor=request.user, appraisal=appraisal, grades=grades, held_on=form.cleaned_data["held_on"],
                    meeting=form.cleaned_data["meeting"], notes=form.cleaned_data["notes"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc, {"grades": "__all__"})
                status = 400
            else:
                messages.success(request, _("民主评议结果已更正。"))
                return redirect("appraisal-detail", appraisal.pk)
        else:
            status = 400
    return _form_page(
        request, org=org, form=form, rows=_roster_rows(org, held_on, grades), year=appraisal.year,
        appraisal=appraisal, status=status,
        title=_("更正民主评议：%(org)s %(year)d年度") % {"org": org.name, "year": appraisal.year},
    )  # fmt: skip


@login_required
@require_GET
def appraisal_detail(request, pk: int):
    user = request.user
    appraisal = selectors.get_appraisal_for_user(user, pk)
    org = appraisal.org
    entries = list(selectors.entries_of(appraisal))
    can_change = org.is_active and scope.can(user, Action.CHANGE_PERSON, org)
    followups = []
    for entry in entries:
        followup = getattr(entry, "followup", None) if entry.grade == Grade.UNQUALIFIED else None
        if followup is None:
            continue
        forms = {}
        if can_change and not followup.outcome:
            forms["decide"] = DecideForm(
                prefix=f"d{followup.pk}",
                initial={"measure": followup.measure, "decided_on": followup.decided_on or timezone.localdate(),
                         "deadline": followup.deadline},
            )  # fmt: skip
            if followup.measure:
                forms["close"] = CloseForm(
                    prefix=f"c{followup.pk}", initial={"outcome_on": timezone.localdate()}
                )
        followups.append({"followup": followup, "entry": entry, **forms})
    counts = [(value, label, sum(1 for e in entries if e.grade == value)) for value, label in Grade.choices]
    return render(
        request,
        "appraisal/detail.html",
        {
            "nav": "orgs", "appraisal": appraisal, "org": org, "entries": entries, "counts": counts,
            "probationary": sum(1 for e in entries if e.is_probationary), "followups": followups,
            "can_change": can_change, "crumbs": _crumbs(user, org),
            "history": selectors.appraisal_history(appraisal)[:50],
        },
    )  # fmt: skip


def _followup_post(request, pk: int, form_class, prefix: str, call):
    followup = selectors.get_followup_for_user(request.user, pk, Action.CHANGE_PERSON)
    appraisal_pk = followup.entry.appraisal_id
    form = form_class(request.POST, prefix=f"{prefix}{followup.pk}")
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        return redirect("appraisal-detail", appraisal_pk)
    try:
        call(followup, form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已记录：%(name)s的组织处置。") % {"name": followup.entry.person.name})
    return redirect(f"{reverse('appraisal-detail', args=[appraisal_pk])}#followups")


@login_required
@require_POST
def followup_decide(request, pk: int):
    return _followup_post(
        request, pk, DecideForm, "d",
        lambda f, data: services.followup_decide(
            actor=request.user, followup=f, measure=data["measure"], decided_on=data["decided_on"],
            deadline=data["deadline"],
        ),
    )  # fmt: skip


@login_required
@require_POST
def followup_close(request, pk: int):
    return _followup_post(
        request, pk, CloseForm, "c",
        lambda f, data: services.followup_close(
            actor=request.user, followup=f, outcome=data["outcome"], outcome_on=data["outcome_on"], note=data["note"],
        ),
    )  # fmt: skip


@login_required
@require_GET
def appraisal_export(request, pk: int):
    appraisal = selectors.get_appraisal_for_user(request.user, pk)
    entries = list(selectors.entries_of(appraisal).select_related("appraisal__org"))
    title = _("%(year)d年度民主评议党员结果") % {"year": appraisal.year}
    data = exports.entries_xlsx(entries, title=title, org_name=appraisal.org.name, day=appraisal.held_on)
    return _attachment(data, f"{appraisal.org.name}-{title}.xlsx", exports.XLSX)


@login_required
@require_GET
def appraisal_sheet(request, pk: int):
    appraisal = selectors.get_appraisal_for_user(request.user, pk)
    entries = list(selectors.entries_of(appraisal))
    try:
        data = exports.sheet_docx(appraisal, entries, today=timezone.localdate())
    except word.UnsafeTemplate as exc:
        return render(
            request, "documents/unsafe_template.html", {"nav": "documents", "message": str(exc)}, status=409
        )
    name = _("%(year)d年度民主评议党员结果表") % {"year": appraisal.year}
    return _attachment(data, f"{appraisal.org.name}-{name}.docx", word.DOCX)


def _held_on_param(request, year: int) -> dt.date:
    today = timezone.localdate()
    default = today if year == today.year else dt.date(year, 12, 31)
    text = (request.GET.get("held_on") or request.POST.get("held_on") or "").strip()
    try:
        return dt.date.fromisoformat(text) if text else default
    except ValueError:
        return default


@login_required
@require_GET
def import_template(request, org_pk: int):
    """The results workbook pre-filled with the roster on the day of the 民主评议 (合格 by default)."""
    org = _branch(request, org_pk, Action.CHANGE_PERSON)
    year = _year(request, timezone.localdate().year)
    held_on = _held_on_param(request, year)
    people = list(rules.roster_people(org, held_on))
    full = rules.full_ids(org, held_on)
    people.sort(key=lambda p: p.pk not in full)
    title = _("%(year)d年度民主评议") % {"year": year}
    data = workbook.template_bytes(people, full, sheet_title=title)
    return _attachment(data, f"{org.name}-{title}-{_('导入模板')}.xlsx", exports.XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_import(request, org_pk: int):
    org = _branch(request, org_pk, Action.CHANGE_PERSON)
    year = _year(request, timezone.localdate().year)
    held_on = _held_on_param(request, year)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"held_on": held_on})
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_IMPORT_BYTES:
                problems = [_("文件超过5MB，不是一个支部的民主评议结果，已拒绝。")]
            else:
                try:
                    appraisal = services.appraisal_import(
                        actor=request.user, org=org, year=year, held_on=form.cleaned_data["held_on"],
                        data=upload.read(MAX_IMPORT_BYTES + 1), filename=upload.name,
                    )  # fmt: skip
                except ValidationError as exc:
                    problems = [m for ms in exc.message_dict.values() for m in ms]
                else:
                    messages.success(request, _("评议结果工作簿已导入。"))
                    return redirect("appraisal-detail", appraisal.pk)
        status = 400
    return render(
        request,
        "appraisal/import.html",
        {
            "nav": "orgs", "org": org, "form": form, "year": year, "problems": problems,
            "crumbs": _crumbs(request.user, org),
            "template_url": f"{reverse('appraisal-import-template', args=[org.pk])}?"
            + urlencode({"year": year, "held_on": held_on.isoformat()}),
        },
        status=status,
    )  # fmt: skip


# ---- figures ---------------------------------------------------------------------------------------


def _figure_org(request) -> Org:
    pk = request.GET.get("org")
    if pk:
        if (org_id := id_or_none(pk)) is None:
            raise Http404(_("党组织不存在。"))
        return scope.get_org_for_user(request.user, org_id)
    root = scope.scope_roots(request.user).order_by("path").first()
    if root is None:
        raise Http404(_("您没有可以查看的党组织。"))
    return root


@login_required
@require_GET
def figures(request):
    org = _figure_org(request)
    year = _year(request, timezone.localdate().year - 1)
    data = selectors.appraisal_figures(request.user, org, year)
    query = urlencode({"org": org.pk, "year": year})
    return render(
        request,
        "appraisal/figures.html",
        {"nav": "stats", "org": org, "year": year, "figures": data, "query": query,
         "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
         "crumbs": _crumbs(request.user, org)},
    )  # fmt: skip


@login_required
@require_GET
def figure_records(request):
    """The entries behind one figure (a grade, the probationary members, the follow-ups by status)."""
    org = _figure_org(request)
    year = _year(request, timezone.localdate().year - 1)
    grade = request.GET.get("grade", "")
    followup = request.GET.get("followup", "")
    if (grade and grade not in Grade.values) or (followup and followup not in selectors.FOLLOWUP_FILTERS):
        raise Http404(_("没有这一项统计数字。"))
    probationary = request.GET.get("probationary") == "1"
    qs = selectors.figure_records(
        request.user, org, year, grade=grade, followup=followup, probationary=probationary
    )
    what = (
        dict(Grade.choices)[grade] if grade
        else _("参加评议的预备党员") if probationary
        else {"pending": _("待决定处置"), "open": _("处置中"), "closed": _("已办结")}[followup] if followup
        else _("全部评议结果")
    )  # fmt: skip
    entries = list(qs[:RECORDS_SHOWN])
    if request.GET.get("format") == "xlsx":
        title = _("%(year)d年度民主评议党员：%(what)s") % {"year": year, "what": what}
        data = exports.entries_xlsx(entries, title=title, org_name=org.name, day=timezone.localdate())
        return _attachment(data, f"{org.name}-{year}-{what}.xlsx", exports.XLSX)
    return render(
        request,
        "appraisal/records.html",
        {"nav": "stats", "org": org, "year": year, "what": what, "entries": entries,
         "truncated": len(entries) >= RECORDS_SHOWN, "crumbs": _crumbs(request.user, org),
         "xlsx_query": urlencode({**request.GET.dict(), "format": "xlsx"}),
         "back": f"{reverse('appraisal-figures')}?{urlencode({'org': org.pk, 'year': year})}"},
    )  # fmt: skip


@login_required
@require_GET
def figure_branches(request):
    """The branches behind the figures "should have held it" and "held it" (or "not yet")."""
    org = _figure_org(request)
    year = _year(request, timezone.localdate().year - 1)
    held = request.GET.get("held", "")
    if held not in ("", "yes", "no"):
        raise Http404(_("没有这一项统计数字。"))
    due, held_ids = selectors.branches_due(request.user, org, year)
    if held == "yes":
        due = [b for b in due if b.pk in held_ids]
    elif held == "no":
        due = [b for b in due if b.pk not in held_ids]
    return render(
        request,
        "appraisal/branches.html",
        {"nav": "stats", "org": org, "year": year, "branches": due, "held_ids": held_ids, "held": held,
         "crumbs": _crumbs(request.user, org),
         "back": f"{reverse('appraisal-figures')}?{urlencode({'org': org.pk, 'year': year})}"},
    )  # fmt: skip
