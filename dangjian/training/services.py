"""Every write to the training records. Keyword-only, validated, in a transaction, recorded.

A 发展对象培训 completion is also step 11 (开展集中培训) of each 发展对象's development case: the dates
and 学时 come from the class, and the step goes through `development.services.step_record` with its
rules (R-TRAIN: at least 3 days or 24 学时). If the step is refused for anyone, the whole completion
is refused and nothing changes; someone whose case already has step 11 is completed without a
second record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import SYSTEM_ACTOR, field_label, record_change, record_changes, snapshot
from dangjian.base.params import MAX_YEAR, MIN_YEAR
from dangjian.orgs.models import Org
from dangjian.people.models import Person
from dangjian.training.models import (
    Participation,
    TraineeCategory,
    TrainingClass,
    TrainingKind,
    category_for_standing,
    inclusive_days,
)

CLASS_FIELDS = ("org", "name", "kind", "start_on", "end_on", "days", "hours", "place", "online", "notes")
CLASS_EDITABLE = frozenset(
    {"name", "kind", "start_on", "end_on", "days", "hours", "place", "online", "notes"}
)
# What a completion has already been credited or recorded from: fixed once anyone has completed.
CLASS_SEALED_BY_COMPLETION = frozenset({"kind", "start_on", "end_on", "days", "hours"})
PARTICIPATION_FIELDS = ("training_class", "person", "category", "completed", "completed_on", "hours", "note")
TEXT_LIMITS = {"name": 200, "place": 200}
MAX_HOURS = Decimal("999.9")
MAX_DAYS = 366
# Stored in Chinese in the change log, translated when shown (like every change-log text).
REMOVED_NOTE = gettext_noop("移除误录的学员")
STEP_NOTE = gettext_noop("培训班“%(name)s”结业")
COMPLETED, NOT_COMPLETED = gettext_noop("已结业"), gettext_noop("未结业")


def _hours(value, errors: dict[str, list[str]], field: str = "hours") -> Decimal | None:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        errors.setdefault(field, []).append(_("学时应为数字，如 24 或 1.5。"))
        return None
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        errors.setdefault(field, []).append(_("学时应大于0且不超过999.9。"))
        return None
    return hours


def _clean_class(values: dict) -> dict[str, list[str]]:
    """Check and normalise a class's values in place; the errors by field."""
    errors: dict[str, list[str]] = {}
    for field in ("name", "place", "notes"):
        values[field] = (values.get(field) or "").strip()
    if not values["name"]:
        errors.setdefault("name", []).append(_("请填写培训班名称。"))
    for field, limit in TEXT_LIMITS.items():
        if len(values[field]) > limit:
            label = TrainingClass._meta.get_field(field).verbose_name
            errors.setdefault(field, []).append(
                _("%(field)s不能超过%(n)d个字。") % {"field": label, "n": limit}
            )
    if values.get("kind") not in TrainingKind.values:
        errors.setdefault("kind", []).append(_("请选择有效的培训类别。"))
    start, end = values.get("start_on"), values.get("end_on")
    for field, day in (("start_on", start), ("end_on", end)):
        if not isinstance(day, dt.date):
            errors.setdefault(field, []).append(_("请填写日期。"))
        elif not MIN_YEAR <= day.year <= MAX_YEAR:
            errors.setdefault(field, []).append(
                _("日期的年份应在%(low)d至%(high)d之间。") % {"low": MIN_YEAR, "high": MAX_YEAR}
            )
    dates_ok = not ({"start_on", "end_on"} & errors.keys())
    if dates_ok and end < start:
        errors.setdefault("end_on", []).append(_("结束日期不能早于开始日期。"))
        dates_ok = False
    if values.get("hours") in (None, ""):
        errors.setdefault("hours", []).append(_("请填写学时。"))
        values["hours"] = None
    else:
        values["hours"] = _hours(values["hours"], errors)
    days = values.get("days")
    if dates_ok:
        span = inclusive_days(start, end)
        if days in (None, ""):
            values["days"] = span
        else:
            try:
                days = int(days)
            except (TypeError, ValueError):
                days = 0
            if not 1 <= days <= min(span, MAX_DAYS):
                errors.setdefault("days", []).append(
                    _("培训天数应在1至%(span)d之间（开始至结束共%(span)d天）。")
                    % {"span": min(span, MAX_DAYS)}
                )
            values["days"] = days
    values["online"] = bool(values.get("online"))
    return errors


def _class_snapshot(training_class: TrainingClass) -> dict:
    return snapshot(training_class, CLASS_FIELDS)


def _require_class_right(actor, org: Org, message: str) -> None:
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, message)


