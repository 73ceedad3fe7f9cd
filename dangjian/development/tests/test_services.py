"""Recording the 25 steps through the services: checks, derived standing, permissions, races."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.conftest import make_person
from dangjian.development import services
from dangjian.development.models import Case, CaseStatus, StepRecord
from dangjian.development.services import NeedsAcknowledgement, RuleViolation, case_open, step_record
from dangjian.people.models import Person

D = dt.date
TODAY = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def case(world, frozen):
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=D(2022, 3, 1),
                         birth_date=D(1996, 4, 4))  # fmt: skip
    return case_open(actor=world.secretary, person=person)


@pytest.fixture
def introducers(world):
    second = make_person(world.branch_a1_1, name="钱老党员")
    return [world.people["in_branch"].pk, second.pk]


def record(world, case, step, on, actor=None, **kw):
    """Record a step as the one whose step it is: the town committee's organizer for the superior
    steps (13, 16, 17, 18, 24), the branch secretary for the others."""
    actor = actor or (world.organizer if step in services.SUPERIOR_STEPS else world.secretary)
    return step_record(actor=actor, case=case, step=step, on=on, **kw)


def admit(world, case, introducers, *, upto=17):
    """Steps 1–17 of a compliant admission."""
    plan = [
        (1, D(2022, 3, 1), {}), (2, D(2022, 3, 20), {}), (3, D(2022, 5, 10), {}), (4, D(2022, 5, 20), {}),
        (5, D(2022, 5, 20), {"data": {"contacts": introducers[:1]}}), (6, D(2022, 11, 1), {}),
        (6, D(2023, 5, 1), {}), (7, D(2023, 5, 10), {}), (8, D(2023, 5, 20), {}),
        (9, D(2023, 5, 25), {"data": {"introducers": introducers}}),
        (10, D(2023, 6, 1), {"data": {"result": "合格"}}),
        (11, D(2023, 6, 3), {"data": {"start": "2023-06-01", "hours": 24}}), (12, D(2023, 6, 10), {}),
        (13, D(2023, 6, 20), {}), (14, D(2023, 6, 25), {}),
        (15, D(2023, 7, 1), {"data": {"expected": 20, "present": 15, "yes": 14, "no": 1, "abstain": 0}}),
        (16, D(2023, 7, 10), {}), (17, D(2023, 8, 1), {"actor": world.organizer, "org": world.town_a1}),
    ]  # fmt: skip
    for step, on, kw in plan:
        if step > upto:
            break
        record(world, case, step, on, **kw)
    case.refresh_from_db()
    return case


def test_a_whole_admission_derives_the_standing(world, case, introducers):
    person = case.person
    admit(world, case, introducers, upto=3)
    person.refresh_from_db()
    assert person.standing == "activist" and person.activist_on == D(2022, 5, 10)
    admit_rest = admit(world, Case.objects.get(pk=case.pk), introducers, upto=0)  # no-op
    assert admit_rest.stage == 2
    for step, on, kw in [(4, D(2022, 5, 20), {}), (5, D(2022, 5, 20), {"data": {"contacts": introducers[:1]}}),
                         (6, D(2022, 11, 1), {}), (6, D(2023, 5, 1), {}), (7, D(2023, 5, 10), {})]:  # fmt: skip
        record(world, case, step, on, **kw)
    person.refresh_from_db()
    assert person.standing == "candidate" and person.candidate_on == D(2023, 5, 10)


def test_admission_and_conversion_end_to_end(world, case, introducers):
    case = admit(world, case, introducers)
    person = Person.objects.get(pk=case.person_id)
    assert case.stage == 5
    assert person.standing == "probationary"
    assert person.admitted_on == D(2023, 7, 1)  # probation counts from the branch meeting
    record(world, case, 18, D(2023, 8, 10))
    record(world, case, 20, D(2023, 8, 15))
    record(world, case, 22, D(2024, 6, 20))
    record(world, case, 23, D(2024, 7, 1),
           data={"expected": 20, "present": 16, "yes": 16, "no": 0, "abstain": 0, "result": "按期转正"})  # fmt: skip
    record(world, case, 24, D(2024, 8, 1), actor=world.organizer, org=world.town_a1)
    case.refresh_from_db()
    person.refresh_from_db()
    assert case.status == CaseStatus.CONVERTED and case.stage == 6
    assert person.standing == "full"
    assert person.converted_on == D(2024, 7, 1)  # the day probation ends, not the approval date
    assert case.blocking == 0
    record(world, case, 25, D(2024, 8, 20))
    case.refresh_from_db()
    assert case.status == CaseStatus.ARCHIVED


def test_a_violation_blocks_and_changes_nothing(world, case, introducers):
    admit(world, case, introducers, upto=6)
    before = StepRecord.objects.count()
    with pytest.raises(RuleViolation) as exc:
        record(world, case, 7, D(2023, 5, 9))  # one day short of a year of cultivation
    assert "R-CULT" in exc.value.messages[0] and "细则第十三条" in exc.value.messages[0]
    assert StepRecord.objects.count() == before
    assert Person.objects.get(pk=case.person_id).standing == "activist"


def test_a_warning_needs_an_acknowledgement_which_is_recorded(world, case):
    record(world, case, 1, D(2022, 3, 1))
    with pytest.raises(NeedsAcknowledgement) as exc:
        record(world, case, 2, D(2022, 4, 2))
    assert "R-TALK" in exc.value.messages[0]
    saved = record(world, case, 2, D(2022, 4, 2), acknowledge=["R-TALK"], note="申请人外出学习，延后谈话")
    assert saved.acknowledged == ["R-TALK"]
    assert saved.findings[0]["rule"] == "R-TALK"


def test_approval_only_by_an_ancestor_committee_with_authority(world, case, introducers):
    admit(world, case, introducers, upto=16)
    before = StepRecord.objects.count()
    with pytest.raises(ValidationError, match="由上级党委（东城镇党委）的组织员记录，党支部不能代为记录"):
        record(world, case, 17, D(2023, 8, 1), actor=world.secretary, org=world.town_a1)
    with pytest.raises(PermissionDenied):
        record(world, case, 17, D(2023, 8, 1), actor=world.viewer, org=world.town_a1)
    assert StepRecord.objects.count() == before
    with pytest.raises(ValidationError, match="上级党委"):
        record(world, case, 17, D(2023, 8, 1), actor=world.admin, org=world.branch_a1_1)
    record(world, case, 17, D(2023, 8, 1), actor=world.organizer, org=world.town_a1)


def test_general_branch_cannot_approve(world, frozen):
    person = make_person(world.branch_b_1, name="孙护士", standing="applicant", applied_on=D(2022, 3, 1))
    case = case_open(actor=world.admin, person=person)
    with mock.patch.object(services.steps, "_input_problems", return_value=[]):
        record(world, case, 1, D(2022, 3, 1), actor=world.admin)
        with pytest.raises(RuleViolation, match="R-AUTH"):
            step_record(actor=world.admin, case=case, step=17, on=D(2023, 8, 1), org=world.general_branch_b,
                        is_backfill=False)  # fmt: skip


def test_a_step_cannot_be_recorded_twice_and_a_race_leaves_one_record(world, case):
    record(world, case, 1, D(2022, 3, 1))
    with pytest.raises(ValidationError, match="已经记录过"):
        record(world, case, 1, D(2022, 3, 2))
    # The other user's transaction read the records before ours committed: the database refuses.
    record(world, case, 2, D(2022, 3, 10))
    stale = [r for r in services.current_records(case) if r.step != 2]
    with (
        mock.patch.object(services.steps, "current_records", return_value=stale),
        pytest.raises(ValidationError, match="他人记录"),
    ):
        record(world, case, 2, D(2022, 3, 11), actor=world.organizer)
    assert StepRecord.objects.filter(case=case, step=2).count() == 1


def test_correction_supersedes_and_keeps_the_old_record(world, case, introducers):
    admit(world, case, introducers, upto=3)
    old = StepRecord.objects.get(case=case, step=3)
    new = services.step_correct(actor=world.secretary, record=old, reason="录入错误", on=D(2022, 5, 11))
    old.refresh_from_db()
    assert not old.is_current and new.supersedes_id == old.pk
    assert Person.objects.get(pk=case.person_id).activist_on == D(2022, 5, 11)
    with pytest.raises(ValidationError, match="更正原因"):
        services.step_correct(actor=world.secretary, record=new, reason=" ", on=D(2022, 5, 12))


def test_return_the_latest_step(world, case, introducers):
    admit(world, case, introducers, upto=3)
    latest = StepRecord.objects.get(case=case, step=3)
    first = StepRecord.objects.get(case=case, step=1)
    with pytest.raises(ValidationError, match="只能退回最近的步骤"):
        services.step_return(actor=world.secretary, record=first, reason="材料不全")
    services.step_return(actor=world.secretary, record=latest, reason="推荐材料不全")
    assert Person.objects.get(pk=case.person_id).standing == "applicant"
    assert StepRecord.objects.filter(pk=latest.pk, is_current=False).exists()


def test_out_of_scope_and_closed_cases(world, case):
    with pytest.raises(PermissionDenied):
        record(world, case, 1, D(2022, 3, 1), actor=world.viewer)
    services.case_set_status(actor=world.secretary, case=case, status="deferred", reason="本人申请暂缓")
    with pytest.raises(ValidationError, match="暂缓发展"):
        record(world, case, 1, D(2022, 3, 1))
    with pytest.raises(ValidationError, match="已有发展纪实"):
        case_open(actor=world.secretary, person=case.person)


def test_extension_then_conversion(world, case, introducers):
    case = admit(world, case, introducers)
    record(world, case, 18, D(2023, 8, 10))
    record(world, case, 22, D(2024, 6, 20))
    votes = {"expected": 20, "present": 16, "yes": 16, "no": 0, "abstain": 0}
    record(world, case, 23, D(2024, 7, 1), data={**votes, "result": "延长预备期", "extension_months": 6})
    with pytest.raises(RuleViolation, match="R-PROB"):
        record(world, case, 23, D(2024, 12, 31), data={**votes, "result": "按期转正"})
    record(world, case, 23, D(2025, 1, 2), data={**votes, "result": "按期转正"})
    record(world, case, 24, D(2025, 1, 20), actor=world.organizer, org=world.town_a1)
    person = Person.objects.get(pk=case.person_id)
    assert person.standing == "full" and person.converted_on == D(2025, 1, 1)


def test_disqualification_reduces_the_person(world, case, introducers):
    case = admit(world, case, introducers)
    record(world, case, 18, D(2023, 8, 10))
    record(world, case, 22, D(2024, 6, 20))
    record(world, case, 23, D(2024, 7, 1), data={"expected": 20, "present": 16, "yes": 12, "no": 4, "abstain": 0,
                                                 "result": "取消预备党员资格"})  # fmt: skip
    record(world, case, 24, D(2024, 8, 1), actor=world.organizer, org=world.town_a1)
    case.refresh_from_db()
    person = Person.objects.get(pk=case.person_id)
    assert case.status == CaseStatus.DISQUALIFIED
    assert person.reduction == "disqualified"


def test_frontline_admission_in_four_days(world, frozen):
    """Seed 001: application on 2020-02-13, probationary member on 2020-02-17."""
    person = make_person(world.branch_a1_1, name="刘小林", standing="applicant", applied_on=D(2020, 2, 13),
                         gender="F", birth_date=D(1982, 6, 1))  # fmt: skip
    case = case_open(actor=world.secretary, person=person, source="疫情防控一线")
    second = make_person(world.branch_a1_1, name="老党员乙")
    intro = [world.people["in_branch"].pk, second.pk]
    record(world, case, 1, D(2020, 2, 13))
    record(world, case, 2, D(2020, 2, 13))
    with pytest.raises(RuleViolation, match="R-FRONTLINE"):
        record(world, case, 7, D(2020, 2, 14))
    services.case_set_special_basis(actor=world.secretary, case=case, special_basis="2020疫情防控一线")
    for step, on, kw in [(7, D(2020, 2, 14), {}), (8, D(2020, 2, 14), {}),
                         (9, D(2020, 2, 14), {"data": {"introducers": intro}}),
                         (10, D(2020, 2, 15), {"data": {"result": "合格"}}),
                         (11, D(2020, 2, 16), {"data": {"start": "2020-02-14", "hours": 24}}),
                         (12, D(2020, 2, 16), {}), (13, D(2020, 2, 16), {}), (14, D(2020, 2, 16), {}),
                         (15, D(2020, 2, 17), {"data": {"expected": 30, "present": 25, "yes": 25}}),
                         (16, D(2020, 2, 17), {}),
                         (17, D(2020, 2, 17), {"actor": world.organizer, "org": world.town_a1})]:  # fmt: skip
        record(world, case, step, on, **kw)
    person.refresh_from_db()
    case.refresh_from_db()
    assert person.standing == "probationary" and person.admitted_on == D(2020, 2, 17)
    assert case.frontline and case.blocking == 0


def test_an_acknowledged_warning_needs_a_reason(world, case):
    """Issue 12: "并在说明中写明原因" is enforced, not only asked for."""
    record(world, case, 1, D(2022, 3, 1))
    with pytest.raises(ValidationError) as caught:
        record(world, case, 2, D(2022, 4, 2), acknowledge=["R-TALK"], note="  ")
    assert caught.value.message_dict == {"note": ["确认提醒后保存，须在“说明”中写明原因。"]}
    assert not case.records.filter(step=2).exists()


def test_many_statuses_at_once_all_or_nothing(world, case):
    from dangjian.audit.ledger.verify import verify

    other = case_open(
        actor=world.secretary, person=make_person(world.branch_a1_1, name="钱申请", standing="applicant")
    )
    with pytest.raises(ValidationError) as info:
        services.cases_set_status(
            actor=world.secretary, plans=[(case, "deferred", "本人申请暂缓"), (other, "declined", " ")]
        )
    assert info.value.messages == ["钱申请：请填写原因。"]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN  # nothing changed
    with pytest.raises(ValidationError, match="您无权办理该发展纪实"):
        services.cases_set_status(actor=world.viewer, plans=[(case, "deferred", "本人申请暂缓")])
    assert services.cases_set_status(
        actor=world.secretary, plans=[(case, "deferred", "本人申请暂缓"), (other, "declined", "不具备条件")]
    ) == 2  # fmt: skip
    assert dict(Case.objects.filter(pk__in=[case.pk, other.pk]).values_list("pk", "status")) == {
        case.pk: CaseStatus.DEFERRED, other.pk: CaseStatus.DECLINED,
    }  # fmt: skip
    with pytest.raises(ValidationError, match="暂缓发展"):
        record(world, case, 1, D(2022, 3, 1))  # the same effect as case_set_status
    assert verify().ok
