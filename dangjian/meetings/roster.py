"""Who is on a meeting's attendance list, and who of them has a vote (RULES.md §7.1).

- A meeting of all the members (党员大会, 党小组会, 党课, 主题党日, 组织生活会): every party
  member of the org and the orgs below it on the meeting's date. 正式党员 vote; 预备党员 attend
  without a vote.
- A committee meeting (支委会, 党委会, 党总支委员会): the committee elected for that date, as the
  app that keeps committees reports it; without a recorded committee, the org's full members, so
  the secretary can still take the list and mark the others absent.
- A temporary org's meeting: the members seconded to it on that date, as the mobilization app
  reports them (their home org does not change).

Members seconded to a temporary org are on their home branch's list too: they are shown as on leave,
with the temporary org named, because they take part in its branch life meanwhile.

The apps that know committees and secondments are above this one, so they register their answers
here (`register_*`) instead of being imported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dangjian.meetings import rules
from dangjian.meetings.choices import MeetingKind
from dangjian.orgs.models import Org, subtree_q
from dangjian.people.membership import full_member_on, member_on_q
from dangjian.people.models import Person

CommitteeSource = Callable[[Org, dt.date], "list[int] | None"]
TemporarySource = Callable[[Org, dt.date], "list[int]"]
AwaySource = Callable[["Iterable[int]", dt.date], "dict[int, str]"]

_committee_sources: list[CommitteeSource] = []
_temporary_sources: list[TemporarySource] = []
_away_sources: list[AwaySource] = []


def _add(registry: list, fn) -> None:
    if fn not in registry:  # ready() may run more than once in tests
        registry.append(fn)


def register_committee_source(fn: CommitteeSource) -> None:
    """fn(org, day) → ids of the committee members on `day`, or None when no committee is recorded."""
    _add(_committee_sources, fn)


def register_temporary_source(fn: TemporarySource) -> None:
    """fn(temporary org, day) → ids of the members seconded to it on `day`."""
    _add(_temporary_sources, fn)


def register_away_source(fn: AwaySource) -> None:
    """fn(person ids, day) → {id: why they take part in another org's life on `day`}."""
    _add(_away_sources, fn)


@dataclass(frozen=True)
class RosterRow:
    person: Person
    is_voter: bool
    status: str  # the suggested status: present, or leave for someone seconded elsewhere
    reason: str


def committee_member_ids(org: Org, day: dt.date) -> list[int] | None:
    for source in _committee_sources:
        ids = source(org, day)
        if ids is not None:
            return ids
    return None


def _people(meeting_org: Org, kind: str, day: dt.date) -> tuple[list[Person], str]:
    base = Person.objects.select_related("org")
    if meeting_org.is_temporary:
        ids = [pid for source in _temporary_sources for pid in source(meeting_org, day)]
        return list(base.filter(pk__in=ids)), ""
    members = base.filter(member_on_q(day)).filter(subtree_q(meeting_org.path, "org__path"))
    if kind in rules.COMMITTEE_MEETING_KINDS:
        ids = committee_member_ids(meeting_org, day)
        if ids is not None:
            return list(base.filter(pk__in=ids)), ""
        full = [p for p in members.filter(org=meeting_org) if full_member_on(p, day)]
        return full, _(
            "尚未登记本组织的委员会，名单暂列本组织全体正式党员，请将非委员标为缺席或删去后再登记委员会。"
        )
    return list(members), ""


def roster(meeting_org: Org, kind: str, day: dt.date) -> tuple[list[RosterRow], str]:
    """The suggested attendance list of a meeting, in name order, and a note when it is a stand-in."""
    people, note = _people(meeting_org, kind, day)
    away: dict[int, str] = {}
    if not meeting_org.is_temporary:
        for source in _away_sources:
            away.update(source([p.pk for p in people], day))
    people.sort(key=lambda p: (p.name_sort_key, p.pk))
    # A 谈心谈话 is between a few people: nobody is on its list until chosen.
    few = kind == MeetingKind.HEART_TALK
    rows = [
        RosterRow(
            person=p,
            is_voter=full_member_on(p, day),
            status="" if few else "leave" if p.pk in away else "present",
            reason="" if few else away.get(p.pk, ""),
        )
        for p in people
    ]
    return rows, note


def eligible(meeting_org: Org, kind: str, day: dt.date, ids: Iterable[int]) -> dict[int, Person]:
    """Of `ids`, those who may be on this meeting's list: members of the org's subtree on the day
    (any member for a committee meeting, since a committee may co-opt), or those seconded to a
    temporary org."""
    ids = set(ids)
    if meeting_org.is_temporary:
        allowed = {pid for source in _temporary_sources for pid in source(meeting_org, day)}
        ids &= allowed
        return {p.pk: p for p in Person.objects.filter(pk__in=ids)}
    qs = Person.objects.filter(pk__in=ids).filter(member_on_q(day))
    qs = qs.filter(subtree_q(meeting_org.path, "org__path"))
    return {p.pk: p for p in qs}
