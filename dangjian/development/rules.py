"""The rule engine: every rule of RULES.md §3 / INTERCHANGE.md as data plus a small check.

A rule has an id (R-AGE …), a default severity ("violation" blocks, "warning" asks for an
acknowledgement), default parameters, the steps it concerns and an article citation. Rule sets
(models.RuleSet) override severities and parameters; the engine itself only knows `Facts`, the flat
record of INTERCHANGE.md's 发展纪实 row, so recorded cases and imported workbooks are checked by
the same code.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from dangjian.workcal.calendar import (
    CalendarUnknown,
    WorkCalendar,
    add_months,
    add_years,
    working_days_between,
)

VIOLATION = "violation"
WARNING = "warning"
SEVERITY_LABELS = {VIOLATION: "违规", WARNING: "提醒"}

# The date that stands for each step (repeatable steps use their latest record).
STEP_DATE = {
    1: "applied_on", 2: "talked_on", 3: "activist_on", 4: "activist_filed_on", 5: "contacts_on",
    6: "last_assessment_on", 7: "candidate_on", 8: "candidate_filed_on", 9: "introducers_on",
    10: "political_review_on", 11: "training_end", 12: "committee_review_on", 13: "prereview_on",
    14: "form_on", 15: "admission_meeting_on", 16: "committee_talk_on", 17: "approved_on",
    18: "approval_filed_on", 19: "assigned_on", 20: "oath_on", 21: "last_probation_assessment_on",
    22: "conversion_applied_on", 23: "conversion_meeting_on", 24: "conversion_approved_on", 25: "archived_on",
}  # fmt: skip

# A later step needs these earlier steps to have been recorded (R-MISSING) on or before it (R-ORDER).
DEPENDS: dict[int, tuple[int, ...]] = {
    2: (1,), 3: (1,), 4: (3,), 5: (3,), 6: (3,), 7: (3,), 8: (7,), 9: (7,), 10: (7,), 11: (7,), 12: (7,),
    13: (12,), 14: (13,), 15: (9, 10, 11, 14), 16: (15,), 17: (15,), 18: (17,), 19: (17,), 20: (17,), 21: (17,),
    22: (17,), 23: (22,), 24: (23,), 25: (23,),
}  # fmt: skip
# Work of stage III (steps 8–14) lies on or before the admission meeting (15).
BEFORE_ADMISSION = (8, 9, 10, 11, 12, 13, 14)
# The same, keyed by the Facts.dates keys (R-ORDER and R-MISSING run on every case of a check).
_DEPENDS_KEYS = tuple(
    (step, STEP_DATE[step], tuple((dep, STEP_DATE[dep]) for dep in deps)) for step, deps in DEPENDS.items()
)
_BEFORE_ADMISSION_KEYS = tuple((step, STEP_DATE[step]) for step in BEFORE_ADMISSION)

# The working-day calendar R-NOTICE counts with: a fresh snapshot per count unless `evaluate` was
# given one (a batch such as the compliance check shares one, so the calendar is read once).
_calendar: ContextVar[WorkCalendar | None] = ContextVar("dangjian_rules_calendar", default=None)


@dataclass(frozen=True)
class MemberInfo:
    """A contact or introducer as the rules see them."""

    name: str
    converted_on: dt.date | None  # None: not a full member (probationary or not a member at all)
    on_probation_watch: bool = False  # 留党察看 without restored rights


@dataclass(frozen=True)
class OrgInfo:
    name: str
    path: str
    kind: str
    has_approval_authority: bool
    is_temporary: bool


@dataclass
class Facts:
    """One person's development record as the rules read it (INTERCHANGE.md keys)."""

    name: str = ""
    birth_date: dt.date | None = None
    org_path: str = ""
    special_basis: str = ""
    dates: dict[str, dt.date] = field(default_factory=dict)
    assessments: list[dt.date] = field(default_factory=list)
    contacts: list[MemberInfo] = field(default_factory=list)
    introducers: list[MemberInfo] = field(default_factory=list)
    political_review_result: str = ""
    training_start: dt.date | None = None
    training_hours: float | None = None
    notice_start: dt.date | None = None
    notice_end: dt.date | None = None
    joint_review: dict[str, dict[str, str]] = field(default_factory=dict)  # body → {on, conclusion}
    admission: dict[str, int] = field(default_factory=dict)  # expected, present, yes, no, abstain
    conversion: dict[str, int] = field(default_factory=dict)
    conversion_result: str = ""  # 按期转正 / 延长预备期 / 取消预备党员资格
    extension_months: int | None = None
    extensions: int = 0  # probation extensions decided so far, this one included
    prior_extension_months: int = 0  # months of an extension decided at an earlier conversion meeting
    approving_org: OrgInfo | None = None
    conversion_approving_org: OrgInfo | None = None

    def on(self, step: int) -> dt.date | None:
        return self.dates.get(STEP_DATE[step])

    @property
    def frontline(self) -> bool:
        return bool(self.special_basis.strip())


