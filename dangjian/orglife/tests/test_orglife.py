"""Branch life: committees and 换届, the cadence reminders in the due list, branch size, figures."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.conftest import make_person
from dangjian.development import due
from dangjian.development.models import DueItem, DueKind, DueStatus
from dangjian.development.rulesets import ruleset_create
from dangjian.meetings import roster
from dangjian.meetings.models import MeetingKind
from dangjian.meetings.services import attendance_record, meeting_record
from dangjian.orglife import figures
from dangjian.orglife.cadence import period_of, periods_in
from dangjian.orglife.models import Committee
from dangjian.orglife.services import committee_delete, committee_elect

K = MeetingKind
TODAY = dt.date(2026, 12, 7)
NAMES = "甲乙丙丁戊己庚辛壬癸"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def seven(world):
    """The first branch with 8 full members (曾小芳 and seven more): a 支委会 is expected."""
    for i in range(7):
        make_person(world.branch_a1_1, name=f"赵{NAMES[i]}")
    return world.branch_a1_1


def messages(exc) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "error_dict") else exc.messages


def members_of(org):
    from dangjian.people.models import Person

    return list(Person.objects.filter(org=org, standing="full").order_by("id"))


def elect(world, org, on=dt.date(2024, 3, 1), posts=("secretary", "organization", "propaganda"), **extra):
    people = members_of(org)
    return committee_elect(
        actor=extra.pop("actor", world.secretary), org=org, elected_on=on,
        members=[(people[i], post, extra.pop(f"votes_{i}", None)) for i, post in enumerate(posts)], **extra,
    )  # fmt: skip


# ---- periods ---------------------------------------------------------------------------------------


def test_periods_are_aligned_to_the_calendar():
    assert period_of(dt.date(2026, 5, 17), 1) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert period_of(dt.date(2026, 5, 17), 3) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert period_of(dt.date(2026, 5, 17), 12) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert len(periods_in(dt.date(2026, 1, 1), dt.date(2026, 12, 7), 1)) == 11  # December not over
    assert len(periods_in(dt.date(2026, 1, 1), dt.date(2026, 12, 31), 3)) == 4


# ---- committees ------------------------------------------------------------------------------------


def test_electing_a_committee_ends_the_one_before(world, seven):
    first = elect(world, seven)
    assert first.term_years == 5  # a 社区 branch: 5 years (R-TERM)
    assert first.term_ends_on == dt.date(2029, 3, 1)
    second = elect(world, seven, on=dt.date(2026, 3, 1), posts=("secretary", "deputy", "organization"))
    first.refresh_from_db()
    assert first.ended_on == dt.date(2026, 3, 1) and second.is_current
    # A committee entered by mistake is removed; the one before is current again.
    committee_delete(actor=world.secretary, committee=second)
    first.refresh_from_db()
    assert first.ended_on is None and not Committee.objects.filter(pk=second.pk).exists()


def test_other_orgs_have_three_year_terms(world):
    for i in range(3):
        make_person(world.branch_b_1, name=f"孙{NAMES[i]}")
    committee = elect(world, world.branch_b_1, actor=None)
    assert committee.term_years == 3


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"posts": ("organization", "propaganda")}, "有且只有一名书记，现登记0名"),
        ({"posts": ("secretary", "secretary")}, "有且只有一名书记，现登记2名"),
        ({"on": dt.date(2027, 1, 1)}, "选举日期不能晚于今天"),
        ({"posts": ("secretary",) * 0}, "请至少登记一名委员"),
        ({"term_years": 9}, "任期应为1至5年"),
    ],
)
def test_a_wrong_election_is_refused_and_changes_nothing(world, seven, extra, fragment):
    with pytest.raises(ValidationError) as info:
        elect(world, seven, **extra)
    assert any(fragment in m for m in messages(info.value)), messages(info.value)
    assert not Committee.objects.exists()


def test_only_full_members_on_the_day_are_elected(world, seven):
    probationary = make_person(seven, name="钱新", standing="probationary", admitted_on=dt.date(2024, 1, 1))
    people = members_of(seven)
    with pytest.raises(ValidationError) as info:
        committee_elect(
            actor=None, org=seven, elected_on=dt.date(2024, 3, 1),
            members=[(people[0], "secretary", None), (probationary, "member", None)],
        )  # fmt: skip
    assert "“钱新”在选举日期不是正式党员，不能当选委员。" in messages(info.value)


def test_votes_must_exceed_half_of_those_expected_at_the_election_meeting(world, seven):
    meeting = meeting_record(
        actor=None, org=seven, kind=K.BRANCH_GENERAL, held_on=dt.date(2024, 3, 1), expected_voters=8,
        present_voters=7,
    )  # fmt: skip
    with pytest.raises(ValidationError) as info:
        elect(world, seven, election_meeting=meeting, votes_0=7, votes_1=4, votes_2=6)
    assert any("得4票，未超过应到会有选举权人数8人的半数" in m for m in messages(info.value))
    committee = elect(world, seven, election_meeting=meeting, votes_0=7, votes_1=5, votes_2=6)
    assert committee.election_meeting == meeting


def test_a_branch_secretary_elects_only_in_scope(world):
    for i in range(3):
        make_person(world.branch_a1_2, name=f"孙{NAMES[i]}")
    with pytest.raises(PermissionDenied):
        elect(world, world.branch_a1_2)


def test_the_committee_is_the_roster_of_its_meetings(world, seven):
    committee = elect(world, seven)
    ids = set(committee.members.values_list("person_id", flat=True))
    rows, note = roster.roster(seven, K.BRANCH_COMMITTEE, dt.date(2024, 6, 1))
    assert {r.person.pk for r in rows} == ids and note == ""
    # Before the election there was none recorded: the stand-in list of full members.
    rows, note = roster.roster(seven, K.BRANCH_COMMITTEE, dt.date(2024, 2, 1))
    assert len(rows) == 8 and note


def test_the_org_page_shows_the_secretary_from_the_committee(client, world, seven):
    elect(world, seven)
    client.force_login(world.secretary)
    page = client.get(f"/orgs/{seven.pk}/").content.decode()
    assert 'id="org-secretary">曾小芳<' in page


# ---- reminders -------------------------------------------------------------------------------------


def items(org, kind=DueKind.ORG_LIFE):
    return sorted(DueItem.objects.filter(org=org, kind=kind).values_list("status", "message"))


def test_what_is_not_yet_held_this_period_is_due_and_goes_when_held(world, seven):
    due.refresh(TODAY)
    messages_now = [m for _s, m in items(seven)]
    assert "东城镇第一党支部：2026年12月尚未开展主题党日" in messages_now
    assert "东城镇第一党支部：2026年第4季度尚未开展支部党员大会" in messages_now
    assert "东城镇第一党支部：2026年12月尚未开展支部委员会会议" in messages_now  # 8 full members
    # The second branch has fewer than 7 full members: no 支委会 cadence.
    assert not any("支部委员会会议" in m for _s, m in items(world.branch_a1_2))
    # A 党员大会 held as the month's 主题党日 clears both at once (through the meetings hook).
    meeting_record(
        actor=None, org=seven, kind=K.BRANCH_GENERAL, held_on=dt.date(2026, 12, 3), expected_voters=8,
        present_voters=8, purposes=[K.THEMED_DAY],
    )  # fmt: skip
    after = [m for _s, m in items(seven)]
    assert not any("主题党日" in m or "支部党员大会" in m for m in after)
    assert any("支部委员会会议" in m for m in after)


def test_a_missed_period_is_overdue_only_for_an_org_already_keeping_its_meetings_here(world, seven):
    due.refresh(TODAY)
    assert not any(status == DueStatus.OVERDUE for status, _m in items(seven))
    meeting_record(actor=None, org=seven, kind=K.THEMED_DAY, held_on=dt.date(2026, 9, 10))
    overdue = [m for status, m in items(seven) if status == DueStatus.OVERDUE]
    assert "东城镇第一党支部：2026年11月未开展主题党日" in overdue


def test_the_secretary_lecture_counts_only_when_the_secretary_gives_it(world, seven):
    meeting_record(
        actor=None, org=seven, kind=K.PARTY_LECTURE, held_on=dt.date(2026, 11, 2), lecturer="组织委员"
    )
    assert any("书记讲党课" in m for _s, m in items(seven))
    meeting_record(
        actor=None, org=seven, kind=K.PARTY_LECTURE, held_on=dt.date(2026, 11, 9), lecturer="王书记",
        lecturer_is_secretary=True,
    )  # fmt: skip
    assert not any("书记讲党课" in m for _s, m in items(seven))


def test_a_local_rule_set_changes_the_cadence(world, seven):
    ruleset_create(
        actor=world.admin, code="CTY-A-LIFE", name="甲县组织生活规定", org=world.county_a,
        effective_from=dt.date(2020, 1, 1), overrides={"R-LIFE-THEMED": {"months": 3}},
    )  # fmt: skip
    due.refresh(TODAY)
    assert "东城镇第一党支部：2026年第4季度尚未开展主题党日" in [m for _s, m in items(seven)]


def test_term_reminders_before_and_after_the_end(world, seven):
    elect(world, seven, on=dt.date(2021, 9, 1))  # 5 years: ended 2026-09-01
    assert items(seven, DueKind.TERM) == [
        (DueStatus.OVERDUE, "东城镇第一党支部：委员会任期已于2026-09-01届满，应按期换届")
    ]
    elect(world, seven, on=dt.date(2025, 11, 1))  # ends 2030-11-01
    assert items(seven, DueKind.TERM) == []
    with time_machine.travel(dt.datetime(2030, 8, 1, tzinfo=dt.UTC), tick=False):
        due.refresh()
        ((status, message),) = items(seven, DueKind.TERM)
        assert status == DueStatus.SOON and "请做好换届准备" in message


def test_branch_size_hints(world, seven):
    due.refresh(TODAY)
    setup = [m for _s, m in items(seven, DueKind.BRANCH_SETUP)]
    assert setup == ["东城镇第一党支部：正式党员8名，应设立支部委员会（一般3至5人），尚未登记"]
    small = [m for _s, m in items(world.branch_a1_2, DueKind.BRANCH_SETUP)]
    assert small == ["东城镇第二党支部：正式党员1名，不足3名，建议与邻近单位成立联合党支部"] or small[
        0
    ].endswith("建议与邻近单位成立联合党支部")
    elect(world, seven)
    assert items(seven, DueKind.BRANCH_SETUP) == []


# ---- figures ---------------------------------------------------------------------------------------


def test_figures_count_cadences_and_attendance_with_their_records(world, seven):
    start, end = dt.date(2026, 1, 1), TODAY
    for month in (1, 2, 3):
        meeting_record(actor=None, org=seven, kind=K.THEMED_DAY, held_on=dt.date(2026, month, 15))
    meeting_record(actor=None, org=world.group_a1_1_1, kind=K.PARTY_GROUP, held_on=dt.date(2026, 4, 2))
    data = figures.org_life_figures(world.town_a1, start, end, TODAY)
    themed = next(
        f
        for f in figures.org_life_figures(world.town_a1, start, end, TODAY, with_missing=True).cadences
        if f.cadence.key == "themed"
    )
    # Two branches × 11 finished months; the first branch held 3 of them.
    assert (themed.expected, themed.held) == (22, 3)
    assert len(themed.missing) == 19
    assert data.meetings_by_kind[K.THEMED_DAY] == 3
    group = next(f for f in data.cadences if f.cadence.key == "group")
    assert (group.expected, group.held) == (11, 1)  # the one 党小组 of the town, monthly
    rows, _ = roster.roster(seven, K.THEMED_DAY, dt.date(2026, 1, 15))
    first = seven.meetings.order_by("held_on").first()
    entries = [(r.person.pk, "present", "") for r in rows]
    entries[0] = (rows[0].person.pk, "absent", "")
    attendance_record(actor=None, meeting=first, entries=entries)
    data = figures.org_life_figures(world.town_a1, start, end, TODAY)
    assert (data.attendance_present, data.attendance_listed) == (7, 8)
    assert data.attendance_rate == 87.5
    assert [(o.pk, p, n) for o, p, n in data.attendance_by_org] == [(seven.pk, 7, 8)]


def test_overview_pages(client, world, seven):
    meeting_record(actor=None, org=seven, kind=K.THEMED_DAY, held_on=dt.date(2026, 3, 15))
    client.force_login(world.organizer)
    page = client.get(f"/orglife/org/{world.town_a1.pk}/?year=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-cadence="themed"' in html and "kind=themed_day" in html
    missing = client.get(f"/orglife/org/{world.town_a1.pk}/missing/themed/?year=2026").content.decode()
    assert "东城镇第二党支部" in missing
    assert client.get(f"/orglife/org/{world.town_a1.pk}/?year=abc").status_code == 400
    assert client.get(f"/orglife/org/{world.town_a1.pk}/missing/nonsense/").status_code == 400
    listing = client.get(
        f"/meetings/org/{world.town_a1.pk}/?subtree=1&kind=themed_day&from=2026-01-01&to=2026-12-31"
    )
    assert listing.status_code == 200 and "东城镇第一党支部" in listing.content.decode()
    assert client.get(f"/meetings/org/{world.town_a1.pk}/?from=2026-02-31").status_code == 400
    client.force_login(world.outsider)
    assert client.get(f"/orglife/org/{world.town_a1.pk}/").status_code == 404


def test_the_election_page(client, world, seven):
    client.force_login(world.secretary)
    assert client.get(f"/orglife/org/{seven.pk}/committees/elect/").status_code == 200
    people = members_of(seven)
    data = {"elected_on": "2024-03-01", "person_0": people[0].pk, "post_0": "secretary", "person_1": people[1].pk,
            "post_1": "secretary"}  # fmt: skip
    refused = client.post(f"/orglife/org/{seven.pk}/committees/elect/", data)
    assert refused.status_code == 200 and "有且只有一名书记" in refused.content.decode()
    data["post_1"] = "organization"
    assert client.post(f"/orglife/org/{seven.pk}/committees/elect/", data).status_code == 302
    assert Committee.objects.get(org=seven).members.count() == 2
    assert client.get(f"/orglife/org/{seven.pk}/committees/").status_code == 200
    client.force_login(world.viewer)
    assert client.get(f"/orglife/org/{seven.pk}/committees/elect/").status_code == 403


def test_the_statistics_page_carries_the_branch_life_card(client, world, seven):
    meeting_record(actor=None, org=seven, kind=K.THEMED_DAY, held_on=dt.date(2026, 3, 15))
    client.force_login(world.organizer)
    page = client.get(f"/stats/?org={world.town_a1.pk}").content.decode()
    assert 'id="orglife-stats"' in page and f"/orglife/org/{world.town_a1.pk}/stats-card/" in page
    card = client.get(f"/orglife/org/{world.town_a1.pk}/stats-card/?from=2026-01-01&to=2026-12-07")
    assert card.status_code == 200 and 'id="stats-cadences"' in card.content.decode()
    assert (
        client.get(f"/orglife/org/{world.town_a1.pk}/stats-card/?from=2026-12-31&to=2026-01-01").status_code
        == 400
    )
    client.force_login(world.outsider)
    assert client.get(f"/orglife/org/{world.town_a1.pk}/stats-card/").status_code == 404


def test_the_briefing_tells_of_branch_life(client, world, seven):
    meeting_record(actor=None, org=seven, kind=K.THEMED_DAY, held_on=dt.date(2026, 3, 15), purposes=[K.PARTY_LECTURE],
                   lecturer="曾小芳")  # fmt: skip
    meeting_record(actor=None, org=seven, kind=K.THEMED_DAY, held_on=dt.date(2026, 4, 15))
    client.force_login(world.organizer)
    page = client.get(f"/documents/briefing/?org={world.town_a1.pk}&from=2026-01-01&to=2026-06-30")
    html = page.content.decode()
    assert "期间，东城镇党委各级党组织坚持“三会一课”制度，开展主题党日2次、讲授党课1次。" in html
    assert 'data-figure="meetings_themed_day">2<' in html


def test_overview_and_briefing_carry_appraisal_and_training(client, world, seven):
    from dangjian.training import services as training

    training.training_bulk_record(
        actor=None, log_message="测试",
        classes=[{"org": world.town_a1, "name": "东城镇村干部培训班", "kind": "village_cadre",
                  "start_on": dt.date(2026, 3, 2), "end_on": dt.date(2026, 3, 3), "hours": 16,
                  "participants": [(p, "village_cadre") for p in members_of(seven)[:3]]}],
    )  # fmt: skip
    client.force_login(world.organizer)
    html = client.get(f"/orglife/org/{world.town_a1.pk}/?year=2026").content.decode()
    assert 'id="appraisal-figures"' in html and 'id="training-figures"' in html
    assert "结业 3 人次" in html
    brief = client.get(
        f"/documents/briefing/?org={world.town_a1.pk}&from=2026-01-01&to=2026-06-30"
    ).content.decode()
    assert "期间，举办各类培训班1个，培训3人次，其中村干部培训3人次；已培训村干部3人次。" in brief


def test_quarterly_and_yearly_cadences_count_periods_not_meetings(world, seven):
    for day in (dt.date(2026, 2, 10), dt.date(2026, 3, 10), dt.date(2026, 8, 10)):
        meeting_record(
            actor=None, org=seven, kind=K.BRANCH_GENERAL, held_on=day, expected_voters=8, present_voters=8
        )
    meeting_record(
        actor=None, org=seven, kind=K.THEMED_DAY, held_on=dt.date(2026, 11, 5), purposes=[K.LIFE_MEETING]
    )
    data = figures.org_life_figures(world.town_a1, dt.date(2026, 1, 1), TODAY, TODAY)
    by_key = {f.cadence.key: f for f in data.cadences}
    # Two branches × three finished quarters; the first held Q1 (twice) and Q3.
    assert (by_key["general"].expected, by_key["general"].held) == (6, 2)
    # The year is still running: only the branch that held its 组织生活会 counts, and it has.
    assert (by_key["life"].expected, by_key["life"].held) == (1, 1)
