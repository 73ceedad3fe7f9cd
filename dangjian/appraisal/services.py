"""Every write to the 民主评议 records. Keyword-only, validated, in a transaction, recorded.

All or nothing: a 民主评议 is saved with every grade or not at all (`rules.grade_errors` names every
problem at once). A 不合格 grade opens a follow-up that must be given a measure (followup_decide) and
later an outcome (followup_close).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.appraisal import rules, workbook
from dangjian.appraisal.models import (
    OUTCOMES_OF,
    Appraisal,
    AppraisalEntry,
    FollowUp,
    Grade,
    Measure,
    Outcome,
)
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import SYSTEM_ACTOR, record_change, record_changes, snapshot
from dangjian.meetings.choices import MeetingKind
from dangjian.meetings.models import Meeting
from dangjian.orgs.models import BRANCH_KINDS, Org
from dangjian.people.models import Person

APPRAISAL_FIELDS = ("org", "year", "held_on", "meeting", "notes")
FOLLOWUP_FIELDS = ("measure", "decided_on", "deadline", "outcome", "outcome_on", "outcome_note")
MEETING_KINDS = (MeetingKind.BRANCH_GENERAL, MeetingKind.LIFE_MEETING)
MIN_YEAR = 2000
NOTES_LIMIT = 2000
OUTCOME_NOTE_LIMIT = 500
# Keys of the change log: stored in Chinese, translated when shown.
GRADES_KEY = gettext_noop("评定结果")
PERSON_KEY = gettext_noop("党员")
BULK_NOTE = gettext_noop("批量记录")


def _grades_text(appraisal: Appraisal) -> str:
    with translation.override(settings.LANGUAGE_CODE):  # the change log is stored in Chinese
        labels = {value: str(label) for value, label in Grade.choices}
    parts = []
    for name, grade in appraisal.entries.order_by("person__name_sort_key", "id").values_list(
        "person__name", "grade"
    ):
        parts.append(f"{name}（{labels[grade]}）" if grade else f"{name}（预备党员，不评定等次）")
    return "、".join(parts)


def _appraisal_snapshot(appraisal: Appraisal) -> dict:
    data = snapshot(appraisal, APPRAISAL_FIELDS)
    data[GRADES_KEY] = _grades_text(appraisal)
    return data


def _normalize(grades: dict) -> tuple[dict[int, str], list[str]]:
    out: dict[int, str] = {}
    errors = []
    for key, value in (grades or {}).items():
        try:
            pid = int(key)
        except (TypeError, ValueError):
            errors.append(_("人员编号“%(key)s”无效。") % {"key": key})
            continue
        out[pid] = "" if value is None else str(value)
    return out, errors


def _names_outside(actor, ids: list[int]) -> dict[int, str]:
    """Names of people outside the roster, where the actor may see them (else they are named by id)."""
    if not ids:
        return {}
    qs = Person.objects.filter(pk__in=ids[:50])
    if actor is not None:
        qs = qs.filter(scope.scope_q(actor, Action.VIEW, prefix="org__path"))
    return dict(qs.values_list("id", "name"))


def _check(
    *, actor, org: Org, year, held_on, grades: dict, meeting: Meeting | None, notes: str,
    existing: Appraisal | None = None,
) -> tuple[dict[str, list[str]], list[rules.Member], dict[int, str]]:  # fmt: skip
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if org.kind not in BRANCH_KINDS:
        add(NON_FIELD_ERRORS, _("民主评议党员以党支部为单位开展，%(org)s不是党支部。") % {"org": org.name})
    if not org.is_active:
        add(NON_FIELD_ERRORS, _("%(org)s已撤销，不能再记录民主评议。") % {"org": org.name})
    if not isinstance(year, int) or year < MIN_YEAR or year > today.year:
        add("year", _("评议年度应在%(first)d年至%(last)d年之间。") % {"first": MIN_YEAR, "last": today.year})
    if not isinstance(held_on, dt.date):
        add("held_on", _("请填写评议日期。"))
    else:
        if held_on > today:
            add("held_on", _("评议日期不能晚于今天。"))
        if isinstance(year, int) and held_on.year != year:
            add("held_on", _("评议日期应在%(year)d年内。") % {"year": year})
    if len(notes) > NOTES_LIMIT:
        add("notes", _("备注不能超过%(n)d个字。") % {"n": NOTES_LIMIT})
    if meeting is not None:
        if meeting.org_id != org.pk:
            add("meeting", _("所选会议不是本支部召开的会议。"))
        elif meeting.kind not in MEETING_KINDS:
            add("meeting", _("民主评议应在支部党员大会或组织生活会上进行，所选会议是%(kind)s。")
                % {"kind": meeting.get_kind_display()})  # fmt: skip
    if "year" not in errors and not errors.get(NON_FIELD_ERRORS):
        clash = Appraisal.objects.filter(org=org, year=year)
        if existing is not None:
            clash = clash.exclude(pk=existing.pk)
        if clash.exists():
            add(
                "year",
                _("%(org)s%(year)d年度的民主评议已经记录，请在原记录上更正。")
                % {"org": org.name, "year": year},
            )
    normalized, key_errors = _normalize(grades)
    for message in key_errors:
        add("grades", message)
    members: list[rules.Member] = []
    if not errors:
        members = rules.roster(org, held_on)
        limit = rules.limit_for(org, held_on)
        outside = [pid for pid in normalized if pid not in {m.id for m in members}]
        for message in rules.grade_errors(members, normalized, limit, _names_outside(actor, outside)):
            add("grades", message)
    return errors, members, normalized


def _write_entries(appraisal: Appraisal, members: list[rules.Member], grades: dict[int, str]) -> None:
    """Make the entries match the roster and grades; refuse to drop a decided follow-up."""
    current = {e.person_id: e for e in appraisal.entries.select_related("followup", "person")}
    wanted = {m.id: (rules.parse_grade(grades.get(m.id, "")) or "") if m.is_full else "" for m in members}
    blocked = []
    for pid, entry in current.items():
        followup = getattr(entry, "followup", None)
        if followup is not None and followup.measure and wanted.get(pid) != Grade.UNQUALIFIED:
            blocked.append(entry.person.name)
    if blocked:
        raise ValidationError(
            {
                "grades": [
                    _("已对%(people)s作出组织处置，不能再改为其他等次或移出本次评议。")
                    % {"people": "、".join(blocked)}
                ]
            }
        )
    gone = [e.pk for pid, e in current.items() if pid not in wanted]
    AppraisalEntry.objects.filter(pk__in=gone).delete()  # their undecided follow-ups go with them
    full = {m.id: m.is_full for m in members}
    new = []
    for pid, grade in wanted.items():
        entry = current.get(pid)
        if entry is None:
            new.append(
                AppraisalEntry(appraisal=appraisal, person_id=pid, grade=grade, is_probationary=not full[pid])
            )
        elif entry.grade != grade or entry.is_probationary != (not full[pid]):
            entry.grade, entry.is_probationary = grade, not full[pid]
            entry.save(update_fields=["grade", "is_probationary"])
            if grade != Grade.UNQUALIFIED:
                FollowUp.objects.filter(entry=entry, measure="").delete()
    AppraisalEntry.objects.bulk_create(new)
    unqualified = appraisal.entries.filter(grade=Grade.UNQUALIFIED, followup__isnull=True)
    FollowUp.objects.bulk_create([FollowUp(entry=e) for e in unqualified])


@transaction.atomic
def appraisal_record(
    *,
    actor,
    org: Org,
    year: int,
    held_on: dt.date,
    grades: dict[int, str],
    meeting: Meeting | None = None,
    notes: str = "",
) -> Appraisal:
    """Record `org`'s 民主评议 of `year`: `grades` maps every full member's id to a grade (a value of
    Grade or its Chinese label); probationary members take part without a grade (omit them or give "")."""
    org = Org.objects.get(pk=org.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, _("您无权为该党组织记录民主评议。"))
    notes = (notes or "").strip()
    errors, members, normalized = _check(
        actor=actor, org=org, year=year, held_on=held_on, grades=grades, meeting=meeting, notes=notes
    )
    if errors:
        raise ValidationError(errors)
    appraisal = Appraisal.objects.create(
        org=org, year=year, held_on=held_on, meeting=meeting, notes=notes,
        created_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip
    _write_entries(appraisal, members, normalized)
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=appraisal, after=_appraisal_snapshot(appraisal)
    )
    return appraisal


_UNSET = object()


@transaction.atomic
def appraisal_update(
    *,
    actor,
    appraisal: Appraisal,
    grades: dict[int, str] | None = None,
    held_on: dt.date | None = None,
    meeting: Meeting | object | None = _UNSET,
    notes: str | None = None,
) -> Appraisal:
    """Correct a 民主评议 with the same checks as recording it. `grades` replaces all grades (None
    keeps them); a grade on which a measure has been decided cannot be changed."""
    appraisal = Appraisal.objects.select_for_update(of=("self",)).select_related("org").get(pk=appraisal.pk)
    org = appraisal.org
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, _("您无权修改该民主评议记录。"))
    before = _appraisal_snapshot(appraisal)
    held_on = held_on if held_on is not None else appraisal.held_on
    meeting = appraisal.meeting if meeting is _UNSET else meeting
    notes = (appraisal.notes if notes is None else notes or "").strip()
    if grades is None:
        grades = {pid: grade for pid, grade in appraisal.entries.values_list("person_id", "grade")}
    errors, members, normalized = _check(
        actor=actor, org=org, year=appraisal.year, held_on=held_on, grades=grades, meeting=meeting,
        notes=notes, existing=appraisal,
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    appraisal.held_on, appraisal.meeting, appraisal.notes = held_on, meeting, notes
    appraisal.save()
    _write_entries(appraisal, members, normalized)
    after = _appraisal_snapshot(appraisal)
    if after != before:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=appraisal, before=before, after=after)
    return appraisal


def _followup_snapshot(followup: FollowUp) -> dict:
    data = snapshot(followup, FOLLOWUP_FIELDS)
    data[PERSON_KEY] = followup.entry.person.name
    return data


def _locked_followup(actor, followup: FollowUp, message: str) -> FollowUp:
    followup = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("entry__appraisal__org", "entry__person")
        .get(pk=followup.pk)
    )
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, followup.entry.appraisal.org, message)
    return followup


@transaction.atomic
def followup_decide(
    *, actor, followup: FollowUp, measure: str, decided_on: dt.date, deadline: dt.date | None = None
) -> FollowUp:
    """The measure decided for a 不合格 member: 限期改正 (with its deadline), 劝其退党 or 除名."""
    followup = _locked_followup(actor, followup, _("您无权为该党员作出组织处置。"))
    held_on = followup.entry.appraisal.held_on
    errors: dict[str, list[str]] = {}
    if followup.outcome:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_("该组织处置已办结，不能再修改。"))
    if measure not in Measure.values:
        errors.setdefault("measure", []).append(_("请选择组织处置：限期改正、劝其退党或除名。"))
    if not isinstance(decided_on, dt.date):
        errors.setdefault("decided_on", []).append(_("请填写处置决定日期。"))
    else:
        if decided_on > timezone.localdate():
            errors.setdefault("decided_on", []).append(_("处置决定日期不能晚于今天。"))
        if decided_on < held_on:
            errors.setdefault("decided_on", []).append(_("处置决定日期不能早于民主评议日期。"))
    if measure == Measure.CORRECT:
        if deadline is None:
            errors.setdefault("deadline", []).append(_("限期改正须写明改正期限。"))
        elif isinstance(decided_on, dt.date) and deadline <= decided_on:
            errors.setdefault("deadline", []).append(_("改正期限应晚于处置决定日期。"))
    else:
        deadline = None
    return _followup_save(actor, followup, errors, measure=measure, decided_on=decided_on, deadline=deadline)


def _followup_save(actor, followup: FollowUp, errors: dict[str, list[str]], **values) -> FollowUp:
    """Refuse on `errors`, else write `values` and record the change."""
    if errors:
        raise ValidationError(errors)
    before = _followup_snapshot(followup)
    for name, value in values.items():
        setattr(followup, name, value)
    followup.save(update_fields=list(values))
    record_change(
        actor=actor,
        action=ChangeAction.UPDATE,
        obj=followup,
        before=before,
        after=_followup_snapshot(followup),
    )
    return followup


@transaction.atomic
def followup_close(
    *, actor, followup: FollowUp, outcome: str, outcome_on: dt.date, note: str = ""
) -> FollowUp:
    """The outcome of the measure; the follow-up is then closed."""
    followup = _locked_followup(actor, followup, _("您无权记录该组织处置的结果。"))
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if followup.outcome:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_("该组织处置已办结，不能再修改。"))
    if not followup.measure:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_("请先作出组织处置决定，再记录处置结果。"))
    elif outcome not in OUTCOMES_OF[Measure(followup.measure)]:
        allowed = "、".join(str(Outcome(o).label) for o in OUTCOMES_OF[Measure(followup.measure)])
        errors.setdefault("outcome", []).append(
            _("%(measure)s的处置结果只能是：%(allowed)s。")
            % {"measure": followup.get_measure_display(), "allowed": allowed}
        )
    if not isinstance(outcome_on, dt.date):
        errors.setdefault("outcome_on", []).append(_("请填写结果日期。"))
    else:
        if outcome_on > timezone.localdate():
            errors.setdefault("outcome_on", []).append(_("结果日期不能晚于今天。"))
        if followup.decided_on and outcome_on < followup.decided_on:
            errors.setdefault("outcome_on", []).append(_("结果日期不能早于处置决定日期。"))
    if len(note) > OUTCOME_NOTE_LIMIT:
        errors.setdefault("note", []).append(_("结果说明不能超过%(n)d个字。") % {"n": OUTCOME_NOTE_LIMIT})
    return _followup_save(actor, followup, errors, outcome=outcome, outcome_on=outcome_on, outcome_note=note)


@transaction.atomic
def appraisal_import(
    *, actor, org: Org, year: int, held_on: dt.date, data: bytes, filename: str
) -> Appraisal:
    """A results workbook (workbook.py) for `org`'s 民主评议 of `year`: every row matched to the
    roster and checked as appraisal_record checks it; any problem refuses the whole file
    (ValidationError on "file", one message per problem, naming its row), nothing is written.
    A 民主评议 already recorded for the year is corrected (appraisal_update) with the file's grades."""
    org = Org.objects.get(pk=org.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, _("您无权为该党组织记录民主评议。"))
    try:
        table = workbook.read_rows(data, filename)
    except workbook.UnreadableWorkbook as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    if not isinstance(held_on, dt.date):
        raise ValidationError({"held_on": [_("请填写评议日期。")]})
    people = list(rules.roster_people(org, held_on))
    parsed = workbook.parse(table, people, rules.full_ids(org, held_on))
    if parsed.problems:
        raise ValidationError({"file": parsed.problems})
    existing = Appraisal.objects.filter(org=org, year=year).first()
    try:
        if existing is not None:
            return appraisal_update(actor=actor, appraisal=existing, grades=parsed.grades, held_on=held_on)
        return appraisal_record(actor=actor, org=org, year=year, held_on=held_on, grades=parsed.grades)
    except ValidationError as exc:
        messages = (
            [m for ms in exc.message_dict.values() for m in ms]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        raise ValidationError({"file": messages}) from None


@dataclass(frozen=True)
class BulkAppraisal:
    org: Org
    year: int
    held_on: dt.date
    grades: dict[int, str]
    notes: str = ""
    followups: dict[int, dict] = field(default_factory=dict)  # person id → FollowUp fields


@transaction.atomic
def appraisals_bulk_record(*, actor, rows: list[BulkAppraisal]) -> int:
    """Many 民主评议 at once (the demo, thousands of branches): the same checks as appraisal_record
    (rules.grade_errors on each branch's roster, the ⅓ limit of the rule set in force, one per branch
    and year), in a few queries; all or nothing. `followups`: the measure and outcome already known
    for a 不合格 member, checked as followup_decide and followup_close check them. Returns the count."""
    from dangjian.development.models import RuleSet

    today = timezone.localdate()
    errors: list[str] = []
    for row in rows:
        if actor is not None and not scope.can(actor, Action.CHANGE_PERSON, row.org):
            errors.append(_("您无权为%(org)s记录民主评议。") % {"org": row.org.name})
        if row.org.kind not in BRANCH_KINDS or row.held_on > today or row.held_on.year != row.year:
            errors.append(_("%(org)s：不是党支部，或评议日期不在评议年度内。") % {"org": row.org.name})
    taken = set(Appraisal.objects.filter(org__in=[r.org for r in rows]).values_list("org_id", "year"))
    errors += [
        _("%(org)s%(year)d年度的民主评议已经记录。") % {"org": r.org.name, "year": r.year}
        for r in rows
        if (r.org.pk, r.year) in taken
    ]
    active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
    rosters = rules.rosters([(r.org, r.held_on) for r in rows])
    for row in rows:
        limit = rules.limit_for(row.org, row.held_on, active)
        for message in rules.grade_errors(rosters[row.org.pk], row.grades, limit, {}):
            errors.append(f"{row.org.name}：{message}")
        for pid, values in row.followups.items():
            if rules.parse_grade(row.grades.get(pid)) != Grade.UNQUALIFIED:
                errors.append(_("%(org)s：只有评定为不合格的党员才有组织处置。") % {"org": row.org.name})
            measure, outcome = values.get("measure", ""), values.get("outcome", "")
            if (measure and measure not in Measure.values) or (
                outcome and outcome not in OUTCOMES_OF[Measure(measure)]
            ):
                errors.append(_("%(org)s：组织处置或其结果无效。") % {"org": row.org.name})
    if errors:
        raise ValidationError(errors[:100])
    appraisals = Appraisal.objects.bulk_create(
        [
            Appraisal(
                org=r.org,
                year=r.year,
                held_on=r.held_on,
                notes=r.notes,
                created_by=actor if actor is not None and actor.pk else None,
            )
            for r in rows
        ]
    )
    from dangjian.base.bulk import insert_values

    entries = []  # plain rows: a city's branches list some 150,000 members
    for appraisal, row in zip(appraisals, rows, strict=True):
        for member in rosters[row.org.pk]:
            grade = (rules.parse_grade(row.grades.get(member.id, "")) or "") if member.is_full else ""
            entries.append((appraisal.pk, member.id, grade, not member.is_full))
    insert_values(AppraisalEntry, ("appraisal_id", "person_id", "grade", "is_probationary"), entries)
    row_of = {appraisal.pk: row for appraisal, row in zip(appraisals, rows, strict=True)}
    failed = AppraisalEntry.objects.filter(
        appraisal_id__gte=min(row_of, default=0),
        appraisal_id__lte=max(row_of, default=0),
        grade=Grade.UNQUALIFIED,
    ).values_list("pk", "appraisal_id", "person_id")
    FollowUp.objects.bulk_create(
        [
            FollowUp(entry_id=pk, **row_of[appraisal_id].followups.get(pid, {}))
            for pk, appraisal_id, pid in failed
            if appraisal_id in row_of  # the range may hold another writer's appraisals
        ]
    )
    actor_name = (actor.get_full_name() or actor.username) if actor is not None and actor.pk else SYSTEM_ACTOR
    record_changes(
        records=[
            ChangeRecord(
                actor=actor if actor is not None and actor.pk else None, actor_name=actor_name,
                action=ChangeAction.CREATE, object_type="appraisal.appraisal", object_id=a.pk,
                object_repr=f"{r.org.name} {r.year}", after=snapshot(a, APPRAISAL_FIELDS),
                message=BULK_NOTE,
            )
            for a, r in zip(appraisals, rows, strict=True)
        ]
    )  # fmt: skip
    return len(appraisals)
