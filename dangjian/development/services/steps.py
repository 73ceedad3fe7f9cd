"""Recording, correcting and returning a step, each checked against the rules; previewing one.

Saving and 保存前检查 (step_preview) run one check, `check_step`: the input problems that refuse a
step, then the rule findings the new record would add.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.development import acting, chain, formnumbers
from dangjian.development import rules as engine
from dangjian.development.catalog import STEP_BY_NUMBER, SUPERIOR_STEPS
from dangjian.development.facts import build_facts
from dangjian.development.models import Case, CaseStatus, Evidence, RecordKind, StepRecord
from dangjian.development.services.cases import _lock, _require_change
from dangjian.development.services.inforce import (
    APPROVAL_STEPS,
    CONVERSION_RESULTS,
    NeedsAcknowledgement,
    RuleViolation,
    current_records,
    rules_in_force,
)
from dangjian.development.services.state import _refresh
from dangjian.orgs.models import Org
from dangjian.people.models import Person

# Rules that concern every step (R-ORDER, R-MISSING) are listed in a check only when they find something.
CONDITIONAL_RULES = ("R-ORDER", "R-MISSING")


def _date_problem(value, label: str) -> str | None:
    if value in (None, "") or isinstance(value, dt.date):
        return None
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return f"{label}格式不正确（应为年-月-日，如2024-06-01）。"
    return None


def _number_problems(data: dict[str, Any], labels: dict[str, str]) -> list[str]:
    problems = []
    for key, label in labels.items():
        value = data.get(key)
        if value in (None, ""):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            problems.append(f"{label}应为数字。")
            continue
        if number < 0 or (key != "hours" and number != int(number)):
            problems.append(f"{label}应为不小于0的整数。" if key != "hours" else f"{label}不能小于0。")
    return problems


def _joint_review_problems(joint) -> list[str]:
    """联合审查 as step 13 carries it: {body: {"on": date, "conclusion": 无异议/有异议}}."""
    if joint in (None, {}):
        return []
    shape = isinstance(joint, dict) and len(joint) <= 10
    shape = shape and all(
        isinstance(body, str) and 0 < len(body) <= 20 and isinstance(review, dict)
        and set(review) <= {"on", "conclusion"}
        and review.get("conclusion", "") in ("", engine.JOINT_AGREED, engine.JOINT_OBJECTED)
        for body, review in joint.items()
    )  # fmt: skip
    if not shape:
        return ["联合审查意见格式不正确（每个部门写明日期和“无异议”或“有异议”）。"]
    return [p for body, review in joint.items() if (p := _date_problem(review.get("on"), f"{body}联审日期"))]


VOTE_LABELS = {"expected": "应到会有表决权人数", "present": "实到会有表决权人数", "yes": "赞成票",
               "no": "反对票", "abstain": "弃权票"}  # fmt: skip


def _input_problems(
    case: Case, step: int, on: dt.date, org: Org, data: dict[str, Any], meeting, resolution
) -> list[str]:
    """What refuses a step before any rule is read: dates, the acting org, the step's own fields."""
    errors: list[str] = []
    definition = STEP_BY_NUMBER[step]
    if on > timezone.localdate():
        errors.append(f"{definition.name}的日期不能晚于今天。")
    archivable = step == 25 and case.status in (CaseStatus.CONVERTED, CaseStatus.DISQUALIFIED)
    if case.status != CaseStatus.OPEN and not archivable:
        errors.append(f"该发展纪实当前为“{case.get_status_display()}”，不能记录步骤。")
    if step in SUPERIOR_STEPS:
        if not case.org.path.startswith(org.path) or org.pk == case.org_id:
            what = "审批" if step in APPROVAL_STEPS else definition.name
            errors.append(f"{what}应由该同志所在党支部的上级党委办理。")
        elif step not in APPROVAL_STEPS and not org.has_approval_authority:
            # 17 and 24 are judged by R-AUTH (a temporary org may approve a frontline admission).
            errors.append(f"{definition.name}应由有审批权限的上级党委办理，“{org.name}”不具有审批权限。")
    elif step != 11 and org.pk != case.org_id and not (org.is_temporary and case.frontline):
        errors.append("该步骤应由该同志所在党支部办理。")
    if step in (5, 9):
        key = "contacts" if step == 5 else "introducers"
        ids = data.get(key) or []
        if not isinstance(ids, list) or not all(str(i).isdigit() for i in ids):
            errors.append("所选党员不存在。")
        else:
            ids = [int(i) for i in ids]
            if len(set(ids)) != len(ids):
                errors.append("同一名党员不能重复列出。")
            if case.person_id in ids:
                errors.append("本人不能担任自己的培养联系人或入党介绍人。")
            if ids and Person.objects.filter(pk__in=ids).count() != len(set(ids)):
                errors.append("所选党员不存在。")
    if step == 10 and data.get("result") not in ("合格", "不合格"):
        errors.append("请填写政治审查结论（合格/不合格）。")
    if step == 11:
        start = data.get("start")
        if not start:
            errors.append("请填写集中培训开始日期。")
        elif problem := _date_problem(start, "集中培训开始日期"):
            errors.append(problem)
        elif dt.date.fromisoformat(str(start)) > on:
            errors.append("集中培训开始日期不能晚于结束日期。")
        errors += _number_problems(data, {"hours": "培训学时"})
    if step == 13:
        if bool(data.get("notice_start")) != bool(data.get("notice_end")):
            errors.append("公示开始和结束日期须同时填写。")
        for key, label in (("notice_start", "公示开始日期"), ("notice_end", "公示结束日期")):
            if problem := _date_problem(data.get(key), label):
                errors.append(problem)
        errors += _joint_review_problems(data.get("joint_review"))
    if step == 6 and data.get("aspects") not in (None, {}):
        aspects = data["aspects"]
        if not (
            isinstance(aspects, dict) and len(aspects) <= 10
            and all(isinstance(k, str) and 0 < len(k) <= 20 and isinstance(v, str) and len(v) <= 500
                    for k, v in aspects.items())
        ):  # fmt: skip
            errors.append("考察意见格式不正确（每个方面一段文字，500字以内）。")
    if step in (15, 23):
        errors += _number_problems(data, VOTE_LABELS)
    if step == 23:
        if data.get("result") not in CONVERSION_RESULTS:
            errors.append("请选择转正结论：按期转正、延长预备期或取消预备党员资格。")
        if data.get("result") == "延长预备期" and not data.get("extension_months"):
            errors.append("请填写延长预备期月数（6至12个月）。")
        errors += _number_problems(data, {"extension_months": "延长预备期月数"})
    if meeting is not None:
        if meeting.held_on != on:
            errors.append("步骤日期应与会议日期一致。")
        if resolution is not None and (
            resolution.meeting_id != meeting.pk or resolution.person_id != case.person_id
        ):
            errors.append("所选决议不属于该会议或该同志。")
    if (
        step in (15, 23)
        and resolution is None
        and not all(data.get(k) not in (None, "") for k in ("expected", "present", "yes"))
    ):
        errors.append("支部大会须记录应到会、实到会有表决权人数和赞成票数（或关联会议决议）。")
    return errors


