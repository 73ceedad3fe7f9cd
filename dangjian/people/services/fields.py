"""A person's fields: what they may hold, their checks and the keys kept beside them (for the
writes in persons.py and bulk.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.audit.services import (
    SYSTEM_ACTOR,
)
from dangjian.base import hooks
from dangjian.base.idnumber import parse_id_number
from dangjian.base.phone import normalize_phone
from dangjian.base.pinyin import name_initials, name_sort_key
from dangjian.orgs.models import Org
from dangjian.people.models import (
    ETHNICITIES,
    Category,
    Education,
    Gender,
    Person,
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
