"""The 民主评议 as Excel (ID numbers masked) and as the Word 民主评议党员结果表 (replaceable template)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from dangjian.appraisal.models import Appraisal, AppraisalEntry, Grade
from dangjian.base.spreadsheet import chinese_date, document_title, print_setup, text_cell, value_cell
from dangjian.documents import word
from dangjian.documents.models import TemplateKind
from dangjian.people.models import Gender, Standing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _measure(entry: AppraisalEntry) -> str:
    followup = getattr(entry, "followup", None) if entry.grade == Grade.UNQUALIFIED else None
    if followup is None:
        return ""
    parts = [followup.get_measure_display() or _("待决定处置")]
    if followup.outcome:
        parts.append(followup.get_outcome_display())
    return "，".join(parts)


def _standing(entry: AppraisalEntry) -> str:
    return str(Standing.PROBATIONARY.label if entry.is_probationary else Standing.FULL.label)


def _grade(entry: AppraisalEntry) -> str:
    return entry.get_grade_display() if entry.grade else _("参加评议，不评定等次")


def entries_xlsx(entries: list[AppraisalEntry], *, title: str, org_name: str, day: dt.date) -> bytes:
    """The entries as a printed list: 序号, 党支部, 姓名, 性别, 公民身份号码 (masked), 党员类别, 等次, 组织处置."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    headers = [
        (_("序号"), 6), (_("党支部"), 26), (_("姓名"), 12), (_("性别"), 6), (_("公民身份号码"), 21),
        (_("党员类别"), 10), (_("评定等次"), 22), (_("组织处置"), 20),
    ]  # fmt: skip
    printed = print_setup(sheet, title=document_title(title, org_name, day), headers=headers)
    genders = dict(Gender.choices)
    for n, entry in enumerate(entries, start=1):
        person = entry.person
        printed.append([
            value_cell(sheet, n), value_cell(sheet, entry.appraisal.org.name, wrap=True),
            value_cell(sheet, person.name), value_cell(sheet, str(genders.get(person.gender, ""))),
            text_cell(sheet, person.masked_id_number), value_cell(sheet, _standing(entry)),
            value_cell(sheet, _grade(entry)), value_cell(sheet, _measure(entry), wrap=True),
        ])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_context(appraisal: Appraisal, entries: list[AppraisalEntry], *, today: dt.date) -> dict:
    counts = {grade: sum(1 for e in entries if e.grade == grade) for grade in Grade.values}
    genders = dict(Gender.choices)
    people = [
        {"name": e.person.name, "gender": str(genders.get(e.person.gender, "")), "standing": _standing(e),
         "grade": e.get_grade_display() if e.grade else _("不评定等次"), "measure": _measure(e)}
        for e in entries
    ]  # fmt: skip
    meeting = appraisal.meeting
    return {
        "org_name": appraisal.org.name,
        "date": chinese_date(today),
        "year": str(appraisal.year),
        "held_on": chinese_date(appraisal.held_on),
        "meeting": f"{meeting.display_title}" if meeting else "",
        "people": people,
        "count": str(len(entries)),
        "full_count": str(sum(1 for e in entries if not e.is_probationary)),
        "probationary_count": str(sum(1 for e in entries if e.is_probationary)),
        "excellent": str(counts[Grade.EXCELLENT]),
        "qualified": str(counts[Grade.QUALIFIED]),
        "basic": str(counts[Grade.BASIC]),
        "unqualified": str(counts[Grade.UNQUALIFIED]),
    }


def sheet_docx(appraisal: Appraisal, entries: list[AppraisalEntry], *, today: dt.date) -> bytes:
    """The 民主评议党员结果表 from the template in force (raises word.UnsafeTemplate)."""
    return word.render(TemplateKind.APPRAISAL_SHEET, sheet_context(appraisal, entries, today=today))
