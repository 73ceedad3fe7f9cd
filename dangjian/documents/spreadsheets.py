"""Excel outputs: the roster (花名册), the statistical table, the due list.

openpyxl write-only (the only mode fast enough for 134,000 rows); ID numbers and phones are text
cells (`text_cell`), every user-entered string goes through `escape_formula`. Without `unmask` the
ID numbers and phones are masked.

Every sheet is set up for printing (`dangjian.base.spreadsheet.print_setup`; the rosters through
`xlsxstream`): a title row (document, org, date) above the header row, both repeated on every A4
page, one page wide, page numbers in the footer. The data begin in row 3.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import IO

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment

from dangjian.base.idnumber import mask_id_number
from dangjian.base.phone import mask_phone
from dangjian.base.spreadsheet import document_title, escape_formula, print_setup, value_cell
from dangjian.development.models import DueKind, DueStatus
from dangjian.documents import selectors, xlsxstream
from dangjian.documents.models import ExportKind
from dangjian.documents.xlsxstream import Text, Wrapped
from dangjian.orgs.models import Org
from dangjian.people.models import Category, Education, Gender, Standing

# (column, width in characters): dates in 11, long text (工作单位及职务, 所在党组织) wraps.
ROSTER_HEADERS = (
    ("序号", 6), ("姓名", 10), ("性别", 5), ("民族", 7), ("出生日期", 11), ("公民身份号码", 20),
    ("学历", 10), ("人员类别", 12), ("工作单位及职务", 24), ("所在党组织", 20), ("政治面貌", 12),
    ("入党日期", 11), ("转正日期", 11), ("联系电话", 13),
)  # fmt: skip
DEVELOPMENT_ROSTER_HEADERS = (
    ("序号", 6), ("姓名", 10), ("性别", 5), ("民族", 7), ("出生日期", 11), ("公民身份号码", 20),
    ("学历", 10), ("人员类别", 12), ("工作单位及职务", 20), ("所在党组织", 18), ("政治面貌", 9),
    ("发展阶段", 13), ("递交入党申请书日期", 12), ("确定为入党积极分子日期", 12), ("确定为发展对象日期", 12),
    ("联系电话", 13),
)  # fmt: skip
DUE_HEADERS = (("期限", 11), ("状态", 9), ("事项", 19), ("党组织", 24), ("姓名", 10), ("说明", 62))
CENTRED = Alignment(horizontal="center")  # dates
PROGRESS_EVERY = 2000

Progress = Callable[[int], None]


def _in_chinese(function):
    """Documents are Chinese whatever language the user's pages are in."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override("zh-hans"):
            return function(*args, **kwargs)

    return wrapper


def _date(sheet, value: dt.date | None):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd"
    cell.alignment = CENTRED
    return cell


@_in_chinese
def write_roster(
    out: IO[bytes] | Path | str, org: Org, *, unmask: bool, progress: Progress | None = None
) -> int:
    """The 党员花名册 of `org`'s subtree (scope already checked): party members only (预备党员 and
    正式党员); returns the number of people.

    Streamed with `xlsxstream` (134,000 rows in seconds, not the minute openpyxl's cell objects
    take); ID numbers and phones are text cells.
    """
    labels = _Labels(unmask)

    def rows():
        for n, (name, sex, ethnicity, birth, number, edu, cat, unit, org_name, std, admitted, converted,
                phone) in enumerate(selectors.chunks(selectors.roster_people(org)), start=1):  # fmt: skip
            yield (
                *labels.person(n, name, sex, ethnicity, birth, number, edu, cat, unit, org_name),
                labels.political_status[std], admitted, converted if std == Standing.FULL else None,
                labels.phone(phone),
            )  # fmt: skip
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress(n)

    name = selectors.ROSTER_TITLES[selectors.MEMBERS]
    n = xlsxstream.write_sheet(out, name, ROSTER_HEADERS, rows(), title=document_title(name, org.name))
    if progress is not None:
        progress(n)
    return n


