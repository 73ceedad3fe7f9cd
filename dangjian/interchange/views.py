"""Pages: upload a workbook (check, then import), download the template, a report, an export."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.interchange import exporter, reader, services
from dangjian.interchange.importer import ImportFailed, workbook_import
from dangjian.interchange.models import ImportJob, ImportStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 50 * 1024 * 1024
SHOWN_PROBLEMS = 300


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _store_report(request, data: bytes) -> str:
    return services.store_report(request.user.pk, data)


def _anchors(user):
    """Orgs the user may import under: their scope, committees and branches, shallow ones first."""
    return scope.orgs_for(user, Action.CHANGE_PERSON).filter(dissolved_on__isnull=True).order_by("path")[:500]


def may_import(user) -> bool:
    """Importing writes people: a role without CHANGE_PERSON anywhere gets neither the page nor the POST."""
    return scope.scope_paths(user, Action.CHANGE_PERSON) != []


@login_required
def import_page(request):
    if not may_import(request.user):
        raise PermissionDenied("您的角色只能查看，不能导入台账。")
    context = {"nav": "import", "anchors": _anchors(request.user), "chosen": None}
    if request.method != "POST":
        return render(request, "interchange/import.html", context)
    files = request.FILES.getlist("file")
    anchor = None
    if request.POST.get("org"):
        from dangjian.base.params import id_or_none

        org_id = id_or_none(request.POST["org"])
        if org_id is None:
            context["error"] = "所选党组织无效，请从列表中重新选择。"
            return render(request, "interchange/import.html", context, status=400)
        anchor = scope.get_org_for_user(request.user, org_id, Action.CHANGE_PERSON)
        context["chosen"] = anchor.pk
    dry_run = request.POST.get("mode") == "check"
    context["dry_run"] = dry_run
    if sum(f.size for f in files) > MAX_UPLOAD:
        context["error"] = "文件超过50MB，请拆分后分批导入，或请系统管理员在服务器上导入。"
        return render(request, "interchange/import.html", context, status=400)
    uploaded = {f.name: f.read() for f in files}
    try:
        rows = reader.count_rows(uploaded)
        if rows > services.BACKGROUND_ROWS:
            # A workbook of tens of thousands of rows takes minutes: the worker runs it, the page follows.
            job = services.import_start(
                actor=request.user, files=uploaded, org=anchor, dry_run=dry_run, rows=rows
            )
            return redirect("import-job", pk=job.pk)
        book = reader.read_upload(uploaded)
    except reader.UnreadableFile as exc:
        context["error"] = str(exc)
        return render(request, "interchange/import.html", context, status=400)
    context["filename"] = book.filename
    try:
        result = workbook_import(actor=request.user, workbook=book, org=anchor, dry_run=dry_run)
    except ImportFailed as exc:
        errors = [p for p in exc.problems if p.is_error]
        context.update(
            failed=str(exc), problems=exc.problems[:SHOWN_PROBLEMS], total_problems=len(exc.problems),
            error_count=len(errors),
            report=_store_report(request, exporter.report_bytes(exc.problems, exc.filename)),
        )  # fmt: skip
        return render(request, "interchange/import.html", context, status=422)
    context.update(
        result=result, problems=result.warnings[:SHOWN_PROBLEMS], total_problems=len(result.warnings)
    )
    if result.warnings:
        context["report"] = _store_report(request, exporter.report_bytes(result.warnings, result.filename))
    return render(request, "interchange/import.html", context)


@login_required
def template_download(request):
    return _xlsx(exporter.template_bytes(), "发展党员纪实台账模板.xlsx")


@login_required
def report_download(request, token: str):
    if not re.fullmatch(r"[A-Za-z0-9_-]{10,40}", token):
        raise Http404("问题清单不存在。")
    path = services.report_path(request.user.pk, token)
    if not path.exists():
        raise Http404("问题清单不存在或已过期。")
    return _xlsx(path.read_bytes(), f"导入问题清单-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
def export_download(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    unmask = request.GET.get("unmask") == "1"
    if unmask and not scope.can(request.user, Action.VIEW_PERSONAL_DATA, org):
        raise Http404("无权导出完整公民身份号码。")
    data = exporter.export_bytes(user=request.user, org=org, unmask=unmask)
    suffix = "" if unmask else "（号码已隐去）"
    return _xlsx(data, f"{org.name}-发展纪实-{timezone.localdate():%Y%m%d}{suffix}.xlsx")


@login_required
def import_job(request, pk: int):
    """A queued import's phases, then its outcome; only its owner sees it (others: 404)."""
    from dangjian.base.worker import worker_seen_recently

    job = ImportJob.objects.select_related("org").filter(pk=pk, owner=request.user).first()
    if job is None:
        raise Http404("导入任务不存在。")
    context = {
        "nav": "import", "job": job, "Status": ImportStatus, "phases": services.PHASES,
        "percent": 100 if not job.is_active else int(job.step * 100 / len(services.PHASES)),
        "no_worker": job.status == ImportStatus.QUEUED and not worker_seen_recently(),
    }  # fmt: skip
    template = "interchange/_job.html" if request.htmx else "interchange/job.html"
    return render(request, template, context)
