"""The checks of the development rules (RULES.md §3 / INTERCHANGE.md) and the rules themselves."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

from dangjian.development.rules.base import (
    _BEFORE_ADMISSION_KEYS,
    _DEPENDS_KEYS,
    VIOLATION,
    WARNING,
    Facts,
    MemberInfo,
    OrgInfo,
    RuleDef,
    _calendar,
    d,
)
from dangjian.workcal.calendar import (
    CalendarUnknown,
    add_months,
    add_years,
    working_days_between,
)

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
