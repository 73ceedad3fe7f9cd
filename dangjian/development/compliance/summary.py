"""The compliance report summarised (counts by rule, by org, people) and written as a workbook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from dangjian.base.idnumber import mask_id_number
from dangjian.base.spreadsheet import (
    append_title,
    document_title,
    header_row,
    page_setup,
    print_setup,
    text_cell,
    value_cell,
)
from dangjian.development import rules as engine
from dangjian.development.compliance.batch import FindingRow, Report


@dataclass
class Count:
    key: str
    label: str
    violations: int = 0
    warnings: int = 0

    @property
    def total(self) -> int:
        return self.violations + self.warnings


def _count(findings: Iterable[FindingRow], key, label) -> list[Count]:
    counts: dict[str, Count] = {}
    for f in findings:
        k = key(f)
        c = counts.get(k)
        if c is None:
            c = counts[k] = Count(k, label(f))
        if f.severity == engine.VIOLATION:
            c.violations += 1
        else:
            c.warnings += 1
    return list(counts.values())


def counts_by_rule(findings: Iterable[FindingRow]) -> list[Count]:
    """Per rule, in the engine's rule order."""
    order = {r.id: i for i, r in enumerate(engine.RULES)}
    counts = _count(findings, lambda f: f.rule, lambda f: engine.RULE_BY_ID[f.rule].title)
    return sorted(counts, key=lambda c: order.get(c.key, len(order)))


def counts_by_org(findings: Iterable[FindingRow]) -> list[Count]:
    """Per org (code), most findings first, then in tree order."""
    paths: dict[str, str] = {}
    for f in findings:
        paths.setdefault(f.org_code, f.org_path)
    counts = _count(findings, lambda f: f.org_code, lambda f: f.org_name)
    return sorted(counts, key=lambda c: (-c.total, paths[c.key]))


def people_count(findings: Iterable[FindingRow]) -> int:
    return len({f.case_id for f in findings})


# (column, width in characters); 组织名称, 依据条款 and 说明 wrap.
FINDING_COLUMNS = [
    ("组织编码", 12),
    ("组织名称", 20),
    ("姓名", 10),
    ("公民身份号码", 20),
    ("规则", 10),
    ("步骤", 6),
    ("严重程度", 9),
    ("依据条款", 20),
    ("说明", 50),
]
FINDING_HEADERS = [h for h, _ in FINDING_COLUMNS]
REPORT_NAME = "合规检查报告"
SUMMARY_NAME = "合规检查报告（汇总）"


def write_xlsx(report: Report, target, *, unmask: bool = False, scope: str = "") -> None:
    """The report as a workbook: sheet 问题清单 (one row per finding) and 汇总 (counts).

    `target`: a path or a binary file object. Written in openpyxl's streaming (write-only) mode;
    ID numbers are text cells (masked unless `unmask`), user text is escaped against formulas.
    `scope`: the org(s) checked, in the title row of each sheet (合规检查报告　东城镇党委　2026年11月20日),
    printed on every page (with the header of 问题清单).
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("问题清单")
    printed = print_setup(sheet, title=document_title(REPORT_NAME, scope), headers=FINDING_COLUMNS)
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(FINDING_COLUMNS))}{len(report.findings) + 2}"
    labels = engine.SEVERITY_LABELS
    for f in report.findings:
        printed.append([
            text_cell(sheet, f.org_code), value_cell(sheet, f.org_name, wrap=True), value_cell(sheet, f.name),
            text_cell(sheet, f.id_number if unmask else mask_id_number(f.id_number)), value_cell(sheet, f.rule),
            f.step, labels[f.severity], value_cell(sheet, f.article, wrap=True),
            value_cell(sheet, f.message, wrap=True),
        ])  # fmt: skip

    summary = workbook.create_sheet("汇总")
    page_setup(summary, (22, 30, 8, 8, 8), repeat_rows="1:1")
    append_title(summary, document_title(SUMMARY_NAME, scope))
    summary.append([value_cell(summary, "规则集"), text_cell(summary, report.ruleset)])
    summary.append([value_cell(summary, "检查发展纪实（份）"), report.checked])
    summary.append([value_cell(summary, "发现问题（处）"), len(report.findings)])
    summary.append([value_cell(summary, "涉及人员（人）"), people_count(report.findings)])
    summary.append([value_cell(summary, "生成时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"])
    summary.append([])
    summary.append(header_row(summary, ["规则", "名称", "违规", "提醒", "合计"]))
    for c in counts_by_rule(report.findings):
        summary.append([c.key, c.label, c.violations, c.warnings, c.total])
    summary.append([])
    summary.append(header_row(summary, ["组织编码", "组织名称", "违规", "提醒", "合计"]))
    for c in counts_by_org(report.findings):
        summary.append(
            [text_cell(summary, c.key), value_cell(summary, c.label), c.violations, c.warnings, c.total]
        )
    workbook.save(target)


def default_xlsx_name(today: dt.date | None = None) -> str:
    return f"合规检查报告-{(today or timezone.localdate()):%Y%m%d}.xlsx"
