import io
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from dangjian.interchange import exporter, reader
from dangjian.interchange.cells import MASKED_ID
from dangjian.interchange.importer import ImportFailed, workbook_import
from dangjian.interchange.layout import COLUMNS, MEMBERS, ORGS, RECORDS, SHEETS
from dangjian.interchange.tests.conftest import full_record, member_row, workbook, xlsx_bytes
from dangjian.interchange.tests.test_import import _counts, _sheets
from dangjian.orgs.models import Org


def _rows(data: bytes, sheet: str) -> list[dict]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    table = book.get_sheet_by_name(sheet).to_python()
    return [dict(zip(table[0], row, strict=False)) for row in table[1:]]


def test_template_has_the_three_sheets_and_imports_as_nothing(world):
    data = exporter.template_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:3] == list(SHEETS)
    for name in SHEETS:
        assert [c.value for c in book[name][1]] == [c.header for c in COLUMNS[name]]
    result = workbook_import(actor=world.organizer, workbook=reader.read_upload({"模板.xlsx": data}))
    assert not result.changed and result.checked_rows == 0


def test_export_imports_back_to_the_same_records(world):
    workbook_import(actor=world.organizer, workbook=workbook(_sheets()))
    branch = Org.objects.get(code="BR-NEW")
    first = exporter.export_bytes(user=world.organizer, org=branch, unmask=True)
    before = _counts()
    again = workbook_import(actor=world.organizer, workbook=reader.read_upload({"导出.xlsx": first}))
    assert not again.changed and again.unchanged == 3
    assert _counts() == before
    second = exporter.export_bytes(user=world.organizer, org=branch, unmask=True)
    for sheet in SHEETS:
        assert _rows(first, sheet) == _rows(second, sheet)
    original = {r["公民身份号码"]: r for r in _sheets()[RECORDS]}
    exported = _rows(first, RECORDS)
    assert len(exported) == 3
    for row in exported:
        assert row["公民身份号码"] in original or row["姓名"] in {"周晓雯", "吴强", "郑敏"}


def test_export_cells_are_text_ids_and_the_values_of_the_file(world):
    sheets = _sheets()
    workbook_import(actor=world.organizer, workbook=workbook(sheets))
    data = exporter.export_bytes(user=world.organizer, org=world.town_a1, unmask=True)
    book = openpyxl.load_workbook(io.BytesIO(data))
    records = book[RECORDS]
    headers = [c.value for c in records[1]]
    id_col = headers.index("公民身份号码")
    ids = [row[id_col] for row in records.iter_rows(min_row=2)]
    assert ids and all(
        isinstance(c.value, str) and len(c.value) == 18 and c.number_format == "@" for c in ids
    )
    zhou = next(r for r in _rows(data, RECORDS) if r["姓名"] == "周晓雯")
    assert zhou["支部大会日期"].isoformat() == "2020-09-20" and zhou["转正结论"] == "按期转正"
    assert zhou["培养考察日期"] == "2019-12-10;2020-06-10" and zhou["审批党组织编码"] == "TOWN-A1"
    assert zhou["人员类别"] == "教师" and zhou["赞成票"] == 8
    orgs = _rows(data, ORGS)
    assert orgs[0]["组织编码"] == "TOWN-A1" and orgs[0]["上级组织编码"] == ""
    roster = {r["姓名"]: r for r in _rows(data, MEMBERS)}
    assert roster["陈志强"]["党籍状态"] == "留党察看"


def test_masked_export_cannot_be_imported(world):
    workbook_import(actor=world.organizer, workbook=workbook(_sheets()))
    data = exporter.export_bytes(user=world.viewer, org=world.county_a)
    assert all("*" in r["公民身份号码"] for r in _rows(data, RECORDS))
    with pytest.raises(ImportFailed) as caught:
        workbook_import(actor=world.organizer, workbook=reader.read_upload({"导出.xlsx": data}))
    problems = caught.value.problems
    assert [p.message for p in problems if p.sheet == RECORDS] == [
        MASKED_ID,
        "本表共有 8 个隐去了部分数字的公民身份号码。",
    ]
    assert len(problems) <= 6