@dataclass(frozen=True)
class Finding:
    rule: str
    step: int
    severity: str
    article: str
    message: str

    @property
    def blocks(self) -> bool:
        return self.severity == VIOLATION

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "step": self.step, "severity": self.severity, "article": self.article,
                "message": self.message}  # fmt: skip


# A check yields (step, message) with the rule's severity, or (step, message, severity) to escalate.
Check = Callable[[Facts, dict[str, Any]], Iterable[tuple]]


@dataclass(frozen=True)
class RuleDef:
    id: str
    title: str
    severity: str
    article: str
    steps: tuple[int, ...]
    params: dict[str, Any]
    check: Check
    frontline_exempt: bool = False


def d(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "（未记录）"


# ---- the checks -------------------------------------------------------------------------------


def check_age(f: Facts, p):
    applied = f.on(1)
    if applied and f.birth_date and applied < add_years(f.birth_date, p["min_age"]):
        yield 1, f"递交入党申请书时（{d(applied)}）未满{p['min_age']}周岁（出生于{d(f.birth_date)}）。"


def check_talk(f: Facts, p):
    applied, talked = f.on(1), f.on(2)
    if applied and talked and talked > add_months(applied, p["months"]):
        yield 2, (f"收到入党申请书（{d(applied)}）后应在{p['months']}个月内派人谈话，"
                  f"实际谈话日期为{d(talked)}，最迟应为{d(add_months(applied, p['months']))}。")  # fmt: skip


def _full_member_on(member: MemberInfo, day: dt.date) -> bool:
    return member.converted_on is not None and member.converted_on <= day


def check_contacts(f: Facts, p):
    day = f.on(5)
    if not day:
        return
    if not p["min"] <= len(f.contacts) <= p["max"]:
        yield 5, f"培养联系人应为{p['min']}至{p['max']}名正式党员，实际指定{len(f.contacts)}名。"
    for member in f.contacts:
        if not _full_member_on(member, day):
            yield 5, f"培养联系人{member.name}在{d(day)}不是正式党员（预备党员不能担任培养联系人）。"


def check_assess(f: Facts, p):
    start = f.on(3)
    if not start:
        return
    end = f.on(7)
    points = sorted(x for x in f.assessments if x >= start and (end is None or x <= end))
    marks = [start, *points, *([end] if end else [])]
    for earlier, later in itertools.pairwise(marks):
        if later > add_months(earlier, p["months"]):
            yield 6, (f"培养教育考察间隔超过{p['months']}个月：{d(earlier)}之后直到{d(later)}没有考察记录"
                      f"（党支部应每半年考察一次）。")  # fmt: skip
            return


def check_cultivation(f: Facts, p):
    activist, candidate = f.on(3), f.on(7)
    if activist and candidate and candidate < add_years(activist, p["years"]):
        yield 7, (f"确定为发展对象时培养期不足{p['years']}年（确定为入党积极分子：{d(activist)}，"
                  f"确定为发展对象：{d(candidate)}，最早应为{d(add_years(activist, p['years']))}）。")  # fmt: skip


def check_sponsors(f: Facts, p):
    day = f.on(9)
    if not day:
        return
    if len(f.introducers) != p["count"]:
        yield 9, f"入党介绍人应为{p['count']}名正式党员，实际确定{len(f.introducers)}名。"
    for member in f.introducers:
        if not _full_member_on(member, day):
            yield 9, f"入党介绍人{member.name}在{d(day)}不是正式党员，不能担任入党介绍人。"
        elif member.on_probation_watch:
            yield 9, f"入党介绍人{member.name}正在留党察看期间，不能担任入党介绍人。"


def check_political_review(f: Facts, p):
    meeting = f.on(15)
    review = f.on(10)
    if review and f.political_review_result and f.political_review_result != "合格":
        yield 10, f"政治审查结论为“{f.political_review_result}”，不能发展入党。"
    if not meeting:
        return
    if not review or review > meeting:
        yield 15, f"支部大会讨论接收预备党员（{d(meeting)}）前没有形成政治审查结论。"
    elif add_months(review, p["valid_months"]) < meeting:
        yield 15, (f"政治审查结论（{d(review)}）距支部大会（{d(meeting)}）已超过{p['valid_months']}个月，"
                   f"应重新审查或补充审查。")  # fmt: skip


def check_training(f: Facts, p):
    end = f.on(11)
    meeting = f.on(15)
    if end and f.training_start:
        days = (end - f.training_start).days + 1
        hours = f.training_hours or 0
        if days < p["min_days"] and hours < p["min_hours"]:
            yield 11, (f"集中培训{days}天、{hours:g}学时，不足{p['min_days']}天且不足{p['min_hours']}学时"
                       f"（{d(f.training_start)}至{d(end)}）。")  # fmt: skip
    if meeting and (not end or end > meeting):
        yield 15, f"支部大会讨论接收预备党员（{d(meeting)}）前没有完成集中培训。"


def check_notice(f: Facts, p):
    meeting = f.on(15)
    if f.notice_start and f.notice_end:
        try:
            days = working_days_between(f.notice_start, f.notice_end, calendar=_calendar.get())
        except CalendarUnknown as exc:
            yield (
                13,
                f"无法判断公示期（{d(f.notice_start)}至{d(f.notice_end)}）是否满{p['working_days']}个工作日：{exc}",
            )
            return
        if days < p["working_days"]:
            yield 13, (f"公示期{d(f.notice_start)}至{d(f.notice_end)}只有{days}个工作日，"
                       f"不足{p['working_days']}个工作日。")  # fmt: skip
        if meeting and f.notice_end >= meeting:
            yield 13, f"公示应在支部大会（{d(meeting)}）之前结束，实际结束于{d(f.notice_end)}。"
    elif meeting and p["required"]:
        yield (
            13,
            f"支部大会讨论接收预备党员（{d(meeting)}）前没有公示记录（本地规定须公示{p['working_days']}个工作日）。",
        )


JOINT_AGREED = "无异议"
JOINT_OBJECTED = "有异议"


def name_list(text: Any) -> list[str]:
    """A rule set's list of names (纪委,公安 …; 思想政治,能力素质 …), in its order."""
    return [b.strip() for b in re.split(r"[,，、]", str(text or "")) if b.strip()]


def joint_bodies(params: dict[str, Any]) -> list[str]:
    return name_list(params.get("bodies"))


def check_joint_review(f: Facts, p):
    """联合审查 at 预审 (seed 003; 细则第十九条: "根据工作需要听取执纪执法等相关部门的意见")."""
    prereview = f.on(13)
    if not prereview:
        return
    for body, review in f.joint_review.items():
        when = _date_text(review.get("on"))
        if review.get("conclusion") == JOINT_OBJECTED:
            yield 13, f"{body}联合审查有异议，不能通过预审。"
        if when and when > prereview:
            yield 13, f"{body}的联合审查意见（{d(when)}）晚于预审（{d(prereview)}）。"
    if p["required"]:
        missing = [b for b in joint_bodies(p) if not f.joint_review.get(b, {}).get("conclusion")]
        if missing:
            yield (
                13,
                f"预审（{d(prereview)}）前缺少{'、'.join(missing)}的联合审查意见（本地规定须联合审查）。",
            )


def _date_text(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _votes(label: str, step: int, votes: dict[str, int], check_pass: bool):
    if not votes:
        return
    expected, present = votes.get("expected") or 0, votes.get("present") or 0
    yes = votes.get("yes") or 0
    if not check_pass and not present * 2 > expected:
        yield (
            step,
            f"{label}实到会有表决权人数{present}人，未超过应到会有表决权人数{expected}人的半数，会议无效。",
        )
    if check_pass and not yes * 2 > expected:
        yield step, f"{label}赞成票{yes}票，未超过应到会有表决权人数{expected}人的半数，决议未通过。"


def check_quorum(f: Facts, p):
    if f.on(15):
        yield from _votes("接收预备党员的支部大会", 15, f.admission, False)
    if f.on(23):
        yield from _votes("讨论转正的支部大会", 23, f.conversion, False)


def check_pass(f: Facts, p):
    if f.on(15):
        yield from _votes("接收预备党员的支部大会", 15, f.admission, True)
    if f.on(23):
        yield from _votes("讨论转正的支部大会", 23, f.conversion, True)


def _authority(step: int, org: OrgInfo | None, f: Facts):
    if org is None:
        return
    if not f.org_path.startswith(org.path) or f.org_path == org.path:
        yield step, f"审批党组织“{org.name}”不是该同志所在党支部的上级党委。"
    if org.is_temporary:
        if not f.frontline:
            yield step, f"临时党组织“{org.name}”不能审批发展党员（火线入党例外须记录特殊情况依据）。"
    elif not org.has_approval_authority:
        yield step, f"“{org.name}”不具有审批权限（党总支、无审批权限的村或社区党委不能审批发展党员）。"


def check_authority(f: Facts, p):
    if f.on(17):
        yield from _authority(17, f.approving_org, f)
    if f.on(24):
        yield from _authority(24, f.conversion_approving_org, f)


def check_approve(f: Facts, p):
    meeting, approved = f.on(15), f.on(17)
    if meeting and approved:
        if approved > add_months(meeting, p["max_months"]):
            yield 17, (f"上级党委审批（{d(approved)}）距支部大会（{d(meeting)}）超过{p['max_months']}个月，"
                       f"应重新履行程序。"), VIOLATION  # fmt: skip
        elif approved > add_months(meeting, p["months"]):
            yield 17, (f"上级党委应在收到支部大会决议后{p['months']}个月内审批（支部大会{d(meeting)}，"
                       f"审批{d(approved)}），特殊情况延长的须说明理由，总计不超过{p['max_months']}个月。")  # fmt: skip


def check_filing(f: Facts, p):
    if f.on(7) and f.on(3) and not f.on(4):
        yield 4, "已确定为发展对象，但确定入党积极分子后未报上级党委备案。"
    if f.on(15) and not f.on(8):
        yield 8, "已召开支部大会讨论接收，但确定发展对象后未报上级党委备案。"
    if (f.on(20) or f.on(23)) and f.on(17) and not f.on(18):
        yield 18, "接收预备党员已审批，但未报再上一级党委组织部门备案。"


def check_probation(f: Facts, p):
    meeting, conversion = f.on(15), f.on(23)
    if meeting and conversion:
        end = add_years(meeting, p["years"])
        if f.prior_extension_months:
            end = add_months(end, f.prior_extension_months)
        if conversion < end:
            extra = f"（含延长预备期{f.prior_extension_months}个月）" if f.prior_extension_months else ""
            yield 23, (f"预备期从支部大会通过之日（{d(meeting)}）起算{p['years']}年{extra}，"
                       f"讨论转正（{d(conversion)}）不能早于{d(end)}。")  # fmt: skip


def check_extension(f: Facts, p):
    if f.conversion_result != "延长预备期":
        return
    months = f.extension_months
    if months is None or not p["min_months"] <= months <= p["max_months"]:
        yield (
            23,
            f"延长预备期应为{p['min_months']}至{p['max_months']}个月，实际为{months if months is not None else '（未填写）'}个月。",
        )
    if f.extensions > 1:
        yield 23, "预备期只能延长一次。"


def check_conversion_approve(f: Facts, p):
    meeting, approved = f.on(23), f.on(24)
    if meeting and approved and approved > add_months(meeting, p["months"]):
        yield 24, f"转正审批（{d(approved)}）距支部大会（{d(meeting)}）超过{p['months']}个月。"


def check_frontline(f: Facts, p):
    activist, candidate = f.on(3), f.on(7)
    if f.frontline:
        meeting = f.on(15) or candidate
        start, end = dt.date.fromisoformat(p["window_start"]), dt.date.fromisoformat(p["window_end"])
        if meeting and not start <= meeting <= end:
            yield 15, (f"特殊情况依据“{f.special_basis}”（火线入党）只适用于{d(start)}至{d(end)}，"
                       f"本次接收日期为{d(meeting)}。")  # fmt: skip
    elif candidate and not activist:
        yield 7, "未经入党积极分子阶段确定为发展对象，只有火线入党等特殊情况才允许，须记录特殊情况依据。"


def check_order(f: Facts, p):
    get = f.dates.get
    for step, key, deps in _DEPENDS_KEYS:
        day = get(key)
        if not day:
            continue
        for dep, dep_key in deps:
            earlier = get(dep_key)
            if earlier and day < earlier:
                yield step, f"{STEP_NAMES[step]}（{d(day)}）早于{STEP_NAMES[dep]}（{d(earlier)}）。"
    meeting = get("admission_meeting_on")
    if meeting:
        for step, key in _BEFORE_ADMISSION_KEYS:
            day = get(key)
            if day and day > meeting:
                yield step, f"{STEP_NAMES[step]}（{d(day)}）晚于支部大会讨论接收（{d(meeting)}）。"


def check_missing(f: Facts, p):
    get = f.dates.get
    for step, key, deps in _DEPENDS_KEYS:
        if not get(key):
            continue
        for dep, dep_key in deps:
            if not get(dep_key):
                if dep == 3 and step == 7:
                    continue  # reported by R-FRONTLINE: only the frontline exception may skip it
                if f.frontline and dep in (3, 4, 5, 6):
                    continue  # a frontline admission may skip the activist period entirely
                yield step, f"已记录{STEP_NAMES[step]}，但缺少前一步骤：{STEP_NAMES[dep]}。"


STEP_NAMES = {
    1: "递交入党申请书", 2: "谈话", 3: "确定入党积极分子", 4: "积极分子备案", 5: "指定培养联系人",
    6: "培养教育考察", 7: "确定发展对象", 8: "发展对象备案", 9: "确定入党介绍人", 10: "政治审查",
    11: "集中培训", 12: "支委会审查", 13: "上级党委预审", 14: "填写入党志愿书", 15: "支部大会讨论接收",
    16: "上级党委派人谈话", 17: "上级党委审批", 18: "审批备案", 19: "编入党支部和党小组", 20: "入党宣誓",
    21: "继续教育考察", 22: "提出转正申请", 23: "支部大会讨论转正", 24: "转正审批", 25: "材料归档",
}  # fmt: skip

RULES: tuple[RuleDef, ...] = (
    RuleDef("R-AGE", "年满十八岁", VIOLATION, "党章第一条；细则第五条", (1,), {"min_age": 18}, check_age),
    RuleDef("R-TALK", "一个月内谈话", WARNING, "细则第七条", (2,), {"months": 1}, check_talk),
    RuleDef("R-CONTACT", "培养联系人", VIOLATION, "细则第九条", (5,), {"min": 1, "max": 2}, check_contacts),
    RuleDef("R-ASSESS", "每半年考察", WARNING, "细则第十一条", (6, 7),
            {"months": 6, "aspects": "思想政治,能力素质,道德品行,现实表现"}, check_assess,
            frontline_exempt=True),
    RuleDef("R-CULT", "培养一年以上", VIOLATION, "细则第十三条", (7,), {"years": 1}, check_cultivation,
            frontline_exempt=True),
    RuleDef("R-SPONSOR", "两名入党介绍人", VIOLATION, "细则第十四条；党章第五条", (9,), {"count": 2}, check_sponsors),
    RuleDef("R-POLREV", "政治审查", VIOLATION, "细则第十六条", (10, 15), {"valid_months": 12}, check_political_review),
    RuleDef("R-TRAIN", "集中培训", VIOLATION, "细则第十七条", (11, 15), {"min_days": 3, "min_hours": 24},
            check_training),
    RuleDef("R-NOTICE", "公示", VIOLATION, "本地规定", (13, 15), {"working_days": 5, "required": False}, check_notice),
    RuleDef("R-JOINT", "预审联合审查", VIOLATION, "细则第十九条；本地规定（联审部门）", (13,),
            {"bodies": "纪委,公安", "required": False}, check_joint_review),
    RuleDef("R-QUORUM", "到会人数过半", VIOLATION, "细则第二十条；支部工作条例第十一条", (15, 23), {}, check_quorum),
    RuleDef("R-PASS", "赞成票过半", VIOLATION, "细则第二十一条", (15, 23), {}, check_pass),
    RuleDef("R-AUTH", "审批权限", VIOLATION, "细则第二十三、二十五条", (17, 24), {}, check_authority),
    RuleDef("R-APPROVE", "三个月内审批", WARNING, "细则第二十五条", (17,), {"months": 3, "max_months": 6}, check_approve),
    RuleDef("R-FILING", "备案", WARNING, "细则第八、十三、二十五条", (4, 8, 18, 7, 15, 20, 23), {}, check_filing),
    RuleDef("R-PROB", "预备期一年", VIOLATION, "党章第七条；细则第三十二条", (23,), {"years": 1}, check_probation),
    RuleDef("R-EXT", "延长预备期", VIOLATION, "细则第三十二条", (23,), {"min_months": 6, "max_months": 12},
            check_extension),
    RuleDef("R-CONV-APPROVE", "三个月内审批转正", WARNING, "细则第三十四条", (24,), {"months": 3},
            check_conversion_approve),
    RuleDef("R-FRONTLINE", "火线入党例外", VIOLATION, "中组部2020年2月23日通知", (3, 7, 15, 17),
            {"window_start": "2020-01-20", "window_end": "2020-12-31"}, check_frontline),
    RuleDef("R-ORDER", "步骤顺序", VIOLATION, "细则", tuple(range(1, 26)), {}, check_order),
    RuleDef("R-MISSING", "缺少前置步骤", VIOLATION, "细则", tuple(range(1, 26)), {}, check_missing),
)  # fmt: skip


def no_check(facts: Facts, params: dict[str, Any]) -> Iterable[tuple]:
    """Rules of branch life are read by the org-life reminders, never evaluated against a case."""
    return ()


# Branch life (RULES.md §7.1): cadences, 民主评议, terms, branch size and study hours. They live in
# the same rule sets so a 组织部 sets local practice in one place; `steps` is empty, so no case check
# ever runs them. Every parameter is read through `development.selectors.rule_params`.
ORG_LIFE_RULES: tuple[RuleDef, ...] = (
    RuleDef("R-LIFE-GENERAL", "支部党员大会（每季度）", WARNING, "支部工作条例第十一条", (), {"months": 3}, no_check),
    RuleDef("R-LIFE-COMMITTEE", "支部委员会会议（每月）", WARNING, "支部工作条例第十二条", (),
            {"months": 1, "min_full_members": 7}, no_check),
    RuleDef("R-LIFE-GROUP", "党小组会（每月）", WARNING, "支部工作条例第十三条", (), {"months": 1}, no_check),
    RuleDef("R-LIFE-THEMED", "主题党日（每月）", WARNING, "支部工作条例第十六条", (), {"months": 1}, no_check),
    RuleDef("R-LIFE-LECTURE", "党课（书记每年至少讲一次）", WARNING, "支部工作条例第十六条", (),
            {"months": 3, "secretary_per_year": 1}, no_check),
    RuleDef("R-LIFE-MEETING", "组织生活会（每年）", WARNING, "支部工作条例", (), {"months": 12}, no_check),
    RuleDef("R-APPRAISAL", "民主评议党员（优秀不超过三分之一）", VIOLATION, "支部工作条例；党员教育管理工作条例", (),
            {"months": 12, "excellent_max_numerator": 1, "excellent_max_denominator": 3}, no_check),
    RuleDef("R-TERM", "任期与换届", WARNING, "支部工作条例第十八条", (),
            {"village_years": 5, "other_years": 3, "remind_months": 6}, no_check),
    RuleDef("R-BRANCH-SIZE", "支部规模", WARNING, "支部工作条例第八、九条", (),
            {"min_full_members": 3, "max_members": 50, "committee_from": 7}, no_check),
    RuleDef("R-STUDY", "党员年度集中学习培训学时", WARNING, "党员教育管理工作条例（2019）第二十条", (),
            {"member_hours": 32, "secretary_hours": 0}, no_check),
)  # fmt: skip
# 党费 (RULES.md §7.2, 中组部《关于中国共产党党费收缴、使用和管理的规定》2008, "党费规定"): rates,
# flat amounts, rounding, the voluntary threshold, hand-up proportions and arrears, read by the dues
# app through rule_in_force like the branch-life rules. Rates are percentages and amounts yuan, both
# as decimal strings (never floats); `steps` is empty, so no case check runs them.
DUES_RULES: tuple[RuleDef, ...] = (
    RuleDef("R-DUES-RATE", "按月收入比例交纳党费（在职、年薪制、灵活就业）", VIOLATION, "党费规定第二、三、四条", (),
            {"bracket_1": "3000", "rate_1": "0.5", "bracket_2": "5000", "rate_2": "1", "bracket_3": "10000",
             "rate_3": "1.5", "rate_top": "2"}, no_check),
    RuleDef("R-DUES-RETIRED", "离退休党员按离退休费比例交纳", VIOLATION, "党费规定第五条", (),
            {"bracket": "5000", "rate_low": "0.5", "rate_high": "1"}, no_check),
    RuleDef("R-DUES-FLAT", "农民、学生等定额交纳", VIOLATION, "党费规定第六条", (),
            {"farmer_min": "0.2", "farmer_max": "1", "flat": "0.2"}, no_check),
    RuleDef("R-DUES-ROUNDING", "党费金额保留到分", WARNING, "本地规定（计算保留到分）", (), {"mode": "half_up"}, no_check),
    RuleDef("R-DUES-START", "预备党员自支部大会通过之月起交纳党费", VIOLATION, "党费规定第八条", (), {}, no_check),
    RuleDef("R-DUES-BASE", "工资变动从新工资发放之月起按新基数交纳", VIOLATION, "党费规定第十条", (), {}, no_check),
    RuleDef("R-DUES-RELIEF", "困难减免须经党支部研究、上一级党委批准", VIOLATION, "党费规定第七条", (), {}, no_check),
    RuleDef("R-DUES-VOLUNTARY", "一次自愿多交1000元以上全部上缴中央", VIOLATION, "党费规定第十一条", (),
            {"centre_threshold": "1000"}, no_check),
    RuleDef("R-DUES-ADVANCE", "预交党费（月数上限）", WARNING, "本地规定（预交期限）", (), {"max_months": 12}, no_check),
    RuleDef("R-DUES-HANDUP", "党费按比例逐级上缴", WARNING, "本地规定（上缴比例）", (),
            {"branch_percent": 100, "grassroots_percent": 50, "county_percent": 40, "city_percent": 30}, no_check),
    RuleDef("R-DUES-ARREARS", "欠缴党费提醒；连续六个月不交纳按党章第九条处理", WARNING, "党章第九条", (),
            {"remind_months": 3, "lapse_months": 6}, no_check),
    RuleDef("R-DUES-USE", "党费使用集体研究、专款专用，申请下拨不得越级", VIOLATION, "党费规定第十七至二十一条", (), {},
            no_check),
)  # fmt: skip
# 组织关系转接 (RULES.md §7.3): the validity of an introduction letter. Sources disagree (≤ 3 months,
# ≤ 6 across provinces: baiwen2.com/article/121976.html; 10 / 30 days, ≤ 3 months:
# wenshu999.com/jieshaoxin/460699.html; the letter form per 组通字〔2006〕45号), so it is a parameter.
# Read by the transfers app through rule_in_force.
TRANSFER_RULES: tuple[RuleDef, ...] = (
    RuleDef("R-TRANSFER-VALIDITY", "组织关系介绍信有效期", WARNING, "组通字〔2006〕45号；本地规定（来源不一）", (),
            {"days": 90}, no_check),
)  # fmt: skip
# 后备力量 (talent app, read through rule_in_force): seed 003 "按照每个村至少2名村后备力量标准".
TALENT_RULES: tuple[RuleDef, ...] = (
    RuleDef("R-TALENT-POOL", "每个村（社区）至少储备村级后备力量", WARNING,
            "本地规定（按照每个村至少2名村后备力量标准）", (), {"per_village": 2}, no_check),
)  # fmt: skip
# A text parameter that must be one of a few values.
PARAM_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("R-DUES-ROUNDING", "mode"): ("half_up", "half_even", "down", "up"),
}
CASE_RULES = RULES
RULES = RULES + ORG_LIFE_RULES + DUES_RULES + TRANSFER_RULES + TALENT_RULES

RULE_BY_ID = {r.id: r for r in RULES}


@dataclass(frozen=True)
class EffectiveRule:
    rule: RuleDef
    severity: str
    params: dict[str, Any]
    enabled: bool = True
    article: str = ""


def effective_rule(rule: RuleDef, overrides: dict[str, dict[str, Any]] | None = None) -> EffectiveRule:
    """One rule with a rule set's overrides ({rule id: {"severity", "enabled", "article", param…}})."""
    o = dict((overrides or {}).get(rule.id, {}))
    severity = o.pop("severity", rule.severity)
    enabled = o.pop("enabled", True)
    article = o.pop("article", rule.article)
    return EffectiveRule(rule, severity, {**rule.params, **o}, enabled, article)


def effective_rules(overrides: dict[str, dict[str, Any]] | None = None) -> list[EffectiveRule]:
    """Every rule with a rule set's overrides merged in."""
    return [effective_rule(rule, overrides) for rule in RULES]


def evaluate(
    facts: Facts, rules: list[EffectiveRule], *, calendar: WorkCalendar | None = None
) -> list[Finding]:
    """Every finding on `facts` under the given (effective) rules.

    `calendar`: a WorkCalendar snapshot to count working days with (batch work shares one);
    without it each count reads the calendar afresh.
    """
    token = _calendar.set(calendar) if calendar is not None else None
    try:
        findings: list[Finding] = []
        frontline = facts.frontline
        for eff in rules:
            rule = eff.rule
            if not eff.enabled or (frontline and rule.frontline_exempt):
                continue
            for step, message, *severity in rule.check(facts, eff.params):
                findings.append(
                    Finding(rule.id, step, severity[0] if severity else eff.severity, eff.article, message)
                )
        return findings
    finally:
        if token is not None:
            _calendar.reset(token)


def new_findings(before: list[Finding], after: list[Finding]) -> list[Finding]:
    """What a new record breaks: findings present after it that were not there before."""
    seen = set(before)
    return [f for f in after if f not in seen]