def _user_or_none(actor):
    return actor if actor is not None and actor.pk else None


@transaction.atomic
def training_class_create(
    *,
    actor,
    org: Org,
    name: str,
    kind: str,
    start_on: dt.date,
    end_on: dt.date,
    hours: Decimal | float | int | str,
    days: int | None = None,
    place: str = "",
    online: bool = False,
    notes: str = "",
) -> TrainingClass:
    """Record a training class organized by `org`; its participants are added with participants_add.

    `days` defaults to the days from start to end, both counted.
    """
    org = Org.objects.get(pk=org.pk)
    _require_class_right(actor, org, _("您无权为该党组织记录培训班。"))
    values = dict(
        name=name, kind=kind, start_on=start_on, end_on=end_on, hours=hours, days=days, place=place,
        online=online, notes=notes,
    )  # fmt: skip
    errors = _clean_class(values)
    if not org.is_active:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("“%(name)s”已撤销，不能再记录培训班。") % {"name": org.name}
        )
    if errors:
        raise ValidationError(errors)
    training_class = TrainingClass.objects.create(org=org, created_by=_user_or_none(actor), **values)
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=training_class, after=_class_snapshot(training_class)
    )
    return training_class


def _lock_class(training_class: TrainingClass) -> TrainingClass:
    return (
        TrainingClass.objects.select_for_update(of=("self",)).select_related("org").get(pk=training_class.pk)
    )


@transaction.atomic
def training_class_update(*, actor, training_class: TrainingClass, **changes) -> TrainingClass:
    """Correct a class. Once anyone has completed it, its kind, dates, days and 学时 stay: they were
    credited to the participants (and recorded as step 11 of the 发展对象' cases)."""
    unknown = set(changes) - CLASS_EDITABLE
    if unknown:
        raise ValidationError(
            _("不能直接修改这些字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))}
        )
    training_class = _lock_class(training_class)
    _require_class_right(actor, training_class.org, _("您无权修改该培训班。"))
    before = _class_snapshot(training_class)
    values = {f: getattr(training_class, f) for f in CLASS_EDITABLE}
    if "days" not in changes and ({"start_on", "end_on"} & changes.keys()):
        values["days"] = None  # recomputed from the new dates
    values.update(changes)
    errors = _clean_class(values)
    sealed = [
        f
        for f in CLASS_SEALED_BY_COMPLETION
        if values.get(f) != getattr(training_class, f) and f not in errors
    ]
    if sealed and training_class.participations.filter(completed=True).exists():
        labels = "、".join(str(TrainingClass._meta.get_field(f).verbose_name) for f in sorted(sealed))
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("已有学员结业，%(fields)s已计入学员的学时（发展对象的已记入发展纪实），不能再修改。")
            % {"fields": labels}
        )
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        setattr(training_class, key, value)
    training_class.save()
    after = _class_snapshot(training_class)
    if after != before:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=training_class, before=before, after=after)
    return training_class


def _people(ids: Iterable[int]) -> dict[int, Person]:
    return Person.objects.select_related("org").in_bulk(list(ids))


def _person_ids(people: Iterable[Person | int]) -> list[int]:
    seen: dict[int, None] = {}
    for p in people:
        seen[p if isinstance(p, int) else p.pk] = None
    return list(seen)


def _change_rows(actor, action: str, rows: list[tuple[Participation, dict | None, dict | None]]):
    """One change-log row per participation, written in one go (the ledger chains them). The
    message is the participant's name (data, the same in every language), so the class's history
    says whom each row is about."""
    known = _user_or_none(actor)
    name = (actor.get_full_name() or actor.username) if known else SYSTEM_ACTOR
    return record_changes(
        records=[
            ChangeRecord(
                actor=known,
                actor_name=name,
                action=action,
                object_type="training.participation",
                object_id=p.pk,
                object_repr=f"{p.person.name} · {p.training_class.name}"[:200],
                before=before,
                after=after,
                message=p.person.name,
            )
            for p, before, after in rows
        ]
    )


def _participation_snapshot(p: Participation) -> dict:
    data = snapshot(p, PARTICIPATION_FIELDS)
    data[field_label(p, "completed")] = COMPLETED if p.completed else NOT_COMPLETED
    return data


