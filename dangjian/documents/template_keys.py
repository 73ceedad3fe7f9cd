"""What each kind of Word template may name (the templates page lists the keys; an upload that
names any other variable is refused), and the sample it is test-rendered with before it is accepted."""

from __future__ import annotations

from dangjian.documents.models import TemplateKind

PERSON_KEYS = (
    "name", "gender", "ethnicity", "birth_date", "education", "work_unit", "org_name", "category",
    "applied_on", "activist_on", "candidate_on", "meeting_on", "votes", "contacts", "introducers", "remarks",
)  # fmt: skip


def contact_line(name: str = "", phone: str = "") -> str:
    """The 公示's contact line; blanks to fill in by hand where nothing was given."""
    blank = "　" * 6
    return f"联系人：{name or blank}　　联系电话：{phone or blank}"


def sample_context(kind: str) -> dict:
    """What an uploaded template is test-rendered with before it is accepted."""
    person = dict.fromkeys(PERSON_KEYS, "示例")
    base = {"org_name": "示例党支部", "date": "2026年1月1日", "notice_start": "2026年1月1日",
            "notice_end": "2026年1月8日", "count": "1", "contact": contact_line("示例", "0826-1234567")}  # fmt: skip
    if kind in (TemplateKind.ACTIVIST_FILING, TemplateKind.CANDIDATE_FILING):
        return {**base, "person": person}
    if kind == TemplateKind.MEETING_RECORD:
        meeting = dict.fromkeys(MEETING_KEYS, "示例")
        return {**base, "meeting": meeting, "people": [dict.fromkeys(MEETING_MOTION_KEYS, "示例")]}
    if kind == TemplateKind.DUES_NOTICE:
        sums = dict.fromkeys(("opening", "collected", "voluntary", "received", "handed_up", "allocated", "spent",
                              "closing", "members"), "1.00")  # fmt: skip
        return {**base, **sums, "year": "2025", "months": [dict.fromkeys(DUES_MONTH_KEYS, "示例")],
                "uses": [dict.fromkeys(DUES_USE_KEYS, "示例")]}  # fmt: skip
    if kind == TemplateKind.APPRAISAL_SHEET:
        counts = dict.fromkeys(("full_count", "probationary_count", "excellent", "qualified", "basic",
                                "unqualified"), "1")  # fmt: skip
        row = dict.fromkeys(APPRAISAL_PERSON_KEYS, "示例")
        return {**base, **counts, "year": "2025", "held_on": "2025年12月20日", "meeting": "示例",
                "people": [row]}  # fmt: skip
    return {**base, "people": [person]}


# Context keys each kind may use; the templates page lists them, and an upload that names any
# other variable is refused.
LIST_KEYS = ("org_name", "date", "notice_start", "notice_end", "contact", "people", "count")
FORM_KEYS = ("person", "org_name", "date")
# 民主评议党员结果表: each of `people` has APPRAISAL_PERSON_KEYS (standing 正式党员/预备党员, grade,
# measure: the 组织处置 of a 不合格).
APPRAISAL_KEYS = ("org_name", "date", "year", "held_on", "meeting", "people", "count", "full_count",
                  "probationary_count", "excellent", "qualified", "basic", "unqualified")  # fmt: skip
APPRAISAL_PERSON_KEYS = ("name", "gender", "standing", "grade", "measure")
# 会议记录: `meeting` has MEETING_KEYS, each of `people` (the motions) MEETING_MOTION_KEYS.
MEETING_RECORD_KEYS = ("org_name", "date", "meeting", "people", "count")
MEETING_KEYS = ("title", "kinds", "held_on", "place", "chair", "lecturer", "recorder", "listed", "present",
                "present_names", "leave_names", "absent_names", "guests", "topic", "notes")  # fmt: skip
MEETING_MOTION_KEYS = ("name", "motion", "yes", "no", "abstain", "result")
# 党费收缴使用情况公示: the year's sums, `months` (DUES_MONTH_KEYS) and `uses` (DUES_USE_KEYS).
DUES_NOTICE_KEYS = ("org_name", "date", "year", "opening", "collected", "voluntary", "received", "handed_up",
                    "allocated", "spent", "closing", "members", "months", "uses")  # fmt: skip
DUES_MONTH_KEYS = ("month", "collected", "received", "handed_up", "allocated", "spent", "closing")
DUES_USE_KEYS = ("date", "purpose", "title", "amount")


def context_keys(kind: str) -> tuple[str, ...]:
    if kind == TemplateKind.APPRAISAL_SHEET:
        return APPRAISAL_KEYS
    if kind == TemplateKind.MEETING_RECORD:
        return MEETING_RECORD_KEYS
    if kind == TemplateKind.DUES_NOTICE:
        return DUES_NOTICE_KEYS
    return FORM_KEYS if kind in (TemplateKind.ACTIVIST_FILING, TemplateKind.CANDIDATE_FILING) else LIST_KEYS