@dataclass
class StepCheck:
    """What saving a step meets, in the order saving meets it: the problems that refuse it outright
    (`problems`), else the rule findings the new record would add (`findings`). One function
    (`check_step`) produces it for both saving and 保存前检查, so the two cannot disagree."""

    record: StepRecord
    problems: list[str]
    in_force: list[engine.EffectiveRule]
    findings: list[engine.Finding]

    @property
    def violations(self) -> list[engine.Finding]:
        return [f for f in self.findings if f.blocks]


def _acting_org(case: Case, step: int, org: Org | None) -> Org:
    if org is not None:
        return Org.objects.get(pk=org.pk)
    return acting.acting_org(case.org, step)


def _right_refusal(actor, case: Case, step: int, org: Org) -> str | None:
    """A superior step asked of a user with the branch's right but not the committee's: the message
    that tells them whose step it is (a ValidationError, not a 403: the case is theirs to see)."""
    if actor is None or step not in SUPERIOR_STEPS:
        return None
    if scope.can(actor, Action.CHANGE_PERSON, org) or not scope.can(actor, Action.CHANGE_PERSON, case.org):
        return None
    return acting.refusal(step, org)


def check_step(
    *,
    case: Case,
    step: int,
    on: dt.date,
    org: Org,
    data: dict[str, Any],
    records: list[StepRecord],
    meeting=None,
    resolution=None,
    note: str = "",
    filing_ref: str = "",
    is_backfill: bool = False,
    supersedes: StepRecord | None = None,
    correction_reason: str = "",
    actor=None,
) -> StepCheck:
    """Every validation saving a step runs, without writing anything. `records`: the case's
    current records (read under the case lock when saving)."""
    definition = STEP_BY_NUMBER.get(step)
    if definition is None:
        raise ValidationError({"step": ["步骤编号无效（应为1至25）。"]})
    problems = [p for p in [_right_refusal(actor, case, step, org)] if p]
    problems += _input_problems(case, step, on, org, data, meeting, resolution)
    if supersedes is not None:
        if not any(r.pk == supersedes.pk for r in records):  # read again under the case lock
            problems.append("该记录刚刚已被更正或退回，请刷新后查看。")
        records = [r for r in records if r.pk != supersedes.pk]
    elif not definition.repeatable and step != 23 and any(r.step == step for r in records):
        problems.append(f"{definition.label}已经记录过。如需更正，请使用“更正”。")
    if step == 23 and any(r.step == 23 and r.data.get("result") != "延长预备期" for r in records):
        problems.append("转正的支部大会已经记录过。如需更正，请使用“更正”。")
    if step == formnumbers.FORM_STEP and not is_backfill:
        problems += formnumbers.step_problems(case, data, supersedes)
    record = StepRecord(
        case=case, step=step, on=on, org=org, data=_jsonable(data), meeting=meeting, resolution=resolution,
        note=note.strip(), filing_ref=filing_ref.strip(), is_backfill=is_backfill, supersedes=supersedes,
        correction_reason=correction_reason.strip(),
    )  # fmt: skip
    in_force = rules_in_force(case.org, on)
    if problems:  # saving stops here: no rule is read on input it would refuse
        return StepCheck(record, problems, in_force, [])
    before = engine.evaluate(build_facts(case, records), in_force)
    after = engine.evaluate(build_facts(case, [*records, record]), in_force)
    return StepCheck(record, [], in_force, engine.new_findings(before, after))


