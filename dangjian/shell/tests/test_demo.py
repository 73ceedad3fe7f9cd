import datetime as dt
import random
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.accounts.models import RoleAssignment, User
from dangjian.base.idnumber import parse_id_number
from dangjian.orgs.models import Org
from dangjian.orgs.selectors import suborg_counts
from dangjian.people import counts
from dangjian.people.models import Person, Standing
from dangjian.shell.demo import SCALES, build_tree, load_demo


def _grassroots(node: dict, top=True) -> int:
    own = 0 if node.get("is_local_committee") or node["kind"] == "party_group" else 1
    return own + sum(_grassroots(c, False) for c in node.get("children", []))


@pytest.mark.parametrize("scale", ["small", "county", "city"])
def test_tree_has_exactly_the_grassroots_count_of_the_scale(scale):
    tree = build_tree(SCALES[scale], random.Random(f"2020-{scale}"))
    assert _grassroots(tree) == SCALES[scale].grassroots


def test_tree_is_deterministic_for_a_seed():
    one = build_tree(SCALES["county"], random.Random("2020-county"))
    two = build_tree(SCALES["county"], random.Random("2020-county"))
    other = build_tree(SCALES["county"], random.Random("2021-county"))
    assert one == two
    assert one != other


@pytest.mark.django_db
def test_small_demo_loads_valid_people_in_every_standing():
    result = load_demo("small")
    root = User.objects.get(username="root")
    assert result.people + SCALES["small"].frontline == Person.objects.count()
    from dangjian.development.models import Case
    from dangjian.development.services import current_records, milestones

    assert Case.objects.exclude(special_basis="").count() == SCALES["small"].frontline
    assert {c.stage for c in Case.objects.all()} >= {1, 2, 5, 6}
    for case in Case.objects.select_related("person"):
        derived = milestones(current_records(case))
        assert all(getattr(case.person, k) == v for k, v in derived.items()), case.person.name
    assert suborg_counts(root)["grassroots"] == SCALES["small"].grassroots
    standings = set(Person.objects.values_list("standing", flat=True))
    assert standings == set(Standing.values)
    members = Person.objects.filter(standing__in=["probationary", "full"]).count()
    assert members == SCALES["small"].members + SCALES["small"].frontline
    for person in Person.objects.all():
        info = parse_id_number(person.id_number)
        assert info.birth_date == person.birth_date
        assert info.gender == person.gender
    assert Person.objects.exclude(reduction="").exists()
    assert counts.recompute() == counts.stored()
    assert Org.objects.find_problems() == ([], [], [], [], [])
    roles = set(RoleAssignment.objects.values_list("user__username", "role"))
    assert {
        ("zzb_admin", "org_admin"),
        ("organizer", "committee_organizer"),
        ("secretary", "branch_secretary"),
        ("viewer", "viewer"),
    } <= roles


@pytest.mark.django_db
def test_demo_command_refuses_a_database_with_data(world, capsys):
    with pytest.raises(CommandError, match="数据库已有数据"):
        call_command("demo", "--scale", "small")
    call_command("demo", "--scale", "small", "--if-empty")
    assert "跳过" in capsys.readouterr().out
    assert not User.objects.filter(username="zzb_admin").exists()


# ---- a living demo (issue 12) -------------------------------------------------------------------

LOAD_DAYS = [dt.date(2026, 1, 5), dt.date(2025, 7, 16)]  # early in a year (the system's start edge), mid-year


@pytest.fixture
def living(request):
    """The small demo loaded on a fixed day (the clock set to it)."""
    today = request.param
    with time_machine.travel(
        dt.datetime(today.year, today.month, today.day, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    ):
        load_demo("small", today=today)
        yield today


@pytest.mark.django_db
@pytest.mark.parametrize("living", LOAD_DAYS, indirect=True)
def test_the_secretarys_branch_has_every_stage_and_something_due_this_week(living):
    from dangjian.development.models import Case, CaseStatus, DueItem, DueStatus, StepRecord

    today = living
    branch = RoleAssignment.objects.get(user__username="secretary", role="branch_secretary").org
    people = Person.objects.filter(org=branch, reduction="")
    standings = set(people.values_list("standing", flat=True))
    assert standings == {"applicant", "activist", "candidate", "probationary", "full"}
    recently = people.filter(standing="full", converted_on__gte=today - dt.timedelta(days=365))
    assert recently.filter(case__isnull=False).exists()  # a recent conversion, with its case
    for standing in ("applicant", "activist", "candidate", "probationary"):
        assert not people.filter(standing=standing, case__isnull=True).exists(), standing
    due = DueItem.objects.filter(org=branch)
    assert due.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=7)).count() >= 3
    assert due.filter(status=DueStatus.OVERDUE).exists()
    kinds = set(due.values_list("kind", flat=True))
    assert {"talk", "assessment", "cultivation", "approval", "probation_end", "archive"} <= kinds
    cases = Case.objects.filter(org=branch)
    assert cases.filter(status__in=[CaseStatus.DEFERRED, CaseStatus.DECLINED]).count() >= 2
    assert StepRecord.objects.filter(case__org=branch, step=23, data__result="延长预备期").exists()
    assert StepRecord.objects.filter(
        case__org=branch, step=13, data__notice_end__gte=today.isoformat()
    ).exists()
    # Nothing lies after the load day, and the history is the services' (the chain verifies).
    assert not StepRecord.objects.filter(on__gt=today).exists()
    assert not Person.objects.filter(applied_on__gt=today).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("living", LOAD_DAYS[:1], indirect=True)
