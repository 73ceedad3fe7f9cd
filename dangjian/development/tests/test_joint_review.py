"""联合审查 at 预审 (R-JOINT): the reviewing bodies come from the rule set; where a local rule set
requires them, step 13 is refused without each body's opinion, and an objection never passes."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangjian.conftest import make_person
from dangjian.development.rulesets import clean_overrides, ruleset_create
from dangjian.development.services import RuleViolation, case_open
from dangjian.development.tests.test_services import TODAY, admit, record

D = dt.date
BOTH = {
    "纪委": {"on": "2023-06-15", "conclusion": "无异议"},
    "公安": {"on": "2023-06-16", "conclusion": "无异议"},
}


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def introducers(world):
    return [world.people["in_branch"].pk, make_person(world.branch_a1_1, name="孙老党员").pk]


@pytest.fixture
def required_here(world):
    return ruleset_create(actor=world.admin, code="JOINT", name="东城镇联审", org=world.town_a1,
                          effective_from=D(2020, 1, 1), overrides={"R-JOINT": {"required": True}})  # fmt: skip


@pytest.fixture
def case(world, frozen, introducers):
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=D(2022, 3, 1),
                         birth_date=D(1996, 4, 4))  # fmt: skip
    return admit(world, case_open(actor=world.secretary, person=person), introducers, upto=12)


def test_without_a_local_requirement_step_13_needs_no_joint_review(world, case):
    record(world, case, 13, D(2023, 6, 20))
    assert case.records.filter(step=13).exists()


def test_a_required_joint_review_names_the_missing_bodies(world, case, required_here):
    with pytest.raises(RuleViolation) as refused:
        record(world, case, 13, D(2023, 6, 20), data={"joint_review": {"纪委": BOTH["纪委"]}})
    assert "缺少公安的联合审查意见" in refused.value.findings[0].message
    assert not case.records.filter(step=13).exists()
    record(world, case, 13, D(2023, 6, 20), data={"joint_review": BOTH})
    assert case.records.get(step=13).data["joint_review"] == BOTH


def test_an_objection_or_a_late_opinion_does_not_pass(world, case):
    objected = {**BOTH, "公安": {"on": "2023-06-16", "conclusion": "有异议"}}
    with pytest.raises(RuleViolation) as refused:
        record(world, case, 13, D(2023, 6, 20), data={"joint_review": objected})
    assert "公安联合审查有异议，不能通过预审" in refused.value.findings[0].message
    late = {**BOTH, "纪委": {"on": "2023-06-25", "conclusion": "无异议"}}
    with pytest.raises(RuleViolation) as refused:
        record(world, case, 13, D(2023, 6, 20), data={"joint_review": late})
    assert "晚于预审" in refused.value.findings[0].message


@pytest.mark.parametrize(
    "hostile",
    [["纪委"], {"纪委": "无异议"}, {"纪委": {"conclusion": "同意了"}}, {"纪委": {"on": "昨天", "conclusion": "无异议"}},
     {"纪委": {"on": "2023-06-01", "conclusion": "无异议", "extra": 1}}, {"x" * 30: {}}],
)  # fmt: skip
def test_a_malformed_joint_review_is_refused_in_chinese(world, case, hostile):
    with pytest.raises(ValidationError) as refused:
        record(world, case, 13, D(2023, 6, 20), data={"joint_review": hostile})
    assert "联合审查意见格式不正确" in str(refused.value) or "联审日期格式不正确" in str(refused.value)
    assert not case.records.filter(step=13).exists()


def test_the_bodies_are_a_rule_set_parameter():
    assert clean_overrides({"R-JOINT": {"bodies": "纪委，公安、 信访"}}) == {
        "R-JOINT": {"bodies": "纪委,公安,信访"}
    }
    with pytest.raises(ValidationError, match="R-JOINT"):
        clean_overrides({"R-JOINT": {"bodies": " , ，"}})


def test_the_step_form_asks_each_body_and_records_the_opinions(world, case, required_here, client_as):
    client = client_as(world.organizer)
    form = client.get(f"/development/case/{case.pk}/step/13/").content.decode()
    assert "纪委联审日期" in form and "公安联审意见" in form
    refused = client.post(f"/development/case/{case.pk}/step/13/", {
        "on": "2023-06-20", "org_code": "TOWN-A1", "joint0_on": "2023-06-15", "joint0_conclusion": "无异议"})  # fmt: skip
    assert "缺少公安的联合审查意见" in refused.content.decode() and not case.records.filter(step=13).exists()
    done = client.post(f"/development/case/{case.pk}/step/13/", {
        "on": "2023-06-20", "org_code": "TOWN-A1", "joint0_on": "2023-06-15", "joint0_conclusion": "无异议",
        "joint1_on": "2023-06-16", "joint1_conclusion": "无异议"})  # fmt: skip
    assert done.status_code == 302
    assert case.records.get(step=13).data["joint_review"] == BOTH
