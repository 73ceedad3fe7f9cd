"""Every write to one person's file. Keyword-only, validated, in a transaction, recorded."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import (
    SENSITIVE_CHANGED,
    SENSITIVE_FIELDS,
    field_label,
    record_change,
    snapshot,
)
from dangjian.base import hooks
from dangjian.orgs.models import Org
from dangjian.people import counts
from dangjian.people.models import (
    Person,
    Reduction,
    Standing,
)
from dangjian.people.services.fields import (
    BACKFILL,
    BACKFILL_LOG_FIELDS,
    BACKFILL_MESSAGE,
    EDITABLE_FIELDS,
    PERSON_FIELDS,
    STANDING_FIELDS,
    _check_org,
    _clean_milestones,
    _clean_reason,
    _fill_keys,
    _fresh_org,
    _is_backfill,
    _mark_backfilled,
    _new_person,
    clean_person_fields,
)


@transaction.atomic
def person_create(*, actor, org: Org, backfill_reason: str = "", **fields) -> Person:
    """A new file. A new applicant (入党申请人, with the application date) is the ordinary case;
    anyone further on is 补录 and needs `backfill_reason` (see person_backfill)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("未知字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))})
    org = _fresh_org(org)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, _("您无权在该党组织建立人员档案。"))
    data = dict(fields, org=org)
    backfill = _is_backfill(data.get("standing"), backfill_reason)
    errors = clean_person_fields(data, backfill=backfill)
    reason = _clean_reason(backfill_reason, errors) if backfill else ""
    if org_errors := _check_org(org):
        errors.setdefault("org", []).extend(org_errors)
    if "id_number" not in errors and Person.objects.filter(id_number=data["id_number"]).exists():
        errors.setdefault("id_number", []).append(_("该公民身份号码已有人员档案，不能重复建档。"))
    if errors:
        raise ValidationError(errors)
    person = _new_person(data)
    if backfill:
        _mark_backfilled(person, actor, reason)
    person.save()
    counts.apply(counts.deltas_for([counts.person_entry(person, +1)]))
    hooks.people_added([person])
    after = snapshot(person, PERSON_FIELDS + (BACKFILL_LOG_FIELDS if backfill else ()))
    message = BACKFILL_MESSAGE if backfill else ""
    record_change(actor=actor, action=ChangeAction.CREATE, obj=person, after=after, message=message)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, from_records: bool = False, **changes) -> Person:
    """Change a person's file. `from_records`: the development pipeline writing the standing and
    milestone dates its step records give; nobody else may change those for a person with a case."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("不能直接修改这些字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))}
        )
    person = Person.objects.select_for_update(of=("self",)).select_related("org").get(pk=person.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, person.org, _("您无权修改该人员档案。"))
    if not person.is_active:
        raise ValidationError(_("该人员已减少（不在册），档案不能再修改。"))
    touched = {k for k in STANDING_FIELDS if k in changes and changes[k] != getattr(person, k)}
    if touched and not from_records:
        derived = hooks.derived_standing(person)
        if derived is None:
            # No records: the standing and its dates change only by 补录, with a reason (person_backfill).
            message = _(
                "政治面貌和各阶段日期不能在档案中直接修改：该同志没有发展纪实，请通过“补录入党信息”办理并写明补录原因。"
            )
            raise ValidationError({key: [message] for key in sorted(touched)})
        # The development records own this person's standing: only the values they give are taken.
        refused = sorted(k for k in touched if changes[k] != derived[k])
        if refused:
            message = _(
                "该同志已建立发展纪实，政治面貌和各阶段日期由发展纪实的步骤记录生成，不能在档案中修改。"
            )
            raise ValidationError({key: [message] for key in refused})
    before = snapshot(person, PERSON_FIELDS)
    originals = {key: getattr(person, key) for key in SENSITIVE_FIELDS & set(PERSON_FIELDS)}
    data = {f: getattr(person, f) for f in EDITABLE_FIELDS}
    data.update(changes)
    data["org"] = _fresh_org(data["org"])
    errors = clean_person_fields(data)
    new_org: Org = data["org"]
    if new_org.pk != person.org_id and (org_errors := _check_org(new_org)):
        errors.setdefault("org", []).extend(org_errors)
    if (
        "id_number" not in errors
        and Person.objects.filter(id_number=data["id_number"]).exclude(pk=person.pk).exists()
    ):
        errors.setdefault("id_number", []).append(_("该公民身份号码已有人员档案，不能重复建档。"))
    if errors:
        raise ValidationError(errors)
    old_entry = counts.person_entry(person, -1)
    before_change = hooks.before_person_change(person)
    for key in EDITABLE_FIELDS:
        setattr(person, key, data[key])
    _fill_keys(person)
    person.save()
    new_entry = counts.person_entry(person, +1)
    if new_entry[:3] != old_entry[:3]:
        counts.apply(counts.deltas_for([old_entry, new_entry]))
    hooks.after_person_change(before_change, person)
    # Checked again after the write: the person must still be inside the actor's scope.
    if actor is not None and not scope.can(actor, Action.CHANGE_PERSON, new_org):
        raise PermissionDenied(
            _("您无权把人员转入“%(name)s”，该组织不在您的管理范围内，修改未保存。") % {"name": new_org.name}
        )
    after = snapshot(person, PERSON_FIELDS)
    for key in SENSITIVE_FIELDS & set(PERSON_FIELDS):
        if originals[key] != getattr(person, key):
            after[field_label(person, key)] = SENSITIVE_CHANGED
    if after != before:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=person, before=before, after=after)
    return person


@transaction.atomic
def person_backfill(
    *,
    actor,
    person: Person,
    reason: str,
    standing: str,
    applied_on: dt.date | None = None,
    activist_on: dt.date | None = None,
    candidate_on: dt.date | None = None,
    admitted_on: dt.date | None = None,
    converted_on: dt.date | None = None,
) -> Person:
    """补录: enter (or correct) the standing and milestone dates of someone without development
    records — a member who joined before the system, a transfer in — with the reason they come from.

    The dates given must be in order, not in the future and fit the standing; earlier ones may be
    unknown (a full member needs only the admission and conversion dates). The file is marked 补录
    with who, when and why, and the change log keeps the reason. Refused for a person with a case:
    their standing comes from the records.
    """
    person = Person.objects.select_for_update(of=("self",)).select_related("org").get(pk=person.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, person.org, _("您无权补录该同志的入党信息。"))
    if not person.is_active:
        raise ValidationError(_("该人员已减少（不在册），档案不能再修改。"))
    if hooks.derived_standing(person) is not None:
        raise ValidationError(
            _(
                "该同志已建立发展纪实，政治面貌和各阶段日期由发展纪实的步骤记录生成，不能补录；请在发展纪实中办理。"
            )
        )
    values = {
        "standing": standing, "applied_on": applied_on, "activist_on": activist_on,
        "candidate_on": candidate_on, "admitted_on": admitted_on, "converted_on": converted_on,
    }  # fmt: skip
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    data = dict(values, birth_date=person.birth_date)
    _clean_milestones(data, err, today=timezone.localdate(), mode=BACKFILL)
    reason = _clean_reason(reason, errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(person, PERSON_FIELDS + BACKFILL_LOG_FIELDS)
    old_entry = counts.person_entry(person, -1)
    before_change = hooks.before_person_change(person)
    for key, value in values.items():
        setattr(person, key, value)
    _mark_backfilled(person, actor, reason)
    person.save()
    new_entry = counts.person_entry(person, +1)
    if new_entry[:3] != old_entry[:3]:
        counts.apply(counts.deltas_for([old_entry, new_entry]))
    hooks.after_person_change(before_change, person)
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=person, before=before,
        after=snapshot(person, PERSON_FIELDS + BACKFILL_LOG_FIELDS), message=BACKFILL_MESSAGE,
    )  # fmt: skip
    return person


@transaction.atomic
def person_move(*, actor, person: Person, org: Org, message: str) -> Person:
    """Move a person's file (one file, its whole history) to `org` on behalf of a procedure whose own
    service has already checked the actor's rights on both sides (组织关系转接: the receiving org
    accepts). Counts move in the same transaction, registered move listeners (a development case)
    follow, and the change log records the old and the new org with `message` (the letter number)."""
    person = Person.objects.select_for_update(of=("self",)).select_related("org").get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(_("该人员已减少（不在册），档案不能再修改。"))
    org = _fresh_org(org)
    if org.pk == person.org_id:
        raise ValidationError({"org": [_("该同志已在“%(name)s”。") % {"name": org.name}]})
    if org_errors := _check_org(org):
        raise ValidationError({"org": org_errors})
    before = snapshot(person, PERSON_FIELDS)
    old_org = person.org
    old_entry = counts.person_entry(person, -1)
    before_change = hooks.before_person_change(person)
    person.org = org
    person.save(update_fields=["org", "updated_at"])
    counts.apply(counts.deltas_for([old_entry, counts.person_entry(person, +1)]))
    hooks.after_person_change(before_change, person)
    hooks.person_moved(person, old_org, org, actor)
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=person, before=before,
        after=snapshot(person, PERSON_FIELDS), message=message,
    )  # fmt: skip
    return person


@transaction.atomic
def person_reactivate(*, actor, person: Person, org: Org, message: str) -> Person:
    """Put a file reduced as 转出 back on the books at `org` (组织关系 received again from outside the
    system): the same file with its whole history, never a duplicate. The caller's service has checked
    the actor's right on `org`; this checks it again. Other reductions (死亡, 开除党籍 …) are refused."""
    person = Person.objects.select_for_update(of=("self",)).select_related("org").get(pk=person.pk)
    org = _fresh_org(org)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, _("您无权在该党组织建立人员档案。"))
    if person.is_active:
        raise ValidationError(_("该同志在册，不能重新转入。"))
    if person.reduction != Reduction.TRANSFERRED_OUT:
        raise ValidationError(
            _("该同志的档案因“%(reason)s”减少，不能通过组织关系转入恢复。")
            % {"reason": person.get_reduction_display()}
        )
    if org_errors := _check_org(org):
        raise ValidationError({"org": org_errors})
    before = snapshot(person, PERSON_FIELDS)
    person.org = org
    person.reduction = ""
    person.reduced_on = None
    person.reduction_note = ""
    person.save(update_fields=["org", "reduction", "reduced_on", "reduction_note", "updated_at"])
    counts.apply(counts.deltas_for([counts.person_entry(person, +1)]))
    hooks.people_added([person])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=person, before=before,
        after=snapshot(person, PERSON_FIELDS), message=message,
    )  # fmt: skip
    return person


