"""Every write to development cases. Each step is checked against the rules as it is recorded.

A violation blocks the step (ValidationError with the rule id, article and a plain message); a
warning blocks until the caller acknowledges that rule id, and the acknowledgement is stored on the
record. The person's standing and milestone dates are derived from the records, never set by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit import ledger
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, record_changes
from dangjian.development import chain
from dangjian.development import rules as engine
from dangjian.development.catalog import STEP_BY_NUMBER
from dangjian.development.facts import build_facts
from dangjian.development.models import Case, CaseStatus, Evidence, RecordKind, RuleSet, StepRecord
from dangjian.orgs.models import Org
from dangjian.people.models import MEMBER_STANDINGS, Person, Reduction, Standing
from dangjian.workcal.calendar import add_months, add_years

APPROVAL_STEPS = (17, 24)
CONVERSION_RESULTS = ("按期转正", "延长预备期", "取消预备党员资格")


class NeedsAcknowledgement(ValidationError):
    """The step raises warnings that the user has to acknowledge (by rule id) before saving."""

    def __init__(self, findings: list[engine.Finding]):
        self.findings = findings
        super().__init__([f"【{f.rule}】{f.message}（{f.article}）" for f in findings], code="needs_ack")


class RuleViolation(ValidationError):
    def __init__(self, findings: list[engine.Finding]):
        self.findings = findings
        super().__init__([f"【{f.rule}】{f.message}（{f.article}）" for f in findings], code="violation")


# ---- rule sets ---------------------------------------------------------------------------------


def ruleset_for(org: Org, on: dt.date, active: list[RuleSet] | None = None) -> RuleSet | None:
    """The rule set in force for `org` on `on`: the most specific active profile covering both."""
    if active is None:
        active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
    candidates = [
        rs
        for rs in active
        if rs.effective_from <= on
        if (rs.effective_to is None or rs.effective_to >= on)
        and (rs.org is None or org.path.startswith(rs.org.path))
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda rs: (rs.org.depth if rs.org else 0, rs.effective_from))


def rules_in_force(org: Org, on: dt.date, active: list[RuleSet] | None = None) -> list[engine.EffectiveRule]:
    ruleset = ruleset_for(org, on, active)
    return engine.effective_rules(ruleset.merged_overrides() if ruleset else None)


def current_records(case: Case) -> list[StepRecord]:
    return list(
        case.records.filter(is_current=True).select_related(
            "org", "meeting", "resolution", "resolution__meeting"
        )
    )


def case_findings(case: Case, on: dt.date | None = None) -> list[engine.Finding]:
    """All current findings of a case, under the rules in force on its latest step (or `on`)."""
    records = current_records(case)
    day = on or max((r.on for r in records), default=timezone.localdate())
    return engine.evaluate(build_facts(case, records), rules_in_force(case.org, day))


# ---- cases -------------------------------------------------------------------------------------


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "org", "person__org")
        .get(pk=case.pk)
    )


@transaction.atomic
def case_open(
    *, actor, person: Person, special_basis: str = "", source: str = "", is_backfill: bool = False
) -> Case:
    person = Person.objects.select_for_update(of=("self",)).select_related("org").get(pk=person.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, person.org, "您无权为该人员建立发展纪实。")
    if Case.objects.filter(person=person).exists():
        raise ValidationError("该同志已有发展纪实，不能重复建立。")
    if not person.is_active:
        raise ValidationError("该人员已减少（不在册），不能建立发展纪实。")
    if person.standing in MEMBER_STANDINGS and not is_backfill:
        raise ValidationError("该同志已是党员；历史发展记录请通过补录导入。")
    case = Case.objects.create(
        person=person, org=person.org, special_basis=special_basis.strip(), source=source.strip(),
        is_backfill=is_backfill, created_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=case, after={"人员": person.name, "来源": source}
    )
    return case


@transaction.atomic
def case_set_special_basis(*, actor, case: Case, special_basis: str) -> Case:
    """Mark a case as a frontline admission (火线入党) with its documented basis."""
    case = _lock(case)
    _require_change(actor, case.org)
    basis = special_basis.strip()
    if not basis:
        raise ValidationError("请填写特殊情况依据（如“2020疫情防控一线”及文件名称）。")
    before = {"特殊情况依据": case.special_basis}
    case.special_basis = basis
    case.save(update_fields=["special_basis", "updated_at"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=case, before=before, after={"特殊情况依据": basis}
    )
    _refresh(case, actor)
    return case


@transaction.atomic
def case_set_status(*, actor, case: Case, status: str, reason: str) -> Case:
    """Defer (暂缓), decline (不予发展) or reopen a case, always with a reason."""
    case = _lock(case)
    _require_change(actor, case.org)
    if status not in (CaseStatus.OPEN, CaseStatus.DEFERRED, CaseStatus.DECLINED):
        raise ValidationError("只能暂缓、不予发展或恢复发展；转正、取消资格和归档由相应步骤产生。")
    if not (reason or "").strip():
        raise ValidationError("请填写原因。")
    if case.status in (CaseStatus.CONVERTED, CaseStatus.ARCHIVED, CaseStatus.DISQUALIFIED):
        raise ValidationError(f"该发展纪实当前为“{case.get_status_display()}”，不能再改变状态。")
    if status != CaseStatus.OPEN and case.stage >= 5:
        raise ValidationError("已接收为预备党员，不能暂缓或不予发展；请按转正程序处理。")
    if status == case.status:
        raise ValidationError(f"该发展纪实已经是“{case.get_status_display()}”。")
    before = {"状态": case.get_status_display()}
    case.status = status
    case.status_reason = reason.strip()
    case.save(update_fields=["status", "status_reason", "updated_at"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=case, before=before,
        after={"状态": case.get_status_display(), "原因": case.status_reason},
    )  # fmt: skip
    from dangjian.development import due

    due.refresh_cases([case.pk])  # a deferred or declined case has nothing due; reopened, it has again
    return case


def _require_change(actor, org: Org) -> None:
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, "您无权办理该发展纪实。")


# ---- steps -------------------------------------------------------------------------------------


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


# ---- derived state -----------------------------------------------------------------------------


def derive_state(case: Case, records: list[StepRecord], findings: list[engine.Finding]) -> dict[str, Any]:
    """The case's stage, status and counters as its current records make them."""
    by_step = _latest_by_step(records)
    steps = set(by_step)
    last = max(steps, default=0)
    stage = max((STEP_BY_NUMBER[s].stage for s in steps), default=1)
    status = case.status
    if status in (CaseStatus.CONVERTED, CaseStatus.ARCHIVED, CaseStatus.DISQUALIFIED):
        status = CaseStatus.OPEN  # made by steps 24 and 25, so derived again: a returned 24 reopens
    result = by_step[23].data.get("result") if 23 in by_step else None
    if 24 in steps and result == "按期转正":
        stage = 6
        status = CaseStatus.ARCHIVED if 25 in steps else CaseStatus.CONVERTED
    elif 24 in steps and result == "取消预备党员资格":
        status = CaseStatus.DISQUALIFIED
    elif 17 in steps:
        stage = 5
    return {
        "last_step": last, "last_step_on": by_step[last].on if last else None, "stage": stage, "status": status,
        "blocking": sum(1 for f in findings if f.blocks),
    }  # fmt: skip


