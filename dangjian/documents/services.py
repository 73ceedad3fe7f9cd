"""Writes of the documents app: export jobs (started by a user, run by the worker) and Word templates.

The worker's task is defined here too, so this module and the task never import each other."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from dangjian.accounts import scope
from dangjian.accounts.models import Action, Role, RoleAssignment
from dangjian.documents import selectors, spreadsheets, word
from dangjian.documents.models import DocumentTemplate, ExportJob, ExportKind, ExportStatus
from dangjian.orgs.models import Org

# Above this many rows an export runs in the background (the page shows its progress).
BACKGROUND_ROWS = 5000
WRITERS = {
    ExportKind.ROSTER: lambda out, org, unmask, progress: spreadsheets.write_roster(
        out, org, unmask=unmask, progress=progress
    ),
    ExportKind.DEVELOPMENT_ROSTER: lambda out, org, unmask, progress: spreadsheets.write_development_roster(
        out, org, unmask=unmask, progress=progress
    ),
    ExportKind.STATISTICS: lambda out, org, unmask, progress: spreadsheets.write_statistics(
        out, org, progress
    ),
    ExportKind.DUE: lambda out, org, unmask, progress: spreadsheets.write_due(out, org, progress),
}


def export_rows(kind: str, org: Org) -> int:
    if kind == ExportKind.ROSTER:
        return selectors.roster_count(org, selectors.MEMBERS)
    if kind == ExportKind.DEVELOPMENT_ROSTER:
        return selectors.roster_count(org, selectors.DEVELOPMENT)
    if kind == ExportKind.DUE:
        return selectors.due_items(org).count()
    return 1


def export_filename(kind: str, org: Org, unmask: bool = False) -> str:
    label = ExportKind(kind).label
    rosters = (ExportKind.ROSTER, ExportKind.DEVELOPMENT_ROSTER)
    suffix = "（含完整身份证号）" if unmask and kind in rosters else ""
    return f"{org.name}-{label}{suffix}-{timezone.localdate():%Y%m%d}.xlsx"


def export_bytes(*, user, kind: str, org: Org, unmask: bool = False) -> bytes:
    """A small export written at once (the caller has checked `org` is in the user's scope)."""
    unmask = unmask and selectors.may_see_personal_data(user, org)
    buffer = io.BytesIO()
    WRITERS[ExportKind(kind)](buffer, org, unmask, None)
    return buffer.getvalue()


def export_start(*, user, kind: str, org: Org, unmask: bool = False) -> ExportJob:
    """Queue a background export of `org` (in the user's scope) for the worker."""
    if not scope.can(user, Action.VIEW, org):
        raise PermissionDenied("该党组织不在您的管理范围内。")
    unmask = unmask and selectors.may_see_personal_data(user, org)
    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=user, kind=kind, org=org, unmask=unmask, total=export_rows(kind, org),
            filename=export_filename(kind, org, unmask),
        )  # fmt: skip
        transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


def _exports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@task()
def run_export(job_id: int) -> str:
    """The worker's entry (Django Tasks API; run a worker with `dangjian worker`)."""
    return export_run(job_id)


def export_run(job_id: int) -> str:
    """Run a queued export (in the worker): scope is checked again for the owner, as of now."""
    job = ExportJob.objects.select_related("owner", "org").get(pk=job_id)
    if job.status == ExportStatus.DONE:
        return job.file.name
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, done=0)
    if not scope.can(job.owner, Action.VIEW, job.org):
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error="该党组织已不在申请人的管理范围内。", finished_at=timezone.now()
        )
        return ""
    unmask = job.unmask and selectors.may_see_personal_data(job.owner, job.org)

    def progress(n: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=n)

    name = f"exports/{job.owner_id}-{job.pk}-{secrets.token_hex(8)}.xlsx"
    path = _exports_dir() / Path(name).name
    try:
        n = WRITERS[ExportKind(job.kind)](path, job.org, unmask, progress)
    except Exception as exc:
        path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=f"导出失败：{exc}"[:500], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE, file=name, done=n, total=max(job.total, n),
        finished_at=timezone.now(),
    )  # fmt: skip
    return name


# ---- Word templates ------------------------------------------------------------------------------


def may_manage_templates(user) -> bool:
    """组织部管理员 (on any org) and superusers replace the Word templates."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or RoleAssignment.objects.filter(user_id=user.pk, role=Role.ORG_ADMIN).exists()


def template_upload(*, actor, kind: str, filename: str, data: bytes) -> DocumentTemplate:
    """Store a replacement template after checking it renders; a bad file changes nothing."""
    if not may_manage_templates(actor):
        raise PermissionDenied("只有组织部管理员可以更换文书模板。")
    word.check_upload(kind, data)
    template = DocumentTemplate(kind=kind, original_name=filename[:200], uploaded_by=actor)
    template.file.save(f"{kind}-{secrets.token_hex(6)}.docx", ContentFile(data), save=False)
    template.save()
    return template


def template_reset(*, actor, kind: str) -> int:
    """Go back to the default template of `kind` (uploads are kept, inactive)."""
    if not may_manage_templates(actor):
        raise PermissionDenied("只有组织部管理员可以更换文书模板。")
    return DocumentTemplate.objects.filter(kind=kind, is_active=True).update(is_active=False)
