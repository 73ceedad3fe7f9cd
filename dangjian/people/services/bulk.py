"""Writes to many files at once (loads and imports), with the checks of the single writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit import ledger
from dangjian.audit.middleware import current_request_id
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import (
    SYSTEM_ACTOR,
    actor_fields,
    record_changes,
    snapshot,
)
from dangjian.base import hooks
from dangjian.base.bulk import InstanceMaker, insert_rows
from dangjian.orgs.models import Org
from dangjian.people import counts
from dangjian.people.models import (
    Person,
)
from dangjian.people.services.fields import (
    PERSON_FIELDS,
    _check_org,
    _clean_reason,
    _mark_backfilled,
    _new_person,
    clean_person_fields,
)
from dangjian.people.services.persons import _reduce_errors


@transaction.atomic
def people_reduce(*, actor, plans: list[tuple[Person, str, dt.date, str]]) -> int:
    """person_reduce for many people at once (reduction, date, note each), all or nothing, with its
    checks: the counts are applied once for the batch, the rows sealed and the changes logged in one
    batch. For loads and imports of history."""
    wanted = {person.pk: rest for person, *rest in plans}
    people = list(
        Person.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk__in=list(wanted))
        .order_by("pk")
    )
    today, problems = timezone.localdate(), []
    for person in people:
        if actor is not None and not scope.can(actor, Action.CHANGE_PERSON, person.org):
            problems.append(f"{person.name}：{_('您无权办理该人员的减少手续。')}")
        reduction, reduced_on, note = wanted[person.pk]
        errors = _reduce_errors(person, reduction, reduced_on, note, today)
        problems += [f"{person.name}：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise ValidationError(problems[:50])
    befores = {p.pk: snapshot(p, PERSON_FIELDS) for p in people}
    now = timezone.now()
    for person in people:
        reduction, reduced_on, note = wanted[person.pk]
        person.reduction, person.reduced_on, person.reduction_note, person.updated_at = (
            reduction, reduced_on, note.strip(), now,
        )  # fmt: skip
    Person.objects.bulk_update(
        people, ["reduction", "reduced_on", "reduction_note", "updated_at"], batch_size=500
    )
    ledger.seal_rows(model=Person, pks=[p.pk for p in people])  # bulk_update sends no signals
    counts.apply(counts.deltas_for(counts.person_entry(p, -1) for p in people))
    hooks.people_removed(people)
    record_changes(
        records=[
            ChangeRecord(
                **actor_fields(actor), action=ChangeAction.REDUCE, object_type=Person._meta.label_lower,
                object_id=p.pk, object_repr=str(p)[:200], before=befores[p.pk], after=snapshot(p, PERSON_FIELDS),
            )
            for p in people
        ]
    )  # fmt: skip
    return len(people)


@transaction.atomic
def people_move(*, actor, plans: list[tuple[Person, Org, str]]) -> int:
    """person_move for many people at once (target org and change-log message each), all or nothing,
    on behalf of a procedure whose service has checked the rights (批量接收 of transfers): the counts
    applied once for the batch, the move listeners told of each, the changes logged in one batch."""
    wanted = {person.pk: (org.pk, message) for person, org, message in plans}
    people = list(
        Person.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk__in=list(wanted))
        .order_by("pk")
    )
    orgs = Org.objects.in_bulk({org_pk for org_pk, _m in wanted.values()})
    problems = []
    for person in people:
        org = orgs[wanted[person.pk][0]]
        if not person.is_active:
            problems.append(f"{person.name}：{_('该人员已减少（不在册），档案不能再修改。')}")
        elif org.pk == person.org_id:
            problems.append(f"{person.name}：{_('该同志已在“%(name)s”。') % {'name': org.name}}")
        problems += [f"{person.name}：{m}" for m in _check_org(org)]
    if problems:
        raise ValidationError(problems[:50])
    befores = {p.pk: snapshot(p, PERSON_FIELDS) for p in people}
    old_orgs = {p.pk: p.org for p in people}
    entries = [counts.person_entry(p, -1) for p in people]
    hooks.people_removed(people)
    now = timezone.now()
    for person in people:
        person.org, person.updated_at = orgs[wanted[person.pk][0]], now
    Person.objects.bulk_update(people, ["org", "updated_at"], batch_size=500)
    ledger.seal_rows(model=Person, pks=[p.pk for p in people])  # bulk_update sends no signals
    counts.apply(counts.deltas_for([*entries, *(counts.person_entry(p, +1) for p in people)]))
    hooks.people_added(people)
    for person in people:
        hooks.person_moved(person, old_orgs[person.pk], person.org, actor)
    record_changes(
        records=[
            ChangeRecord(
                **actor_fields(actor), action=ChangeAction.UPDATE, object_type=Person._meta.label_lower,
                object_id=p.pk, object_repr=str(p)[:200], before=befores[p.pk], after=snapshot(p, PERSON_FIELDS),
                message=wanted[p.pk][1][:500],
            )
            for p in people
        ]
    )  # fmt: skip
    return len(people)


class BulkRowError(ValidationError):
    """Raised by people_bulk_create with every row's problems; nothing is written."""

    def __init__(self, row_errors: list[tuple[int, str, str]]):
        self.row_errors = row_errors
        super().__init__(
            [
                _("第%(row)d行 %(field)s：%(message)s") % {"row": row, "field": field, "message": msg}
                for row, field, msg in row_errors[:50]
            ]
        )


