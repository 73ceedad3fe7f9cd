from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.appraisal import rules
from dangjian.appraisal.models import Appraisal, AppraisalEntry, FollowUp
from dangjian.appraisal.services import (
    appraisal_record,
    appraisal_update,
    followup_close,
    followup_decide,
)
from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person
from dangjian.development.rulesets import ruleset_create

from .conftest import HELD_ON

D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        yield


def _record(ten, grades, **kw):
    fields = {
        "actor": ten.world.secretary,
        "org": ten.branch,
        "year": 2025,
        "held_on": HELD_ON,
        "grades": grades,
    }
    return appraisal_record(**{**fields, **kw})


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


# ---- the ⅓ limit --------------------------------------------------------------------------------------


def test_three_excellent_of_ten_are_accepted_and_four_refused_with_the_number_allowed(ten):
    with pytest.raises(ValidationError) as refused:
        _record(ten, ten.grades(excellent=4))
    text = _messages(refused)
    assert "本支部正式党员10名，最多可评3名优秀，现评定4名" in text
    assert "三分之一" in text
    assert not Appraisal.objects.exists() and not AppraisalEntry.objects.exists()
    assert not ChangeRecord.objects.filter(object_type="appraisal.appraisal").exists()

    appraisal = _record(ten, ten.grades(excellent=3))
    entries = {e.person_id: e for e in appraisal.entries.all()}
    assert len(entries) == 11  # ten graded, the probationary member takes part
    assert sum(e.grade == "excellent" for e in entries.values()) == 3
    assert entries[ten.probationary.pk].grade == "" and entries[ten.probationary.pk].is_probationary
    assert ten.world.people["applicant"].pk not in entries
    change = ChangeRecord.objects.get(object_type="appraisal.appraisal", object_id=appraisal.pk)
    assert "孙新苗（预备党员，不评定等次）" in change.after["评定结果"]
    assert "王建国（" in change.after["评定结果"]


def _members(n: int, probationary: int = 0) -> list[rules.Member]:
    return [rules.Member(i, f"党员{chr(0x4E00 + i)}", True) for i in range(1, n + 1)] + [
        rules.Member(1000 + i, f"预备{chr(0x4E00 + i)}", False) for i in range(probationary)
    ]


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=300),
    numerator=st.integers(min_value=1, max_value=3),
    denominator=st.integers(min_value=3, max_value=10),
)
def test_excellent_limit_is_floor_of_the_share_and_one_more_is_refused(n, numerator, denominator):
    limit = rules.Limit(numerator, denominator)
    allowed = n * numerator // denominator
    assert limit.allowed(n) == allowed
    members = _members(n, probationary=2)

    def grades(excellent: int) -> dict[int, str]:
        return {m.id: ("excellent" if m.id <= excellent else "qualified") for m in members if m.is_full}

    assert rules.grade_errors(members, grades(allowed), limit, {}) == []
    if allowed < n:
        errors = rules.grade_errors(members, grades(allowed + 1), limit, {})
        assert len(errors) == 1 and f"最多可评{allowed}名优秀，现评定{allowed + 1}名" in errors[0]


@pytest.mark.parametrize(
    "n,allowed", [(1, 0), (2, 0), (3, 1), (5, 1), (6, 2), (9, 3), (10, 3), (11, 3), (12, 4)]
)
def test_one_third_rounds_down(n, allowed):
    assert rules.Limit(1, 3).allowed(n) == allowed


def test_a_local_rule_set_changes_the_limit(ten):
    ruleset_create(
        actor=ten.world.admin, code="CTY-A-评议", name="甲县民主评议规定", org=ten.world.county_a,
        effective_from=D(2020, 1, 1), overrides={"R-APPRAISAL": {"excellent_max_numerator": 1,
                                                                  "excellent_max_denominator": 4}},
    )  # fmt: skip
    assert rules.limit_for(ten.branch, HELD_ON).allowed(10) == 2
    with pytest.raises(ValidationError) as refused:
        _record(ten, ten.grades(excellent=3))
    assert "四分之一" in _messages(refused) and "最多可评2名优秀，现评定3名" in _messages(refused)
    assert _record(ten, ten.grades(excellent=2)).entries.filter(grade="excellent").count() == 2


