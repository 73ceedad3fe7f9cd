"""The streaming .xlsx writer reads back the same with openpyxl and python-calamine."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from dangjian.documents.xlsxstream import Text, Wrapped, write_sheet


def test_values_read_back_with_their_types():
    buffer = io.BytesIO()
    rows = [
        (1, "张<三>&", dt.date(2026, 2, 28), Text("110101199003074514"), None, 2.5, "  空格 ", "坏\x01字"),
        (2, "'=1+2", None, Text("0012"), "", 0, "", ""),
    ]
    headers = [
        ("序号", 6),
        ("姓名", 10),
        ("日期", 12),
        ("号码", 21),
        ("甲", 5),
        ("乙", 5),
        ("丙", 5),
        ("丁", 5),
    ]
    assert write_sheet(buffer, "名册<1>", headers, rows) == 2
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book["名册<1>"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    first, second = list(sheet.iter_rows(min_row=2))
    assert [c.value for c in first[:4]] == [1, "张<三>&", dt.datetime(2026, 2, 28), "110101199003074514"]  # noqa: DTZ001
    assert first[2].number_format == "yyyy-mm-dd"
    assert first[3].data_type == "s" and first[3].number_format == "@"
    assert first[5].value == 2.5 and first[6].value == "  空格 " and first[7].value == "坏字"
    assert second[1].value == "'=1+2" and second[1].data_type == "s"
    assert second[3].value == "0012" and second[2].value is None and second[5].value == 0
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0).to_python()
    assert calamine[1][3] == "110101199003074514" and calamine[2][3] == "0012"


def test_title_row_and_print_setup():
    """As `dangjian.base.spreadsheet.print_setup`: title above the header, both repeated on every
    A4 page, one page wide, page numbers; a wrapped cell's row as tall as its lines."""
    buffer = io.BytesIO()
    headers = [("序号", 6), ("姓名", 10), ("工作单位及职务", 20)]
    rows = [
        (1, "张三", Wrapped("广安市东城镇第一社区居民委员会党支部书记、主任兼网格员")),
        (2, "李四", Wrapped("镇政府")),
    ]
    assert write_sheet(buffer, "名册", headers, rows, title="党员花名册　某党支部　2026年12月7日") == 2
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["名册"]
    assert (
        sheet["A1"].value == "党员花名册　某党支部　2026年12月7日"
        and sheet["A1"].font.b
        and sheet["B1"].value is None
    )
    assert [c.value for c in sheet[2]] == ["序号", "姓名", "工作单位及职务"]
    assert sheet["A3"].value == 1 and sheet["C3"].alignment.wrap_text
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows.replace("$", "") == "1:2"
    setup = sheet.page_setup
    assert setup.paperSize in (9, "9") and setup.orientation == "portrait"  # 3 narrow columns
    assert (
        setup.fitToWidth in (1, "1")
        and setup.fitToHeight in (0, "0")
        and sheet.sheet_properties.pageSetUpPr.fitToPage
    )
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.row_dimensions[3].height == 45 and sheet.row_dimensions[4].height is None  # 3 lines, 1 line
