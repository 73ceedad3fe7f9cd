"""The page setup of every generated workbook, read back with openpyxl (no LibreOffice: the printed
result is checked in test_office_xlsx.py): A4, one page wide, page numbers in the footer, the title
row above the header repeated on every page and frozen; workbooks read back by an importer keep the
header in row 1."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.base.spreadsheet import chinese_date
from dangjian.documents.tests import printable
from dangjian.interchange import exporter
from dangjian.interchange.layout import RECORDS
from dangjian.interchange.reader import Problem
from dangjian.mobilization import gridfile
from dangjian.mobilization import selectors as mob_selectors

pytestmark = pytest.mark.django_db


def _assert_printable(sheet, *, header_row: int) -> None:
    setup = sheet.page_setup
    assert setup.paperSize in (9, "9"), sheet.title
    assert setup.fitToWidth in (1, "1") and setup.fitToHeight in (0, "0"), sheet.title
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text, sheet.title
    assert sheet.print_title_rows.replace("$", "") == f"1:{header_row}", sheet.title
    assert sheet.freeze_panes == f"A{header_row + 1}", sheet.title


def _assert_title(sheet, *, starts: str, org_name: str) -> None:
    title = sheet["A1"].value
    assert title.startswith(starts) and org_name in title and chinese_date(timezone.localdate()) in title
    assert sheet["A1"].font.b and sheet["A1"].font.sz > 11
    assert all(c.value is None for c in sheet[1][1:]), "the title row has only A1"


def test_every_list_has_title_and_header_rows_repeated(docs):
    printable.build_town(docs)
    for book in printable.workbooks(docs).values():
        for sheet in load_workbook(io.BytesIO(book.content)).worksheets:
            if book.summary and sheet.title == "汇总":
                _assert_title(sheet, starts="合规检查报告（汇总）", org_name=book.org_name)
                continue
            _assert_printable(sheet, header_row=2)
            _assert_title(sheet, starts=book.title, org_name=book.org_name)
            headers = [c.value for c in sheet[2]]
            assert (headers[0], headers[-1]) == book.headers, sheet.title
            assert sheet["A2"].font.b and sheet.max_row > 3, sheet.title
    roster = load_workbook(io.BytesIO(printable.workbooks(docs)["roster"].content)).worksheets[0]
    assert roster.page_setup.orientation == "landscape"  # 14 columns
    assert [c.value for c in roster[2]][:6] == ["序号", "姓名", "性别", "民族", "出生日期", "公民身份号码"]
    assert roster["E3"].number_format == "yyyy-mm-dd" and roster.column_dimensions["E"].width == 11


def test_grid_files(docs):
    campaign = docs.campaign
    book = load_workbook(
        io.BytesIO(gridfile.coverage_xlsx(mob_selectors.coverage(docs.admin, campaign), campaign))
    )
    for sheet in book.worksheets:
        _assert_printable(sheet, header_row=2)
        _assert_title(sheet, starts="", org_name=campaign.org.name)
    template = load_workbook(io.BytesIO(gridfile.template_xlsx())).worksheets[0]
    _assert_printable(template, header_row=1)  # read back by the grid import: no title row
    assert [c.value for c in template[1]][:3] == ["小区", "楼栋", "单元"]


def test_interchange_workbooks_keep_the_header_in_row_1(docs):
    for data in (exporter.export_bytes(user=None, org=docs.town_a1, unmask=True), exporter.template_bytes()):
        book = load_workbook(io.BytesIO(data))
        for sheet in book.worksheets:
            assert sheet.page_setup.paperSize in (9, "9") and "&P" in sheet.oddFooter.center.text
            assert sheet.print_title_rows.replace("$", "") == "1:1" and sheet.freeze_panes == "A2"
            if (
                sheet.title == RECORDS
            ):  # 49 columns: across pages at full size, 姓名 and 公民身份号码 repeated
                assert not sheet.sheet_properties.pageSetUpPr.fitToPage
                assert sheet.print_title_cols.replace("$", "") == "A:B" and sheet["A1"].value == "姓名"
            else:
                assert sheet.page_setup.fitToWidth in (1, "1")
    report = load_workbook(
        io.BytesIO(exporter.report_bytes([Problem(RECORDS, 3, "谈话日期", "x", "日期无效")], "台账.xlsx"))
    )
    sheet = report.worksheets[0]
    _assert_printable(sheet, header_row=2)
    assert (
        "台账.xlsx" in sheet["A1"].value and sheet["A2"].value == "工作表" and sheet["E3"].value == "日期无效"
    )