# ---- who is graded --------------------------------------------------------------------------------------


def test_a_probationary_member_given_a_grade_is_refused(ten):
    with pytest.raises(ValidationError) as refused:
        _record(ten, ten.grades(overrides={ten.probationary.pk: "qualified"}))
    assert "预备党员参加民主评议，但不评定等次：孙新苗" in _messages(refused)
    assert not Appraisal.objects.exists()


def test_someone_outside_the_roster_is_refused_by_name(ten):
    other = ten.world.people["other_branch"]
    applicant = ten.world.people["applicant"]
    with pytest.raises(ValidationError) as refused:
        _record(ten, ten.grades(overrides={other.pk: "qualified", applicant.pk: "qualified"}))
    text = _messages(refused)
    # The secretary may not see the other branch: its member is named by number, never by name.
    assert f"人员编号{other.pk}" in text and "欧阳修远" not in text
    assert "单明" in text and "不是本支部在评议日期的党员" in text
    with pytest.raises(ValidationError) as refused:
        _record(ten, ten.grades(overrides={other.pk: "qualified"}), actor=ten.world.admin)
    assert "欧阳修远不是本支部在评议日期的党员" in _messages(refused)
    assert not Appraisal.objects.exists()


def test_every_full_member_must_be_graded(ten):
    grades = ten.grades()
    del grades[ten.full[3].pk]
    grades[ten.full[4].pk] = "很好"
    with pytest.raises(ValidationError) as refused:
        _record(ten, grades)
    text = _messages(refused)
    assert "以下2名尚未评定" in text and ten.full[3].name in text and ten.full[4].name in text
    assert "“很好”无效" in text


def test_grades_may_be_given_by_their_chinese_labels(ten):
    grades = {p.pk: "合格" for p in ten.full}
    grades[ten.full[0].pk] = "基本合格"
    appraisal = _record(ten, grades)
    assert appraisal.entries.get(person=ten.full[0]).grade == "basic"


def test_the_roster_is_of_the_day_held(ten):
    """Someone admitted after the day is not on it; someone converted after it is probationary then."""
    late = make_person(ten.branch, name="钱后进", standing="probationary", admitted_on=D(2026, 3, 1))
    converted = ten.full[1]
    converted.converted_on = D(2026, 1, 10)
    converted.save(update_fields=["converted_on"])
    members = {m.id: m for m in rules.roster(ten.branch, HELD_ON)}
    assert late.pk not in members
    assert members[converted.pk].is_full is False


def test_dates_and_the_year_are_checked(ten):
    for held_on, year, expected in (
        (D(2026, 12, 8), 2026, "不能晚于今天"),
        (D(2024, 12, 20), 2025, "应在2025年内"),
        (D(1999, 12, 20), 1999, "评议年度应在"),
    ):
        with pytest.raises(ValidationError) as refused:
            _record(ten, ten.grades(), held_on=held_on, year=year)
        assert expected in _messages(refused)
    assert not Appraisal.objects.exists()


def test_one_appraisal_per_branch_and_year_then_corrected(ten):
    appraisal = _record(ten, ten.grades(excellent=1))
    with pytest.raises(ValidationError) as refused:
        _record(ten, ten.grades(excellent=1))
    assert "已经记录，请在原记录上更正" in _messages(refused)
    appraisal_update(actor=ten.world.secretary, appraisal=appraisal, grades=ten.grades(excellent=3))
    assert appraisal.entries.filter(grade="excellent").count() == 3
    with pytest.raises(ValidationError):
        appraisal_update(actor=ten.world.secretary, appraisal=appraisal, grades=ten.grades(excellent=4))
    assert appraisal.entries.filter(grade="excellent").count() == 3
    assert ChangeRecord.objects.filter(object_type="appraisal.appraisal", object_id=appraisal.pk).count() == 2