@transaction.atomic
def step_record(
    *,
    actor,
    case: Case,
    step: int,
    on: dt.date,
    data: dict[str, Any] | None = None,
    org: Org | None = None,
    meeting=None,
    resolution=None,
    note: str = "",
    filing_ref: str = "",
    acknowledge: Iterable[str] = (),
    evidence: Iterable[dict[str, Any]] = (),
    is_backfill: bool = False,
    supersedes: StepRecord | None = None,
    correction_reason: str = "",
) -> StepRecord:
    case = _lock(case)
    data = dict(data or {})
    if step not in STEP_BY_NUMBER:
        raise ValidationError({"step": ["步骤编号无效（应为1至25）。"]})
    org = _acting_org(case, step, org)
    if actor is not None:
        if step in SUPERIOR_STEPS:
            if refusal := _right_refusal(actor, case, step, org):
                raise ValidationError(refusal)
            scope.require(actor, Action.CHANGE_PERSON, org, acting.refusal(step, org))
        else:
            _require_change(actor, case.org)
    definition = STEP_BY_NUMBER[step]
    if step == formnumbers.FORM_STEP and not is_backfill:
        data = formnumbers.fill_next(case, data)
    check = check_step(
        case=case, step=step, on=on, org=org, data=data, records=current_records(case), meeting=meeting,
        resolution=resolution, note=note, filing_ref=filing_ref, is_backfill=is_backfill, supersedes=supersedes,
        correction_reason=correction_reason,
    )  # fmt: skip
    if check.problems:
        raise ValidationError(check.problems)
    record = check.record
    record.actor = actor if actor is not None and actor.pk else None
    record.actor_name = (
        (actor.get_full_name() or actor.username) if actor is not None and actor.pk else "系统"
    )
    fresh = check.findings
    violations = check.violations
    if violations and not is_backfill:
        raise RuleViolation(violations)
    acknowledged = set(acknowledge)
    unacknowledged = [f for f in fresh if not f.blocks and f.rule not in acknowledged]
    if unacknowledged and not is_backfill:
        raise NeedsAcknowledgement(unacknowledged)
    if (
        acknowledged & {f.rule for f in fresh}
        and not is_backfill
        and not (note.strip() or correction_reason.strip())
    ):
        # A warning goes on record only with the reason the branch went ahead anyway.
        raise ValidationError({"note": ["确认提醒后保存，须在“说明”中写明原因。"]})
    record.findings = [f.as_dict() for f in fresh]
    record.acknowledged = sorted(acknowledged & {f.rule for f in fresh})
    if supersedes is not None:
        StepRecord.objects.filter(pk=supersedes.pk).update(is_current=False)
    try:
        with transaction.atomic():
            chain.append(record=record)
    except IntegrityError:
        raise ValidationError(f"{definition.label}刚刚已由他人记录，请刷新后查看。") from None
    if step == formnumbers.FORM_STEP and not is_backfill:
        formnumbers.claim(record=record, supersedes=supersedes)
    for item in evidence:
        Evidence.objects.create(
            record=record, kind=item.get("kind", "other"), number=item.get("number", ""),
            file=item.get("file") or "", title=item.get("title", ""),
            uploaded_by=actor if actor is not None and actor.pk else None,
        )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE if supersedes is None else ChangeAction.UPDATE, obj=case,
        after={"步骤": definition.label, "日期": on.isoformat()},
        message=f"更正：{correction_reason}" if supersedes is not None else "",
    )  # fmt: skip
    _refresh(case, actor)
    return record