def test_the_funnel_is_plausible_and_every_admission_since_the_start_has_a_case(living):
    from dangjian.development.models import Case, CaseStatus, StepRecord
    from dangjian.shell.demo import system_start

    today = living
    since = system_start(today)
    years = (today - since).days / 365.25
    members = Person.objects.filter(standing__in=["probationary", "full"], reduction="").count()
    admitted = Person.objects.filter(admitted_on__gte=since)
    yearly = admitted.count() / years
    assert 0.015 * members <= yearly <= 0.035 * members
    applied = Person.objects.filter(applied_on__gte=since).count()
    assert applied >= 3 * admitted.count()
    assert not admitted.filter(case__isnull=True).exists()
    assert Person.objects.filter(
        admitted_on__lt=since, case__isnull=True
    ).exists()  # joined before the system
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {CaseStatus.DEFERRED, CaseStatus.DECLINED, CaseStatus.DISQUALIFIED} <= statuses
    assert Person.objects.filter(reduction="disqualified", standing="probationary").exists()
    assert StepRecord.objects.filter(step=23, data__result="延长预备期").exists()
    # Still at the early stages: far more applicants than activists, more activists than candidates.
    waiting = Counter(Person.objects.filter(reduction="").values_list("standing", flat=True))
    assert waiting["applicant"] > waiting["activist"] > waiting["candidate"] > 0


@pytest.mark.django_db
@pytest.mark.parametrize("living", LOAD_DAYS[:1], indirect=True)
def test_the_meeting_steps_link_to_meetings_with_resolutions(living):
    from dangjian.development.models import StepRecord

    branch = RoleAssignment.objects.get(user__username="secretary", role="branch_secretary").org
    linked = StepRecord.objects.filter(case__org=branch, resolution__isnull=False).select_related(
        "meeting", "resolution", "case"
    )
    assert {3, 7, 12, 15, 17, 23, 24} <= set(linked.values_list("step", flat=True))
    for record in linked:
        assert record.meeting.held_on == record.on
        assert record.resolution.meeting_id == record.meeting_id
        assert record.resolution.person_id == record.case.person_id
        assert record.resolution.passed
        assert not record.resolution.findings()
    approvals = linked.filter(step__in=[17, 24])
    assert all(
        r.meeting.org.path != branch.path and branch.path.startswith(r.meeting.org.path) for r in approvals
    )
    assert StepRecord.objects.exclude(case__org=branch).filter(resolution__isnull=False).exists()  # a sample


@pytest.mark.django_db
@pytest.mark.parametrize("living", LOAD_DAYS[:1], indirect=True)
def test_the_viewer_sees_another_district_than_the_first(living):
    from dangjian.accounts import scope

    counties = list(Org.objects.filter(depth=2).order_by("path"))
    assert len(counties) == 2
    viewer = User.objects.get(username="viewer")
    seen = set(scope.orgs_for(viewer).values_list("pk", flat=True))
    first = set(Org.objects.filter(path__startswith=counties[0].path).values_list("pk", flat=True))
    assert seen and not seen & first
    assert counties[1].pk in seen
    admin = User.objects.get(username="zzb_admin")
    assert first <= set(scope.orgs_for(admin).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("living", LOAD_DAYS[:1], indirect=True)
def test_members_who_joined_before_the_system_are_marked_backfilled_and_the_rest_are_not(living):
    from dangjian.shell.demo import system_start

    since = system_start(living)
    without_case = Person.objects.filter(case__isnull=True, standing="full")
    assert without_case.exists()
    assert not without_case.filter(backfilled_at__isnull=True).exists()
    assert set(without_case.values_list("backfill_reason", flat=True)) == {
        "系统建立前入党，据本人党员档案补录（演示数据）"
    }
    assert not Person.objects.filter(case__isnull=False, backfilled_at__isnull=False).exists()
    assert not Person.objects.filter(backfilled_at__isnull=False, admitted_on__gte=since).exists()