@transaction.atomic
def participants_add(
    *,
    actor,
    training_class: TrainingClass,
    people: Iterable[Person | int],
    category: str | None = None,
    note: str = "",
) -> list[Participation]:
    """Add people to a class, all or none. `category`: what they are trained as (default: from each
    one's standing — 党员, 入党积极分子, 发展对象). Someone already on the list is refused by name."""
    training_class = _lock_class(training_class)
    _require_class_right(actor, training_class.org, _("您无权为该培训班登记学员。"))
    ids = _person_ids(people)
    errors: list[str] = []
    if not ids:
        raise ValidationError({"people": [_("请选择学员。")]})
    if category not in (None, "") and category not in TraineeCategory.values:
        raise ValidationError({"category": [_("请选择有效的参训类别。")]})
    note = (note or "").strip()[:200]
    found = _people(ids)
    if len(found) != len(ids):
        raise ValidationError({"people": [_("所选人员不存在。")]})
    for person in found.values():
        if actor is not None and not scope.can(actor, Action.VIEW, person.org):
            raise PermissionDenied(
                _("“%(name)s”不在您的管理范围内，不能登记为学员。") % {"name": person.name}
            )
    if not training_class.org.is_active:
        errors.append(_("“%(name)s”已撤销，不能再登记学员。") % {"name": training_class.org.name})
    for person in found.values():
        if not person.is_active:
            errors.append(_("“%(name)s”已减少（不在册），不能登记为学员。") % {"name": person.name})
    present = set(training_class.participations.filter(person_id__in=ids).values_list("person_id", flat=True))
    for pk in ids:
        if pk in present:
            errors.append(_("“%(name)s”已在本培训班的学员名单中。") % {"name": found[pk].name})
    if errors:
        raise ValidationError({"people": errors})
    rows = [
        Participation(
            training_class=training_class,
            person=found[pk],
            note=note,
            category=category or category_for_standing(found[pk].standing),
        )
        for pk in ids
    ]
    created = Participation.objects.bulk_create(rows)
    _change_rows(actor, ChangeAction.CREATE, [(p, None, _participation_snapshot(p)) for p in created])
    return created


def _development():
    """The development services (imported late: the development app knows nothing of training)."""
    from dangjian.development import models as dev_models
    from dangjian.development import services as dev_services

    return dev_models, dev_services


def _record_step_11(actor, training_class: TrainingClass, participations: list[Participation]) -> int:
    """Step 11 for each participant who is a 发展对象 (an open case at stage III) without one."""
    dev_models, dev_services = _development()
    person_ids = [p.person_id for p in participations]
    cases = {
        c.person_id: c
        for c in dev_models.Case.objects.filter(
            person_id__in=person_ids, status=dev_models.CaseStatus.OPEN, stage=3
        ).select_related("org")
    }
    trained = set(
        dev_models.StepRecord.objects.filter(
            case__in=list(cases.values()), step=11, is_current=True
        ).values_list("case__person_id", flat=True)
    )
    data = {"start": training_class.start_on.isoformat(), "hours": float(training_class.hours)}
    recorded = 0
    for p in participations:
        case = cases.get(p.person_id)
        if case is None or p.person_id in trained:
            continue
        organizer = training_class.org
        acting = organizer if case.org.path.startswith(organizer.path) else None
        try:
            dev_services.step_record(
                actor=actor, case=case, step=11, on=training_class.end_on, data=data, org=acting,
                note=STEP_NOTE % {"name": training_class.name},
            )  # fmt: skip
        except ValidationError as exc:
            messages = [
                _("“%(name)s”的集中培训不能记入发展纪实：%(problem)s") % {"name": p.person.name, "problem": m}
                for m in exc.messages
            ]
            raise ValidationError({NON_FIELD_ERRORS: messages}) from exc
        except PermissionDenied as exc:
            raise PermissionDenied(
                _("“%(name)s”的集中培训不能记入发展纪实：%(problem)s")
                % {"name": p.person.name, "problem": exc}
            ) from exc
        recorded += 1
    return recorded


