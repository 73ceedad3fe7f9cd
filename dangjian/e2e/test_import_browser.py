"""End-to-end: an organizer brings a legacy workbook in through the import page.

First a workbook with a numeric ID cell and a bad date: the page lists both problems with sheet,
row and column, offers the problem list as .xlsx, and nothing is written. Then the corrected file:
"只检查" reports what would happen, "检查并导入" creates the records, and a second import changes
nothing. Screenshots i01…i03.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from dangjian.development.models import Case
from dangjian.development.rulesets import ensure_national
from dangjian.interchange.layout import RECORDS
from dangjian.interchange.tests.conftest import xlsx_bytes
from dangjian.interchange.tests.test_import import _sheets

pytestmark = pytest.mark.browser


def _choose(page: Page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.locator("#id_file").set_input_files(str(path))


def test_import_a_workbook_through_the_page(e2e_world, login, shot, tmp_path, settings):
    ensure_national()
    settings.MEDIA_ROOT = tmp_path / "media"
    page = login("organizer")
    page.get_by_role("link", name="台账导入").click()
    expect(page.locator("h1")).to_contain_text("发展党员纪实台账导入")

    broken = _sheets()
    broken[RECORDS][0]["公民身份号码"] = 110101199003074514
    broken[RECORDS][1]["谈话日期"] = "2025-02-30"
    _choose(page, tmp_path, "台账-有错.xlsx", xlsx_bytes(broken))
    page.get_by_role("button", name="检查并导入").click()
    expect(page.get_by_role("alert")).to_contain_text("数据库未作任何改动")
    rows = page.locator("#problems tbody tr")
    expect(rows.filter(has_text="数字单元格")).to_have_count(1)
    expect(rows.filter(has_text="日期“2025-02-30”不存在")).to_contain_text("谈话日期")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载问题清单").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    shot("i01-import-errors")
    assert Case.objects.count() == 0

    good = xlsx_bytes(_sheets())
    _choose(page, tmp_path, "台账.xlsx", good)
    page.get_by_role("button", name="只检查").click()
    expect(page.get_by_role("status")).to_contain_text("检查通过（未写入）")
    assert Case.objects.count() == 0
    _choose(page, tmp_path, "台账.xlsx", good)
    page.get_by_role("button", name="检查并导入").click()
    expect(page.get_by_role("status")).to_contain_text("发展纪实 3 份")
    shot("i02-import-done")
    assert Case.objects.filter(is_backfill=True).count() == 3

    _choose(page, tmp_path, "台账.xlsx", good)
    page.get_by_role("button", name="检查并导入").click()
    expect(page.get_by_role("status")).to_contain_text("与系统一致未改动 3 行")
    shot("i03-import-again")
