"""Large imports run in the worker with progress; the page never waits for them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.development.models import Case
from dangjian.interchange import services
from dangjian.interchange.layout import RECORDS
from dangjian.interchange.models import ImportJob, ImportStatus
from dangjian.interchange.tests.conftest import xlsx_bytes
from dangjian.interchange.tests.test_import import _counts, _sheets

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _post(client, sheets, mode="import"):
    file = SimpleUploadedFile("台账.xlsx", xlsx_bytes(sheets))
    return client.post(reverse("import"), {"file": file, "mode": mode})


def test_large_import_is_queued_and_run_by_the_worker(
    client_as, world, media, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    client = client_as(world.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _sheets())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/import/job/{job.pk}/"
    assert job.owner == world.organizer and job.status == ImportStatus.DONE and job.rows >= 3
    assert Case.objects.filter(is_backfill=True).count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "导入完成" in page and "hx-trigger" not in page and "100%" in page
    assert not (media / "import-jobs" / job.folder).exists()  # the upload is not kept after the run
    for other in (world.admin, world.secretary, world.outsider):
        assert client_as(other).get(f"/import/job/{job.pk}/").status_code == 404


def test_large_import_with_errors_changes_nothing_and_offers_the_report(
    client_as, world, media, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    sheets = _sheets()
    sheets[RECORDS][1]["谈话日期"] = "2019-02-30"
    before = _counts()
    client = client_as(world.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, sheets)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and job.problem_count >= 1 and job.report
    assert _counts() == before
    page = client.get(response["Location"]).content.decode()
    assert "数据库未作任何改动" in page and reverse("import-report", args=[job.report]) in page
    assert client.get(reverse("import-report", args=[job.report])).status_code == 200


def test_queued_job_polls_and_says_when_no_worker_runs(
    client_as, world, media, monkeypatch, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    client = client_as(world.organizer)
    response = _post(client, _sheets(), mode="check")  # on_commit never fires here: it stays queued
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED and job.dry_run
    page = client.get(response["Location"]).content.decode()
    assert "hx-trigger" in page and "后台任务程序没有运行" in page
    from dangjian.base.worker import beat

    beat()
    assert "后台任务程序没有运行" not in client.get(response["Location"]).content.decode()


def test_small_imports_still_run_in_the_request(client_as, world, media):
    response = _post(client_as(world.organizer), _sheets())
    assert response.status_code == 200 and "导入完成" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_viewer_cannot_start_a_job(client_as, world, media, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 2)
    response = _post(client_as(world.viewer), _sheets())
    assert response.status_code == 403 and not ImportJob.objects.exists()
