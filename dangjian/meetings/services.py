"""Every write to the meeting records. Keyword-only, validated, in a transaction, recorded.

A vote that fails (no quorum, not enough yes) is still recorded: the meeting happened. It simply
does not pass (Resolution.passed is False) and Resolution.findings() names the broken rule.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import field_label, record_change, snapshot
from dangjian.base import uploads
from dangjian.meetings import hooks, rules, tally
from dangjian.meetings import roster as roster_module
from dangjian.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    MeetingPurpose,
    Resolution,
    month_number,
)
from dangjian.orgs.models import Org
from dangjian.people.models import Person

MEETING_FIELDS = (
    "org", "kind", "held_on", "title", "topic", "place", "expected_voters", "present_voters", "written_opinions",
    "online", "chair", "lecturer", "lecturer_is_secretary", "notes",
)  # fmt: skip
MEETING_EDITABLE = frozenset(
    {
        "kind", "held_on", "title", "topic", "place", "expected_voters", "present_voters", "written_opinions",
        "online", "chair", "lecturer", "lecturer_is_secretary", "notes", "minutes", "purposes",
    }
)  # fmt: skip
RESOLUTION_FIELDS = (
    "meeting", "person", "motion", "yes", "no", "abstain", "written_yes", "written_no", "written_abstain",
    "opinion", "secret_ballot",
)  # fmt: skip
RESOLUTION_EDITABLE = frozenset(
    {"yes", "no", "abstain", "written_yes", "written_no", "written_abstain", "opinion", "secret_ballot"}
)
TEXT_LIMITS = {"title": 200, "chair": 60, "topic": 300, "place": 100, "lecturer": 60}
PURPOSE_KEY = gettext_noop("同时作为")
STATUSES = frozenset(AttendanceStatus.values)
ATTENDANCE_KEY = gettext_noop("到会名单")
MINUTES_EXTENSIONS = frozenset({".pdf", ".ofd", ".doc", ".docx", ".wps", ".jpg", ".jpeg", ".png"})
MINUTES_MAX_BYTES = 20 * 1024 * 1024
# Stored in Chinese in the change log, translated when shown (like every change-log text).
FRONTLINE_NOTE = gettext_noop("按火线入党特殊情况办理")
DELETED_NOTE = gettext_noop("删除误录的决议")
RESOLUTION_KEY = gettext_noop("会议决议")


def _meeting_snapshot(meeting: Meeting) -> dict:
    data = snapshot(meeting, MEETING_FIELDS)
    data[field_label(meeting, "minutes")] = meeting.minutes.name if meeting.minutes else ""
    if meeting.pk:
        kinds = sorted(meeting.purposes.values_list("kind", flat=True))
        data[PURPOSE_KEY] = "、".join(str(MeetingKind(k).label) for k in kinds)
    return data


def _resolution_snapshot(resolution: Resolution) -> dict:
    return snapshot(resolution, RESOLUTION_FIELDS)


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for field, messages in more.items():
        errors.setdefault(field, []).extend(messages)


def _clean_texts(values: dict, errors: dict[str, list[str]]) -> None:
    for field in ("title", "chair", "notes", "topic", "place", "lecturer"):
        if field in values:
            values[field] = (values[field] or "").strip()
    for field, limit in TEXT_LIMITS.items():
        if len(values.get(field, "")) > limit:
            label = Meeting._meta.get_field(field).verbose_name
            errors.setdefault(field, []).append(
                _("%(field)s不能超过%(n)d个字。") % {"field": label, "n": limit}
            )


def _minutes_errors(minutes) -> list[str]:
    if not minutes:
        return []
    suffix = PurePath(minutes.name or "").suffix.lower()
    size = getattr(minutes, "size", 0) or 0
    if suffix not in MINUTES_EXTENSIONS or size > MINUTES_MAX_BYTES:
        return [_("会议记录附件只能是PDF、OFD、Word、WPS或图片文件，且不超过20MB。")]
    if isinstance(minutes, UploadedFile):  # a stored file was checked when it came in
        try:
            uploads.check_uploaded_file(minutes, MINUTES_EXTENSIONS, max_bytes=MINUTES_MAX_BYTES)
        except uploads.UploadRefused as exc:
            return [str(exc)]
    return []


def _meeting_rule_errors(org: Org, values: dict, today: dt.date, purposes: list[str]) -> dict[str, list[str]]:
    kind = values["kind"]
    if kind not in rules.DECISION_KINDS:  # no votes here: the counts of voting members are not kept
        values.update(expected_voters=0, present_voters=0, written_opinions=0)
    errors = rules.meeting_errors(
        org=org,
        kind=kind,
        held_on=values["held_on"],
        expected=values["expected_voters"],
        present=values["present_voters"],
        written_opinions=values["written_opinions"],
        today=today,
    )
    if problems := rules.purpose_errors(org=org, kind=kind, purposes=purposes):
        errors.setdefault("purposes", []).extend(problems)
    lecture = MeetingKind.PARTY_LECTURE in {kind, *purposes}
    if not lecture and ((values.get("lecturer") or "").strip() or values.get("lecturer_is_secretary")):
        errors.setdefault("lecturer", []).append(_("只有党课（或同时作为党课的会议）填写授课人。"))
    if values.get("lecturer_is_secretary") and not (values.get("lecturer") or "").strip():
        errors.setdefault("lecturer", []).append(_("请填写授课人。"))
    return errors


def _clean_purposes(kind: str, purposes) -> list[str]:
    return sorted({str(p) for p in (purposes or ()) if p and p != kind})


def _save_purposes(meeting: Meeting, purposes: list[str]) -> None:
    meeting.purposes.exclude(kind__in=purposes).delete()
    copied = {"org_id": meeting.org_id, "held_on": meeting.held_on, "held_month": meeting.held_month}
    meeting.purposes.update(**copied)  # the date may have been corrected
    have = set(meeting.purposes.values_list("kind", flat=True))
    MeetingPurpose.objects.bulk_create(
        [MeetingPurpose(meeting=meeting, kind=k, **copied) for k in purposes if k not in have]
    )


@transaction.atomic
def meeting_record(
    *,
    actor,
    org: Org,
    kind: str,
    held_on: dt.date,
    expected_voters: int | None = None,
    present_voters: int | None = None,
    written_opinions: int = 0,
    online: bool = False,
    title: str = "",
    topic: str = "",
    place: str = "",
    chair: str = "",
    lecturer: str = "",
    lecturer_is_secretary: bool = False,
    purposes: list[str] | tuple[str, ...] = (),
    notes: str = "",
    minutes=None,
) -> Meeting:
    """Record a meeting held by `org`. Its resolutions are added one by one (resolution_record),
    its attendance list at once (attendance_record).

    The counts of voting members are kept only for the meetings that decide (支委会, 党员大会,
    党委会, 党总支委员会); `purposes` are the further kinds of branch life the meeting served as."""
    org = Org.objects.get(pk=org.pk)  # the caller's instance may be stale
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, _("您无权为该党组织记录会议。"))
    values = dict(
        kind=kind, held_on=held_on, expected_voters=expected_voters, present_voters=present_voters,
        written_opinions=written_opinions or 0, title=title, topic=topic, place=place, chair=chair,
        lecturer=lecturer, lecturer_is_secretary=bool(lecturer_is_secretary), notes=notes,
    )  # fmt: skip
    purposes = _clean_purposes(kind, purposes)
    errors = _meeting_rule_errors(org, values, timezone.localdate(), purposes)
    _clean_texts(values, errors)
    if problems := _minutes_errors(minutes):
        errors.setdefault("minutes", []).extend(problems)
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        org=org, online=bool(online), created_by=actor if actor is not None and actor.pk else None, **values
    )
    if minutes:
        meeting.minutes = minutes
    meeting.save()
    _save_purposes(meeting, purposes)
    record_change(actor=actor, action=ChangeAction.CREATE, obj=meeting, after=_meeting_snapshot(meeting))
    tally.refresh([org.pk])
    hooks.meetings_changed(org.pk)
    return meeting


def _resolution_vote_errors(meeting: Meeting, values: dict) -> dict[str, list[str]]:
    return rules.vote_errors(
        kind=meeting.kind,
        present=meeting.present_voters,
        written_opinions=meeting.written_opinions,
        yes=values["yes"],
        no=values["no"],
        abstain=values["abstain"],
        written_yes=values["written_yes"],
        written_no=values["written_no"],
        written_abstain=values["written_abstain"],
    )


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **changes) -> Meeting:
    """Correct a meeting record. Its resolutions must still fit the corrected attendance and kind.

    `minutes`: a new file replaces the attachment, False removes it, None leaves it as it is.
    Once an attendance list is taken, the counts of voting members follow it (attendance_record).
    """
    return _meeting_update(actor=actor, meeting=meeting, changes=changes, from_attendance=False)


def _meeting_update(*, actor, meeting: Meeting, changes: dict, from_attendance: bool) -> Meeting:
    unknown = set(changes) - MEETING_EDITABLE
    if unknown:
        raise ValidationError(
            _("不能直接修改这些字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))}
        )
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, meeting.org, _("您无权修改该会议记录。"))
    before = _meeting_snapshot(meeting)
    minutes = changes.pop("minutes", None)
    purposes = changes.pop("purposes", None)
    values = {f: getattr(meeting, f) for f in MEETING_EDITABLE - {"minutes", "purposes"}}
    values.update(changes)
    if purposes is None:
        purposes = list(meeting.purposes.values_list("kind", flat=True))
    purposes = _clean_purposes(values["kind"], purposes)
    if values.get("written_opinions") is None:
        values["written_opinions"] = 0
    errors = _meeting_rule_errors(meeting.org, values, timezone.localdate(), purposes)
    if not errors and meeting.attendance.exists() and values["kind"] in rules.DECISION_KINDS:
        derived = _attendance_counts(meeting)
        if (values["expected_voters"], values["present_voters"]) != derived and not from_attendance:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _(
                    "已登记到会名单：应到、实到有表决权人数由名单计算（应到%(expected)d人，实到%(present)d人），请更正到会名单。"
                )
                % {"expected": derived[0], "present": derived[1]}
            )
    _clean_texts(values, errors)
    if minutes and (problems := _minutes_errors(minutes)):
        errors.setdefault("minutes", []).extend(problems)
    if not errors:
        probe = Meeting(org=meeting.org, **values)
        for resolution in meeting.resolutions.select_related("person"):
            problems = [
                m for ms in _resolution_vote_errors(probe, _votes_of(resolution)).values() for m in ms
            ]
            if values["kind"] != meeting.kind:
                problems += rules.motion_kind_errors(
                    motion=resolution.motion, meeting_kind=values["kind"], org=meeting.org
                )
            for problem in problems:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    _("已记录的决议（%(resolution)s）与修改后的会议记录不符：%(problem)s")
                    % {"resolution": str(resolution), "problem": problem}
                )
    if errors:
        raise ValidationError(errors)
    cadence_before = (meeting.kind, meeting.held_on, meeting.lecturer_is_secretary)
    for key, value in values.items():
        setattr(meeting, key, value)
    meeting.online = bool(meeting.online)
    meeting.lecturer_is_secretary = bool(meeting.lecturer_is_secretary)
    if minutes is False:
        meeting.minutes = None
    elif minutes:
        meeting.minutes = minutes
    meeting.save()
    _save_purposes(meeting, purposes)
    after = _meeting_snapshot(meeting)
    if from_attendance:  # the attendance list records one change for both
        return meeting
    if after != before:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=meeting, before=before, after=after)
        if cadence_before != (values["kind"], values["held_on"], values["lecturer_is_secretary"]) or (
            before.get(PURPOSE_KEY) != after.get(PURPOSE_KEY)
        ):
            tally.refresh([meeting.org_id])
            hooks.meetings_changed(meeting.org_id)
    return meeting


def _votes_of(resolution: Resolution) -> dict:
    return {
        f: getattr(resolution, f)
        for f in ("yes", "no", "abstain", "written_yes", "written_no", "written_abstain")
    }


@transaction.atomic
def resolution_record(
    *,
    actor,
    meeting: Meeting,
    person: Person,
    motion: str,
    yes: int | None = None,
    no: int | None = None,
    abstain: int | None = None,
    written_yes: int = 0,
    written_no: int = 0,
    written_abstain: int = 0,
    opinion: str = "",
    secret_ballot: bool = True,
    frontline_exception: bool = False,
) -> Resolution:
    """Record one motion about one person at `meeting` (逐个讨论、逐个表决).

    Votes are required at the meetings that vote (支委会, 支部党员大会, 党委会). A failing vote is
    recorded like any other; it just does not pass. `frontline_exception` (火线入党, RULES.md §6.2)
    lets a temporary org decide admissions, and frees the person from the meeting org's subtree.
    """
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)
    person = Person.objects.select_related("org").get(pk=person.pk)
    org = meeting.org
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, _("您无权在该会议上记录决议。"))
        if (org.is_temporary or frontline_exception) and not scope.can(actor, Action.VIEW, person.org):
            raise PermissionDenied(_("该人员不在您的管理范围内，不能为其记录决议。"))
    values = dict(
        yes=yes, no=no, abstain=abstain, written_yes=written_yes, written_no=written_no,
        written_abstain=written_abstain,
    )  # fmt: skip
    errors: dict[str, list[str]] = {}
    if not org.is_active:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("“%(name)s”已撤销，不能再记录决议。") % {"name": org.name}
        )
    if not person.is_active:
        errors.setdefault("person", []).append(_("该人员已减少（不在册），不能再记录决议。"))
    problems = rules.motion_errors(
        motion=motion, meeting_kind=meeting.kind, org=org, person_name=person.name, person_org=person.org,
        frontline_exception=frontline_exception,
    )  # fmt: skip
    if problems:
        errors.setdefault("motion", []).extend(problems)
    elif Resolution.objects.filter(meeting=meeting, person=person, motion=motion).exists():
        errors.setdefault("motion", []).append(
            _("该会议已就“%(person)s”的“%(motion)s”记录过决议：逐个表决，每人每项只记录一次。")
            % {"person": person.name, "motion": Resolution.Motion(motion).label}
        )
    if not problems:  # votes at a meeting that may not decide this are moot
        _merge(errors, _resolution_vote_errors(meeting, values))
    if errors:
        raise ValidationError(errors)
    resolution = Resolution.objects.create(
        meeting=meeting, person=person, motion=motion, opinion=(opinion or "").strip(),
        secret_ballot=bool(secret_ballot), **values,
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=resolution, after=_resolution_snapshot(resolution),
        message=_frontline_note(frontline_exception),
    )  # fmt: skip
    return resolution


def _frontline_note(frontline_exception: bool) -> str:
    return FRONTLINE_NOTE if frontline_exception else ""


@transaction.atomic
def resolution_update(*, actor, resolution: Resolution, **changes) -> Resolution:
    """Correct the votes or the opinion of a resolution. The person and the motion stay."""
    unknown = set(changes) - RESOLUTION_EDITABLE
    if unknown:
        raise ValidationError(
            _("不能直接修改这些字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))}
        )
    resolution = (
        Resolution.objects.select_for_update(of=("self",))
        .select_related("meeting__org", "person")
        .get(pk=resolution.pk)
    )
    meeting = resolution.meeting
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, meeting.org, _("您无权修改该会议的决议。"))
    before = _resolution_snapshot(resolution)
    values = _votes_of(resolution)
    values.update({k: v for k, v in changes.items() if k in values})
    errors = _resolution_vote_errors(meeting, values)
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        setattr(resolution, key, value)
    if "opinion" in changes:
        resolution.opinion = (changes["opinion"] or "").strip()
    if "secret_ballot" in changes:
        resolution.secret_ballot = bool(changes["secret_ballot"])
    resolution.save()
    after = _resolution_snapshot(resolution)
    if after != before:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=resolution, before=before, after=after)
    return resolution


@transaction.atomic
def resolution_delete(*, actor, resolution: Resolution) -> None:
    """Remove a resolution entered by mistake (recorded in the change log with its content)."""
    resolution = Resolution.objects.select_related("meeting__org", "person").get(pk=resolution.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, resolution.meeting.org, _("您无权删除该会议的决议。"))
    record_change(
        actor=actor, action=ChangeAction.DELETE, obj=resolution, before=_resolution_snapshot(resolution)
    )
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=resolution.meeting,
        before={RESOLUTION_KEY: str(resolution)}, after={RESOLUTION_KEY: None}, message=DELETED_NOTE,
    )  # fmt: skip
    try:
        resolution.delete()
    except ProtectedError as exc:
        raise ValidationError(_("该决议已被其他记录引用（如发展纪实），不能删除。")) from exc


# --- the attendance list ---------------------------------------------------------------------------


def _attendance_counts(meeting: Meeting) -> tuple[int, int]:
    rows = list(meeting.attendance.filter(is_voter=True).values_list("status", flat=True))
    return len(rows), sum(1 for s in rows if s == AttendanceStatus.PRESENT)


def _attendance_snapshot(meeting: Meeting) -> dict:
    counts = {s: 0 for s in AttendanceStatus.values}
    for status in meeting.attendance.values_list("status", flat=True):
        counts[status] += 1
    return {ATTENDANCE_KEY: "，".join(f"{AttendanceStatus(s).label}{n}" for s, n in counts.items())}


@transaction.atomic
def attendance_record(
    *,
    actor,
    meeting: Meeting,
    entries: list[tuple[int, str, str]],
    written_opinions: int | None = None,
) -> Meeting:
    """Take (or correct) a meeting's attendance list at once: (person id, status, reason) per person.

    Whether someone votes is judged on the meeting's date (正式党员 vote, 预备党员 do not). For a
    meeting that decides, the counts of voting members expected and present come from the list, so
    the quorum follows it; the resolutions already recorded must still fit the new counts.
    """
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("org").get(pk=meeting.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, meeting.org, _("您无权为该会议登记到会情况。"))
    entries = [(int(pid), str(status or ""), (reason or "").strip()) for pid, status, reason in entries]
    people = roster_module.eligible(meeting.org, meeting.kind, meeting.held_on, (e[0] for e in entries))
    problems = rules.roster_errors(
        entries=entries, eligible={pk: p.name for pk, p in people.items()}, statuses=AttendanceStatus.values
    )
    if not entries:
        problems.append(_("到会名单为空：请至少登记一人。"))
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})
    from dangjian.people.membership import full_member_on

    before = {**_attendance_snapshot(meeting), **_counts_snapshot(meeting)}
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting, person_id=pid, status=status,
                reason=reason if status != AttendanceStatus.PRESENT else "",
                is_voter=full_member_on(people[pid], meeting.held_on),
            )
            for pid, status, reason in entries
        ]
    )  # fmt: skip
    statuses = [status for _pid, status, _reason in entries]
    Meeting.objects.filter(pk=meeting.pk).update(
        listed_count=len(statuses), present_count=statuses.count(AttendanceStatus.PRESENT)
    )
    meeting.refresh_from_db(fields=["listed_count", "present_count"])
    tally.refresh([meeting.org_id])
    if meeting.kind in rules.DECISION_KINDS:
        expected, present = _attendance_counts(meeting)
        changes = {"expected_voters": expected, "present_voters": present}
        if written_opinions is not None:
            changes["written_opinions"] = written_opinions
        meeting = _meeting_update(actor=actor, meeting=meeting, changes=changes, from_attendance=True)
    after = {**_attendance_snapshot(meeting), **_counts_snapshot(meeting)}
    record_change(actor=actor, action=ChangeAction.UPDATE, obj=meeting, before=before, after=after)
    return meeting


def _counts_snapshot(meeting: Meeting) -> dict:
    if meeting.kind not in rules.DECISION_KINDS:
        return {}
    return snapshot(meeting, ("expected_voters", "present_voters", "written_opinions"))


# --- many meetings at once (demo data, imports) -----------------------------------------------------


MEETING_COLUMNS = (
    "org_id", "kind", "held_on", "title", "topic", "place", "lecturer", "lecturer_is_secretary", "expected_voters",
    "present_voters", "written_opinions", "online", "chair", "minutes", "notes", "created_by_id", "created_at",
    "listed_count", "present_count", "held_month",
)  # fmt: skip


def meetings_bulk_record(*, actor, meetings: list[dict], log_message: str) -> int:
    """Record many meetings with their purposes and attendance lists at once, all or nothing.

    Each dict: org (Org), kind, held_on, and optionally title, topic, place, chair, lecturer,
    lecturer_is_secretary, purposes [kind…], attendance [(person id, status, reason, is_voter)].
    The rules of a single meeting are checked on every row (the kind fits the org, the purposes
    fit the kind, the date is not in the future, a leave has a reason); a meeting that decides gets
    its voting counts from its list. One change-log entry names the batch.
    """
    from dangjian.audit import ledger
    from dangjian.base.bulk import insert_values

    today = timezone.localdate()
    problems: list[str] = []
    rows = []
    for i, spec in enumerate(meetings, start=1):
        org, kind, purposes = spec["org"], spec["kind"], _clean_purposes(spec["kind"], spec.get("purposes"))
        attendance = spec.get("attendance") or []
        voters = [a for a in attendance if a[3]]
        values = {
            "kind": kind, "held_on": spec["held_on"], "lecturer": spec.get("lecturer", ""),
            "lecturer_is_secretary": bool(spec.get("lecturer_is_secretary")),
            "expected_voters": len(voters), "present_voters": sum(1 for a in voters if a[1] == AttendanceStatus.PRESENT),
            "written_opinions": 0,
        }  # fmt: skip
        errors = _meeting_rule_errors(org, values, today, purposes)
        entry_problems = rules.roster_errors(
            entries=[(a[0], a[1], a[2]) for a in attendance], eligible={a[0]: str(a[0]) for a in attendance},
            statuses=STATUSES,
        )  # fmt: skip
        for message in [m for ms in errors.values() for m in ms] + entry_problems:
            problems.append(_("第%(n)d条会议：%(message)s") % {"n": i, "message": message})
        rows.append((spec, values, purposes, attendance))
        if len(problems) > 20:
            break
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        # Loaded by one writer (the demo, an import): the rows inserted after the highest id so far
        # are this batch's, in insertion order.
        last = Meeting.objects.aggregate(last=Max("id"))["last"] or 0
        creator = actor.pk if actor is not None and actor.pk else None
        now = Meeting._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
        insert_values(
            Meeting, MEETING_COLUMNS,
            [
                (spec["org"].pk, values["kind"], values["held_on"], spec.get("title", ""), spec.get("topic", ""),
                 spec.get("place", ""), values["lecturer"], values["lecturer_is_secretary"], values["expected_voters"],
                 values["present_voters"], values["written_opinions"], bool(spec.get("online")), spec.get("chair", ""),
                 "", spec.get("notes", ""), creator, now, len(entries),
                 sum(1 for e in entries if e[1] == AttendanceStatus.PRESENT), month_number(values["held_on"]))
                for spec, values, _purposes, entries in rows
            ],
        )  # fmt: skip
        ids = list(Meeting.objects.filter(id__gt=last).order_by("id").values_list("id", flat=True))
        if len(ids) != len(rows):
            raise RuntimeError("meetings_bulk_record needs to be the only writer of meetings while it runs")
        ledger.seal_rows(model=Meeting, pks=ids)
        insert_values(
            MeetingPurpose, ("meeting_id", "kind", "org_id", "held_on", "held_month"),
            [(pk, k, spec["org"].pk, values["held_on"], month_number(values["held_on"]))
             for pk, (spec, values, kinds, _a) in zip(ids, rows, strict=True) for k in kinds],
        )  # fmt: skip
        attendance = [
            (pk, pid, status, reason, voter)
            for pk, (_s, _v, _k, entries) in zip(ids, rows, strict=True)
            for pid, status, reason, voter in entries
        ]
        insert_values(Attendance, ("meeting_id", "person_id", "status", "reason", "is_voter"), attendance)
        tally.refresh({spec["org"].pk for spec, _v, _k, _a in rows})
        if ids:
            record_change(
                actor=actor, action=ChangeAction.CREATE, obj=Meeting.objects.get(pk=ids[0]),
                after={ATTENDANCE_KEY: f"{len(ids)}次会议，{len(attendance)}人次"}, message=log_message,
            )  # fmt: skip
    return len(ids)
