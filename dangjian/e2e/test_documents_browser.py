"""End-to-end: the work briefing and a background export with progress (screenshots d01…d04).

The briefing page of 东城镇党委 for the first half of 2026: the text in the seeds' style, the figures
with links to their records; the text is edited and exported. Then the roster export runs as a
background job: the page polls its progress (htmx) and shows the download link when it is ready.
"""

from __future__ import annotations

import re

import docx
import pytest
from playwright.sync_api import expect

from dangjian.documents import services
from dangjian.documents.models import ExportJob
from dangjian.documents.tests.conftest import build_docs

pytestmark = pytest.mark.browser
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_briefing_page_edit_and_export(e2e_world, login, shot):
    w = build_docs(e2e_world)
    page = login("admin")
    page.get_by_role("link", name="文书报表").click()
    expect(page.locator("h1")).to_contain_text("文书报表")
    page.goto(f"/documents/briefing/?org={w.town_a1.pk}&from=2026-01-01&to=2026-06-30")
    text = page.locator("#id_text")
    expect(text).to_have_value(re.compile("火线发展党员2名，其中医护人员1名、公安民警1名"))
    shot("d01-briefing")
    page.locator("a[data-figure=admissions]").click()
    expect(page.locator("#records")).to_contain_text("刘医生")
    expect(page.locator("#records")).not_to_contain_text("钱护士")
    shot("d02-briefing-records")
    page.go_back()
    text.fill("东城镇工作简报\n\n今年以来，东城镇接收预备党员3名。")
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 Word").click()
    document = docx.Document(str(download.value.path()))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs[:-1] == ["东城镇工作简报", "今年以来，东城镇接收预备党员3名。", "东城镇党委"]
    assert re.fullmatch(r"20\d\d年\d{1,2}月\d{1,2}日", paragraphs[-1])  # the 落款: org and date


def test_background_export_shows_progress_then_the_download(
    e2e_world, login, shot, settings, monkeypatch, tmp_path
):
    w = build_docs(e2e_world)
    settings.TASKS = DUMMY  # the worker is the test itself: it runs the job when it wants
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 3)
    page = login("organizer")
    page.goto(f"/documents/?org={w.town_a1.pk}")
    shot("d00-documents")
    page.get_by_role("button", name="党员花名册").click()
    expect(page.locator("h1")).to_contain_text("导出任务")
    job = ExportJob.objects.get()
    expect(page.locator("#job-status")).to_contain_text("排队中")
    ExportJob.objects.filter(pk=job.pk).update(status="running", done=job.total // 2)
    expect(page.locator("#job-status")).to_contain_text("生成中")
    shot("d03-export-progress")
    services.export_run(job.pk)
    expect(page.locator("#job-download")).to_be_visible()
    shot("d04-export-ready")
    with page.expect_download() as download:
        page.locator("#job-download").click()
    assert download.value.suggested_filename.endswith(".xlsx")
