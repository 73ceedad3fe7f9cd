from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from dangjian.appraisal.models import Appraisal, AppraisalEntry
from dangjian.appraisal.services import appraisal_import

from .conftest import HELD_ON


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        yield


def _template(ten, client) -> Workbook:
    response = client.get(
        f"/appraisal/org/{ten.branch.pk}/import/template.xlsx?year=2025&held_on={HELD_ON.isoformat()}"
    )
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, ten, data: bytes, name: str = "评议结果.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/appraisal/org/{ten.branch.pk}/import/?year=2025",
        {"year": "2025", "held_on": HELD_ON.isoformat(), "file": SimpleUploadedFile(name, data)},
    )


def _set_grades(sheet, grades: dict[str, str]) -> None:
    for row in sheet.iter_rows(min_row=2):
        if row[1].value in grades:
            row[4].value = grades[row[1].value]


def test_the_template_lists_the_roster_with_masked_numbers_and_imports_back(ten, client_as):
    client = client_as(ten.world.secretary)
    book = _template(ten, client)
    sheet = book.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["人员编号", "姓名", "公民身份号码", "党员类别", "等次"]
    assert len(rows) == 12 and {r[1] for r in rows[1:]} == {p.name for p in [*ten.full, ten.probationary]}
    assert all("*" in r[2] for r in rows[1:])
    assert not {p.id_number for p in ten.full} & {r[2] for r in rows}
    _set_grades(sheet, {ten.full[1].name: "优秀", ten.full[2].name: "优秀", ten.full[3].name: "基本合格"})
    response = _upload(client, ten, _bytes(book))
    appraisal = Appraisal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/appraisal/{appraisal.pk}/"
    grades = dict(appraisal.entries.values_list("person__name", "grade"))
    assert grades[ten.full[1].name] == "excellent" and grades[ten.full[3].name] == "basic"
    assert grades["孙新苗"] == "" and len(grades) == 11


def test_bad_rows_refuse_the_whole_file_naming_the_rows(ten, client_as):
    client = client_as(ten.world.secretary)
    book = _template(ten, client)
    sheet = book.active
    _set_grades(sheet, {p.name: "优秀" for p in ten.full[:4]})  # rows 2–5: four 优秀 of ten
    _set_grades(sheet, {"孙新苗": "合格"})  # probationary, graded
    sheet.append([99999999, "无名氏", "", "", "合格"])
    _set_grades(sheet, {ten.full[5].name: "良好"})
    sheet.append(["", ten.full[6].name, "", "", "合格"])  # by name, a second time
    response = _upload(client, ten, _bytes(book))
    body = response.content.decode()
    assert response.status_code == 400
    assert "第12行：孙新苗是预备党员" in body
    assert "第13行：人员编号“99999999”不是本支部参加评议的党员" in body
    assert re.search(rf"第\d+行：{ten.full[5].name}的等次“良好”无效", body)
    assert re.search(rf"第14行：{ten.full[6].name}已在第\d+行出现过", body)
    assert not Appraisal.objects.exists() and not AppraisalEntry.objects.exists()

    book = _template(ten, client)
    _set_grades(book.active, {p.name: "优秀" for p in ten.full[:4]})
    body = _upload(client, ten, _bytes(book)).content.decode()
    assert "最多可评3名优秀，现评定4名" in body
    assert not Appraisal.objects.exists()


def test_a_missing_row_and_a_duplicate_are_refused(ten):
    book = Workbook()
    sheet = book.active
    sheet.append(["人员编号", "姓名", "公民身份号码", "党员类别", "等次"])
    for person in ten.full[:9]:
        sheet.append([person.pk, person.name, "", "", "合格"])
    sheet.append([ten.full[0].pk, "", "", "", "合格"])
    sheet.append(["", "", ten.full[1].id_number, "", "合格"])  # by full ID number: a duplicate too
    with pytest.raises(ValidationError) as refused:
        appraisal_import(
            actor=ten.world.secretary, org=ten.branch, year=2025, held_on=HELD_ON, data=_bytes(book),
            filename="x.xlsx",
        )  # fmt: skip
    text = " ".join(refused.value.message_dict["file"])
    assert f"第11行：{ten.full[0].name}已在第2行出现过" in text
    assert f"第12行：{ten.full[1].name}已在第3行出现过" in text
    assert not Appraisal.objects.exists()


@pytest.mark.parametrize(
    "name,data,expected",
    [
        ("结果.xlsx", b"<html><script>alert(1)</script></html>", "不是有效的 Excel 工作簿"),
        ("结果.xlsx", b"PK\x03\x04 broken", "不是有效的 Excel 工作簿"),
        ("结果.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "只能导入 .xlsx"),
        ("结果.xlsx", b"x" * (5 * 1024 * 1024 + 10), "超过5MB"),
    ],
)
def test_hostile_files_are_refused_in_chinese(ten, client_as, name, data, expected):
    response = _upload(client_as(ten.world.secretary), ten, data, name)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Appraisal.objects.exists()


def test_a_zip_bomb_is_refused_before_parsing(ten, client_as):
    book = Workbook()
    book.active.append(["人员编号", "姓名", "等次"])
    good = _bytes(book)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    response = _upload(client_as(ten.world.secretary), ten, buffer.getvalue())
    body = response.content.decode()
    assert response.status_code == 400
    assert "疑似压缩炸弹" in body or "超过" in body
    assert not Appraisal.objects.exists()


def test_a_formula_cell_is_refused(ten, client_as):
    book = Workbook()
    book.active.append(["人员编号", "姓名", "等次"])
    book.active.append([ten.full[0].pk, ten.full[0].name, '=IF(1,"优秀","合格")'])
    body = _upload(client_as(ten.world.secretary), ten, _bytes(book)).content.decode()
    assert "公式" in body
    assert not Appraisal.objects.exists()
