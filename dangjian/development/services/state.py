"""A case's derived state and the person's standing and milestones, as the current records make them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.development import rules as engine
from dangjian.development.catalog import STEP_BY_NUMBER
from dangjian.development.facts import build_facts
from dangjian.development.models import Case, CaseStatus, StepRecord
from dangjian.development.services.inforce import current_records, rules_in_force
from dangjian.people.models import Person, Reduction, Standing
from dangjian.workcal.calendar import add_months, add_years


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
        person_update(actor=recorder, person=person, from_records=True, **changes)
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