@transaction.atomic
def participation_complete(
    *,
    actor,
    training_class: TrainingClass,
    people: Iterable[Person | int],
    completed_on: dt.date | None = None,
) -> list[Participation]:
    """Mark people as having completed the class, all or none; each is credited the class's 学时.

    For a 发展对象培训 class, a participant who is a 发展对象 without step 11 gets it recorded from the
    class (its start and end dates and 学时). Those already completed are left as they are.
    """
    training_class = _lock_class(training_class)
    _require_class_right(actor, training_class.org, _("您无权为该培训班登记结业。"))
    ids = _person_ids(people)
    if not ids:
        raise ValidationError({"people": [_("请选择结业的学员。")]})
    today = timezone.localdate()
    completed_on = completed_on or training_class.end_on
    errors: list[str] = []
    if training_class.end_on > today:
        errors.append(
            _("培训班于%(date)s结束，结束前不能登记结业。") % {"date": training_class.end_on.isoformat()}
        )
    elif completed_on > today:
        errors.append(_("结业日期不能晚于今天。"))
    elif completed_on < training_class.start_on:
        errors.append(_("结业日期不能早于培训开始日期。"))
    rows = {
        p.person_id: p
        for p in training_class.participations.select_for_update(of=("self",))
        .select_related("person", "person__org")
        .filter(person_id__in=ids)
    }
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        names = "、".join(p.name for p in Person.objects.filter(pk__in=missing).order_by("name_sort_key"))
        errors.append(_("不在本培训班的学员名单中：%(names)s。") % {"names": names or "—"})
    if errors:
        raise ValidationError({"people": errors})
    todo = [rows[pk] for pk in ids if not rows[pk].completed]
    if not todo:
        return []
    for p in todo:
        p.training_class = training_class
    if training_class.kind == TrainingKind.CANDIDATE:
        _record_step_11(actor, training_class, todo)
    changes = []
    for p in todo:
        before = _participation_snapshot(p)
        p.completed, p.completed_on = True, completed_on
        p.hours = p.hours if p.hours is not None else training_class.hours
        changes.append((p, before, _participation_snapshot(p)))
    # One UPDATE: every row gets the same date, and the class's 学时 unless it already had its own.
    Participation.objects.filter(pk__in=[p.pk for p in todo]).update(
        completed=True,
        completed_on=completed_on,
        hours=Coalesce("hours", Value(training_class.hours, output_field=DecimalField())),
    )
    _change_rows(actor, ChangeAction.UPDATE, changes)
    return todo


@transaction.atomic
def participation_remove(*, actor, participation: Participation) -> None:
    """Remove someone entered by mistake (recorded in the change log with the participation).

    A step 11 recorded from the class stays in the case (the 全程纪实 is append-only): it is
    returned (退回) there if it was wrong.
    """
    participation = Participation.objects.select_related("training_class__org", "person").get(
        pk=participation.pk
    )
    training_class = participation.training_class
    _require_class_right(actor, training_class.org, _("您无权修改该培训班的学员名单。"))
    record_change(
        actor=actor, action=ChangeAction.DELETE, obj=participation, before=_participation_snapshot(participation),
        message=REMOVED_NOTE,
    )  # fmt: skip
    label = field_label(training_class, "name")
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=training_class,
        before={label: training_class.name, gettext_noop("学员"): participation.person.name},
        after={label: training_class.name, gettext_noop("学员"): None}, message=REMOVED_NOTE,
    )  # fmt: skip
    participation.delete()


def training_bulk_record(*, actor, classes: list[dict], log_message: str) -> int:
    """Record many finished classes whose participants all completed (demo data, imports), all or
    nothing; returns the number of participations.

    Each dict: org, name, kind, start_on, end_on, hours, and optionally days, place, online, notes,
    and `participants` [(person, category)]. The class is checked as training_class_create checks
    it; a person is listed once per class and credited the class's 学时 on its last day. Classes
    that record step 11 (a 发展对象培训 for someone without it) go through participation_complete
    instead: this path records no development step. One change-log entry names the batch.
    """
    from dangjian.base.bulk import insert_rows

    problems: list[str] = []
    rows = []
    categories = frozenset(TraineeCategory.values)
    for i, spec in enumerate(classes, start=1):
        values = {
            k: spec.get(k)
            for k in ("name", "kind", "start_on", "end_on", "hours", "days", "place", "online", "notes")
        }
        errors = _clean_class(values)
        participants = spec.get("participants") or []
        ids = [p.pk for p, _c in participants]
        if len(set(ids)) != len(ids):
            errors.setdefault("participants", []).append(_("同一学员在名单中出现了两次。"))
        if any(c not in categories for _p, c in participants):
            errors.setdefault("participants", []).append(_("请选择有效的参训类别。"))
        problems += [f"第{i}个培训班：{m}" for ms in errors.values() for m in ms]
        rows.append((spec["org"], values, participants))
        if len(problems) > 20:
            break
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        created = TrainingClass.objects.bulk_create(
            [TrainingClass(org=org, created_by=_user_or_none(actor), **values) for org, values, _p in rows]
        )
        participations = [
            Participation(
                training_class_id=c.pk, person_id=person.pk, category=category, completed=True,
                completed_on=values["end_on"], hours=values["hours"],
            )
            for c, (_org, values, people) in zip(created, rows, strict=True)
            for person, category in people
        ]  # fmt: skip
        insert_rows(Participation, participations)
        if created:
            record_change(
                actor=actor, action=ChangeAction.CREATE, obj=created[0],
                after={"培训班": len(created), "参训人次": len(participations)}, message=log_message,
            )  # fmt: skip
    return len(participations)