@transaction.atomic
def people_bulk_create(
    *,
    actor,
    rows: Iterable[dict[str, Any]],
    message: str = gettext_noop("批量建档"),
    batch_size: int = 5000,
    history: bool = False,
    backfill_reason: str = "",
) -> int:
    """Create many files at once, all or nothing, with the same checks as person_create.

    Used by the demo loader and imports. Each row carries an `org` (an Org instance). `history`:
    legacy records (see clean_person_fields).
    `backfill_reason`: the rows are 补录 (standing and dates from outside the system, e.g. "导入：
    file.xlsx"): each file is marked with the actor, the time and this reason. A row may carry its
    own "backfill_reason" instead (an empty one: not 补录), e.g. the pre-system members of a load
    whose other rows get development records.
    """
    people: list[Person] = []
    row_errors: list[tuple[int, str, str]] = []
    seen: dict[str, int] = {}
    allowed_paths: dict[int, bool] = {}
    rows = list(rows)
    fresh = Org.objects.in_bulk({row["org"].pk for row in rows if row.get("org") is not None})
    make_person = InstanceMaker(Person)  # a demo city builds 170,000
    today, now = timezone.localdate(), timezone.now()
    for number, row in enumerate(rows, start=1):
        data = dict(row)
        reason = data.pop("backfill_reason", backfill_reason)
        org = fresh.get(data["org"].pk) if data.get("org") is not None else None
        data["org"] = org
        errors = clean_person_fields(data, today=today, history=history, backfill=bool(reason))
        if org_errors := _check_org(org):
            errors.setdefault("org", []).extend(org_errors)
        elif actor is not None:
            if org.pk not in allowed_paths:
                allowed_paths[org.pk] = scope.can(actor, Action.CHANGE_PERSON, org)
            if not allowed_paths[org.pk]:
                errors.setdefault("org", []).append(_("“%(name)s”不在您的管理范围内。") % {"name": org.name})
        id_number = data.get("id_number")
        if "id_number" not in errors:
            if id_number in seen:
                errors.setdefault("id_number", []).append(
                    _("与第%(row)d行的公民身份号码重复。") % {"row": seen[id_number]}
                )
            seen[id_number] = number
        if reason:
            reason = _clean_reason(reason, errors)
        for field, messages in errors.items():
            label = str(Person._meta.get_field(field).verbose_name)
            row_errors.extend((number, label, m) for m in messages)
        if not errors:
            person = _new_person(data, make_person)
            if reason:
                _mark_backfilled(person, actor, reason, now)  # one time for the batch
            people.append(person)
    existing = set()
    ids = list(seen)
    for start in range(0, len(ids), 900):
        existing.update(
            Person.objects.filter(id_number__in=ids[start : start + 900]).values_list("id_number", flat=True)
        )
    for id_number in sorted(existing, key=seen.__getitem__):
        row_errors.append(
            (
                seen[id_number],
                str(Person._meta.get_field("id_number").verbose_name),
                _("该公民身份号码已有人员档案，不能重复建档。"),
            )
        )
    if row_errors:
        raise BulkRowError(sorted(row_errors))
    request_id = current_request_id.get()
    created = insert_rows(Person, people, batch_size=batch_size)
    counts.apply(counts.deltas_for(counts.person_entry(p, +1) for p in people))
    hooks.people_added(people)
    # One creation record per person (the full snapshot is the row itself at this point).
    ids: dict[str, int] = {}
    numbers = [p.id_number for p in people]
    for start in range(0, len(numbers), 900):
        ids.update(
            Person.objects.filter(id_number__in=numbers[start : start + 900]).values_list("id_number", "id")
        )
    actor_name = (actor.get_full_name() or actor.username) if actor is not None else SYSTEM_ACTOR
    make = InstanceMaker(ChangeRecord)
    records = [
        make(
            actor=actor, actor_name=actor_name, action=ChangeAction.CREATE, object_type="people.person",
            object_id=ids[p.id_number], object_repr=p.name, request_id=request_id, message=message,
        )
        for p in people
    ]  # fmt: skip
    record_changes(records=records)
    # insert_rows sends no signals: the new rows are sealed here (see audit/ledger.py).
    ledger.seal_rows(model=Person, pks=ids.values())
    return created
