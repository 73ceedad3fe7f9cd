"""Pages: 文书报表 (exports, Word documents, PDF), the work briefing, export jobs, Word templates."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from dangjian.accounts import scope
from dangjian.development.selectors import get_case_for_user
from dangjian.documents import briefing, meeting_record, pdf, selectors, services, word
from dangjian.documents.models import ExportJob, ExportKind, ExportStatus, TemplateKind
from dangjian.orgs.fields import OrgPickerForm
from dangjian.orgs.models import Org, OrgKind
from dangjian.people.models import Category, Standing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
CHOOSER_KINDS = (
    OrgKind.COMMITTEE,
    OrgKind.WORKING_COMMITTEE,
    OrgKind.GENERAL_BRANCH,
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
)
CAMPAIGN_PAGES = {
    "temporary_orgs": "mobilization-temporary-orgs", "teams": "mobilization-teams", "posts": "mobilization-posts",
    "zones": "mobilization-posts", "volunteer_events": "mobilization-volunteer",
    "commendations": "mobilization-commendations",
}  # fmt: skip
ORG_DOCUMENTS = (TemplateKind.CANDIDATE_NOTICE, TemplateKind.ADMISSION_NOTICE, TemplateKind.APPROVAL_SUMMARY)
CASE_DOCUMENTS = (TemplateKind.ACTIVIST_FILING, TemplateKind.CANDIDATE_FILING)
SHOWN_RECORDS = 500


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _chooser(request, org: Org) -> OrgPickerForm:
    """The org picker (any committee or branch in the user's scope, typed by name, code or pinyin)."""
    data = request.GET if request.method == "GET" else request.POST
    return OrgPickerForm(request.user, data, name="org_code", initial=org, kinds=CHOOSER_KINDS)


def _org(request, key: str = "org") -> Org:
    """The chosen org (in scope, or 404); the top of the user's scope when none is chosen. An org
    typed in the picker (`org_code`) comes first; a bad one is shown as the picker's error."""
    if key == "org" and (picked := _chooser(request, None).org) is not None:
        return picked
    pk = request.GET.get(key) or request.POST.get(key)
    if pk:
        try:
            return scope.get_org_for_user(request.user, int(pk))
        except (TypeError, ValueError) as exc:
            raise Http404("党组织不存在。") from exc
    root = scope.scope_roots(request.user).order_by("path").first()
    if root is None:
        raise Http404("您没有可以查看的党组织。")
    return root


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _period(request) -> selectors.Period:
    today = timezone.localdate()
    data = request.GET if request.method == "GET" else request.POST
    start = _date(data.get("from"), today.replace(month=1, day=1))
    end = _date(data.get("to"), today)
    if end < start:
        start, end = end, start
    return selectors.Period(start, end)


# ---- 文书报表 --------------------------------------------------------------------------------------


@login_required
def index(request):
    org = _org(request)
    context = {
        "nav": "documents",
        "org": org,
        "org_picker": _chooser(request, org),
        "may_unmask": selectors.may_see_personal_data(request.user, org),
        "roster_rows": selectors.roster_count(org, selectors.MEMBERS),
        "development_rows": selectors.roster_count(org, selectors.DEVELOPMENT),
        "background_rows": services.BACKGROUND_ROWS,
        "org_documents": [(k.value, k.label) for k in ORG_DOCUMENTS],
        "jobs": ExportJob.objects.filter(owner=request.user).select_related("org")[:10],
        "may_manage_templates": services.may_manage_templates(request.user),
    }
    return render(request, "documents/index.html", context)


@login_required
@require_POST
def export(request):
    org = _org(request)
    kind = request.POST.get("kind", "")
    if kind not in ExportKind.values:
        raise Http404("未知的导出类别。")
    unmask = request.POST.get("unmask") == "1"
    if services.export_rows(kind, org) > services.BACKGROUND_ROWS:
        job = services.export_start(user=request.user, kind=kind, org=org, unmask=unmask)
        return redirect("export-job", pk=job.pk)
    data = services.export_bytes(user=request.user, kind=kind, org=org, unmask=unmask)
    unmask = unmask and selectors.may_see_personal_data(request.user, org)
    return _attachment(data, services.export_filename(kind, org, unmask), XLSX)


def _job_for(request, pk) -> ExportJob:
    job = ExportJob.objects.select_related("org").filter(pk=pk, owner=request.user).first()
    if job is None:
        raise Http404("导出任务不存在。")
    return job


@login_required
def export_job(request, pk):
    job = _job_for(request, pk)
    template = "documents/_job.html" if request.htmx else "documents/job.html"
    return render(request, template, {"nav": "documents", "job": job, "Status": ExportStatus})


@login_required
def export_job_download(request, pk):
    job = _job_for(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404("文件尚未生成。")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件已被清理，请重新导出。") from exc
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=XLSX)


@login_required
def statistics_pdf(request):
    org = _org(request)
    rows = selectors.statistics_rows(org)
    standings = list(Standing)
    table = [
        (label, [sum(n for key, n in counts.items() if key[0] == s.value) for s in standings])
        for label, counts in rows
    ]
    table = [(label, values, sum(values)) for label, values in table]
    categories = [(c.label, sum(n for key, n in rows[0][1].items() if key[1] == c.value)) for c in Category]
    data = pdf.render_pdf(
        "documents/statistics_pdf.html",
        {"org": org, "standings": standings, "table": table, "categories": categories,
         "today": briefing.cn_date(timezone.localdate())},
    )  # fmt: skip
    return _attachment(data, f"{org.name}-统计表-{timezone.localdate():%Y%m%d}.pdf", PDF)


# ---- Word documents ------------------------------------------------------------------------------


@login_required
def org_document(request, kind):
    if kind not in ORG_DOCUMENTS:
        raise Http404("未知的文书类别。")
    org = _org(request)
    if kind in (TemplateKind.CANDIDATE_NOTICE, TemplateKind.ADMISSION_NOTICE):
        # A 公示 is generated for the window the user chooses (documents/notices.py).
        return redirect(f"{reverse('notice', args=[kind])}?{urlencode({'org': org.pk})}")
    today = timezone.localdate()
    cases = selectors.cases_at(org, stage=4, min_step=15)
    try:
        data = word.render(kind, word.list_context(org, cases, today=today))
    except word.UnsafeTemplate as exc:
        return _unsafe_template(request, exc)
    return _attachment(data, f"{org.name}-{TemplateKind(kind).label}-{today:%Y%m%d}.docx", word.DOCX)


@login_required
def case_document(request, pk, kind):
    if kind not in CASE_DOCUMENTS:
        raise Http404("未知的文书类别。")
    case = get_case_for_user(request.user, pk)
    today = timezone.localdate()
    try:
        data = word.render(kind, word.case_context(case, today=today))
    except word.UnsafeTemplate as exc:
        return _unsafe_template(request, exc)
    return _attachment(data, f"{case.person.name}-{TemplateKind(kind).label}.docx", word.DOCX)


@login_required
def meeting_document(request, pk):
    """The 会议记录 of one meeting as Word, from the template in force (scope: the meeting's)."""
    from dangjian.meetings.selectors import attendance_of, get_meeting_for_user, resolutions_of

    meeting = get_meeting_for_user(request.user, pk)
    today = timezone.localdate()
    context = meeting_record.meeting_context(
        meeting, attendance_of(meeting), list(resolutions_of(meeting)), today=today
    )
    try:
        data = word.render(TemplateKind.MEETING_RECORD, context)
    except word.UnsafeTemplate as exc:
        return _unsafe_template(request, exc)
    name = f"{meeting.org.name}-{meeting.held_on:%Y%m%d}-{meeting.display_title}.docx"
    return _attachment(data, name, word.DOCX)


def _unsafe_template(request, exc: Exception):
    return render(
        request, "documents/unsafe_template.html", {"nav": "documents", "message": str(exc)}, status=409
    )


@login_required
def templates(request):
    if not services.may_manage_templates(request.user):
        raise Http404("页面不存在。")
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            if request.POST.get("action") == "reset":
                services.template_reset(actor=request.user, kind=kind)
                messages.success(request, "已恢复为默认模板。")
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError("请选择要上传的 .docx 文件。")
                if upload.size > 10 * 1024 * 1024:
                    raise ValidationError("模板文件不能超过10MB。")
                services.template_upload(
                    actor=request.user, kind=kind, filename=upload.name, data=upload.read()
                )
                messages.success(request, "模板已更换，此后生成的文书使用新模板。")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return render(request, "documents/templates.html", _templates_context(request), status=400)
        except PermissionDenied as exc:
            raise Http404("页面不存在。") from exc
        return redirect("document-templates")
    return render(request, "documents/templates.html", _templates_context(request))


def _templates_context(request) -> dict:
    from dangjian.documents.models import DocumentTemplate

    current = {}
    for template in DocumentTemplate.objects.filter(is_active=True).select_related("uploaded_by"):
        current.setdefault(template.kind, template)
    return {
        "nav": "documents",
        "kinds": [(k.value, k.label, current.get(k.value)) for k in TemplateKind],
        "person_keys": word.PERSON_KEYS,
    }


@login_required
def template_download(request, kind):
    if not services.may_manage_templates(request.user) or kind not in TemplateKind.values:
        raise Http404("页面不存在。")
    if request.GET.get("default"):
        return _attachment(word.default_template(kind), word.default_filename(kind), word.DOCX)
    return _attachment(word.template_bytes(kind), f"{TemplateKind(kind).label}.docx", word.DOCX)


# ---- the work briefing -----------------------------------------------------------------------------


@login_required
def briefing_page(request):
    org = _org(request)
    period = _period(request)
    figures = selectors.briefing_figures(org, period)
    if request.method == "POST":
        text = request.POST.get("text", "").strip() or briefing.compose(figures)
        fmt = request.POST.get("format", "docx")
        filename = f"{org.name}-工作简报-{period.end:%Y%m%d}"
        if fmt == "pdf":
            return _attachment(briefing_pdf(text), f"{filename}.pdf", PDF)
        return _attachment(briefing_docx(text, org.name, timezone.localdate()), f"{filename}.docx", word.DOCX)
    context = {
        "nav": "documents",
        "org": org,
        "org_picker": _chooser(request, org),
        "period": period,
        "figures": figures,
        "rows": figures.rows(),
        "text": briefing.compose(figures),
    }
    return render(request, "documents/briefing.html", context)


def briefing_docx(text: str, org_name: str, day) -> bytes:
    """The briefing as Word: title, paragraphs, and the 落款 (the org and the date)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    title, paragraphs = briefing.split(text)
    doc = word._document()
    word._title(doc, title)
    for paragraph in paragraphs:
        p = doc.add_paragraph(paragraph)
        p.paragraph_format.first_line_indent = Pt(24)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    doc.add_paragraph("")
    word._right(doc, org_name)
    word._right(doc, briefing.cn_date(day))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def briefing_pdf(text: str) -> bytes:
    title, paragraphs = briefing.split(text)
    return pdf.render_pdf("documents/briefing_pdf.html", {"title": title, "paragraphs": paragraphs})


@login_required
def briefing_records(request, figure):
    org = _org(request)
    period = _period(request)
    context = {"nav": "documents", "org": org, "period": period, "figure": figure}
    if figure in selectors.PERSON_FIGURES:
        date_field, label = selectors.PERSON_FIGURES[figure]
        people = (
            selectors.figure_people(org, period, figure)
            .select_related("org", "case")
            .order_by(date_field, "name_sort_key", "id")
        )
        context.update(
            label=label, total=people.count(), date_field=date_field,
            people=[(p, getattr(p, date_field), getattr(p, "case", None)) for p in people[:SHOWN_RECORDS]],
            categories=dict(Category.choices),
        )  # fmt: skip
    elif figure in selectors.CAMPAIGN_FIGURES:
        rows = selectors.campaign_rows(org, period, figure)
        context.update(
            label=selectors.CAMPAIGN_FIGURES[figure],
            total=rows.count(),
            campaigns=selectors.campaigns_of(rows),
            campaign_page=CAMPAIGN_PAGES[figure],
        )
    else:
        raise Http404("未知的数据项。")
    return render(request, "documents/records.html", context)