def _reduce_errors(person: Person, reduction: str, reduced_on: dt.date, note: str, today: dt.date) -> dict:
    errors: dict[str, list[str]] = {}
    if not person.is_active:
        errors.setdefault("reduction", []).append(_("该人员已经减少（不在册）。"))
    if reduction not in Reduction.values:
        errors.setdefault("reduction", []).append(_("请选择减少原因类别。"))
    if reduced_on > today:
        errors.setdefault("reduced_on", []).append(_("减少日期不能晚于今天。"))
    if reduced_on < person.birth_date:
        errors.setdefault("reduced_on", []).append(_("减少日期不能早于出生日期。"))
    if not (note or "").strip():
        errors.setdefault("reduction_note", []).append(_("请填写减少说明（如转往单位、文号）。"))
    if reduction == Reduction.DISQUALIFIED and person.standing != Standing.PROBATIONARY:
        errors.setdefault("reduction", []).append(_("只有预备党员才能取消预备党员资格。"))
    return errors


@transaction.atomic
def person_reduce(*, actor, person: Person, reduction: str, reduced_on: dt.date, note: str) -> Person:
    """Take a person off the books (转出、死亡、出党…). The file is kept; nothing is deleted."""
    person = Person.objects.select_for_update(of=("self",)).select_related("org").get(pk=person.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, person.org, _("您无权办理该人员的减少手续。"))
    errors = _reduce_errors(person, reduction, reduced_on, note, timezone.localdate())
    if errors:
        raise ValidationError(errors)
    before = snapshot(person, PERSON_FIELDS)
    person.reduction = reduction
    person.reduced_on = reduced_on
    person.reduction_note = note.strip()
    person.save(update_fields=["reduction", "reduced_on", "reduction_note", "updated_at"])
    counts.apply(counts.deltas_for([counts.person_entry(person, -1)]))
    hooks.people_removed([person])
    record_change(
        actor=actor,
        action=ChangeAction.REDUCE,
        obj=person,
        before=before,
        after=snapshot(person, PERSON_FIELDS),
    )
    return person