def _latest_by_step(records: Iterable[StepRecord]) -> dict[int, StepRecord]:
    by_step: dict[int, StepRecord] = {}
    for r in sorted(records, key=lambda r: (r.on, r.pk or 0)):
        by_step[r.step] = r
    return by_step


def _refresh(case: Case, actor) -> None:
    """Recompute the case's stage and the person's standing and milestones from the records."""
    from dangjian.development import due
    from dangjian.people.services import person_reduce, person_update

    records = current_records(case)
    on = max((r.on for r in records), default=timezone.localdate())
    findings = engine.evaluate(build_facts(case, records), rules_in_force(case.org, on))
    for key, value in derive_state(case, records, findings).items():
        setattr(case, key, value)
    case.save(update_fields=["last_step", "last_step_on", "stage", "status", "blocking", "updated_at"])
    due.refresh_cases([case.pk])

    person = Person.objects.select_related("org").get(pk=case.person_id)
    if not person.is_active:
        return
    by_step = _latest_by_step(records)
    wanted = milestones(records)
    changes = {k: v for k, v in wanted.items() if getattr(person, k) != v}
    # The standing follows from a step the actor was allowed to record: the person's history names
    # them, with their rights already checked by step_record.
    recorder = actor if actor is not None and scope.can(actor, Action.CHANGE_PERSON, person.org) else None
    if changes:
        person_update(actor=recorder, person=person, **changes)
    if case.status == CaseStatus.DISQUALIFIED:
        person.refresh_from_db()
        person_reduce(
            actor=recorder, person=person, reduction=Reduction.DISQUALIFIED, reduced_on=by_step[24].on,
            note=f"经{by_step[24].org.name}审批取消预备党员资格",
        )  # fmt: skip
    if actor is not None and not scope.can(actor, Action.VIEW, case.org):
        raise PermissionDenied("操作后该发展纪实不在您的管理范围内，已撤销。")