@transaction.atomic
def step_correct(*, actor, record: StepRecord, reason: str, **changes) -> StepRecord:
    """Correct a step: a new record supersedes the old one, which is kept."""
    if not (reason or "").strip():
        raise ValidationError("请填写更正原因。")
    record = StepRecord.objects.select_related("case").get(pk=record.pk)
    if not record.is_current:
        raise ValidationError("该记录已被更正过，请更正最新的记录。")
    values = {
        "on": record.on, "data": record.data, "org": record.org, "meeting": record.meeting,
        "resolution": record.resolution, "note": record.note, "filing_ref": record.filing_ref,
        "acknowledge": record.acknowledged,
    }  # fmt: skip
    values.update(changes)
    return step_record(
        actor=actor, case=record.case, step=record.step, supersedes=record, correction_reason=reason, **values
    )


@transaction.atomic
def step_return(*, actor, record: StepRecord, reason: str) -> StepRecord:
    """Return (退回) the latest step with a reason: it stops counting, and is kept.

    Nothing is changed in place: a return marker (kind "return", superseding the returned record,
    with the reason and the user) is appended to the chain; the returned record's cached
    `is_current` flag is cleared. Returns the marker.
    """
    record = StepRecord.objects.select_related("case").get(pk=record.pk)
    case = _lock(record.case)
    record = StepRecord.objects.select_related("org").get(pk=record.pk)  # as it is under the lock
    org = record.org if record.step in SUPERIOR_STEPS else case.org
    if actor is not None:
        if org.pk != case.org_id and scope.can(actor, Action.CHANGE_PERSON, case.org):
            message = f"{STEP_BY_NUMBER[record.step].label}由上级党委（{org.name}）记录，只能由其组织员退回。"
        else:
            message = "您无权退回该步骤。"
        scope.require(actor, Action.CHANGE_PERSON, org, message)
    if not (reason or "").strip():
        raise ValidationError("请填写退回原因。")
    if not record.is_current:
        raise ValidationError("该记录已经不是有效记录。")
    later = case.records.filter(is_current=True, step__gt=record.step).exclude(step__in=[6, 21])
    if later.exists():
        raise ValidationError("只能退回最近的步骤；其后已有步骤记录。")
    if record.step == 24 and case.status == CaseStatus.DISQUALIFIED:
        raise ValidationError("已取消预备党员资格并办理了减少，不能退回该审批。")
    marker = StepRecord(
        case=case, step=record.step, on=timezone.localdate(), org=org, kind=RecordKind.RETURN,
        supersedes=record, correction_reason=reason.strip(), is_current=False,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_full_name() or actor.username) if actor is not None and actor.pk else "系统",
    )  # fmt: skip
    StepRecord.objects.filter(pk=record.pk).update(is_current=False)
    chain.append(record=marker)
    if record.step == formnumbers.FORM_STEP:
        formnumbers.release(record=record, reason=reason.strip())
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=case, before={"步骤": STEP_BY_NUMBER[record.step].label},
        after={"步骤": "已退回"}, message=f"退回：{reason.strip()}",
    )  # fmt: skip
    _refresh(case, actor)
    return marker


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


@dataclass
class Preview:
    """保存前检查: what saving would refuse the step with (`problems`), else every rule concerning
    the step with the findings the new record would add (`rules`)."""

    problems: list[str]
    rules: list[tuple[engine.EffectiveRule, list[engine.Finding]]]


def step_preview(
    *,
    case: Case,
    step: int,
    on: dt.date,
    data: dict[str, Any] | None = None,
    org: Org | None = None,
    meeting=None,
    resolution=None,
    actor=None,
) -> Preview:
    """Before saving: the same check saving runs (check_step), reported instead of raised.

    Reads only; nothing is written. The rules listed are those concerning `step` (R-ORDER and
    R-MISSING, which concern every step, and R-FRONTLINE on a case without a frontline basis, only
    when they find something), plus any other rule the new record would break.
    """
    if step not in STEP_BY_NUMBER:
        raise ValidationError({"step": ["步骤编号无效（应为1至25）。"]})
    if meeting is None and resolution is not None:
        meeting = resolution.meeting
    check = check_step(
        case=case, step=step, on=on, org=_acting_org(case, step, org), data=dict(data or {}),
        records=current_records(case), meeting=meeting, resolution=resolution, actor=actor,
    )  # fmt: skip
    if check.problems:
        return Preview(check.problems, [])
    out = []
    for eff in check.in_force:
        rule = eff.rule
        if not eff.enabled or (rule.frontline_exempt and case.frontline):
            continue
        found = [f for f in check.findings if f.rule == rule.id]
        concerns = step in rule.steps and rule.id not in CONDITIONAL_RULES
        if rule.id == "R-FRONTLINE":
            concerns = concerns and case.frontline
        if concerns or found:
            out.append((eff, found))
    return Preview([], out)
