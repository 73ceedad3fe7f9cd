"""Every write to a person's file. Keyword-only, validated, in a transaction, recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
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
    SENSITIVE_CHANGED,
    SENSITIVE_FIELDS,
    SYSTEM_ACTOR,
    actor_fields,
    field_label,
    record_change,
    record_changes,
    snapshot,
)
from dangjian.base import hooks
from dangjian.base.bulk import InstanceMaker, insert_rows
from dangjian.base.idnumber import parse_id_number
from dangjian.base.phone import normalize_phone
from dangjian.base.pinyin import name_initials, name_sort_key
from dangjian.orgs.models import Org
from dangjian.people import counts
from dangjian.people.models import (
    ETHNICITIES,
    Category,
    Education,
    Gender,
    Person,
    Reduction,
    Standing,
)

PERSON_FIELDS = (
    "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education", "category",
    "work_unit", "org", "standing", "applied_on", "activist_on", "candidate_on", "admitted_on",
    "converted_on", "on_probation_watch", "reduction", "reduced_on", "reduction_note",
)  # fmt: skip
EDITABLE_FIELDS = frozenset(PERSON_FIELDS) - {"reduction", "reduced_on", "reduction_note"}
# The standing and its dates: from the development records (person_update(from_records=True)) or,
# for someone without records, only by 补录 (person_backfill, or creating the file with a reason).
STANDING_FIELDS = hooks.STANDING_FIELDS
BACKFILL_LOG_FIELDS = ("backfill_reason", "backfilled_by_name")
BACKFILL_REASON_MAX = 300
BACKFILL_MESSAGE = gettext_noop("补录")  # the change log's note on a 补录 (the reason is in the diff)

# The date each standing requires, and the order the milestone dates must follow.
MILESTONES: tuple[tuple[str, str], ...] = (
    ("applied_on", Standing.APPLICANT),
    ("activist_on", Standing.ACTIVIST),
    ("candidate_on", Standing.CANDIDATE),
    ("admitted_on", Standing.PROBATIONARY),
    ("converted_on", Standing.FULL),
)
STANDING_INDEX = {s.value: i for i, s in enumerate(Standing)}
GENDERS = frozenset(Gender.values)
EDUCATIONS = frozenset(Education.values)
CATEGORIES = frozenset(Category.values)
ETHNICITY_SET = frozenset(ETHNICITIES)
# Lazy: the labels are rendered in the language active when a message is built.
MILESTONE_LABELS = {f: Person._meta.get_field(f).verbose_name for f, _standing in MILESTONES}
MIN_APPLICATION_AGE = 18


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def clean_person_fields(
    data: dict[str, Any], *, today: dt.date | None = None, history: bool = False, backfill: bool = False
) -> dict[str, list[str]]:
    """Validate and normalise a person's fields in place; return errors by field (active language).

    history: the dates are legacy records being entered in bulk (imports). Their order and the
    applicant's age are then findings of the compliance check (R-ORDER, R-AGE), not reasons to refuse
    the file, and a member's earlier milestones may be unknown.
    backfill: 补录 by hand (person_backfill): earlier milestones may be unknown, but the dates given
    must be in order and the standing's own date is required.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    name = (data.get("name") or "").strip()
    data["name"] = name
    if not name:
        err("name", _("请填写姓名。"))
    elif any(ch.isdigit() for ch in name) or len(name) > 40:
        err("name", _("姓名不能包含数字，且不超过40个字。"))

    raw_id = data.get("id_number") or ""
    info = None
    if not raw_id.strip():
        err("id_number", _("请填写公民身份号码。"))
    else:
        try:
            info = parse_id_number(raw_id, today=today)
            data["id_number"] = info.number
        except ValidationError as exc:
            err("id_number", exc.messages[0])

    # Gender and birth date come from the ID number; while it is missing or wrong, its own error
    # already blocks saving, so no second "please fill in" error for fields derived from it.
    if data.get("gender") not in GENDERS:
        if info is not None and not data.get("gender"):
            data["gender"] = info.gender
        elif info is not None or data.get("gender"):
            err("gender", _("请选择性别。"))
    elif info is not None and data["gender"] != info.gender:
        err("gender", _("性别与公民身份号码第17位不一致，请核对。"))

    if info is not None:
        if data.get("birth_date") is None:
            data["birth_date"] = info.birth_date
        elif data["birth_date"] != info.birth_date:
            err("birth_date", _("出生日期与公民身份号码不一致，请核对。"))

    try:
        data["phone"] = normalize_phone(data.get("phone") or "")
    except ValidationError as exc:
        err("phone", exc.messages[0])

    ethnicity = (data.get("ethnicity") or "汉族").strip()
    data["ethnicity"] = ethnicity
    if ethnicity not in ETHNICITY_SET:
        err("ethnicity", _("民族“%(ethnicity)s”不在56个民族名称中。") % {"ethnicity": ethnicity})
    if data.get("education") and data["education"] not in EDUCATIONS:
        err("education", _("学历无效。"))
    data["category"] = data.get("category") or Category.OTHER
    if data["category"] not in CATEGORIES:
        err("category", _("人员类别无效。"))
    data["work_unit"] = (data.get("work_unit") or "").strip()

    mode = HISTORY if history else BACKFILL if backfill else ENTRY
    _clean_milestones(data, err, today=today, mode=mode)
    return errors


