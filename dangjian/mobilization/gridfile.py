"""Grid coverage (包保) from a spreadsheet: `.xlsx` (python-calamine) or UTF-8 `.csv`, and back.

One row per compound, building or unit:

    小区 | 楼栋 | 单元 | 负责人姓名 | 公民身份号码 | 联系电话 | 包保党组织代码

A row with only 小区 is the compound (its lead is the 小区长); with 楼栋, the building (楼栋长); with
单元, the unit (单元长). Missing levels above a row are added. A row without a lead only adds the
node, so the file can list every building and unit and the coverage report shows which have no lead.
A lead with a file in the system (a party member, or one registered with the community through
双报到) is given by 公民身份号码, which must be a text cell: a number cell has lost its last digits.
Residents without a file are given by name and phone only (their ID numbers are not kept).

Reading is separate from writing: `parse` turns the table into `GridRow`s and row problems; the
service `grid_import` writes all rows or none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook

from dangjian.base import uploads
from dangjian.base.idnumber import parse_id_number
from dangjian.base.phone import normalize_phone
from dangjian.base.spreadsheet import FORMULA_PREFIXES, document_title, print_setup, text_cell, value_cell
from dangjian.orgs.models import Org

from . import selectors
from .models import Campaign, CommunityRegistration
from .services import GridLead, GridRow

COLUMNS = (
    ("小区", "compound"),
    ("楼栋", "building"),
    ("单元", "unit"),
    ("负责人姓名", "lead_name"),
    ("公民身份号码", "id_number"),
    ("联系电话", "phone"),
    ("包保党组织代码", "org_code"),
)
WIDTHS = {
    "小区": 16,
    "楼栋": 8,
    "单元": 8,
    "负责人姓名": 12,
    "公民身份号码": 20,
    "联系电话": 13,
    "包保党组织代码": 16,
}
HEADER_TO_FIELD = dict(COLUMNS)
REQUIRED_HEADERS = ("小区",)
MAX_ROWS = 20000
MAX_BYTES = 10 * 1024 * 1024
LIMITS = uploads.SheetLimits(
    max_rows=MAX_ROWS,
    max_columns=30,
    zip=uploads.ZipLimits(max_members=100, max_total=100 * uploads.MB, max_member=80 * uploads.MB),
)


class UnreadableGrid(Exception):
    """The file cannot be read at all (message in Chinese)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(data: bytes, filename: str) -> list[list[Any]]:
    """The first sheet of an `.xlsx` workbook, or a UTF-8 `.csv`, as rows of cells."""
    if len(data) > MAX_BYTES:
        raise UnreadableGrid("文件超过10MB，请分批导入。")
    lower = filename.lower()
    if lower.endswith((".xls", ".xlsm", ".ods", ".et")):
        raise UnreadableGrid(f"“{filename}”不是 .xlsx 格式：请“另存为” .xlsx 工作簿后再导入。")
    if not lower.endswith((".xlsx", ".csv")):
        raise UnreadableGrid("只能导入 .xlsx 工作簿或 UTF-8 编码的 .csv 文件。")
    kind = uploads.sniff(data)
    if lower.endswith(".xlsx") and kind != "xlsx":
        raise UnreadableGrid(
            f"无法读取“{filename}”：不是有效的 Excel 工作簿（其内容是{uploads.KIND_LABELS.get(kind, kind)}）。"
        )
    try:
        kind = uploads.check_declared_type(data, filename, {".xlsx", ".csv"})
        if kind == "xlsx":
            # Before calamine, which sizes its grid from the cells' references (see core.uploads).
            label = f"“{filename}”"
            uploads.refuse_formulas(uploads.scan_xlsx(data, LIMITS, label=label), label=label)
    except uploads.UploadRefused as exc:
        raise UnreadableGrid(str(exc)) from None
    if kind == "xlsx":
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            if not book.sheet_names:
                raise UnreadableGrid(f"“{filename}”中没有工作表。")
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except UnreadableGrid:
            raise
        except Exception as exc:  # calamine raises its own error types for every kind of broken file
            raise UnreadableGrid(
                f"无法读取“{filename}”：不是有效的 Excel 工作簿（{type(exc).__name__}）。"
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableGrid(f"“{filename}”不是 UTF-8 编码的文本；请在 Excel 中另存为“CSV UTF-8”。") from None
    try:
        uploads.check_csv_rows(text, name=filename, max_rows=MAX_ROWS)
        return list(csv.reader(io.StringIO(text)))
    except uploads.UploadRefused as exc:
        raise UnreadableGrid(str(exc)) from None
    except csv.Error as exc:
        raise UnreadableGrid(f"“{filename}”不是有效的 CSV 文件：{exc}") from None


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a building number typed into a number cell: 3.0 → "3"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        return text[1:]  # escaped on export (core.spreadsheet.escape_formula)
    return text


def parse(
    actor, campaign: Campaign, table: list[list[Any]], *, default_org: Org | None
) -> tuple[list[GridRow], list[Problem]]:
    """Rows of the table as GridRows, with every problem found (header row = row 1)."""
    problems: list[Problem] = []
    while table and all(_blank(c) for c in table[0]):
        table = table[1:]
    if not table:
        return [], [
            Problem(
                1, "", "文件是空的：第一行应是表头（小区、楼栋、单元、负责人姓名、公民身份号码、联系电话）。"
            )
        ]
    headers = [_text(h) for h in table[0]]
    positions: dict[str, int] = {}
    for i, header in enumerate(headers):
        if not header:
            continue
        if header not in HEADER_TO_FIELD:
            problems.append(
                Problem(1, header, f"“{header}”不是本表的列；可用的列：{'、'.join(HEADER_TO_FIELD)}。")
            )
        elif header in positions:
            problems.append(Problem(1, header, f"表头“{header}”出现了两次。"))
        else:
            positions[header] = i
    for header in REQUIRED_HEADERS:
        if header not in positions:
            problems.append(Problem(1, header, f"缺少必填列“{header}”。"))
    if "包保党组织代码" not in positions and default_org is None:
        problems.append(Problem(1, "包保党组织代码", "缺少“包保党组织代码”列，且没有选择包保党组织。"))
    if problems:
        return [], problems
    body = [(n, raw) for n, raw in enumerate(table[1:], start=2) if not all(_blank(c) for c in raw)]
    if len(body) > MAX_ROWS:
        return [], [Problem(1, "", f"一次最多导入{MAX_ROWS}行，请分批导入。")]

    def cell(raw: list[Any], header: str) -> Any:
        i = positions.get(header)
        return raw[i] if i is not None and i < len(raw) else None

    # Orgs by code, limited to the campaign; people by ID number, limited to those the actor may name.
    codes = {_text(cell(raw, "包保党组织代码")) for _, raw in body} - {""}
    orgs = {o.code: o for o in Org.objects.filter(code__in=codes, path__startswith=campaign.org.path)}
    numbers: dict[int, str] = {}
    for n, raw in body:
        value = cell(raw, "公民身份号码")
        if _blank(value):
            continue
        if isinstance(value, bool | int | float):
            problems.append(
                Problem(
                    n,
                    "公民身份号码",
                    "公民身份号码单元格是数字格式，末尾几位可能已经丢失；请把该列设为“文本”后重新填写。",
                )
            )
            continue
        try:
            numbers[n] = parse_id_number(str(value)).number
        except ValidationError as exc:
            problems.append(Problem(n, "公民身份号码", exc.messages[0]))
    people_qs = selectors.visible_people(actor, campaign) if actor is not None else None
    from dangjian.people.models import Person

    people: dict[str, Person] = {}
    wanted = sorted(set(numbers.values()))
    for start in range(0, len(wanted), 900):
        qs = (people_qs if people_qs is not None else Person.objects.all()).filter(
            id_number__in=wanted[start : start + 900]
        )
        people.update({p.id_number: p for p in qs.select_related("org")})
    registrations = {
        r.person_id: r
        for r in CommunityRegistration.objects.filter(
            campaign=campaign, ended_on__isnull=True, person__id_number__in=list(people)
        ).select_related("community")
    } if people else {}  # fmt: skip

    rows: list[GridRow] = []
    for n, raw in body:
        row_problems: list[Problem] = []
        compound, building, unit = (_text(cell(raw, h)) for h in ("小区", "楼栋", "单元"))
        code = _text(cell(raw, "包保党组织代码"))
        org = default_org
        if code:
            org = orgs.get(code)
            if org is None:
                row_problems.append(Problem(n, "包保党组织代码", f"本次动员的范围内没有组织代码“{code}”。"))
        lead_name = _text(cell(raw, "负责人姓名"))
        raw_phone = cell(raw, "联系电话")
        phone = ""
        if isinstance(raw_phone, float) and not raw_phone.is_integer():
            row_problems.append(Problem(n, "联系电话", "联系电话请以文本格式填写。"))
        else:
            text = _text(raw_phone)
            if isinstance(raw_phone, int | float) and not text.startswith("1"):
                row_problems.append(
                    Problem(n, "联系电话", "固定电话的区号以0开头，请把该列设为“文本”后重新填写。")
                )
            else:
                try:
                    phone = normalize_phone(text)
                except ValidationError as exc:
                    row_problems.append(Problem(n, "联系电话", exc.messages[0]))
        lead = None
        if n in numbers:
            person = people.get(numbers[n])
            if person is None:
                row_problems.append(
                    Problem(
                        n,
                        "公民身份号码",
                        "在您的管理范围内没有该公民身份号码的人员档案（到本社区报到的党员须先办理双报到；群众只填姓名和电话）。",
                    )
                )
            elif lead_name and lead_name != person.name:
                row_problems.append(
                    Problem(
                        n, "负责人姓名", f"姓名“{lead_name}”与该公民身份号码的档案（{person.name}）不一致。"
                    )
                )
            else:
                reg = registrations.get(person.pk)
                if reg is not None and org is not None and not org.path.startswith(reg.community.path):
                    reg = None
                lead = GridLead(person=person, registration=reg)
        elif lead_name:
            if any(ch.isdigit() for ch in lead_name) or len(lead_name) > 40:
                row_problems.append(Problem(n, "负责人姓名", f"姓名“{lead_name}”无效。"))
            lead = GridLead(name=lead_name, phone=phone)
        elif phone:
            row_problems.append(Problem(n, "负责人姓名", "填写了联系电话，但没有填写负责人姓名。"))
        problems.extend(row_problems)
        if not row_problems and org is not None:
            rows.append(
                GridRow(number=n, org=org, compound=compound, building=building, unit=unit, lead=lead)
            )
    return rows, problems


def template_xlsx() -> bytes:
    """An empty grid sheet with the header, the ID column formatted as text, and example rows.

    Set up for printing, but without a title row: the importer reads the header from row 1."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("网格包保")
    print_setup(sheet, title=None, headers=[(h, WIDTHS[h]) for h, _ in COLUMNS])
    examples = [
        ("阳光小区", "", "", "王建国", "", "13800000000", ""),
        ("阳光小区", "1栋", "", "", "", "", ""),
        ("阳光小区", "1栋", "1单元", "李小红", "", "13900000000", ""),
        ("阳光小区", "1栋", "2单元", "", "", "", ""),
    ]
    for row in examples:
        sheet.append([text_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def coverage_xlsx(coverage: selectors.Coverage, campaign: Campaign) -> bytes:
    """The coverage report: counts per level, then every node without a lead; each sheet printed
    with a title row (网格包保覆盖情况（动员名称）　组织　日期)."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("覆盖情况")
    org_name = campaign.org.name
    print_setup(
        summary,
        title=document_title(f"网格包保覆盖情况（{campaign.name}）", org_name),
        headers=[
            ("层级", 10),
            ("负责人", 10),
            ("网格数", 10),
            ("已落实", 10),
            ("未落实", 10),
            ("覆盖率（%）", 12),
        ],
    )
    for level in coverage.levels:
        summary.append(
            [value_cell(summary, level.label), value_cell(summary, level.title), value_cell(summary, level.nodes),
             value_cell(summary, level.led), value_cell(summary, level.gaps), value_cell(summary, level.percent)]
        )  # fmt: skip
    gaps = book.create_sheet("未落实负责人")
    print_setup(
        gaps,
        title=document_title(f"未落实负责人的网格（{campaign.name}）", org_name),
        headers=[("小区", 20), ("楼栋", 10), ("单元", 10), ("层级", 8), ("包保党组织", 28)],
    )
    for gap in coverage.gaps:
        gaps.append([text_cell(gaps, gap[k]) for k in ("compound", "building", "unit", "level_label", "org")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
