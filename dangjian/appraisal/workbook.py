"""The 民主评议 results workbook: a pre-filled template of the roster, and reading it back.

One sheet, header in row 1 (no title row: it is read back):

    人员编号 | 姓名 | 公民身份号码 | 党员类别 | 等次

The template lists the branch's members on the day of the 民主评议, 等次 filled with 合格 for each
full member and left empty for each probationary member; the ID numbers are masked, so a row is
identified by 人员编号 (or, in a row typed by hand, by the full 公民身份号码, or by a name that is
unique on the roster). The upload is hostile until checked (`dangjian.base.uploads`: size, type
from content, zip members and expanded size, sheet extent, formulas) before calamine parses it.
Reading only finds rows and problems; `services.appraisal_import` writes all of it or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from dangjian.appraisal.models import Grade
from dangjian.appraisal.rules import parse_grade
from dangjian.base import uploads
from dangjian.base.spreadsheet import FORMULA_PREFIXES, print_setup, text_cell, value_cell
from dangjian.people.models import Person, Standing

HEADERS = ("人员编号", "姓名", "公民身份号码", "党员类别", "等次")
WIDTHS = (10, 14, 22, 12, 12)
MAX_BYTES = 5 * uploads.MB
MAX_ROWS = 2000
LIMITS = uploads.SheetLimits(
    max_rows=MAX_ROWS,
    max_columns=30,
    zip=uploads.ZipLimits(max_members=100, max_total=50 * uploads.MB, max_member=40 * uploads.MB),
)


class UnreadableWorkbook(Exception):
    """The file cannot be read at all (message in Chinese)."""


@dataclass
class Parsed:
    grades: dict[int, str] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)  # person id → row number
    problems: list[str] = field(default_factory=list)


def template_bytes(people: list[Person], full_ids: set[int], *, sheet_title: str) -> bytes:
    labels = dict(Grade.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    printed = print_setup(sheet, title=None, headers=list(zip(HEADERS, WIDTHS, strict=True)))
    for person in people:
        full = person.pk in full_ids
        printed.append([
            value_cell(sheet, person.pk), value_cell(sheet, person.name), text_cell(sheet, person.masked_id_number),
            value_cell(sheet, str(Standing.FULL.label if full else Standing.PROBATIONARY.label)),
            value_cell(sheet, str(labels[Grade.QUALIFIED]) if full else ""),
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_rows(data: bytes, filename: str) -> list[list[Any]]:
    """The first sheet of the uploaded `.xlsx`, after every check of a hostile upload."""
    if len(data) > MAX_BYTES:
        raise UnreadableWorkbook(_("文件超过5MB，不是一个支部的民主评议结果，已拒绝。"))
    if not filename.lower().endswith(".xlsx"):
        raise UnreadableWorkbook(_("只能导入 .xlsx 工作簿：请在 Excel 或 WPS 中“另存为” .xlsx 后再导入。"))
    kind = uploads.sniff(data)
    if kind != "xlsx":
        raise UnreadableWorkbook(
            _("无法读取“%(name)s”：不是有效的 Excel 工作簿（其内容是%(kind)s）。")
            % {"name": filename, "kind": uploads.KIND_LABELS.get(kind, kind)}
        )
    label = f"“{filename}”"
    try:
        uploads.refuse_formulas(uploads.scan_xlsx(data, LIMITS, label=label), label=label)
    except uploads.UploadRefused as exc:
        raise UnreadableWorkbook(str(exc)) from None
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            raise UnreadableWorkbook(_("“%(name)s”中没有工作表。") % {"name": filename})
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # calamine raises its own error types for every kind of broken file
        raise UnreadableWorkbook(
            _("无法读取“%(name)s”：不是有效的 Excel 工作簿（%(error)s）。")
            % {"name": filename, "error": type(exc).__name__}
        ) from None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text


def parse(table: list[list[Any]], people: list[Person], full_ids: set[int]) -> Parsed:
    """Grades by person from the table, matched to the roster `people`; every problem names its row."""
    out = Parsed()
    while table and all(_blank(c) for c in table[0]):
        table = table[1:]
    if not table:
        out.problems.append(_("文件是空的：第1行应是表头（人员编号、姓名、公民身份号码、党员类别、等次）。"))
        return out
    positions: dict[str, int] = {}
    for i, header in enumerate(_text(h) for h in table[0]):
        if header in HEADERS and header not in positions:
            positions[header] = i
    if "等次" not in positions:
        out.problems.append(_("第1行缺少“等次”列。"))
    if not {"人员编号", "公民身份号码", "姓名"} & positions.keys():
        out.problems.append(_("第1行缺少识别人员的列：人员编号、公民身份号码或姓名。"))
    if out.problems:
        return out
    by_id = {p.pk: p for p in people}
    by_number = {p.id_number: p for p in people}
    by_name: dict[str, list[Person]] = {}
    for p in people:
        by_name.setdefault(p.name, []).append(p)

    def cell(raw: list[Any], header: str) -> str:
        i = positions.get(header)
        return _text(raw[i]) if i is not None and i < len(raw) else ""

    body = [(n, raw) for n, raw in enumerate(table[1:], start=2) if not all(_blank(c) for c in raw)]
    if len(body) > MAX_ROWS:
        out.problems.append(_("一次最多导入%(n)d行。") % {"n": MAX_ROWS})
        return out
    for n, raw in body:
        number, name, id_number = cell(raw, "人员编号"), cell(raw, "姓名"), cell(raw, "公民身份号码").upper()
        person = None
        if number:
            person = by_id.get(int(number)) if number.isdigit() else None
            if person is None:
                out.problems.append(
                    _("第%(row)d行：人员编号“%(value)s”不是本支部参加评议的党员。")
                    % {"row": n, "value": number}
                )
                continue
        elif id_number and "*" not in id_number:
            person = by_number.get(id_number)
            if person is None:
                out.problems.append(_("第%(row)d行：该公民身份号码不是本支部参加评议的党员。") % {"row": n})
                continue
        elif name:
            found = by_name.get(name, [])
            if len(found) != 1:
                out.problems.append(
                    _("第%(row)d行：本支部没有名为“%(name)s”的党员，请填写人员编号。")
                    % {"row": n, "name": name}
                    if not found
                    else _("第%(row)d行：本支部有%(n)d名党员名为“%(name)s”，请填写人员编号。")
                    % {"row": n, "n": len(found), "name": name}
                )
                continue
            person = found[0]
        else:
            out.problems.append(
                _("第%(row)d行：没有人员编号、公民身份号码或姓名，无法确定是哪名党员。") % {"row": n}
            )
            continue
        if name and name != person.name:
            out.problems.append(
                _("第%(row)d行：人员编号%(id)s是%(person)s，与姓名“%(name)s”不符。")
                % {"row": n, "id": person.pk, "person": person.name, "name": name}
            )
            continue
        if person.pk in out.rows:
            out.problems.append(
                _("第%(row)d行：%(name)s已在第%(first)d行出现过。")
                % {"row": n, "name": person.name, "first": out.rows[person.pk]}
            )
            continue
        value = cell(raw, "等次")
        grade = parse_grade(value)
        if grade is None:
            out.problems.append(
                _("第%(row)d行：%(name)s的等次“%(value)s”无效，只能是优秀、合格、基本合格或不合格。")
                % {"row": n, "name": person.name, "value": value}
            )
            continue
        if grade and person.pk not in full_ids:
            out.problems.append(
                _("第%(row)d行：%(name)s是预备党员，参加民主评议但不评定等次，请清空“等次”。")
                % {"row": n, "name": person.name}
            )
            continue
        if not grade and person.pk in full_ids:
            out.problems.append(
                _("第%(row)d行：%(name)s是正式党员，请填写等次。") % {"row": n, "name": person.name}
            )
            continue
        out.rows[person.pk] = n
        out.grades[person.pk] = grade
    return out
