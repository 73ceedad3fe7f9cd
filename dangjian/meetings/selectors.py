"""Reads of the meeting records, always through the acting user's scope."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeRecord
from dangjian.meetings import roster
from dangjian.meetings.models import Attendance, Meeting, MeetingPurpose, Resolution
from dangjian.orgs.models import Org, subtree_q
from dangjian.people.models import Person


def meetings_for(
    user,
    org: Org | None = None,
    *,
    include_subtree: bool = False,
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Meeting]:
    """Meetings the user may see, newest first; of `org` only (or its whole subtree); of one kind
    (counting the meetings that also served as it) and within [start, end] when given."""
    qs = Meeting.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path")) if include_subtree else qs.filter(org=org)
    if kind:
        qs = qs.filter(Q(kind=kind) | Q(pk__in=MeetingPurpose.objects.filter(kind=kind).values("meeting_id")))
    if start is not None:
        qs = qs.filter(held_on__gte=start)
    if end is not None:
        qs = qs.filter(held_on__lte=end)
    return (
        qs.select_related("org")
        .annotate(
            resolution_count=Count("resolutions", distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def get_meeting_for_user(user, pk, action: str = Action.VIEW) -> Meeting:
    """404 outside the view scope (the caller cannot learn it exists), 403 without the right."""
    meeting = meetings_for(user).select_related("created_by").filter(pk=pk).first()
    if meeting is None:
        raise Http404("会议记录不存在或不在您的管理范围内。")
    if action != Action.VIEW and not scope.can(user, action, meeting.org):
        raise PermissionDenied("您对该会议记录没有此项操作权限。")
    return meeting


def resolutions_of(meeting: Meeting) -> QuerySet[Resolution]:
    """The meeting's resolutions with their people, in the order they were recorded.

    Through the related manager, so every resolution shares `meeting` (no query per row).
    """
    return meeting.resolutions.select_related("person").order_by("id")


def resolutions_for_person(user, person: Person) -> QuerySet[Resolution]:
    """Every resolution about `person`, oldest first, if the user may see the person.

    This includes the approvals by a 党委会 above the user's scope: the outcome about a person in
    scope is part of that person's file.
    """
    if not scope.can(user, Action.VIEW, person.org):
        return Resolution.objects.none()
    return (
        Resolution.objects.filter(person=person)
        .select_related("meeting", "meeting__org")
        .order_by("meeting__held_on", "id")
    )


def meeting_history(meeting: Meeting, resolution_ids: list[int] | None = None) -> QuerySet[ChangeRecord]:
    """The change log of the meeting and of its current resolutions (a deletion is logged on both)."""
    ids = (
        resolution_ids
        if resolution_ids is not None
        else list(meeting.resolutions.values_list("pk", flat=True))
    )
    return ChangeRecord.objects.filter(
        Q(object_type="meetings.meeting", object_id=meeting.pk)
        | Q(object_type="meetings.resolution", object_id__in=ids)
    ).select_related("actor")


def people_for_resolution(user, meeting: Meeting) -> QuerySet[Person]:
    """The people a resolution at `meeting` may be about: active, not yet full members.

    Normally the meeting org's subtree; for a temporary org (whose members keep their home org),
    everyone in the user's scope.
    """
    qs = scope.people_for(user, Action.CHANGE_PERSON).filter(reduction="").exclude(standing="full")
    if not meeting.org.is_temporary:
        qs = qs.filter(subtree_q(meeting.org.path, "org__path"))
    return qs.order_by("name_sort_key", "id")


def attendance_of(meeting: Meeting) -> list[Attendance]:
    """The meeting's attendance list with its people, in name order."""
    return list(meeting.attendance.select_related("person").order_by("person__name_sort_key", "person_id"))


def attendance_rows(meeting: Meeting) -> tuple[list[dict], str]:
    """The rows of the attendance form: the list already taken, else the roster of the meeting's date
    (with anyone on the taken list who has since left the roster kept)."""
    taken = {a.person_id: a for a in attendance_of(meeting)}
    already = bool(taken)
    suggested, note = roster.roster(meeting.org, meeting.kind, meeting.held_on)
    rows = []
    for row in suggested:
        done = taken.pop(row.person.pk, None)
        rows.append(
            {
                "person": row.person, "is_voter": done.is_voter if done else row.is_voter,
                "status": done.status if done else ("" if already else row.status),
                "reason": done.reason if done else row.reason,
            }
        )  # fmt: skip
    for done in taken.values():
        rows.append(
            {"person": done.person, "is_voter": done.is_voter, "status": done.status, "reason": done.reason}
        )
    return rows, "" if already else note
