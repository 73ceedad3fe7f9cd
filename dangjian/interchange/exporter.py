"""Write the development-record workbook: an org's records, the empty template, the error report.

Same layout as the import (layout.py), so an export imports back to the same records. ID numbers
are written as text cells; text that a spreadsheet would run as a formula is escaped. Without
`unmask` the ID numbers are masked, and such a file cannot be imported (the importer says so).

Every sheet is set up for printing (`dangjian.base.spreadsheet.print_setup`: A4, header repeated on
every page, page numbers), but the sheets the importer reads have no title row: their header stays
in row 1. 发展纪实 (49 columns) is too wide to print on one page wide: it prints across pages with
姓名 and 公民身份号码 repeated at the left.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from typing import Any

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from dangjian.base.idnumber import mask_id_number
from dangjian.base.spreadsheet import WRAP, document_title, escape_formula, print_setup, value_cell
from dangjian.development.models import Case, StepRecord
from dangjian.interchange.layout import (
    COLUMNS,
    MEMBERS,
    ORG_KIND_LABELS,
    ORGS,
    RECORDS,
    SHEETS,
    SIMPLE_STEPS,
    UNIT_TYPE_LABELS,
    VOTE_KEYS,
    Column,
    category_labels,
)
from dangjian.interchange.reader import Problem
from dangjian.orgs.models import Org, subtree_q
from dangjian.people.models import MEMBER_STANDINGS, Person, Standing

KIND_LABEL = {v: k for k, v in ORG_KIND_LABELS.items()}
UNIT_LABEL = {v: k for k, v in UNIT_TYPE_LABELS.items()}
CHUNK = 2000


def _book() -> Workbook:
    return Workbook(write_only=True)


def _sheet(book: Workbook, name: str):
    """A sheet of the import layout with its header in row 1 (no title row: it is read back)."""
    sheet = book.create_sheet(name)
    columns = COLUMNS[name]
    print_setup(sheet, title=None, headers=[(c.header, c.width) for c in columns], repeat_columns="A:B")
    return sheet, columns


def _cell(sheet, column: Column, value: Any):
    """One cell: dates as dates, numbers as numbers, everything else as escaped text."""
    if value is None or value == "" or value == []:
        cell = WriteOnlyCell(sheet, value=None)
        if column.kind in ("id", "ids", "text", "choice", "dates"):
            cell.number_format = "@"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, int | float) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=escape_formula(str(value)))
    cell.number_format = "@"  # ID numbers stay text: Excel would turn 18 digits into 1.1E+17
    return cell


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_bytes() -> bytes:
    """The empty workbook: three sheets with their headers, text-formatted ID columns, and a guide."""
    book = _book()
    for name in SHEETS:
        _sheet(book, name)
    guide = book.create_sheet("填写说明")  # ignored by the importer: a title row would do no harm
    printed = print_setup(
        guide, title=None, headers=[("工作表", 12), ("列", 22), ("填写要求", 70)], landscape=False
    )
    categories = "、".join(category_labels())
    for name in SHEETS:
        for column in COLUMNS[name]:
            printed.append([name, column.header, value_cell(guide, _explain(column, categories), wrap=True)])
    printed.append([])
    note = "“填写说明”工作表在导入时忽略；表头顺序可以调整；不认识的列作为备注保留。"
    printed.append(["", "说明", value_cell(guide, note, wrap=True)])
    return _save(book)


def _explain(column: Column, categories: str) -> str:
    parts = ["必填" if column.required else "可空（空表示该步骤尚未进行）" if column.step else "可空"]
    if column.kind == "date":
        parts.append("日期，YYYY-MM-DD 或 Excel 日期格式")
    elif column.kind == "dates":
        parts.append("多个日期用“;”分隔")
    elif column.kind == "id":
        parts.append("18位公民身份号码，单元格必须为文本格式")
    elif column.kind == "ids":
        parts.append("党员的公民身份号码，多个用“;”分隔，须在“党员名册”中或系统中已有")
    elif column.kind == "int":
        parts.append("整数")
    elif column.kind == "number":
        parts.append("数字")
    if column.key == "category":
        parts.append(f"可选：{categories}")
    elif column.choices:
        parts.append("可选：" + "、".join(column.choices))
    if column.step:
        parts.append(f"第{column.step}步")
    return "；".join(parts)


# ---- export of an org's records ----------------------------------------------------------------


def export_bytes(*, user, org: Org, unmask: bool = False) -> bytes:
    """The workbook of `org`'s subtree as `user` may see it (None: everything, for the CLI)."""
    with translation.override("zh-hans"):
        return _save(_export(user, org, unmask))


