"""Recording, correcting and returning a step, each checked against the rules; previewing one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.development import chain
from dangjian.development import rules as engine
from dangjian.development.catalog import STEP_BY_NUMBER
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


def _validate_step_input(
    case: Case, step: int, on: dt.date, org: Org, data: dict[str, Any], meeting, resolution
):
    errors: list[str] = []
    definition = STEP_BY_NUMBER.get(step)
    if definition is None:
        raise ValidationError("步骤编号无效（应为1至25）。")
    if on > timezone.localdate():
        errors.append(f"{definition.name}的日期不能晚于今天。")
    archivable = step == 25 and case.status in (CaseStatus.CONVERTED, CaseStatus.DISQUALIFIED)
    if case.status != CaseStatus.OPEN and not archivable:
        errors.append(f"该发展纪实当前为“{case.get_status_display()}”，不能记录步骤。")
    if step in APPROVAL_STEPS:
        if not case.org.path.startswith(org.path) or org.pk == case.org_id:
            errors.append("审批应由该同志所在党支部的上级党委办理。")
    elif step != 11 and org.pk != case.org_id and not (org.is_temporary and case.frontline):
        errors.append("该步骤应由该同志所在党支部办理。")
    if step in (5, 9):
        key = "contacts" if step == 5 else "introducers"
        ids = data.get(key) or []
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
        elif dt.date.fromisoformat(str(start)) > on:
            errors.append("集中培训开始日期不能晚于结束日期。")
    if step == 13 and bool(data.get("notice_start")) != bool(data.get("notice_end")):
        errors.append("公示开始和结束日期须同时填写。")
    if step == 23:
        if data.get("result") not in CONVERSION_RESULTS:
            errors.append("请选择转正结论：按期转正、延长预备期或取消预备党员资格。")
        if data.get("result") == "延长预备期" and not data.get("extension_months"):
            errors.append("请填写延长预备期月数（6至12个月）。")
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
    if errors:
        raise ValidationError(errors)


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
    org = Org.objects.get(pk=org.pk) if org is not None else case.org
    if actor is not None:
        if step in APPROVAL_STEPS:
            scope.require(actor, Action.CHANGE_PERSON, org, "审批须由上级党委的组织员办理，您无权记录审批。")
        else:
            _require_change(actor, case.org)
    _validate_step_input(case, step, on, org, data, meeting, resolution)
    definition = STEP_BY_NUMBER[step]
    records = current_records(case)
    if supersedes is not None:
        if not any(r.pk == supersedes.pk for r in records):  # read again under the case lock
            raise ValidationError("该记录刚刚已被更正或退回，请刷新后查看。")
        records = [r for r in records if r.pk != supersedes.pk]
    elif not definition.repeatable and step != 23 and any(r.step == step for r in records):
        raise ValidationError(f"{definition.label}已经记录过。如需更正，请使用“更正”。")
    if step == 23 and any(r.step == 23 and r.data.get("result") != "延长预备期" for r in records):
        raise ValidationError("转正的支部大会已经记录过。如需更正，请使用“更正”。")
    record = StepRecord(
        case=case, step=step, on=on, org=org, data=_jsonable(data), meeting=meeting, resolution=resolution,
        note=note.strip(), filing_ref=filing_ref.strip(), is_backfill=is_backfill, supersedes=supersedes,
        correction_reason=correction_reason.strip(),
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_full_name() or actor.username) if actor is not None and actor.pk else "系统",
    )  # fmt: skip
    in_force = rules_in_force(case.org, on)
    before = engine.evaluate(build_facts(case, records), in_force)
    after = engine.evaluate(build_facts(case, [*records, record]), in_force)
    fresh = engine.new_findings(before, after)
    violations = [f for f in fresh if f.blocks]
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
    org = record.org if record.step in APPROVAL_STEPS else case.org
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, "您无权退回该步骤。")
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
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=case, before={"步骤": STEP_BY_NUMBER[record.step].label},
        after={"步骤": "已退回"}, message=f"退回：{reason.strip()}",
    )  # fmt: skip
    _refresh(case, actor)
    return marker


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def step_preview(
    *,
    case: Case,
    step: int,
    on: dt.date,
    data: dict[str, Any] | None = None,
    org: Org | None = None,
    resolution=None,
) -> list[tuple[engine.EffectiveRule, list[engine.Finding]]]:
    """Before saving: every rule concerning `step`, with the findings the new record would add.

    Reads only; nothing is written. Used by the step form to show which rules pass and which fail.
    """
    if step not in STEP_BY_NUMBER:
        raise ValidationError({"step": ["步骤编号无效（应为1至25）。"]})
    record = StepRecord(
        case=case, step=step, on=on, org=org or case.org, data=_jsonable(dict(data or {})), resolution=resolution,
        meeting=resolution.meeting if resolution is not None else None,
    )  # fmt: skip
    records = [r for r in current_records(case) if STEP_BY_NUMBER[step].repeatable or r.step != step]
    in_force = rules_in_force(case.org, on)
    before = engine.evaluate(build_facts(case, records), in_force)
    fresh = engine.new_findings(before, engine.evaluate(build_facts(case, [*records, record]), in_force))
    out = []
    for eff in in_force:
        concerns = eff.enabled and step in eff.rule.steps and eff.rule.id not in ("R-ORDER", "R-MISSING")
        if not concerns and not any(f.rule == eff.rule.id for f in fresh):
            continue
        if eff.rule.frontline_exempt and case.frontline:
            continue
        out.append((eff, [f for f in fresh if f.rule == eff.rule.id]))
    return out