def test_not_a_branch_and_out_of_scope_are_refused(ten):
    with pytest.raises(ValidationError) as refused:
        appraisal_record(actor=None, org=ten.world.town_a1, year=2025, held_on=HELD_ON, grades={})
    assert "不是党支部" in _messages(refused)
    with pytest.raises(PermissionDenied):
        appraisal_record(
            actor=ten.world.secretary, org=ten.world.branch_a1_2, year=2025, held_on=HELD_ON, grades={}
        )


# ---- follow-ups of 不合格 --------------------------------------------------------------------------


def test_unqualified_opens_a_follow_up_that_is_decided_then_closed(ten):
    failing = ten.full[5]
    appraisal = _record(ten, ten.grades(excellent=2, overrides={failing.pk: "unqualified"}))
    followup = FollowUp.objects.get()
    assert followup.entry.person == failing and not followup.measure and not followup.is_closed
    secretary = ten.world.secretary

    with pytest.raises(ValidationError) as refused:
        followup_close(actor=secretary, followup=followup, outcome="corrected", outcome_on=D(2026, 3, 1))
    assert "请先作出组织处置决定" in _messages(refused)
    with pytest.raises(ValidationError) as refused:
        followup_decide(actor=secretary, followup=followup, measure="correct", decided_on=D(2026, 1, 5))
    assert "限期改正须写明改正期限" in _messages(refused)
    with pytest.raises(ValidationError) as refused:
        followup_decide(actor=secretary, followup=followup, measure="", decided_on=D(2026, 1, 5))
    assert "请选择组织处置" in _messages(refused)
    with pytest.raises(ValidationError) as refused:
        followup_decide(actor=secretary, followup=followup, measure="remove", decided_on=D(2025, 12, 1))
    assert "不能早于民主评议日期" in _messages(refused)

    followup_decide(
        actor=secretary,
        followup=followup,
        measure="correct",
        decided_on=D(2026, 1, 5),
        deadline=D(2026, 4, 5),
    )
    with pytest.raises(ValidationError) as refused:
        followup_close(actor=secretary, followup=followup, outcome="withdrew", outcome_on=D(2026, 3, 1))
    assert "限期改正的处置结果只能是：已改正、逾期仍未改正" in _messages(refused)
    # A grade with a decided measure cannot be changed any more.
    with pytest.raises(ValidationError) as refused:
        appraisal_update(actor=secretary, appraisal=appraisal, grades=ten.grades(excellent=2))
    assert "已对" in _messages(refused) and failing.name in _messages(refused)

    followup_close(
        actor=secretary, followup=followup, outcome="corrected", outcome_on=D(2026, 3, 20), note="按期改正"
    )
    followup.refresh_from_db()
    assert followup.is_closed and followup.outcome_note == "按期改正"
    with pytest.raises(ValidationError):
        followup_decide(actor=secretary, followup=followup, measure="remove", decided_on=D(2026, 5, 1))
    assert ChangeRecord.objects.filter(object_type="appraisal.followup", object_id=followup.pk).count() == 2
    with pytest.raises(PermissionDenied):
        followup_decide(actor=ten.world.viewer, followup=followup, measure="remove", decided_on=D(2026, 5, 1))


def test_an_undecided_follow_up_goes_when_the_grade_is_corrected(ten):
    failing = ten.full[5]
    appraisal = _record(ten, ten.grades(overrides={failing.pk: "unqualified"}))
    assert FollowUp.objects.count() == 1
    appraisal_update(actor=ten.world.secretary, appraisal=appraisal, grades=ten.grades())
    assert FollowUp.objects.count() == 0
    appraisal_update(
        actor=ten.world.secretary, appraisal=appraisal, grades=ten.grades(overrides={failing.pk: "不合格"})
    )
    assert FollowUp.objects.get().entry.person == failing
