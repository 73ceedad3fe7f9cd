"""Reading the workbook's sheets into rows, and collecting every problem found on the way.

Also the result and failure an import ends with, and the phases it reports (IMPORT_PHASES).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.idnumber import mask_id_number
from dangjian.interchange.cells import MASKED_ID, CellError, as_text, read_cell
from dangjian.interchange.layout import (
    RECORDS,
    Column,
    category_labels,
    columns_by_header,
)
from dangjian.interchange.reader import ERROR, Problem, Workbook
from dangjian.orgs.models import Org
from dangjian.people.models import Person

CHUNK = 900
OUT_OF_SCOPE = "不在您的管理范围内。"
IMPORT_PHASES = ("检查表格", "写入人员", "写入发展纪实", "核对规则")


def _org_known(actor, org: Org) -> bool:
    """May the report name this org? Only within the actor's scope or above it, never a sibling subtree."""
    return actor is None or scope.path_known(actor, org.path)


def _person_known(actor, person: Person) -> bool:
    return actor is None or scope.can(actor, Action.VIEW, person.org)


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem], filename: str = ""):
        self.problems = problems
        self.filename = filename
        errors = sum(1 for p in problems if p.is_error)
        super().__init__(f"导入未执行：发现 {errors} 处错误，数据库未作任何改动。")


@dataclass
class ImportResult:
    filename: str
    orgs_created: int = 0
    people_created: int = 0
    cases_created: int = 0
    steps_appended: int = 0
    unchanged: int = 0
    checked_rows: int = 0
    findings: int = 0
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.orgs_created or self.people_created or self.cases_created or self.steps_appended)

    def summary(self) -> str:
        verb = "检查通过（未写入）" if self.dry_run else "导入完成"
        return (
            f"{verb}：新建党组织 {self.orgs_created} 个、人员 {self.people_created} 人、"
            f"发展纪实 {self.cases_created} 份，补充步骤 {self.steps_appended} 条；"
            f"与系统一致未改动 {self.unchanged} 行；规则检查发现 {self.findings} 处问题"
            f"（见合规检查）；提醒 {len(self.warnings)} 条。"
        )


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]  # only the filled cells' values (blank ones are absent: use .get)
    remarks: str = ""


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, sheet, row, column, value, message, severity=ERROR) -> None:
        self.problems.append(Problem(sheet, row, column, _shown(column, value), message, severity))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def _shown(column: str, value: Any) -> str:
    """The cell as the report shows it: ID numbers masked (the row number finds the cell)."""
    text = as_text(value) if not isinstance(value, str) else value.strip()
    if column in ("公民身份号码", "培养联系人", "入党介绍人") and text:
        return "；".join(mask_id_number(part) if len(part) >= 10 else part for part in text.split(";"))
    return text[:200]


def _parse_sheet(book: Workbook, name: str, out: _Collector, today: dt.date) -> list[_Row]:
    sheet = book.sheets.get(name)
    if sheet is None:
        return []
    columns = columns_by_header(name)
    if name == RECORDS:
        labels = category_labels()
        category = columns["人员类别"]
        columns["人员类别"] = Column(category.header, category.key, "choice", choices=tuple(labels))
    rows = []
    masked = 0
    known = [(h, columns[h]) for h in dict.fromkeys(sheet.headers) if h in columns]
    for number, cells in sheet.rows:
        values: dict[str, Any] = {}
        for header, column in known:
            raw = cells.get(header)  # the reader keeps only non-blank cells
            if raw is None:
                # A blank cell: nothing to read, and nothing kept (100,000 rows of mostly blank
                # columns would otherwise hold millions of empty values).
                if column.required:
                    out.add(name, number, header, "", f"请填写“{header}”。")
                    values.setdefault("_bad", set()).add(column.key)
                continue
            try:
                values[column.key] = read_cell(column, raw, today=today)
            except CellError as exc:
                masked += MASKED_ID in str(exc)
                if masked <= 1 or MASKED_ID not in str(exc):  # a masked export: say it once per sheet
                    out.add(name, number, header, raw, str(exc))
                values[column.key] = None
                values.setdefault("_bad", set()).add(column.key)
            else:
                if column.required and values[column.key] in ("", None):
                    out.add(name, number, header, raw, f"请填写“{header}”。")
                    values.setdefault("_bad", set()).add(column.key)
        extra = [f"{h}：{as_text(cells[h])}" for h in sheet.extra_headers if as_text(cells.get(h))]
        rows.append(_Row(name, number, values, "；".join(extra)))
    if masked > 1:
        out.add(name, None, "公民身份号码", "", f"本表共有 {masked} 个隐去了部分数字的公民身份号码。")
    return rows


def _ok(row: _Row, *keys: str) -> bool:
    return not (row.values.get("_bad", set()) & set(keys))
