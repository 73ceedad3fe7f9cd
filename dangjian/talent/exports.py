"""The coverage report as a workbook people open in Excel/WPS and print (base/spreadsheet.py: A4,
title row, header repeated on every page); user text is escaped against formulas."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook

from dangjian.base.spreadsheet import document_title, print_setup, value_cell
from dangjian.orgs.models import UnitType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def coverage(target, report) -> None:
    """One row per village or community: the standard, the entries in the pool, the shortfall."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("后备力量达标情况"))
    headers = [
        (_("序号"), 6), (_("村（社区）党组织"), 36), (_("类型"), 8), (_("标准（人）"), 10),
        (_("在库（人）"), 10), (_("差额（人）"), 10), (_("是否达标"), 10),
    ]  # fmt: skip
    title = document_title(_("村（社区）后备力量达标情况"), report.org.name, report.on)
    printed = print_setup(sheet, title=title, headers=headers)
    units = dict(UnitType.choices)
    for number, v in enumerate(report.villages, start=1):
        printed.append([
            number, value_cell(sheet, v.name, wrap=True), value_cell(sheet, str(units.get(v.unit_type, ""))),
            v.standard, v.count, v.short, _("否") if v.below else _("是"),
        ])  # fmt: skip
    workbook.save(target)
