"""The 介绍信 (introduction letter) of a transfer as a Word document: A4 portrait with the 党政机关公文
margins of the documents app, the letter above and its 回执 (return stub) below a cut line, as the
three-part form of 组通字〔2006〕45号 has them (the 存根 stays in the system: the transfer itself).
Built with python-docx; not yet a replaceable template kind of the documents app."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from dangjian.documents.briefing import cn_date
from dangjian.documents.word import A4_LONG, A4_SHORT, FONT, MARGINS_MM
from dangjian.transfers.models import Transfer

STANDING_WORDS = {"full": "正式党员", "probationary": "预备党员"}


def _doc() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = A4_SHORT, A4_LONG
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _line(doc, text: str, *, align=None, bold: bool = False, size: int | None = None):
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def letter_docx(transfer: Transfer) -> bytes:
    p = transfer.person
    standing = STANDING_WORDS.get(p.standing, p.get_standing_display())
    gender = p.get_gender_display()
    issued = cn_date(transfer.issued_on) if transfer.issued_on else ""
    valid = cn_date(transfer.valid_until) if transfer.valid_until else ""
    doc = _doc()
    _line(doc, "中国共产党党员组织关系介绍信", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=22)
    _line(doc, f"编号：{transfer.letter_no}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _line(doc, f"{transfer.to_name}：")
    _line(
        doc,
        f"    {p.name}同志（{gender}），系中共{standing}，因{transfer.get_reason_display()}，其党员组织关系由"
        f"{transfer.from_org.name}转到你处，请接洽。",
    )
    _line(doc, f"    （有效期至{valid}）")
    _line(doc, "")
    _line(
        doc,
        f"中共{transfer.reviewer.name}（盖章）".replace("中共中共", "中共"),
        align=WD_ALIGN_PARAGRAPH.RIGHT,
    )
    _line(doc, issued, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _line(doc, "…………………………………………（此处剪开）…………………………………………", align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, "回    执", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=18)
    _line(doc, f"编号：{transfer.letter_no}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _line(doc, f"{transfer.reviewer.name}：")
    _line(doc, f"    {p.name}同志的党员组织关系已转达我处，特此回复。")
    _line(doc, "")
    _line(doc, "接收党组织（盖章）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _line(doc, "年    月    日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
