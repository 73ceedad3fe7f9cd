import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from dangjian.base.spreadsheet import (
    document_title,
    escape_formula,
    header_row,
    is_landscape,
    line_count,
    print_setup,
    row_height,
    text_cell,
    value_cell,
)


@pytest.mark.parametrize(("text", "escaped"), [
    ("=1+2", "'=1+2"), ("+86 138", "'+86 138"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
    ("张三", "张三"), ("a=b", "a=b"), ("", ""), ("'=already", "'=already"),
])  # fmt: skip
def test_escape_formula(text, escaped):
    assert escape_formula(text) == escaped


def test_cells_read_back_as_text():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("表")
    sheet.append(header_row(sheet, ["身份证号", "说明", "数"]))
    sheet.append(
        [
            text_cell(sheet, "51160219900517001X"),
            value_cell(sheet, "=cmd|' /C calc'!A0"),
            value_cell(sheet, 7),
        ]
    )
    sheet.append([text_cell(sheet, 110101199003070011), value_cell(sheet, None), text_cell(sheet, None)])
    out = io.BytesIO()
    book.save(out)
    read = load_workbook(io.BytesIO(out.getvalue()))["表"]
    assert read["A1"].font.b and read["A1"].value == "身份证号"
    assert [read["A2"].value, read["B2"].value, read["C2"].value] == [
        "51160219900517001X",
        "'=cmd|' /C calc'!A0",
        7,
    ]
    assert read["B2"].data_type == "s"  # not a formula
    assert read["A3"].value == "110101199003070011" and read["A3"].data_type == "s"  # all 18 digits kept
    for cell in (read["A2"], read["A3"]):
        assert cell.number_format == "@"
    assert read["B3"].value is None and read["C3"].value in (None, "")


def test_document_title_and_orientation():
    assert (
        document_title("党员花名册", "中共某某党支部", dt.date(2026, 12, 7))
        == "党员花名册　中共某某党支部　2026年12月7日"
    )
    assert is_landscape([10] * 9) and is_landscape([60, 60]) and not is_landscape([12] * 8)
    assert line_count("镇政府", 20) == 1 and line_count("广安市东城镇第一社区居民委员会党支部书记", 20) == 3
    assert row_height([("镇政府", 20), ("x" * 40, 11)]) == 60 and row_height([("镇政府", 20)]) is None


def _saved(book):
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue()))


def test_print_setup_with_and_without_title():
    book = Workbook(write_only=True)
    listed = book.create_sheet("清单")
    printed = print_setup(
        listed, title="待办事项清单　东城镇党委　2026年12月7日", headers=[("期限", 11), ("说明", 20)]
    )
    printed.append([value_cell(listed, "2026-01-01"), value_cell(listed, "说明" * 20, wrap=True)])
    printed.append(["2026-01-02", value_cell(listed, "短", wrap=True)])
    imported = book.create_sheet("导入")  # read back by an importer: no title row
    print_setup(imported, title=None, headers=[("姓名", 10), ("公民身份号码", 20)])
    imported.append(["张三", text_cell(imported, "51160219900517001X")])
    wide = book.create_sheet("宽")
    print_setup(wide, title=None, headers=[(str(i), 14) for i in range(40)], repeat_columns="A:B")
    read = _saved(book)

    sheet = read["清单"]
    assert sheet["A1"].value.startswith("待办事项清单") and sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert sheet["B1"].value is None and [sheet["A2"].value, sheet["B2"].value] == ["期限", "说明"]
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows.replace("$", "") == "1:2"
    assert sheet.page_setup.paperSize in (9, "9") and sheet.page_setup.orientation == "portrait"
    assert sheet.page_setup.fitToWidth in (1, "1") and sheet.page_setup.fitToHeight in (0, "0")
    assert (
        sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    )
    assert sheet.row_dimensions[3].height == 45 and sheet["A3"].alignment.vertical == "center"
    assert sheet.row_dimensions[4].height is None

    sheet = read["导入"]
    assert [sheet["A1"].value, sheet["B1"].value, sheet["B2"].value] == [
        "姓名",
        "公民身份号码",
        "51160219900517001X",
    ]
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows.replace("$", "") == "1:1"

    sheet = read["宽"]  # 560 characters: printed across pages at full size, A:B on each
    assert sheet.page_setup.orientation == "landscape" and not sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_cols.replace("$", "") == "A:B"
