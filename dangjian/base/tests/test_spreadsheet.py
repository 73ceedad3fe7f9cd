import io

import pytest
from openpyxl import Workbook, load_workbook

from dangjian.base.spreadsheet import escape_formula, header_row, text_cell, value_cell


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