def _export(user, org: Org, unmask: bool) -> Workbook:
    from dangjian.accounts import scope
    from dangjian.development.selectors import cases_for

    cases = cases_for(user) if user is not None else Case.objects.all()
    people = scope.people_for(user) if user is not None else Person.objects.all()
    book = _book()
    show = (lambda n: n) if unmask else mask_id_number
    case_rows = list(
        cases.filter(subtree_q(org.path, "org__path"))
        .order_by("org__path", "person__name_sort_key", "id")
        .values_list(
            "id",
            "person__name",
            "person__id_number",
            "person__category",
            "org__code",
            "special_basis",
            "person_id",
            "remarks",
        )
    )
    records = _records([row[0] for row in case_rows])
    referenced: set[int] = set()
    for per_case in records.values():
        for record in per_case:
            if record[1] in (5, 9):
                referenced.update(
                    int(i) for i in (record[4] or {}).get("contacts" if record[1] == 5 else "introducers", [])
                )
    people_with_case = {row[6] for row in case_rows}

    # 党组织: the subtree, the top one as the workbook's root (its parent is outside the file).
    orgs = list(
        Org.objects.filter(subtree_q(org.path))
        .order_by("path")
        .values_list("id", "path", "code", "name", "kind", "has_approval_authority", "unit_type", "depth")
    )
    code_by_path = {path: code for _, path, code, *_ in orgs}
    approving_codes = set()
    for per_case in records.values():
        approving_codes.update(r[3] for r in per_case if r[1] in (17, 24))
    sheet, columns = _sheet(book, ORGS)
    written = set()
    for _, path, code, name, kind, authority, unit_type, _depth in orgs:
        parent_code = code_by_path.get(path[: -Org.steplen], "") if path != org.path else ""
        values = [
            code,
            name,
            parent_code,
            KIND_LABEL[kind],
            "是" if authority else "否",
            UNIT_LABEL.get(unit_type, "其他"),
        ]
        sheet.append([_cell(sheet, c, v) for c, v in zip(columns, values, strict=True)])
        written.add(code)

    # 党员名册: the subtree's members without a case in this file, and everyone they introduce.
    sheet, columns = _sheet(book, MEMBERS)
    roster = (
        people.filter(subtree_q(org.path, "org__path"), standing__in=MEMBER_STANDINGS, reduction="")
        .exclude(pk__in=people_with_case)
        .values_list(
            "id",
            "name",
            "id_number",
            "org__code",
            "admitted_on",
            "converted_on",
            "standing",
            "on_probation_watch",
        )
        .order_by("org__path", "name_sort_key", "id")
    )
    listed = set()
    for pk, name, number, org_code, admitted, converted, standing, watch in roster.iterator(chunk_size=CHUNK):
        listed.add(pk)
        converted = converted if standing == Standing.FULL else None
        values = [name, show(number), org_code, admitted, converted, "留党察看" if watch else "正常"]
        sheet.append([_cell(sheet, c, v) for c, v in zip(columns, values, strict=True)])
    outside = referenced - listed - people_with_case
    for start in range(0, len(outside), 900):
        chunk = list(outside)[start : start + 900]
        for name, number, org_code, admitted, converted, standing, watch in Person.objects.filter(
            pk__in=chunk
        ).values_list(
            "name", "id_number", "org__code", "admitted_on", "converted_on", "standing", "on_probation_watch"
        ):
            converted = converted if standing == Standing.FULL else None
            values = [name, show(number), org_code, admitted, converted, "留党察看" if watch else "正常"]
            sheet.append([_cell(sheet, c, v) for c, v in zip(columns, values, strict=True)])

    # 发展纪实: one row per case.
    sheet, columns = _sheet(book, RECORDS)
    numbers = _id_numbers(referenced, people)
    labels = {v: k for k, v in category_labels().items()}
    for case_id, name, number, category, org_code, special_basis, _person, remarks in case_rows:
        row = _case_row(records.get(case_id, []), numbers, show)
        row.update(name=name, id_number=show(number), org_code=org_code, category=labels.get(category, "其他"),
                   special_basis=special_basis, remarks=remarks)  # fmt: skip
        sheet.append([_cell(sheet, c, row.get(c.key)) for c in columns])
    return book