@_in_chinese
def write_development_roster(
    out: IO[bytes] | Path | str, org: Org, *, unmask: bool, progress: Progress | None = None
) -> int:
    """The 入党申请人、入党积极分子、发展对象名册 of `org`'s subtree: the people in the development
    work who are not members yet; returns the number of people."""
    labels = _Labels(unmask)
    stage = {k: str(v) for k, v in Standing.choices}

    def rows():
        for n, (name, sex, ethnicity, birth, number, edu, cat, unit, org_name, std, applied, activist,
                candidate, phone) in enumerate(
                    selectors.chunks(selectors.roster_people(org, selectors.DEVELOPMENT)), start=1):  # fmt: skip
            yield (
                *labels.person(n, name, sex, ethnicity, birth, number, edu, cat, unit, org_name),
                labels.political_status[std], stage[std], applied, activist, candidate, labels.phone(phone),
            )  # fmt: skip
            if progress is not None and n % PROGRESS_EVERY == 0:
                progress(n)

    title = document_title(selectors.ROSTER_TITLES[selectors.DEVELOPMENT], org.name)
    n = xlsxstream.write_sheet(
        out, "入党申请人、积极分子、发展对象", DEVELOPMENT_ROSTER_HEADERS, rows(), title=title
    )  # a sheet name has at most 31 characters
    if progress is not None:
        progress(n)
    return n


class _Labels:
    """The roster's shared columns, with the choices' labels resolved once (they are lazy)."""

    def __init__(self, unmask: bool) -> None:
        self.gender = {k: str(v) for k, v in Gender.choices}
        self.education = {k: str(v) for k, v in Education.choices}
        self.category = {k: str(v) for k, v in Category.choices}
        self.political_status = {s.value: selectors.STANDING_AS_POLITICAL_STATUS[s] for s in Standing}
        self.show_id = (lambda n: n) if unmask else mask_id_number
        self.show_phone = (lambda n: n) if unmask else mask_phone

    def person(self, n, name, sex, ethnicity, birth, number, edu, cat, unit, org_name) -> tuple:
        return (
            n, escape_formula(name), self.gender.get(sex, ""), escape_formula(ethnicity), birth,
            Text(self.show_id(number)), self.education.get(edu, ""), self.category.get(cat, ""),
            Wrapped(escape_formula(unit)), Wrapped(escape_formula(org_name)),
        )  # fmt: skip

    def phone(self, phone: str):
        return Text(escape_formula(self.show_phone(phone))) if phone else None


@_in_chinese
def write_statistics(out: IO[bytes] | Path | str, org: Org, progress: Progress | None = None) -> int:
    """Counts by standing and by category per direct sub-org (from the pre-aggregated counts)."""
    rows = selectors.statistics_rows(org)
    book = Workbook(write_only=True)

    def sheet_for(name: str, headers):
        sheet = book.create_sheet(name)
        title = document_title(f"{ExportKind.STATISTICS.label}（{name}）", org.name)
        return sheet, print_setup(sheet, title=title, headers=headers)

    for name, axis, choices, width in (
        ("按发展阶段", 0, list(Standing), 13),
        ("按人员类别", 1, list(Category), 9),
    ):
        sheet, printed = sheet_for(
            name, [("党组织", 26), *((str(c.label), width) for c in choices), ("合计", 8)]
        )
        for label, counts in rows:
            values = [sum(n for key, n in counts.items() if key[axis] == c.value) for c in choices]
            printed.append([value_cell(sheet, label, wrap=True), *values, sum(values)])
    cross, printed = sheet_for(
        "阶段×类别", [("党组织", 26), ("发展阶段", 13), *((str(c.label), 9) for c in Category), ("合计", 8)]
    )
    for label, counts in rows:
        for s in Standing:
            values = [counts.get((s.value, c.value), 0) for c in Category]
            printed.append([value_cell(cross, label, wrap=True), str(s.label), *values, sum(values)])
    book.save(out)
    if progress is not None:
        progress(len(rows))
    return len(rows)


@_in_chinese
def write_due(out: IO[bytes] | Path | str, org: Org, progress: Progress | None = None) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("待办事项")
    printed = print_setup(sheet, title=document_title(ExportKind.DUE.label, org.name), headers=DUE_HEADERS)
    kind = dict(DueKind.choices)
    status = dict(DueStatus.choices)
    n = 0
    for item in selectors.chunks(selectors.due_items(org)):
        n += 1
        person = item.case.person.name if item.case_id else ""
        printed.append([
            _date(sheet, item.due_on), status.get(item.status, ""), kind.get(item.kind, ""),
            value_cell(sheet, item.org.name, wrap=True), escape_formula(person),
            value_cell(sheet, item.message, wrap=True),
        ])  # fmt: skip
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
    book.save(out)
    if progress is not None:
        progress(n)
    return n