# How the standing and milestone dates are being entered (clean_person_fields, _clean_milestones):
ENTRY = "entry"  # a new file: the application date and a member's admission and conversion required
HISTORY = "history"  # legacy records in bulk (imports): order and age are compliance findings
BACKFILL = "backfill"  # 补录 by hand: the standing's own date required, earlier ones may be unknown
# The dates 补录 requires for each standing (the date the person reached it; a full member's
# admission too, from which 党龄 and probation count).
BACKFILL_REQUIRED = {
    Standing.APPLICANT: ("applied_on",),
    Standing.ACTIVIST: ("activist_on",),
    Standing.CANDIDATE: ("candidate_on",),
    Standing.PROBATIONARY: ("admitted_on",),
    Standing.FULL: ("admitted_on", "converted_on"),
}


def _clean_milestones(data: dict[str, Any], err, *, today: dt.date, mode: str) -> None:
    """Check the standing and the milestone dates of `data` (see ENTRY, HISTORY, BACKFILL)."""
    standing = data.get("standing")
    if standing not in STANDING_INDEX:
        err("standing", _("请选择发展阶段（政治面貌）。"))
        return
    level = STANDING_INDEX[standing]
    if mode == BACKFILL:
        needed: tuple[str, ...] = BACKFILL_REQUIRED[Standing(standing)]
    elif mode == HISTORY:
        needed = ("admitted_on", "converted_on")
    else:
        needed = ("applied_on", "admitted_on", "converted_on")
    strict = mode != HISTORY
    previous: tuple[str, dt.date] | None = None
    labels = MILESTONE_LABELS
    for field, needed_by in MILESTONES:
        value = data.get(field)
        required = STANDING_INDEX[needed_by] <= level
        if value is None:
            if required and field in needed:
                err(
                    field,
                    _("发展阶段为“%(standing)s”时须填写%(field)s。")
                    % {"standing": Standing(standing).label, "field": labels[field]},
                )
            continue
        if not required:
            err(
                field,
                _("发展阶段为“%(standing)s”时不应填写%(field)s。")
                % {"standing": Standing(standing).label, "field": labels[field]},
            )
            continue
        if value > today:
            err(field, _("%(field)s不能晚于今天。") % {"field": labels[field]})
        if previous is not None and value < previous[1] and strict:
            err(
                field,
                _("%(field)s不能早于%(earlier)s（%(date)s）。")
                % {"field": labels[field], "earlier": labels[previous[0]], "date": f"{previous[1]:%Y-%m-%d}"},
            )
        previous = (field, value)
    birth = data.get("birth_date")
    if not birth or not strict:
        return
    # The earliest date given (the application, or in 补录 whatever is known) comes at 18 or later.
    given = ("applied_on",) if mode == ENTRY else tuple(f for f, _standing in MILESTONES)
    first = next(((f, data[f]) for f in given if data.get(f) is not None), None)
    if first is not None and first[1] < _add_years(birth, MIN_APPLICATION_AGE):
        field, value = first
        if field == "applied_on":
            message = _("递交入党申请书时应年满%(age)d周岁（出生于%(birth)s）。")
        else:
            message = _("%(field)s时应已年满%(age)d周岁（出生于%(birth)s），请核对。")
        err(
            field,
            message % {"age": MIN_APPLICATION_AGE, "birth": f"{birth:%Y-%m-%d}", "field": labels[field]},
        )


def _fresh_org(org: Org | None) -> Org | None:
    """The caller's Org instance may be stale (its path changes when a subtree moves): reload it."""
    return Org.objects.get(pk=org.pk) if org is not None else None


def _check_org(org: Org | None) -> list[str]:
    if org is None:
        return [_("请选择所在党组织。")]
    if not org.is_active:
        return [_("“%(name)s”已撤销，不能转入人员。") % {"name": org.name}]
    if org.is_temporary:
        return [_("临时党组织不能作为人员的所在党组织：临时党组织成员保留原组织关系。")]
    return []


def _fill_keys(person: Person) -> None:
    person.name_sort_key = name_sort_key(person.name)
    person.name_initials = name_initials(person.name)
    person.name_pinyin = person.name_sort_key.replace(" ", "")


def _new_person(data: dict[str, Any], make=Person) -> Person:
    person = make(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    _fill_keys(person)
    return person


def _clean_reason(reason: str | None, errors: dict[str, list[str]]) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        errors.setdefault("backfill_reason", []).append(
            _("请填写补录原因：这些日期从何而来（如“系统建立前入党，据本人党员档案补录”“由外单位转入”）。")
        )
    elif len(reason) > BACKFILL_REASON_MAX:
        errors.setdefault("backfill_reason", []).append(
            _("补录原因不超过%(n)d个字（现有%(len)d个）。") % {"n": BACKFILL_REASON_MAX, "len": len(reason)}
        )
    return reason


def _mark_backfilled(person: Person, actor, reason: str, now: dt.datetime | None = None) -> None:
    known = actor is not None and actor.pk
    person.backfilled_at = now or timezone.now()
    person.backfilled_by = actor if known else None
    person.backfilled_by_name = (actor.get_full_name() or actor.username) if known else SYSTEM_ACTOR
    person.backfill_reason = reason


def _is_backfill(standing: Any, reason: str | None) -> bool:
    """Creating a file is 补录 when a reason is given or the person is past the application: their
    dates then come from outside the system (joined before it, transferred in), not from records."""
    return bool((reason or "").strip()) or (standing in STANDING_INDEX and standing != Standing.APPLICANT)


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
