"""Word documents from templates admins can replace (docxtpl: Jinja tags inside a .docx).

The default template of each kind is built here with python-docx, so nothing binary is committed:
an admin downloads it, edits it in Word (keeping the ``{{ tags }}``; type each tag in one go so Word
does not split it), and uploads the replacement. The newest active upload of a kind wins.

Context of every kind (all values are strings):
- notices and the approval summary: ``org_name``, ``date``, ``notice_start``, ``notice_end``,
  ``contact`` (the notice's contact line), ``people`` (each with ``name``, ``gender``, ``ethnicity``,
  ``birth_date``, ``education``, ``work_unit``, ``org_name``, ``applied_on``, ``activist_on``,
  ``candidate_on``, ``meeting_on``, ``votes``, ``remarks`` (备注: the special basis of a 火线
  admission, as the 入党志愿书 备注 states it); dates in a list as 2025-02-07, so a narrow column
  keeps them on one line), ``count``;
- filing forms: ``person`` (as above, plus ``category``, ``contacts``, ``introducers``), ``org_name``,
  ``date``.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from dangjian.base import uploads
from dangjian.development.models import Case, StepRecord
from dangjian.documents.briefing import cn_date
from dangjian.documents.models import DocumentTemplate, TemplateKind
from dangjian.documents.template_keys import (  # noqa: F401 (word.PERSON_KEYS … are read by the pages)
    DUES_MONTH_KEYS,
    DUES_USE_KEYS,
    MEETING_KEYS,
    MEETING_MOTION_KEYS,
    PERSON_KEYS,
    contact_line,
    context_keys,
    sample_context,
)
from dangjian.orgs.models import Org
from dangjian.people.models import Category, Education, Gender, Person

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "宋体"
# ---- default templates -----------------------------------------------------------------------------


# Every generated document is A4 (python-docx's blank document is US Letter). The lists (notices,
# approval summary) are landscape for their ten or more columns; forms and the briefing portrait.
A4_SHORT, A4_LONG = Twips(11906), Twips(16838)  # 210 × 297 mm, as Word writes A4
# Margins of the 党政机关公文 layout (GB/T 9704-2012): a 156 × 225 mm 版心 on A4, 37 mm from the top
# and 28 mm from the left; a landscape list turns the same 版心 on its side.
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LANDSCAPE_MARGINS_MM = {"top": 28, "bottom": 26, "left": 37, "right": 35}
TABLE_FONT = Pt(10.5)  # 五号
LANDSCAPE_KINDS = (
    TemplateKind.CANDIDATE_NOTICE,
    TemplateKind.ADMISSION_NOTICE,
    TemplateKind.APPROVAL_SUMMARY,
)


def _document(*, landscape: bool = False) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    margins = LANDSCAPE_MARGINS_MM if landscape else MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _title(doc: Document, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(18)


def _right(doc: Document, text: str):
    paragraph = doc.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return paragraph


def _signature(doc: Document, *, contact: bool = False) -> None:
    """The 落款: the issuing org and the date at the foot, right-aligned (a 公示 adds its contact line
    above them)."""
    lines = [doc.add_paragraph("")]
    if contact:
        lines.append(doc.add_paragraph("{{ contact }}"))
    lines.append(_right(doc, "{{ org_name }}"))
    _right(doc, "{{ date }}")
    for line in lines:  # the 落款 is printed as one block, never split across pages
        line.paragraph_format.keep_with_next = True


# The width of each list column (mm), by its key: dates (2025-02-07) and short values on one line,
# the free text columns take what is left of the 版心 and wrap.
COLUMN_MM = {"#": 12, "name": 16, "gender": 12, "ethnicity": 12, "birth_date": 21, "education": 20,
             "applied_on": 27, "activist_on": 27, "candidate_on": 27, "meeting_on": 27, "votes": 28}  # fmt: skip
WRAPPING = ("work_unit", "org_name")
LANDSCAPE_TEXT_MM = 297 - LANDSCAPE_MARGINS_MM["left"] - LANDSCAPE_MARGINS_MM["right"]


def _cell_text(cell, text: str, *, bold: bool = False) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.font.size = TABLE_FONT
    run.bold = bold


def _fixed_layout(table) -> None:
    """Word and LibreOffice keep the given column widths instead of fitting the template tags."""
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _list_table(
    doc: Document, columns: list[tuple[str, str]], text_mm: float = 0, items: str = "people"
) -> None:
    """A table with a header row and one row per person (docxtpl's {%tr for %} row loop), its
    columns sized to their content within the 版心 (header row repeated on every page)."""
    table = doc.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fixed_layout(table)
    fixed = sum(COLUMN_MM.get(key, 0) for _, key in columns)
    wrapping = [key for _, key in columns if key not in COLUMN_MM]
    share = max(18, ((text_mm or LANDSCAPE_TEXT_MM) - fixed) / max(1, len(wrapping)))
    widths = [Mm(COLUMN_MM.get(key, share)) for _, key in columns]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid LibreOffice and WPS lay out by
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    for i, (header, _) in enumerate(columns):
        _cell_text(table.cell(0, i), header, bold=True)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    _cell_text(table.cell(1, 0), "{%tr for p in " + items + " %}")
    for i, (_, key) in enumerate(columns):
        _cell_text(table.cell(2, i), "{{ loop.index }}" if key == "#" else "{{ p." + key + " }}")
    _cell_text(table.cell(3, 0), "{%tr endfor %}")


FORM_COLUMNS_MM = (36, 42, 36, 42)  # label, value, label, value: the 156 mm 版心


def _form_table(doc: Document, rows: list[tuple[str, str, str, str]], prefix: str = "person") -> None:
    table = doc.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    table.autofit = False
    _fixed_layout(table)
    for column, mm in zip(table.columns, FORM_COLUMNS_MM, strict=True):
        column.width = Mm(mm)
        for cell in column.cells:
            cell.width = Mm(mm)
    for r, (label1, key1, label2, key2) in enumerate(rows):
        table.cell(r, 0).text = label1
        table.cell(r, 1).text = "{{ " + prefix + "." + key1 + " }}" if key1 else ""
        if label2:
            table.cell(r, 2).text = label2
            table.cell(r, 3).text = "{{ " + prefix + "." + key2 + " }}"
        else:
            table.cell(r, 1).merge(table.cell(r, 3))


NOTICE_COLUMNS = [
    ("序号", "#"), ("姓名", "name"), ("性别", "gender"), ("民族", "ethnicity"), ("出生年月", "birth_date"),
    ("学历", "education"), ("工作单位及职务", "work_unit"), ("所在党支部", "org_name"),
    ("递交入党申请书时间", "applied_on"), ("确定为入党积极分子时间", "activist_on"),
]  # fmt: skip


def default_template(kind: str) -> bytes:
    doc = _document(landscape=kind in LANDSCAPE_KINDS)
    if kind == TemplateKind.CANDIDATE_NOTICE:
        _title(doc, "{{ org_name }}关于拟确定发展对象的公示")
        doc.add_paragraph(
            "经党支部委员会研究，拟将以下{{ count }}名同志确定为发展对象，现予以公示。"
            "公示时间：{{ notice_start }}至{{ notice_end }}。"
        )
        _list_table(doc, NOTICE_COLUMNS)
        doc.add_paragraph(
            "公示期间，党员和群众如有意见，可通过来信、来电、来访等方式向{{ org_name }}反映。"
            "反映情况要实事求是，以个人名义反映的须署真实姓名。"
        )
        _signature(doc, contact=True)
    elif kind == TemplateKind.ADMISSION_NOTICE:
        _title(doc, "{{ org_name }}关于拟接收预备党员的公示")
        doc.add_paragraph(
            "根据《中国共产党发展党员工作细则》，经党支部委员会审查、上级党委预审，"
            "拟接收以下{{ count }}名同志为中共预备党员，现予以公示。"
            "公示时间：{{ notice_start }}至{{ notice_end }}。"
        )
        _list_table(doc, [*NOTICE_COLUMNS, ("确定为发展对象时间", "candidate_on")])
        doc.add_paragraph(
            "公示期间，党员和群众如有意见，可通过来信、来电、来访等方式向{{ org_name }}反映。"
            "反映情况要实事求是，以个人名义反映的须署真实姓名。"
        )
        _signature(doc, contact=True)
    elif kind == TemplateKind.APPROVAL_SUMMARY:
        _title(doc, "接收预备党员审批汇总表")
        doc.add_paragraph("报送单位：{{ org_name }}　　　　报送日期：{{ date }}　　　　共{{ count }}人")
        _list_table(doc, [
            ("序号", "#"), ("姓名", "name"), ("性别", "gender"), ("出生年月", "birth_date"), ("学历", "education"),
            ("所在党支部", "org_name"), ("确定为入党积极分子时间", "activist_on"),
            ("确定为发展对象时间", "candidate_on"), ("支部大会讨论时间", "meeting_on"), ("表决结果", "votes"),
            ("备注", "remarks"),
        ])  # fmt: skip
        doc.add_paragraph("")
        doc.add_paragraph("上级党委审批意见：")
        doc.add_paragraph("")
        _right(doc, "（盖章）　　年　　月　　日")
    elif kind == TemplateKind.APPRAISAL_SHEET:
        _appraisal_sheet(doc)
    elif kind == TemplateKind.MEETING_RECORD:
        _meeting_record(doc)
    elif kind == TemplateKind.DUES_NOTICE:
        _dues_notice(doc)
    elif kind in (TemplateKind.ACTIVIST_FILING, TemplateKind.CANDIDATE_FILING):
        activist = kind == TemplateKind.ACTIVIST_FILING
        _title(doc, "入党积极分子备案表" if activist else "发展对象备案表")
        doc.add_paragraph("党组织：{{ org_name }}　　　　填报日期：{{ date }}")
        rows = [
            ("姓名", "name", "性别", "gender"),
            ("民族", "ethnicity", "出生年月", "birth_date"),
            ("学历", "education", "人员类别", "category"),
            ("工作单位及职务", "work_unit", "", ""),
            ("所在党支部", "org_name", "", ""),
            ("递交入党申请书时间", "applied_on", "确定为入党积极分子时间", "activist_on"),
            ("培养联系人", "contacts", "", ""),
        ]
        if not activist:
            rows += [("确定为发展对象时间", "candidate_on", "入党介绍人", "introducers")]
        rows += [("备注", "remarks", "", "")]
        _form_table(doc, rows)
        doc.add_paragraph("")
        doc.add_paragraph("党支部意见：")
        doc.add_paragraph("")
        doc.add_paragraph("上级党委备案意见：")
        _right(doc, "（盖章）　　年　　月　　日")
    else:
        raise KeyError(kind)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


PORTRAIT_TEXT_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]


def _appraisal_sheet(doc: Document) -> None:
    """民主评议党员结果表 (portrait): the branch's year, the counts by grade, one row per member."""
    _title(doc, "{{ org_name }}{{ year }}年度民主评议党员结果表")
    doc.add_paragraph("评议日期：{{ held_on }}　　评议会议：{{ meeting }}")
    doc.add_paragraph(
        "参加评议党员{{ count }}名，其中正式党员{{ full_count }}名、预备党员{{ probationary_count }}名"
        "（预备党员参加评议，不评定等次）。评定结果：优秀{{ excellent }}名，合格{{ qualified }}名，"
        "基本合格{{ basic }}名，不合格{{ unqualified }}名。"
    )
    _list_table(
        doc,
        [("序号", "#"), ("姓名", "name"), ("性别", "gender"), ("党员类别", "standing"), ("评定等次", "grade"),
         ("组织处置", "measure")],
        text_mm=PORTRAIT_TEXT_MM,
    )  # fmt: skip
    doc.add_paragraph("")
    doc.add_paragraph("党支部意见：")
    doc.add_paragraph("")
    _right(doc, "{{ org_name }}（盖章）")
    _right(doc, "{{ date }}")


def _meeting_record(doc: Document) -> None:
    """会议记录 (portrait): the meeting, who attended, what it discussed and decided."""
    _title(doc, "{{ org_name }}{{ meeting.title }}记录")
    _form_table(
        doc,
        [
            ("会议类型", "kinds", "会议时间", "held_on"),
            ("会议地点", "place", "主持人", "chair"),
            ("授课人", "lecturer", "记录人", "recorder"),
            ("应到人数", "listed", "实到人数", "present"),
            ("出席人员", "present_names", "", ""),
            ("请假人员", "leave_names", "", ""),
            ("缺席人员", "absent_names", "", ""),
            ("列席人员", "guests", "", ""),
            ("会议主题", "topic", "", ""),
            ("会议内容", "notes", "", ""),
        ],
        prefix="meeting",
    )
    doc.add_paragraph("")
    doc.add_paragraph("表决事项（逐个讨论、逐个表决）：")
    _list_table(
        doc,
        [("序号", "#"), ("姓名", "name"), ("表决事项", "motion"), ("赞成", "yes"), ("反对", "no"), ("弃权", "abstain"),
         ("结果", "result")],
        text_mm=PORTRAIT_TEXT_MM,
    )  # fmt: skip
    doc.add_paragraph("")
    _right(doc, "主持人（签字）：　　　　　　记录人（签字）：")
    _right(doc, "{{ date }}")


def _dues_notice(doc: Document) -> None:
    """党费收缴使用情况公示 (portrait, A4): the year's dues of one org, month by month, and their use."""
    _title(doc, "{{ org_name }}{{ year }}年度党费收缴、使用情况公示")
    doc.add_paragraph(
        "根据《关于中国共产党党费收缴、使用和管理的规定》，现将{{ org_name }}{{ year }}年度党费收缴、上缴、使用和结余情况公示如下。"
    )
    doc.add_paragraph(
        "一、收缴：全年收缴党费{{ collected }}元（其中自愿多交{{ voluntary }}元），收到下级上缴及上级下拨{{ received }}元。"
    )
    doc.add_paragraph("二、上缴：按规定向上级党组织上缴党费{{ handed_up }}元。")
    doc.add_paragraph("三、使用：下拨党费{{ allocated }}元，使用党费{{ spent }}元，明细见下表。")
    doc.add_paragraph("四、结余：年初结余{{ opening }}元，年末结余{{ closing }}元。")
    _list_table(
        doc, [("月份", "month"), ("收缴", "collected"), ("收入", "received"), ("上缴", "handed_up"), ("下拨", "allocated"),
              ("使用", "spent"), ("月末结余", "closing")],
        text_mm=PORTRAIT_TEXT_MM, items="months",
    )  # fmt: skip
    doc.add_paragraph("")
    _list_table(
        doc, [("日期", "date"), ("用途", "purpose"), ("事项", "title"), ("金额（元）", "amount")],
        text_mm=PORTRAIT_TEXT_MM, items="uses",
    )  # fmt: skip
    doc.add_paragraph("公示期间，党员如有意见，可向{{ org_name }}反映。")
    _signature(doc)


def default_filename(kind: str) -> str:
    return f"{TemplateKind(kind).label}（默认模板）.docx"


# ---- rendering -----------------------------------------------------------------------------------


def _d(day: dt.date | None) -> str:
    return cn_date(day) if day else ""


def _iso(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def remarks(case: Case | None) -> str:
    """备注: a 火线 admission names its special basis, as its 入党志愿书 备注 does (中组部 2020)."""
    basis = (case.special_basis or "").strip() if case is not None else ""
    return f"火线入党：{basis}" if basis else ""


def _person_row(
    person: Person,
    *,
    steps: dict[int, tuple[dt.date, dict]] | None = None,
    in_list: bool = False,
    case: Case | None = None,
) -> dict[str, str]:
    """A person's values; `in_list`: for a list table, dates as 2025-02-07 (one line in a narrow
    column), else 2025年2月7日 (the forms)."""
    day = _iso if in_list else _d
    steps = steps or {}
    meeting = steps.get(15)
    votes = ""
    if meeting:
        data = meeting[1] or {}
        if data.get("yes") is not None:
            votes = (
                f"应到{data.get('expected', '')}人，实到{data.get('present', '')}人，赞成{data.get('yes')}票"
            )
    return {
        "name": person.name,
        "gender": dict(Gender.choices).get(person.gender, ""),
        "ethnicity": person.ethnicity,
        "birth_date": f"{person.birth_date:%Y-%m}"
        if in_list
        else f"{person.birth_date.year}年{person.birth_date.month}月",
        "education": dict(Education.choices).get(person.education, ""),
        "category": dict(Category.choices).get(person.category, ""),
        "work_unit": person.work_unit,
        "org_name": person.org.name,
        "applied_on": day(person.applied_on),
        "activist_on": day(person.activist_on),
        "candidate_on": day(person.candidate_on),
        "meeting_on": day(meeting[0]) if meeting else "",
        "votes": votes,
        "contacts": "",
        "introducers": "",
        "remarks": remarks(case),
    }


def _steps(case_ids: list[int], wanted: tuple[int, ...]) -> dict[int, dict[int, tuple[dt.date, dict]]]:
    out: dict[int, dict[int, tuple[dt.date, dict]]] = {}
    for case_id, step, on, data in (
        StepRecord.objects.filter(case_id__in=case_ids, step__in=wanted, is_current=True)
        .order_by("case_id", "step", "on", "id")
        .values_list("case_id", "step", "on", "data")
    ):
        out.setdefault(case_id, {})[step] = (on, data)
    return out


def notice_period(org: Org, start: dt.date) -> tuple[dt.date, dt.date]:
    """The 公示 period beginning on `start`: the working days R-NOTICE asks for in the rule set in
    force for `org` (5 by default), on the State Council calendar; calendar days + 2 while the
    year's calendar is unknown (the notice can be edited before it is posted)."""
    from dangjian.development.services import rules_in_force
    from dangjian.workcal.calendar import CalendarUnknown, add_working_days

    days = next(
        (int(e.params.get("working_days", 5)) for e in rules_in_force(org, start) if e.rule.id == "R-NOTICE"),
        5,
    )
    try:
        return start, add_working_days(start, days)
    except CalendarUnknown:
        return start, start + dt.timedelta(days=days + 2)


def list_context(
    org: Org,
    cases: QuerySet[Case],
    *,
    today: dt.date,
    notice: tuple[dt.date, dt.date] | None = None,
    contact: str = "",
) -> dict:
    """The context of a list document; `notice` is the 公示 window the user chose (see notices.py),
    else the default one from today; `contact` its contact line (contact_line)."""
    cases = list(cases[:2000])
    steps = _steps([c.pk for c in cases], (15,))
    people = [_person_row(c.person, steps=steps.get(c.pk), in_list=True, case=c) for c in cases]
    notice_start, notice_end = notice or notice_period(org, today)
    return {
        "org_name": org.name,
        "date": cn_date(today),
        "notice_start": cn_date(notice_start),
        "notice_end": cn_date(notice_end),
        "contact": contact or contact_line(),
        "people": people,
        "count": str(len(people)),
    }


def case_context(case: Case, *, today: dt.date) -> dict:
    steps = _steps([case.pk], (5, 9, 15))
    row = _person_row(case.person, steps=steps.get(case.pk), case=case)
    ids: list[int] = []
    for step, key in ((5, "contacts"), (9, "introducers")):
        data = steps.get(case.pk, {}).get(step, (None, {}))[1] or {}
        ids.extend(int(i) for i in data.get(key, []))
    names = dict(Person.objects.filter(pk__in=ids).values_list("id", "name"))
    for step, key in ((5, "contacts"), (9, "introducers")):
        data = steps.get(case.pk, {}).get(step, (None, {}))[1] or {}
        row[key] = "、".join(names.get(int(i), "") for i in data.get(key, []))
    return {"person": row, "org_name": case.org.name, "date": cn_date(today)}


# A .docx template is a few hundred KB inflated; 48 MB documents packed into 200 KB are refused
# before python-docx or docxtpl inflate them.
TEMPLATE_ZIP_LIMITS = uploads.ZipLimits(max_members=500, max_total=30 * uploads.MB,
                                        max_member=20 * uploads.MB, max_ratio=100)  # fmt: skip


class UnsafeTemplate(Exception):
    """A stored template that the sandbox refused; the message is Chinese."""


def _sandbox() -> ImmutableSandboxedEnvironment:
    """Jinja's sandbox: no attribute starting with `_`, no mutation of the context, and none of
    Jinja's default globals (cycler, joiner, namespace, lipsum, range, dict), whose methods are the
    classic way from a tag to `os`. StrictUndefined: an unknown tag fails instead of printing nothing."""
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.globals.clear()
    return env


def template_bytes(kind: str) -> bytes:
    """The template in force for `kind`: the newest active upload, else the default."""
    current = (
        DocumentTemplate.objects.filter(kind=kind, is_active=True).order_by("-uploaded_at", "-id").first()
    )
    if current is not None:
        with current.file.open("rb") as fh:
            return fh.read()
    return default_template(kind)


def render_bytes(template: bytes, context: dict) -> bytes:
    """Render in the sandbox; a template that reaches for anything outside its context raises."""
    uploads.check_zip(template, TEMPLATE_ZIP_LIMITS, label="模板文件")
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(context, jinja_env=_sandbox())
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def render(kind: str, context: dict) -> bytes:
    """The document of `kind` from the template in force, with only the documented context keys.

    A stored template that the sandbox refuses (uploaded before the sandbox, or planted in the
    media folder) produces nothing from it: UnsafeTemplate, which the pages show in Chinese."""
    allowed = {k: v for k, v in context.items() if k in context_keys(kind)}
    try:
        return render_bytes(template_bytes(kind), allowed)
    except (SecurityError, TemplateError, uploads.UploadRefused) as exc:
        raise UnsafeTemplate(
            f"当前的“{TemplateKind(kind).label}”模板无法安全生成文书（{_reason(exc)}），未生成任何内容。"
            "请组织部管理员在“文书模板”页面恢复默认模板或上传修正后的模板。"
        ) from None


def _reason(exc: Exception) -> str:
    if isinstance(exc, SecurityError):
        return "模板试图访问不允许的内部属性"
    return str(exc)[:200]


def check_upload(kind: str, data: bytes) -> None:
    """Refuse (ValidationError, Chinese) anything that is not a .docx rendering in the sandbox with
    exactly this kind's documented context."""
    if kind not in TemplateKind.values:
        raise ValidationError("未知的文书类别。")
    if uploads.sniff(data) != "docx":
        raise ValidationError("上传的文件不是 Word 文档（.docx）。请在 Word 中“另存为”.docx 格式后再上传。")
    try:
        uploads.check_zip(data, TEMPLATE_ZIP_LIMITS, label="模板文件")
        doc = DocxTemplate(io.BytesIO(data))
        unknown = doc.get_undeclared_template_variables(jinja_env=_sandbox()) - set(context_keys(kind))
    except uploads.UploadRefused as exc:
        raise ValidationError(str(exc)) from None
    except TemplateError as exc:
        raise ValidationError(
            f"模板中的标签无法生成文书：{exc}。请对照默认模板检查 {{{{ }}}} 标签的名称和写法"
            "（在 Word 中一次性输入整个标签，避免被拆分）。"
        ) from None
    except Exception as exc:  # docxtpl/lxml errors on documents Word itself may still open
        raise ValidationError(f"模板无法读取：{type(exc).__name__}。") from None
    if unknown:
        names = "、".join(sorted(unknown))
        allowed = "、".join(context_keys(kind))
        raise ValidationError(f"模板使用了未提供的变量：{names}。此类文书可用的变量只有：{allowed}。")
    try:
        render_bytes(data, sample_context(kind))
    except SecurityError:
        raise ValidationError(
            "模板中的标签试图访问不允许的内部属性（如以下划线开头的属性），出于安全考虑已拒绝，未保存。"
        ) from None
    except TemplateError as exc:
        raise ValidationError(
            f"模板中的标签无法生成文书：{exc}。请对照默认模板检查 {{{{ }}}} 标签的名称和写法"
            "（在 Word 中一次性输入整个标签，避免被拆分）。"
        ) from None
    except Exception as exc:  # docxtpl/lxml errors on documents Word itself may still open
        raise ValidationError(f"模板无法生成文书：{type(exc).__name__}。") from None
