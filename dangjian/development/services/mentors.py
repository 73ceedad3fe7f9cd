"""一对一帮带: a full member of the branch mentors a probationary member during probation."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.development.models import Case, Mentor
from dangjian.development.services.cases import _lock, _require_change
from dangjian.people.models import Person, Standing


@transaction.atomic
def mentor_assign(*, actor, case: Case, mentor: Person, on: dt.date, note: str = "") -> Mentor:
    """Assign `mentor` from `on`; the current mentor, if any, ends that day."""
    case = _lock(case)
    if actor is not None:
        _require_change(actor, case.org)
        if not scope.people_for(actor).filter(pk=mentor.pk).exists():
            raise ValidationError("所选党员不存在。")  # out of scope reads as absent
    mentor = Person.objects.get(pk=mentor.pk)
    person = case.person
    errors = []
    if person.standing != Standing.PROBATIONARY:
        errors.append(f"一对一帮带适用于预备党员，{person.name}目前是{person.get_standing_display()}。")
    if mentor.pk == person.pk:
        errors.append("本人不能担任自己的帮带人。")
    elif mentor.standing != Standing.FULL or not mentor.is_active:
        errors.append(f"帮带人应为在册的正式党员，{mentor.name}不是。")
    if on > timezone.localdate():
        errors.append("开始日期不能晚于今天。")
    if person.admitted_on and on < person.admitted_on:
        errors.append(f"开始日期不能早于接收为预备党员的日期（{person.admitted_on:%Y-%m-%d}）。")
    current = case.mentors.filter(until__isnull=True).select_related("mentor").first()
    if current is not None and current.mentor_id == mentor.pk:
        errors.append(f"{mentor.name}已是该同志的帮带人。")
    elif current is not None and on < current.since:
        errors.append(f"开始日期不能早于现任帮带人{current.mentor.name}的开始日期。")
    if errors:
        raise ValidationError(errors)
    if current is not None:
        Mentor.objects.filter(pk=current.pk).update(until=on)
    created = Mentor.objects.create(
        case=case, mentor=mentor, since=on, note=(note or "").strip()[:200],
        assigned_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=case,
        before={"帮带人": current.mentor.name} if current is not None else None,
        after={"帮带人": mentor.name, "开始日期": on.isoformat()}, message="一对一帮带",
    )  # fmt: skip
    return created
