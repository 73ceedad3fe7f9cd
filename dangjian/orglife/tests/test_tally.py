"""The months tally (meetings.MeetingTally) stays equal to a recount after any series of meeting writes,
and the cadence figures read from it equal the figures counted from the meetings themselves."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangjian.meetings import tally
from dangjian.meetings.models import Meeting, MeetingKind, MeetingTally
from dangjian.meetings.services import attendance_record, meeting_record, meeting_update, meetings_bulk_record
from dangjian.orglife import figures
from dangjian.people.models import Person

K = MeetingKind
TODAY = dt.date(2026, 12, 7)
KINDS = (K.BRANCH_GENERAL, K.BRANCH_COMMITTEE, K.THEMED_DAY, K.PARTY_LECTURE, K.LIFE_MEETING, K.PARTY_GROUP)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        yield


def _spec(rng: random.Random) -> dict:
    kind = rng.choice(KINDS)
    purposes = rng.sample([k for k in KINDS if k != kind], k=rng.choice((0, 0, 1, 2)))
    lecture = K.PARTY_LECTURE in {kind, *purposes}
    by_secretary = lecture and rng.random() < 0.5
    spec = {
        "kind": kind,
        "held_on": dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 700)),
        "purposes": purposes,
        "lecturer": "张书记" if by_secretary else ("李老师" if lecture and rng.random() < 0.5 else ""),
        "lecturer_is_secretary": by_secretary,
    }
    if kind in (K.BRANCH_GENERAL, K.BRANCH_COMMITTEE):
        spec.update(expected_voters=5, present_voters=5)
    return spec


def _fast_and_slow(org, start, end):
    """The figures from the tally (whole months) and from the meetings themselves."""
    fast = figures.cadence_figures(figures.subtree_orgs(org), start, end, TODAY, root=org)
    slow = figures.cadence_figures(figures.subtree_orgs(org), start, end, TODAY, root=org, with_missing=True)
    return (
        [(f.cadence.key, f.expected, f.held) for f in fast],
        figures.meetings_by_kind(org, start, end, TODAY),
        figures.attendance(org, start, end, today=TODAY),
    ), (
        [(f.cadence.key, f.expected, f.held) for f in slow],
        figures.meetings_by_kind(org, start, end),
        figures.attendance(org, start, end),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_tally_equals_a_recount_after_any_series_of_writes(world, seed):
    rng = random.Random(seed)
    orgs = [world.branch_a1_1, world.branch_a1_2, world.group_a1_1_1]
    recorded = 0
    for _step in range(30):
        meetings = list(Meeting.objects.filter(org__in=orgs))
        if meetings and rng.random() < 0.4:
            meeting = rng.choice(meetings)
            change = _spec(rng)
            if rng.random() < 0.5:
                change = {"held_on": change["held_on"]}
            with contextlib.suppress(ValidationError):  # a change that breaks a rule is refused
                meeting_update(actor=None, meeting=meeting, **change)
        elif meetings and rng.random() < 0.3:
            meeting = rng.choice(meetings)
            people = list(Person.objects.filter(org=meeting.org_id).values_list("pk", flat=True))
            with contextlib.suppress(ValidationError):
                attendance_record(
                    actor=None, meeting=meeting,
                    entries=[(pk, rng.choice(("present", "present", "absent")), "") for pk in people],
                )  # fmt: skip
        else:
            try:
                meeting_record(actor=None, org=rng.choice(orgs), **_spec(rng))
                recorded += 1
            except ValidationError:
                pass
        assert tally.differences() == []
    assert recorded > 5
    for start, end in (
        (dt.date(2025, 1, 1), TODAY),
        (dt.date(2025, 3, 1), dt.date(2026, 5, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 9, 30)),
        (dt.date(2025, 7, 1), dt.date(2025, 12, 31)),
    ):
        fast, slow = _fast_and_slow(world.town_a1, start, end)
        assert fast == slow, (start, end)
    fast, _slow = _fast_and_slow(world.town_a1, dt.date(2025, 1, 1), TODAY)
    assert any(held for _key, _expected, held in fast[0]) and fast[1] and fast[2][1] > 0


def test_the_months_of_a_meeting_and_its_purposes(world):
    meeting_record(
        actor=None, org=world.branch_a1_1, kind=K.THEMED_DAY, held_on=dt.date(2026, 3, 5),
        purposes=[K.PARTY_LECTURE], lecturer="张书记", lecturer_is_secretary=True,
    )  # fmt: skip
    meeting_record(actor=None, org=world.branch_a1_1, kind=K.THEMED_DAY, held_on=dt.date(2026, 5, 5))
    rows = {
        kind: (months, by_secretary)
        for kind, months, by_secretary in MeetingTally.objects.filter(
            org=world.branch_a1_1, year=2026
        ).values_list("kind", "months", "secretary_months")
    }
    assert rows == {K.THEMED_DAY: (0b10100, 0b100), K.PARTY_LECTURE: (0b100, 0b100)}
    meeting = Meeting.objects.get(held_on=dt.date(2026, 5, 5))
    meeting_update(actor=None, meeting=meeting, held_on=dt.date(2025, 12, 30))
    assert MeetingTally.objects.get(org=world.branch_a1_1, year=2026, kind=K.THEMED_DAY).months == 0b100
    assert MeetingTally.objects.get(org=world.branch_a1_1, year=2025, kind=K.THEMED_DAY).months == 1 << 11


def test_a_bulk_load_keeps_the_tally(world):
    meetings_bulk_record(
        actor=None,
        meetings=[
            {
                "org": world.branch_a1_2,
                "kind": K.THEMED_DAY,
                "held_on": dt.date(2026, m, 8),
                "purposes": [K.PARTY_LECTURE],
            }
            for m in (1, 2, 7)
        ],
        log_message="测试",
    )
    assert tally.differences() == []
    assert (
        MeetingTally.objects.get(org=world.branch_a1_2, year=2026, kind=K.PARTY_LECTURE).months == 0b1000011
    )
    MeetingTally.objects.all().delete()
    assert tally.differences()
    tally.rebuild()
    assert tally.differences() == []


def test_a_range_of_part_months_is_counted_from_the_meetings(world):
    """Mid-month dates fall back to the meetings themselves: a meeting on the 3rd is not in a range
    from the 10th."""
    meeting_record(actor=None, org=world.branch_a1_1, kind=K.THEMED_DAY, held_on=dt.date(2026, 3, 3))
    meeting_record(actor=None, org=world.branch_a1_1, kind=K.THEMED_DAY, held_on=dt.date(2026, 4, 20))
    cadences = figures.cadence_figures(
        figures.subtree_orgs(world.town_a1),
        dt.date(2026, 3, 10),
        dt.date(2026, 4, 30),
        TODAY,
        root=world.town_a1,
    )
    themed = next(f for f in cadences if f.cadence.key == "themed")
    assert themed.held == 1
