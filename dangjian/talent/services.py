"""Every write to the reserve pool. Keyword-only, validated (Chinese messages), scope-checked, in a
transaction, recorded in the change log.

The right is CHANGE_PERSON on the pool's org (a branch secretary keeps her village's pool, a town's
organizer every village's). A person with a file must be visible to the actor; a new file is made
through `people.services.person_create` (with its own checks). Registration writes the "added" row
of the year's review; the yearly review keeps or removes (with the reason) an entry in the pool;
選任 (appointment, e.g. elected to the 两委) takes an entry out of the pool as used.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import actor_fields, record_change, record_changes, snapshot
from dangjian.base.bulk import InstanceMaker, insert_rows, insert_values
from dangjian.base.params import MAX_YEAR, MIN_YEAR
from dangjian.orgs.models import Org
from dangjian.people.models import Education, Gender, Person
from dangjian.people.services import person_create
from dangjian.talent.models import (
    EntryStatus,
    PoolEntry,
    PoolReview,
    PoolTask,
    ReservedPost,
    ReviewResult,
    SourceChannel,
    TaskOutcome,
)

ENTRY_FIELDS = (
    "org", "person", "name", "gender", "birth_date", "education", "occupation", "source", "reserved_for",
    "registered_on", "status", "status_on", "status_reason", "note",
)  # fmt: skip
ENTRY_EDITABLE = frozenset({"education", "occupation", "source", "reserved_for", "note"})
REVIEW_FIELDS = ("entry", "year", "result", "reviewed_on", "reason")
TASK_FIELDS = ("entry", "title", "assigned_on", "due_on", "outcome", "closed_on", "outcome_note")
LIMITS = {"name": 40, "occupation": 60, "note": 300, "reason": 300, "title": 200, "status_reason": 200}
MIN_AGE, MAX_AGE = 18, 70
BULK_MESSAGE = gettext_noop("批量登记后备力量")  # stored in Chinese, translated when shown


def _err(errors: dict, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(values: dict, field: str, errors: dict, *, required: str = "") -> str:
    text = (values.get(field) or "").strip()
    if required and not text:
        _err(errors, field, required)
    elif len(text) > LIMITS[field]:
        _err(errors, field, _("不能超过%(n)d个字。") % {"n": LIMITS[field]})
    return text


def _date(value, field: str, errors: dict, *, label: str, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            _err(errors, field, _("请填写%(label)s。") % {"label": label})
        return None
    if not isinstance(value, dt.date):
        _err(errors, field, _("%(label)s应为日期。") % {"label": label})
        return None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        _err(errors, field, _("日期的年份应在%(low)d至%(high)d之间。") % {"low": MIN_YEAR, "high": MAX_YEAR})
        return None
    if value > timezone.localdate():
        _err(errors, field, _("%(label)s不能晚于今天。") % {"label": label})
        return None
    return value


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _require(actor, org: Org, message: str) -> None:
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, message)


def _user(actor):
    return actor if actor is not None and actor.pk else None


def _entry_snapshot(entry: PoolEntry) -> dict:
    return snapshot(entry, ENTRY_FIELDS)


def _lock(entry: PoolEntry) -> PoolEntry:
    return PoolEntry.objects.select_for_update(of=("self",)).select_related("org", "person").get(pk=entry.pk)


def _clean_entry(values: dict, errors: dict) -> None:
    if values.get("source") not in SourceChannel.values:
        _err(errors, "source", _("请选择有效的来源渠道。"))
    if values.get("reserved_for") not in ReservedPost.values:
        _err(errors, "reserved_for", _("请选择有效的储备岗位。"))
    if values.get("education") and values["education"] not in Education.values:
        _err(errors, "education", _("请选择有效的学历。"))
    values["occupation"] = _text(values, "occupation", errors)
    values["note"] = _text(values, "note", errors)


@transaction.atomic
def entry_register(
    *,
    actor,
    org: Org,
    source: str,
    reserved_for: str,
    registered_on: dt.date,
    person: Person | None = None,
    new_person: dict | None = None,
    name: str = "",
    gender: str = "",
    birth_date: dt.date | None = None,
    education: str = "",
    occupation: str = "",
    note: str = "",
) -> PoolEntry:
    """Put someone in the pool of `org`: a person with a file (`person`), a new file made through the
    people services (`new_person`: person_create's fields, the file in `org`), or someone outside the
    party without a file (name, gender, birth date, education on the entry)."""
    org = Org.objects.get(pk=org.pk)
    _require(actor, org, _("您无权为该党组织登记后备力量。"))
    errors: dict[str, list[str]] = {}
    if person is not None and new_person:
        raise ValidationError(_("请选择已有人员档案或新建档案，不能同时填写。"))
    if new_person:
        person = person_create(actor=actor, org=org, **new_person)
    if person is not None:
        person = Person.objects.select_related("org").get(pk=person.pk)
        if actor is not None and not scope.path_in_scope(actor, person.org.path):
            _err(errors, "person", _("人员不存在或不在您的管理范围内。"))
        elif not person.is_active:
            _err(errors, "person", _("“%(name)s”的档案已减少，不能登记为后备力量。") % {"name": person.name})
        name, gender, birth_date = person.name, person.gender, person.birth_date
        education = education or person.education
    else:
        name = _text({"name": name}, "name", errors, required=_("请填写姓名。"))
        if gender not in Gender.values:
            _err(errors, "gender", _("请选择性别。"))
        birth_date = _date(birth_date, "birth_date", errors, label=_("出生日期"))
    values = dict(
        source=source, reserved_for=reserved_for, education=education or "", occupation=occupation, note=note
    )
    _clean_entry(values, errors)
    registered_on = _date(registered_on, "registered_on", errors, label=_("入库日期"))
    if birth_date and registered_on and not MIN_AGE <= _age(birth_date, registered_on) <= MAX_AGE:
        _err(
            errors,
            "birth_date",
            _("入库时年龄应在%(low)d至%(high)d周岁之间。") % {"low": MIN_AGE, "high": MAX_AGE},
        )
    if not org.is_active:
        _err(errors, NON_FIELD_ERRORS, _("“%(name)s”已撤销，不能再登记后备力量。") % {"name": org.name})
    if (
        person is not None
        and "person" not in errors
        and PoolEntry.objects.filter(org=org, person=person, status=EntryStatus.ACTIVE).exists()
    ):
        _err(errors, "person", _("“%(name)s”已在该党组织的后备力量库中。") % {"name": person.name})
    if errors:
        raise ValidationError(errors)
    entry = PoolEntry.objects.create(
        org=org, person=person, name=name, gender=gender, birth_date=birth_date, registered_on=registered_on,
        created_by=_user(actor), **values,
    )  # fmt: skip
    PoolReview.objects.create(
        entry=entry, year=registered_on.year, result=ReviewResult.ADDED, reviewed_on=registered_on,
        created_by=_user(actor),
    )  # fmt: skip
    record_change(actor=actor, action=ChangeAction.CREATE, obj=entry, after=_entry_snapshot(entry))
    return entry


@transaction.atomic
def entry_update(*, actor, entry: PoolEntry, **changes) -> PoolEntry:
    """Correct an entry's source, post, education, occupation or note."""
    unknown = set(changes) - ENTRY_EDITABLE
    if unknown:
        raise ValidationError(
            _("不能直接修改这些字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))}
        )
    entry = _lock(entry)
    _require(actor, entry.org, _("您无权修改该党组织的后备力量。"))
    before = _entry_snapshot(entry)
    values = {f: getattr(entry, f) for f in ENTRY_EDITABLE}
    values.update(changes)
    errors: dict[str, list[str]] = {}
    _clean_entry(values, errors)
    if errors:
        raise ValidationError(errors)
    for field, value in values.items():
        setattr(entry, field, value)
    entry.save(update_fields=sorted(ENTRY_EDITABLE))
    after = _entry_snapshot(entry)
    if after != before:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=entry, before=before, after=after)
    return entry


def _require_active(entry: PoolEntry, errors: dict) -> None:
    if not entry.is_active:
        _err(errors, NON_FIELD_ERRORS, _("“%(name)s”已不在库中。") % {"name": entry.name})


@transaction.atomic
def entry_review(
    *, actor, entry: PoolEntry, year: int, result: str, reviewed_on: dt.date, reason: str = ""
) -> PoolReview:
    """The yearly review (年度微调) of one entry: kept, or removed from the pool with the reason."""
    entry = _lock(entry)
    _require(actor, entry.org, _("您无权调整该党组织的后备力量。"))
    errors: dict[str, list[str]] = {}
    _require_active(entry, errors)
    if result not in (ReviewResult.KEPT, ReviewResult.REMOVED):
        _err(errors, "result", _("请选择调整结果：保留或调整出库。"))
    reason = _text({"reason": reason}, "reason", errors)
    if result == ReviewResult.REMOVED and not reason:
        _err(errors, "reason", _("调整出库须写明原因。"))
    reviewed_on = _date(reviewed_on, "reviewed_on", errors, label=_("调整日期"))
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        _err(errors, "year", _("年度无效。"))
    elif reviewed_on and reviewed_on < entry.registered_on:
        _err(errors, "reviewed_on", _("调整日期不能早于入库日期。"))
    elif year < entry.registered_on.year:
        _err(errors, "year", _("年度不能早于入库年度。"))
    elif entry.reviews.exclude(result=ReviewResult.ADDED).filter(year=year).exists():
        _err(errors, "year", _("“%(name)s”%(year)d年度已调整过。") % {"name": entry.name, "year": year})
    if errors:
        raise ValidationError(errors)
    review = PoolReview.objects.create(
        entry=entry, year=year, result=result, reviewed_on=reviewed_on, reason=reason, created_by=_user(actor)
    )
    record_change(actor=actor, action=ChangeAction.CREATE, obj=review, after=snapshot(review, REVIEW_FIELDS))
    if result == ReviewResult.REMOVED:
        _set_status(actor, entry, EntryStatus.REMOVED, reviewed_on, reason)
    return review


def _set_status(actor, entry: PoolEntry, status: str, on: dt.date, reason: str) -> None:
    before = _entry_snapshot(entry)
    entry.status, entry.status_on, entry.status_reason = status, on, reason[: LIMITS["status_reason"]]
    entry.save(update_fields=["status", "status_on", "status_reason"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=entry, before=before, after=_entry_snapshot(entry)
    )


@transaction.atomic
def entry_appoint(*, actor, entry: PoolEntry, on: dt.date, post: str) -> PoolEntry:
    """The entry was used: elected or appointed to `post` (e.g. 村党支部委员) on `on`."""
    entry = _lock(entry)
    _require(actor, entry.org, _("您无权调整该党组织的后备力量。"))
    errors: dict[str, list[str]] = {}
    _require_active(entry, errors)
    post = _text({"status_reason": post}, "status_reason", errors, required=_("请填写选任的职务。"))
    on = _date(on, "status_on", errors, label=_("选任日期"))
    if on and on < entry.registered_on:
        _err(errors, "status_on", _("选任日期不能早于入库日期。"))
    if errors:
        raise ValidationError(errors)
    _set_status(actor, entry, EntryStatus.APPOINTED, on, post)
    return entry


@transaction.atomic
def task_assign(
    *, actor, entry: PoolEntry, title: str, assigned_on: dt.date, due_on: dt.date | None = None
) -> PoolTask:
    """Give someone in the pool a task (交任务、压担子)."""
    entry = _lock(entry)
    _require(actor, entry.org, _("您无权为该党组织的后备力量交办任务。"))
    errors: dict[str, list[str]] = {}
    _require_active(entry, errors)
    title = _text({"title": title}, "title", errors, required=_("请填写任务内容。"))
    assigned_on = _date(assigned_on, "assigned_on", errors, label=_("交办日期"))
    if due_on not in (None, "") and not isinstance(due_on, dt.date):
        _err(errors, "due_on", _("完成期限应为日期。"))
    elif assigned_on and due_on and due_on < assigned_on:
        _err(errors, "due_on", _("完成期限不能早于交办日期。"))
    if assigned_on and assigned_on < entry.registered_on:
        _err(errors, "assigned_on", _("交办日期不能早于入库日期。"))
    if errors:
        raise ValidationError(errors)
    task = PoolTask.objects.create(
        entry=entry, title=title, assigned_on=assigned_on, due_on=due_on or None, created_by=_user(actor)
    )
    record_change(actor=actor, action=ChangeAction.CREATE, obj=task, after=snapshot(task, TASK_FIELDS))
    return task


@transaction.atomic
def task_close(*, actor, task: PoolTask, outcome: str, closed_on: dt.date, note: str = "") -> PoolTask:
    """Record how a task went (完成良好, 基本完成, 未完成)."""
    task = PoolTask.objects.select_for_update(of=("self",)).select_related("entry__org").get(pk=task.pk)
    _require(actor, task.entry.org, _("您无权评定该任务。"))
    errors: dict[str, list[str]] = {}
    if task.outcome != TaskOutcome.OPEN:
        _err(errors, NON_FIELD_ERRORS, _("该任务已评定。"))
    if outcome not in TaskOutcome.values or outcome == TaskOutcome.OPEN:
        _err(errors, "outcome", _("请选择完成情况。"))
    note = _text({"note": note}, "note", errors)
    closed_on = _date(closed_on, "closed_on", errors, label=_("评定日期"))
    if closed_on and closed_on < task.assigned_on:
        _err(errors, "closed_on", _("评定日期不能早于交办日期。"))
    if errors:
        raise ValidationError(errors)
    before = snapshot(task, TASK_FIELDS)
    task.outcome, task.closed_on, task.outcome_note = outcome, closed_on, note
    task.save(update_fields=["outcome", "closed_on", "outcome_note"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=task, before=before, after=snapshot(task, TASK_FIELDS)
    )
    return task


@transaction.atomic
def pool_bulk_create(
    *, actor, entries: list[PoolEntry], reviews: list[list[tuple]], tasks: list[list[tuple]]
) -> int:
    """Many entries at once (the demo, imports), with the single registration's checks on choices and
    ages. `entries`: unsaved PoolEntry objects with org and person (or name, gender, birth date) set;
    `reviews[i]`: (year, result, reviewed_on, reason) of entry i besides its "added" row;
    `tasks[i]`: (title, assigned_on, due_on, outcome, closed_on, note). One change record per entry."""
    orgs = {e.org_id for e in entries}
    if actor is not None:
        for org in Org.objects.filter(pk__in=orgs):
            _require(actor, org, _("您无权为该党组织登记后备力量。"))
    sources, posts, statuses = set(SourceChannel.values), set(ReservedPost.values), set(EntryStatus.values)
    user = _user(actor)
    for number, e in enumerate(entries, start=1):
        bad = (
            e.source not in sources or e.reserved_for not in posts or e.status not in statuses
            or not MIN_AGE <= _age(e.birth_date, e.registered_on) <= MAX_AGE
        )  # fmt: skip
        if bad:
            raise ValidationError(_("第%(n)d条后备力量记录无效。") % {"n": number})
        e.created_by_id = user and user.pk
    last = PoolEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    insert_rows(PoolEntry, entries)
    ids = list(PoolEntry.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True))
    if len(ids) != len(entries):
        raise RuntimeError("pool_bulk_create: another writer inserted entries at the same time")
    review_rows, task_rows = [], []
    for entry, pk, more_reviews, more_tasks in zip(entries, ids, reviews, tasks, strict=True):
        entry.pk = pk
        review_rows.append(
            (
                pk,
                entry.registered_on.year,
                ReviewResult.ADDED.value,
                entry.registered_on,
                "",
                user and user.pk,
            )
        )
        review_rows += [(pk, y, r, on, reason, user and user.pk) for y, r, on, reason in more_reviews]
        task_rows += [(pk, *t, user and user.pk) for t in more_tasks]
    now = timezone.now()
    insert_values(
        PoolReview, ("entry_id", "year", "result", "reviewed_on", "reason", "created_by_id", "created_at"),
        [(*row, now) for row in review_rows],
    )  # fmt: skip
    insert_values(
        PoolTask,
        ("entry_id", "title", "assigned_on", "due_on", "outcome", "closed_on", "outcome_note", "created_by_id", "created_at"),
        [(*row, now) for row in task_rows],
    )  # fmt: skip
    # One creation record per entry; as for people_bulk_create the row itself is the snapshot.
    who, make = actor_fields(actor), InstanceMaker(ChangeRecord)
    record_changes(
        records=[
            make(
                **who,
                action=ChangeAction.CREATE,
                object_type="talent.poolentry",
                object_id=e.pk,
                object_repr=e.name,
                message=BULK_MESSAGE,
            )
            for e in entries
        ]
    )
    return len(entries)