def _records(case_ids: list[int]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = defaultdict(list)
    for start in range(0, len(case_ids), CHUNK):
        rows = (
            StepRecord.objects.filter(case_id__in=case_ids[start : start + CHUNK], is_current=True)
            .order_by("case_id", "on", "step", "id")
            .values_list("case_id", "step", "on", "org__code", "data", "note")
        )
        for row in rows:
            out[row[0]].append(row)
    return out


def _id_numbers(person_ids: set[int], people) -> dict[int, str]:
    out: dict[int, str] = {}
    ids = list(person_ids)
    for start in range(0, len(ids), 900):
        out.update(people.filter(pk__in=ids[start : start + 900]).values_list("id", "id_number"))
    return out


def _case_row(records: list[tuple], numbers: dict[int, str], show) -> dict[str, Any]:
    row: dict[str, Any] = {}
    key_by_step = SIMPLE_STEPS
    assessments = []
    for _case, step, on, org_code, data, _note in records:
        data = data or {}
        if step in key_by_step:
            row[key_by_step[step]] = on
        elif step == 5:
            row["contacts_on"] = on
            row["contacts"] = ";".join(show(numbers.get(int(i), "")) for i in data.get("contacts", []))
        elif step == 6:
            assessments.append(on.isoformat())
        elif step == 9:
            row["introducers_on"] = on
            row["introducers"] = ";".join(show(numbers.get(int(i), "")) for i in data.get("introducers", []))
        elif step == 10:
            row["political_review_on"] = on
            row["political_review_result"] = data.get("result", "")
        elif step == 11:
            row["training_end"] = on
            row["training_start"] = dt.date.fromisoformat(data["start"]) if data.get("start") else None
            hours = data.get("hours")
            row["training_hours"] = hours if hours not in (None, "") else None
        elif step == 13:
            row["prereview_on"] = on
            for key in ("notice_start", "notice_end"):
                row[key] = dt.date.fromisoformat(data[key]) if data.get(key) else None
        elif step in (15, 23):
            prefix = "admission" if step == 15 else "conversion"
            row[f"{prefix}_meeting_on"] = on
            for key in VOTE_KEYS:
                row[f"{prefix}_{key}"] = data.get(key)
            if step == 23:
                row["conversion_result"] = data.get("result", "")
                row["extension_months"] = data.get("extension_months")
        elif step in (17, 24):
            row["approved_on" if step == 17 else "conversion_approved_on"] = on
            row["approving_org_code"] = org_code
    if assessments:
        row["assessments"] = ";".join(assessments)
    return row


# ---- the error report --------------------------------------------------------------------------


def report_bytes(problems: list[Problem], filename: str) -> bytes:
    """Every problem of a failed (or checked) import, one per row, to fix the workbook by."""
    book = _book()
    sheet = book.create_sheet("导入问题")
    printed = print_setup(
        sheet,
        title=document_title("导入问题清单", f"导入文件：{filename}"),
        headers=[("工作表", 10), ("行号", 6), ("列", 18), ("单元格内容", 22), ("问题", 56), ("级别", 6)],
    )
    title = Column("", "", "text")
    for p in problems:
        values = [p.sheet, p.row, p.column, p.value, p.message, "错误" if p.is_error else "提醒"]
        cells = [_cell(sheet, title, v) for v in values]
        cells[4].alignment = WRAP
        printed.append(cells)
    return _save(book)
