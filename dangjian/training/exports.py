"""The training lists as workbooks people open in Excel/WPS and print (base/spreadsheet.py setup).

ID numbers are masked; user text is escaped against formulas.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from dangjian.base.idnumber import mask_id_number
from dangjian.base.spreadsheet import document_title, print_setup, text_cell, value_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _hours(value) -> float | None:
    return float(value) if value is not None else None


def class_list(target, classes: Iterable, org_name: str) -> None:
    """One row per class: dates, kind, organizer, 学时, participants and completions."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("培训班"))
    headers = [
        (_("培训班名称"), 30), (_("培训类别"), 16), (_("举办党组织"), 24), (_("开始日期"), 12),
        (_("结束日期"), 12), (_("培训天数"), 9), (_("学时"), 8), (_("培训地点"), 18), (_("学员人数"), 9),
        (_("结业人数"), 9),
    ]  # fmt: skip
    printed = print_setup(sheet, title=document_title(_("培训班"), org_name), headers=headers)
    for c in classes:
        printed.append([
            value_cell(sheet, c.name, wrap=True), value_cell(sheet, str(c.get_kind_display())),
            value_cell(sheet, c.org.name, wrap=True), c.start_on, c.end_on, c.days, _hours(c.hours),
            value_cell(sheet, c.place), c.participant_count, c.completed_count,
        ])  # fmt: skip
    workbook.save(target)


def participants(target, training_class, rows: Iterable) -> None:
    """The class's participants (ID numbers masked), with the category and what was credited."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("学员名单"))
    headers = [
        (_("序号"), 6), (_("姓名"), 10), (_("公民身份号码"), 21), (_("所在党组织"), 26), (_("参训类别"), 14),
        (_("结业"), 7), (_("结业日期"), 12), (_("认定学时"), 9), (_("说明"), 20),
    ]  # fmt: skip
    title = document_title(_("%(name)s学员名单") % {"name": training_class.name}, training_class.org.name)
    printed = print_setup(sheet, title=title, headers=headers)
    for number, p in enumerate(rows, start=1):
        printed.append([
            number, value_cell(sheet, p.person.name), text_cell(sheet, mask_id_number(p.person.id_number)),
            value_cell(sheet, p.person.org.name, wrap=True), value_cell(sheet, str(p.get_category_display())),
            _("是") if p.completed else _("否"), p.completed_on, _hours(p.hours) if p.completed else None,
            value_cell(sheet, p.note, wrap=True),
        ])  # fmt: skip
    workbook.save(target)


def below_obligation(target, study) -> None:
    """The members below the year's 学时 obligation, by org and name (a reminder list)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("学时未达要求"))
    headers = [
        (_("序号"), 6),
        (_("所在党组织"), 30),
        (_("姓名"), 10),
        (_("已完成学时"), 11),
        (_("应完成学时"), 11),
    ]
    title = document_title(_("%(year)d年度学时未达要求的党员") % {"year": study.year}, study.org.name)
    printed = print_setup(sheet, title=title, headers=headers)
    for number, m in enumerate(study.below, start=1):
        printed.append([
            number, value_cell(sheet, m.org_name, wrap=True), value_cell(sheet, m.name), _hours(m.hours), m.obligation,
        ])  # fmt: skip
    workbook.save(target)
