"""Writes of the interchange app: a large import queued for the worker, and its run.

Small imports run inside the request (views.import_page); above BACKGROUND_ROWS rows the upload is
kept in a private folder, an ImportJob is queued, and the page follows its phases. The worker runs
the same `workbook_import` as the page and the CLI, with the owner's scope checked again."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.interchange import exporter, reader
from dangjian.interchange.importer import IMPORT_PHASES, ImportFailed, workbook_import
from dangjian.interchange.models import ImportJob, ImportStatus
from dangjian.orgs.models import Org

# Above this many data rows an import runs in the background with progress.
BACKGROUND_ROWS = 3000
PHASES = ("读取文件", *IMPORT_PHASES)


def _media(folder: str) -> Path:
    path = Path(settings.MEDIA_ROOT) / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_report(owner_id: int, data: bytes) -> str:
    """Keep a problem report for its owner; the token names it in the download URL."""
    token = secrets.token_urlsafe(16)
    (_media("import-reports") / f"{owner_id}-{token}.xlsx").write_bytes(data)
    return token


def report_path(owner_id: int, token: str) -> Path:
    return _media("import-reports") / f"{owner_id}-{token}.xlsx"


def import_start(*, actor, files: dict[str, bytes], org: Org | None, dry_run: bool, rows: int) -> ImportJob:
    """Queue the import of `files` (already through reader.precheck) for the worker."""
    if org is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, "您无权向该党组织导入数据。")
    folder = f"{actor.pk}-{secrets.token_hex(8)}"
    target = _media("import-jobs") / folder
    target.mkdir()
    for name, data in files.items():
        (target / Path(name).name).write_bytes(data)
    with transaction.atomic():
        job = ImportJob.objects.create(
            owner=actor, org=org, dry_run=dry_run, folder=folder, rows=rows,
            filename="、".join(sorted(files))[:300],
        )  # fmt: skip
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def _update(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**fields)


@task()
def run_import(job_id: int) -> str:
    """The worker's entry (Django Tasks API): runs the import and records its outcome on the job."""
    return import_run(job_id)


def import_run(job_id: int) -> str:
    """Run a queued import (in the worker). Its outcome is recorded on the job, never raised."""
    job = ImportJob.objects.select_related("owner", "org").get(pk=job_id)
    if not job.is_active:
        return job.status
    folder = _media("import-jobs") / job.folder

    def progress(phase: str) -> None:
        _update(job, phase=phase, step=PHASES.index(phase))

    _update(job, status=ImportStatus.RUNNING, phase=PHASES[0], step=0)
    try:
        if job.org is not None and not scope.can(job.owner, Action.CHANGE_PERSON, job.org):
            raise PermissionError("该党组织已不在导入人的管理范围内。")
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
        book = reader.read_upload(files)
        result = workbook_import(
            actor=job.owner, workbook=book, org=job.org, dry_run=job.dry_run, progress=progress
        )
    except ImportFailed as exc:
        errors = [p for p in exc.problems if p.is_error]
        _update(
            job, status=ImportStatus.FAILED, finished_at=timezone.now(), problem_count=len(errors),
            error=str(exc), report=store_report(job.owner_id, exporter.report_bytes(exc.problems, exc.filename)),
        )  # fmt: skip
        return ImportStatus.FAILED
    except (reader.UnreadableFile, PermissionError) as exc:
        _update(job, status=ImportStatus.FAILED, finished_at=timezone.now(), error=str(exc))
        return ImportStatus.FAILED
    except Exception:
        _update(job, status=ImportStatus.FAILED, finished_at=timezone.now(),
                error="导入时发生意外错误，数据库未作任何改动。请联系系统管理员查看服务器日志。")  # fmt: skip
        raise
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report = ""
    if result.warnings:
        report = store_report(job.owner_id, exporter.report_bytes(result.warnings, result.filename))
    _update(
        job, status=ImportStatus.DONE, finished_at=timezone.now(), step=len(PHASES), phase="",
        summary=result.summary(), problem_count=len(result.warnings), report=report,
    )  # fmt: skip
    return ImportStatus.DONE
