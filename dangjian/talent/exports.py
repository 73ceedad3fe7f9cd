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


def booklet(target, org, entries, figures) -> None:
    """一村一册: the pool of `org` (its subtree), one row per entry, and its structure figures."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("后备力量名册"))
    headers = [
        (_("序号"), 6), (_("姓名"), 10), (_("性别"), 6), (_("出生日期"), 12), (_("学历"), 10),
        (_("政治面貌"), 12), (_("职业"), 14), (_("来源渠道"), 14), (_("储备岗位"), 18),
        (_("所属党组织"), 24), (_("入库日期"), 12), (_("状态"), 8),
    ]  # fmt: skip
    printed = print_setup(
        sheet, title=document_title(_("后备力量名册"), org.name, figures.on), headers=headers
    )
    for number, e in enumerate(entries, start=1):
        standing = e.person.get_standing_display() if e.person else _("群众")
        printed.append([
            number, value_cell(sheet, e.name), str(e.get_gender_display()), e.birth_date,
            str(e.get_education_display() or ""), str(standing), value_cell(sheet, e.occupation),
            str(e.get_source_display()), str(e.get_reserved_for_display()), value_cell(sheet, e.org.name, wrap=True),
            e.registered_on, str(e.get_status_display()),
        ])  # fmt: skip
    sheet = workbook.create_sheet(_("结构分析"))
    printed = print_setup(
        sheet, title=document_title(_("后备力量结构分析"), org.name, figures.on),
        headers=[(_("项目"), 14), (_("分类"), 30), (_("人数"), 10)],
    )  # fmt: skip
    totals = [
        (_("在库"), figures.total), (_("其中党员"), figures.members), (_("历年入库"), figures.ever),
        (_("入库后发展为党员"), figures.developed), (_("已选任（当选）"), figures.appointed),
        (_("调整出库"), figures.removed),
    ]  # fmt: skip
    for label, n in totals:
        printed.append([_("合计"), label, n])
    groups = [
        (_("年龄"), figures.age), (_("学历"), figures.education), (_("来源渠道"), figures.source),
        (_("政治面貌"), figures.standing), (_("储备岗位"), figures.reserved_for), (_("职业"), figures.occupation),
    ]  # fmt: skip
    for title, rows in groups:
        for f in rows:
            printed.append([title, value_cell(sheet, f.label), f.count])
    workbook.save(target)