def test_formula_like_text_is_escaped_and_read_back(world):
    sheets = _sheets()
    sheets[RECORDS][0]["特殊情况依据"] = "@2020疫情防控一线"
    workbook_import(actor=world.organizer, workbook=workbook(sheets))
    data = exporter.export_bytes(user=world.organizer, org=world.town_a1, unmask=True)
    book = openpyxl.load_workbook(io.BytesIO(data))
    headers = [c.value for c in book[RECORDS][1]]
    cells = [r[headers.index("特殊情况依据")].value for r in book[RECORDS].iter_rows(min_row=2)]
    assert "'@2020疫情防控一线" in cells
    again = workbook_import(actor=world.organizer, workbook=reader.read_upload({"导出.xlsx": data}))
    assert not again.changed


def test_csv_files_in_a_zip_import_like_the_workbook(world):
    sheets = _sheets()
    sheets[RECORDS] = sheets[RECORDS][:1]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in SHEETS:
            headers = [c.header for c in COLUMNS[name]]
            lines = [",".join(headers)]
            for row in sheets.get(name, []):
                lines.append(",".join(str(row.get(h) if row.get(h) is not None else "") for h in headers))
            archive.writestr(f"台账/{name}.csv", ("\ufeff" + "\n".join(lines)).encode())
    result = workbook_import(
        actor=world.organizer, workbook=reader.read_upload({"台账.zip": buffer.getvalue()})
    )
    assert result.cases_created == 1 and result.people_created == 4


def test_unreadable_files_get_a_message():
    with pytest.raises(reader.UnreadableFile, match="不是有效的 Excel 工作簿"):
        reader.read_upload({"坏.xlsx": b"not a workbook"})
    with pytest.raises(reader.UnreadableFile, match="只能导入"):
        reader.read_upload({"a.docx": b"x"})
    with pytest.raises(reader.UnreadableFile, match="UTF-8"):
        reader.read_upload({"党组织.csv": "组织编码".encode("gbk"), "党员名册.csv": b"", "发展纪实.csv": b""})


def test_report_lists_every_problem(world):
    sheets = _sheets()
    sheets[RECORDS][0]["公民身份号码"] = 110101199003074514
    sheets[RECORDS][1]["谈话日期"] = "bad"
    with pytest.raises(ImportFailed) as caught:
        workbook_import(actor=world.organizer, workbook=workbook(sheets))
    data = exporter.report_bytes(caught.value.problems, "台账.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("导入问题").to_python()
    assert rows[1] == ["工作表", "行号", "列", "单元格内容", "问题", "级别"]
    body = rows[2:]
    assert [r[:3] for r in body if r[5] == "错误"][:2] == [
        [RECORDS, 2.0, "公民身份号码"],
        [RECORDS, 3.0, "谈话日期"],
    ]
    assert all("110101199003074514" not in str(r[3]) for r in body)


def test_member_rows_need_an_admission_date(world):
    sheets = {ORGS: [], MEMBERS: [member_row("甲", "BR-A1-1", admitted=None)], RECORDS: []}
    with pytest.raises(ImportFailed) as caught:
        workbook_import(actor=world.organizer, workbook=workbook(sheets))
    assert [p.message for p in caught.value.problems] == ["请填写“入党日期”。"]


def test_development_rows_in_an_existing_branch(world):
    sheets = {ORGS: [], MEMBERS: [], RECORDS: [full_record("冯涛", "BR-A1-1", [world.people["in_branch"].id_number],
              [world.people["in_branch"].id_number, world.people["other_branch"].id_number])]}  # fmt: skip
    # The introducer from 东城镇第二党支部 is outside the secretary's scope: only the organizer may name him.
    with pytest.raises(ImportFailed) as caught:
        workbook_import(actor=world.secretary, workbook=workbook(sheets))
    messages = [p.message for p in caught.value.problems]
    assert "该入党介绍人不在您的管理范围内。" in messages and not any("欧阳修远" in m for m in messages)
    result = workbook_import(actor=world.organizer, workbook=workbook(sheets))
    assert result.cases_created == 1 and result.people_created == 1
    assert xlsx_bytes(sheets)