def milestones(records: list[StepRecord]) -> dict[str, Any]:
    """The person's standing and milestone dates as the current records make them."""
    by_step = _latest_by_step(records)
    out: dict[str, Any] = {"standing": Standing.APPLICANT}
    out["applied_on"] = by_step[1].on if 1 in by_step else None
    out["activist_on"] = by_step[3].on if 3 in by_step else None
    out["candidate_on"] = by_step[7].on if 7 in by_step else None
    out["admitted_on"] = None
    out["converted_on"] = None
    if 3 in by_step:
        out["standing"] = Standing.ACTIVIST
    if 7 in by_step:
        out["standing"] = Standing.CANDIDATE
    if 17 in by_step and 15 in by_step:
        out["standing"] = Standing.PROBATIONARY
        out["admitted_on"] = by_step[15].on  # probation (and 党龄's start) count from the meeting
    conversion = by_step.get(23)
    if (
        24 in by_step
        and conversion is not None
        and conversion.data.get("result") == "按期转正"
        and 15 in by_step
    ):
        end = add_years(by_step[15].on, 1)
        extension = [r for r in records if r.step == 23 and r.data.get("result") == "延长预备期"]
        if extension:
            end = add_months(end, int(extension[-1].data.get("extension_months") or 0))
        out["standing"] = Standing.FULL
        out["converted_on"] = end  # 党龄 counts from the day probation ends, whenever it was approved
    if out["standing"] == Standing.APPLICANT and out["applied_on"] is None:
        out.pop("applied_on")
    return out


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


BACKFILL_CHUNK = 2000


