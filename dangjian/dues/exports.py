"""Documents of the dues: the monthly 党费收缴登记表 of a branch (Excel, Word), the yearly 党费收缴使用
情况公示 of an org (Word, from the replaceable template `dues_notice`, rendered in Jinja's sandbox
by documents.word) and the notice of an allocation (Word). The base (income) is masked unless the
caller asked for it and may see it (selectors decide; this module prints what it is given)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.db.models import Sum
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook

from dangjian.base.spreadsheet import chinese_date, document_title, print_setup, value_cell
from dangjian.documents import word
from dangjian.documents.models import TemplateKind
from dangjian.dues.models import Allocation, OrgMonth, Purpose, Spending, yuan
from dangjian.dues.months import month_label
from dangjian.dues.selectors import Collection
from dangjian.dues.selectors.funds import AllocationDetail
from dangjian.orgs.models import Org

FONT = "宋体"
REGISTER_HEADERS = [
    ("序号", 6), ("姓名", 10), ("党员类别", 10), ("党小组", 12), ("党费类别", 24), ("交纳基数（元）", 14),
    ("比例", 8), ("应交（元）", 11), ("实交（元）", 11), ("交纳日期", 12), ("交纳方式", 10), ("收缴人", 10),
    ("自愿多交（元）", 12), ("状态", 10),
]  # fmt: skip


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _row_values(n: int, r) -> list:
    return [
        n, r.name, r.standing, r.group, r.category, r.base, r.rate, _money(r.due), _money(r.paid), r.paid_on, r.way,
        r.collector, _money(r.voluntary) if r.voluntary else "",
        r.status_label + ("（全部上缴中央）" if r.to_centre else ""),
    ]  # fmt: skip


def _totals(data: Collection) -> list:
    return ["", "合计", f"{data.members}人", "", "", "", "", _money(data.due), _money(data.paid), "", "", "",
            _money(data.voluntary) if data.voluntary else "", f"收缴率{data.rate}"]  # fmt: skip


def register_xlsx(data: Collection, *, today: dt.date) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(month_label(data.month))
    title = document_title(f"党费收缴登记表（{month_label(data.month)}）", data.org.name, today)
    printed = print_setup(sheet, title=title, headers=REGISTER_HEADERS)
    for n, r in enumerate(data.rows, start=1):
        printed.append([value_cell(sheet, v) for v in _row_values(n, r)])
    printed.append([value_cell(sheet, v, bold=True) for v in _totals(data)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _document(*, landscape: bool) -> Document:
    """A4 (python-docx's blank document is US Letter), 宋体."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _title(doc: Document, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(16)


def _table(doc: Document, headers: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(9)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(value)).font.size = Pt(9)


def _bytes(doc: Document) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def register_docx(data: Collection, *, today: dt.date) -> bytes:
    doc = _document(landscape=True)
    _title(doc, f"{data.org.name}党费收缴登记表")
    doc.add_paragraph(f"所属月份：{month_label(data.month)}　　应交{data.members}人，交清{data.settled}人，"
                      f"应交{_money(data.due)}元，实交{_money(data.paid)}元，收缴率{data.rate}")  # fmt: skip
    _table(doc, [h for h, _w in REGISTER_HEADERS], [_row_values(n, r) for n, r in enumerate(data.rows, start=1)]
           + [_totals(data)])  # fmt: skip
    doc.add_paragraph("")
    right = doc.add_paragraph(
        f"收缴人（签字）：　　　　　　党支部书记（签字）：　　　　　　{chinese_date(today)}"
    )
    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _bytes(doc)


# ---- 党费收缴使用情况公示 --------------------------------------------------------------------------


def notice_context(org: Org, year: int, *, today: dt.date) -> dict:
    """The yearly 公示 of `org` (its own books, not its subtree's): the flows, month by month, and
    what the dues were used for (allocations made, money spent)."""
    first, last = year * 12, year * 12 + 11
    rows = list(OrgMonth.objects.filter(org=org, month__gte=first, month__lte=last).order_by("month"))
    before = (
        OrgMonth.objects.filter(org=org, month__lt=first)
        .order_by("-month")
        .values_list("closing_fen", flat=True)
        .first()
    )
    totals = OrgMonth.objects.filter(org=org, month__gte=first, month__lte=last).aggregate(
        collected=Sum("collected_fen"), voluntary=Sum("voluntary_fen"), received=Sum("received_fen"),
        handed_up=Sum("handed_up_fen"), allocated=Sum("allocated_fen"), spent=Sum("spent_fen"),
        members=Sum("members"),
    )  # fmt: skip
    opening = (rows[0].opening_fen if rows else before) or 0
    closing = rows[-1].closing_fen if rows else (before or 0)
    labels = dict(Purpose.choices)
    uses = [
        {"date": f"{a.allocated_on:%Y-%m-%d}", "purpose": str(labels[a.purpose]), "title": a.title,
         "amount": _money(yuan(a.amount_fen))}
        for a in Allocation.objects.filter(org=org, fund_month__gte=first, fund_month__lte=last).order_by("allocated_on")
    ] + [
        {"date": f"{s.spent_on:%Y-%m-%d}", "purpose": str(labels[s.purpose]), "title": s.description,
         "amount": _money(yuan(s.amount_fen))}
        for s in Spending.objects.filter(org=org, fund_month__gte=first, fund_month__lte=last).order_by("spent_on")
    ]  # fmt: skip
    return {
        "org_name": org.name, "date": chinese_date(today), "year": str(year),
        "opening": _money(yuan(opening)), "closing": _money(yuan(closing)),
        **{k: _money(yuan(totals[k] or 0)) for k in ("collected", "voluntary", "received", "handed_up", "allocated",
                                                      "spent")},
        "members": str(totals["members"] or 0),
        "months": [
            {"month": month_label(r.month), "collected": _money(yuan(r.collected_fen)),
             "received": _money(yuan(r.received_fen)), "handed_up": _money(yuan(r.handed_up_fen)),
             "allocated": _money(yuan(r.allocated_fen)), "spent": _money(yuan(r.spent_fen)),
             "closing": _money(yuan(r.closing_fen))}
            for r in rows
        ],
        "uses": sorted(uses, key=lambda u: u["date"]),
    }  # fmt: skip


def notice_docx(org: Org, year: int, *, today: dt.date) -> bytes:
    """From the template in force (raises word.UnsafeTemplate)."""
    return word.render(TemplateKind.DUES_NOTICE, notice_context(org, year, today=today))


# ---- the notice of an allocation ------------------------------------------------------------------


def allocation_docx(detail: AllocationDetail, *, today: dt.date) -> bytes:
    a = detail.allocation
    doc = _document(landscape=False)
    _title(doc, f"{a.org.name}关于下拨党费的通知")
    meeting = a.meeting.display_title if a.meeting_id else ""
    campaign = f"（{a.campaign.name}）" if a.campaign_id else ""
    doc.add_paragraph(
        f"经{a.meeting.held_on:%Y年%m月%d日}{meeting}集体研究决定，{a.org.name}于{a.allocated_on:%Y年%m月%d日}"
        f"下拨党费{_money(a.amount)}元{campaign}，用于{a.get_purpose_display()}：{a.title}。"
    )
    _table(doc, ["序号", "下拨对象", "金额（元）", "说明"], [
        [n, row.line.recipient, _money(row.line.amount), row.line.note] for n, row in enumerate(detail.lines, start=1)
    ] + [["", "合计", _money(a.amount), ""]])  # fmt: skip
    doc.add_paragraph("")
    doc.add_paragraph(
        "以上党费专款专用"
        + (f"：{a.earmark}" if a.earmark else "")
        + "。下拨到党组织的，由接收党组织及时登记使用情况，"
        "结余和使用情况按规定公示。"
    )
    for text in ("", a.org.name, chinese_date(today)):
        paragraph = doc.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _bytes(doc)
