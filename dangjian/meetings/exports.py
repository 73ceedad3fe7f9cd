"""The meeting list as a workbook people open in Excel/WPS and print (base/spreadsheet.py setup)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from dangjian.base.spreadsheet import document_title, print_setup, value_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def meeting_list(target, meetings: Iterable, org_name: str) -> None:
    """One row per meeting: date, org, kind and purposes, title and theme, attendance."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("会议记录"))
    headers = [
        (_("会议日期"), 12), (_("党组织"), 24), (_("会议类型"), 22), (_("会议名称"), 26), (_("主题或议题"), 30),
        (_("地点"), 16), (_("主持人"), 10), (_("授课人"), 10), (_("名单人数"), 9), (_("出席人数"), 9),
    ]  # fmt: skip
    printed = print_setup(sheet, title=document_title(_("会议记录"), org_name), headers=headers)
    for m in meetings:
        kinds = "、".join([str(m.get_kind_display()), *(str(p.get_kind_display()) for p in m.purposes.all())])
        printed.append([
            m.held_on, value_cell(sheet, m.org.name, wrap=True), value_cell(sheet, kinds, wrap=True),
            value_cell(sheet, m.display_title, wrap=True), value_cell(sheet, m.topic, wrap=True),
            value_cell(sheet, m.place, wrap=True), value_cell(sheet, m.chair), value_cell(sheet, m.lecturer),
            m.listed_count, m.present_count,
        ])  # fmt: skip
    workbook.save(target)