@transaction.atomic
def cases_backfill(*, actor, rows: list[dict[str, Any]], source: str, batch_size: int = 5000) -> int:
    """Create cases with their recorded history at once (补录: imports, demo data), all or nothing.

    Each row: {"person": Person, "special_basis": str, "remarks": str (optional),
    "records": [{"step", "on", "data", "org"}]}.
    The same engine checks every case; findings are stored on the records and counted on the case,
    but do not block: this is history being entered, and `dangjian check` reports it.
    """
    from dangjian.audit.models import ChangeRecord
    from dangjian.development import due
    from dangjian.people.services import BulkRowError, person_update

    today = timezone.localdate()
    errors: list[tuple[int, str, str]] = []
    people_ids = [row["person"].pk for row in rows]
    taken = set()
    for start in range(0, len(people_ids), 900):
        taken.update(
            Case.objects.filter(person_id__in=people_ids[start : start + 900]).values_list(
                "person_id", flat=True
            )
        )
    allowed: dict[int, bool] = {}
    for number, row in enumerate(rows, start=1):
        person = row["person"]
        if person.pk in taken:
            errors.append((number, "人员", f"{person.name}已有发展纪实。"))
        if actor is not None:
            if person.org_id not in allowed:
                allowed[person.org_id] = scope.can(actor, Action.CHANGE_PERSON, person.org)
            if not allowed[person.org_id]:
                errors.append((number, "所在党组织", f"{person.org.name}不在您的管理范围内。"))
        seen: set[int] = set()
        for rec in row["records"]:
            definition = STEP_BY_NUMBER.get(rec["step"])
            if definition is None:
                errors.append((number, "步骤", f"步骤编号{rec['step']}无效。"))
                continue
            if rec["on"] > today:
                errors.append((number, definition.name, f"日期{rec['on']:%Y-%m-%d}晚于今天。"))
            if rec["step"] in seen and not definition.repeatable and rec["step"] != 23:
                errors.append((number, definition.name, "同一步骤出现两次。"))
            seen.add(rec["step"])
    if errors:
        raise BulkRowError(errors)

    member_ids = {
        int(i) for row in rows for rec in row["records"] for key in ("contacts", "introducers")
        for i in (rec.get("data") or {}).get(key, [])
    }  # fmt: skip
    members = Person.objects.in_bulk(list(member_ids)) if member_ids else {}
    active_rulesets = list(RuleSet.objects.filter(is_active=True).select_related("org"))
    actor_user = actor if actor is not None and actor.pk else None
    actor_name = (actor.get_full_name() or actor.username) if actor_user else "系统"
    # Written in chunks: 100,000 cases of 15 records each built at once took gigabytes; a chunk's
    # objects are dropped before the next is built. Still one transaction (the caller's).
    for begin in range(0, len(rows), BACKFILL_CHUNK):
        chunk = rows[begin : begin + BACKFILL_CHUNK]
        cases: list[Case] = []
        case_records: list[list[StepRecord]] = []
        for row in chunk:
            person = row["person"]
            case = Case(person=person, org=person.org, special_basis=(row.get("special_basis") or "").strip(),
                        source=source, is_backfill=True, created_by=actor_user,
                        remarks=(row.get("remarks") or "").strip())  # fmt: skip
            records = [
                StepRecord(
                    case=case,
                    step=rec["step"],
                    on=rec["on"],
                    org=rec.get("org") or person.org,
                    data=_jsonable(dict(rec.get("data") or {})),
                    note=rec.get("note", ""),
                    is_backfill=True,
                    actor=actor_user,
                    actor_name=actor_name,
                )
                for rec in row["records"]
            ]
            on = max((r.on for r in records), default=today)
            findings = engine.evaluate(
                build_facts(case, records, person=person, members=members),
                rules_in_force(person.org, on, active_rulesets),
            )
            for record in records:
                record.findings = [f.as_dict() for f in findings if f.step == record.step]
            for key, value in derive_state(case, records, findings).items():
                setattr(case, key, value)
            cases.append(case)
            case_records.append(records)
        Case.objects.bulk_create(cases, batch_size=2000)
        # bulk_create sends no signals: the new cases are sealed here (see audit/ledger.py).
        ledger.seal_rows(model=Case, pks=[c.pk for c in cases])
        flat = []
        for case, records in zip(cases, case_records, strict=True):
            for record in records:
                record.case = case
                flat.append(record)
        record_changes(
            records=[ChangeRecord(actor=actor_user, actor_name=actor_name, action=ChangeAction.CREATE,
                                  object_type="development.case", object_id=c.pk, object_repr=str(c)[:200],
                                  message=f"补录：{source}") for c in cases],
        )  # fmt: skip
        for case, records in zip(cases, case_records, strict=True):
            wanted = milestones(records)
            person = case.person
            changes = {k: v for k, v in wanted.items() if getattr(person, k) != v}
            if changes and person.is_active:
                person_update(actor=None, person=Person.objects.get(pk=person.pk), **changes)
        # Last in each chunk, so the chain's head is taken as late as can be.
        chain.append_many(records=flat, batch_size=batch_size)
        due.refresh_cases([c.pk for c in cases])
    return len(rows)
