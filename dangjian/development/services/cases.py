"""Opening a case, its special basis (火线入党) and its status (暂缓, 不予发展, reopened)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit import ledger
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import actor_fields, record_change, record_changes
from dangjian.development.models import Case, CaseStatus
from dangjian.development.services.state import _refresh
from dangjian.orgs.models import Org
from dangjian.people.models import MEMBER_STANDINGS, Person


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


def _status_error(case: Case, status: str, reason: str) -> str | None:
    if status not in (CaseStatus.OPEN, CaseStatus.DEFERRED, CaseStatus.DECLINED):
        return "只能暂缓、不予发展或恢复发展；转正、取消资格和归档由相应步骤产生。"
    if not (reason or "").strip():
        return "请填写原因。"
    if case.status in (CaseStatus.CONVERTED, CaseStatus.ARCHIVED, CaseStatus.DISQUALIFIED):
        return f"该发展纪实当前为“{case.get_status_display()}”，不能再改变状态。"
    if status != CaseStatus.OPEN and case.stage >= 5:
        return "已接收为预备党员，不能暂缓或不予发展；请按转正程序处理。"
    if status == case.status:
        return f"该发展纪实已经是“{case.get_status_display()}”。"
    return None


@transaction.atomic
def case_set_status(*, actor, case: Case, status: str, reason: str) -> Case:
    """Defer (暂缓), decline (不予发展) or reopen a case, always with a reason."""
    case = _lock(case)
    _require_change(actor, case.org)
    if problem := _status_error(case, status, reason):
        raise ValidationError(problem)
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


@transaction.atomic
def cases_set_status(*, actor, plans: list[tuple[Case, str, str]]) -> int:
    """case_set_status for many cases at once (status and reason each), all or nothing, with its
    checks; the rows sealed, the changes logged and the reminders refreshed in one batch."""
    from dangjian.development import due

    wanted = {case.pk: (status, reason) for case, status, reason in plans}
    cases = list(
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "org")
        .filter(pk__in=list(wanted))
        .order_by("pk")
    )
    problems = []
    for case in cases:
        if actor is not None and not scope.can(actor, Action.CHANGE_PERSON, case.org):
            problems.append(f"{case.person.name}：您无权办理该发展纪实。")
        if problem := _status_error(case, *wanted[case.pk]):
            problems.append(f"{case.person.name}：{problem}")
    if problems:
        raise ValidationError(problems[:50])
    befores = {case.pk: {"状态": case.get_status_display()} for case in cases}
    now = timezone.now()
    for case in cases:
        status, reason = wanted[case.pk]
        case.status, case.status_reason, case.updated_at = status, reason.strip(), now
    Case.objects.bulk_update(cases, ["status", "status_reason", "updated_at"], batch_size=500)
    ledger.seal_rows(model=Case, pks=[c.pk for c in cases])  # bulk_update sends no signals
    record_changes(
        records=[
            ChangeRecord(
                **actor_fields(actor), action=ChangeAction.UPDATE, object_type=Case._meta.label_lower, object_id=c.pk,
                object_repr=str(c)[:200], before=befores[c.pk], after={"状态": c.get_status_display(), "原因": c.status_reason},
            )
            for c in cases
        ]
    )  # fmt: skip
    due.refresh_cases([c.pk for c in cases])
    return len(cases)


def _require_change(actor, org: Org) -> None:
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, "您无权办理该发展纪实。")


def case_follow_person(person: Person, old_org: Org, new_org: Org, actor) -> None:
    """A move listener (base.hooks, registered in apps.py): when a person's file moves to another org
    (组织关系转接), their case goes with them, its records and cultivation time unchanged
    (细则第十二条: 培养教育时间连续计算). Runs inside the moving service's transaction."""
    case = Case.objects.select_for_update(of=("self",)).filter(person_id=person.pk).first()
    if case is None or case.org_id == new_org.pk:
        return
    before = {"党支部": case.org.name}
    case.org = new_org
    case.save(update_fields=["org", "updated_at"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=case, before=before, after={"党支部": new_org.name},
        message="组织关系转接：发展纪实随人员转入。",
    )  # fmt: skip
