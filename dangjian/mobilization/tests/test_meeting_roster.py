"""Secondments and attendance lists: a temporary org's meeting lists its seconded members, and the
home branch's meeting suggests them as on leave, naming the temporary org."""

from __future__ import annotations

from dangjian.meetings import roster
from dangjian.meetings.models import MeetingKind
from dangjian.mobilization import services
from dangjian.mobilization.tests.conftest import _temp_branch


def test_seconded_members_on_both_lists(world, flood):
    link = _temp_branch(world, flood)
    member = world.people["other_branch"]
    services.secondment_add(
        actor=world.organizer, temporary_org=link, person=member, joined_on=flood.starts_on
    )
    day = flood.starts_on
    temp_rows, _ = roster.roster(link.org, MeetingKind.THEMED_DAY, day)
    assert member.pk in {r.person.pk for r in temp_rows}
    home_rows, _ = roster.roster(world.branch_a1_2, MeetingKind.THEMED_DAY, day)
    row = next(r for r in home_rows if r.person.pk == member.pk)
    assert row.status == "leave" and link.org.name in row.reason
    # Before the secondment began they were simply expected at home.
    before = flood.starts_on.replace(year=flood.starts_on.year - 1)
    earlier, _ = roster.roster(world.branch_a1_2, MeetingKind.THEMED_DAY, before)
    assert all(r.status == "present" for r in earlier if r.person.pk == member.pk)
