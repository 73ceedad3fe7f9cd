"""Person services: validation on create, "today", age at application and the org."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangjian.base.idnumber import make_id_number
from dangjian.conftest import valid_id_number
from dangjian.people.models import Person, Standing
from dangjian.people.services import person_create, person_update
from dangjian.people.tests.helpers import (
    BIRTH,
    DUPLICATE,
    FROZEN,
    TODAY,
    all_messages,
    create_refused,
    db_state,
    dissolved_branch,
    errors_of,
    fields,
    temporary_branch,
)

# --- create -------------------------------------------------------------------------------------


def test_create_valid_person(world):
    person = person_create(
        actor=world.admin, org=world.branch_a1_2, **fields(name="  曾国藩 ", phone="+86 138 1234 5678")
    )
    person.refresh_from_db()
    assert person.name == "曾国藩"
    assert person.name_sort_key == "zeng guo fan"
    assert person.name_initials == "zgf"
    assert person.phone == "13812345678"
    assert person.is_active
    assert person.is_member


def test_gender_and_birth_date_can_come_from_the_id_number(world):
    data = fields(standing=Standing.APPLICANT)
    for key in ("gender", "birth_date", "activist_on", "candidate_on", "admitted_on", "converted_on"):
        data.pop(key)
    data["id_number"] = make_id_number("511602", dt.date(1995, 8, 8), 21, "F")
    data["applied_on"] = dt.date(2015, 1, 1)
    person = person_create(actor=None, org=world.branch_a1_2, **data)
    assert (person.gender, person.birth_date) == ("F", dt.date(1995, 8, 8))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写公民身份号码。"),
        ("123", "公民身份号码应为18位（当前3位）。"),
        ("51160219900517123A", "公民身份号码只能由数字组成，最后一位可以是X。"),
        ("991602199005171234", "公民身份号码前两位不是有效的省级行政区划代码。"),
        ("511602199002301234", "公民身份号码中的出生日期不存在。"),
    ],
)
def test_bad_id_number(world, raw, message):
    errors = create_refused(world, id_number=raw)
    assert errors["id_number"] == [message]


def test_wrong_check_digit(world):
    number = valid_id_number(BIRTH, "M")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    errors = create_refused(world, id_number=wrong)
    assert errors["id_number"] == ["公民身份号码校验码错误，请核对后重新输入。"]


def test_lower_case_x_is_stored_upper_case(world):
    for seq in range(500):
        number = make_id_number("511602", BIRTH, seq, "M")
        if number.endswith("X"):
            break
    person = person_create(actor=None, org=world.branch_a1_2, **fields(id_number=number.lower()))
    assert Person.objects.get(pk=person.pk).id_number == number
    # The upper-case form is now a duplicate of the lower-case entry.
    assert create_refused(world, id_number=number)["id_number"] == [DUPLICATE]


def test_duplicate_id_number_does_not_reveal_the_other_person(world):
    other = world.people["county_b"]  # 李小艳 in 乙县医院第一党支部, outside the secretary's scope
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_create(
            actor=world.secretary, org=world.branch_a1_1,
            **fields(id_number=other.id_number, gender="F", birth_date=other.birth_date),
        )  # fmt: skip
    assert db_state() == before
    assert errors_of(info.value) == {"id_number": [DUPLICATE]}
    text = " ".join(all_messages(info.value)) + str(info.value)
    for secret in (other.name, other.org.name, "乙县", str(other.pk), other.id_number):
        assert secret not in text


def test_duplicate_id_number_on_update(world):
    mine = world.people["applicant"]
    other = world.people["in_branch"]
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_update(
            actor=world.secretary,
            person=mine,
            id_number=other.id_number,
            gender="F",
            birth_date=other.birth_date,
        )
    assert errors_of(info.value) == {"id_number": [DUPLICATE]}
    assert other.name not in str(info.value)
    assert db_state() == before


def test_gender_inconsistent_with_id(world):
    errors = create_refused(world, id_number=valid_id_number(BIRTH, "F"), gender="M")
    assert errors == {"gender": ["性别与公民身份号码第17位不一致，请核对。"]}


def test_birth_date_inconsistent_with_id(world):
    errors = create_refused(world, id_number=valid_id_number(BIRTH, "M"), birth_date=dt.date(1990, 5, 18))
    assert errors == {"birth_date": ["出生日期与公民身份号码不一致，请核对。"]}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"activist_on": dt.date(2010, 2, 1)},
            "activist_on",
            "确定为入党积极分子日期不能早于递交入党申请书日期（2010-03-01）。",
        ),
        (
            {"candidate_on": dt.date(2010, 5, 31)},
            "candidate_on",
            "确定为发展对象日期不能早于确定为入党积极分子日期（2010-06-01）。",
        ),
        (
            {"admitted_on": dt.date(2011, 6, 30)},
            "admitted_on",
            "接收为预备党员日期不能早于确定为发展对象日期（2011-07-01）。",
        ),
        (
            {"converted_on": dt.date(2011, 11, 30)},
            "converted_on",
            "转为正式党员日期不能早于接收为预备党员日期（2011-12-01）。",
        ),
        # A missing optional milestone is skipped: the order is checked against the one before it.
        (
            {"candidate_on": None, "admitted_on": dt.date(2010, 5, 1)},
            "admitted_on",
            "接收为预备党员日期不能早于确定为入党积极分子日期（2010-06-01）。",
        ),
    ],
)
def test_milestones_out_of_order(world, overrides, field, message):
    assert create_refused(world, **overrides) == {field: [message]}


def test_milestones_on_the_same_day_are_in_order(world):
    day = dt.date(2012, 1, 1)
    person = person_create(
        actor=None, org=world.branch_a1_2,
        **fields(applied_on=day, activist_on=day, candidate_on=day, admitted_on=day, converted_on=day),
    )  # fmt: skip
    assert person.converted_on == day


@pytest.mark.parametrize(
    ("standing", "overrides", "field", "message"),
    [
        (Standing.APPLICANT, {}, "activist_on", "发展阶段为“入党申请人”时不应填写确定为入党积极分子日期。"),
        (Standing.ACTIVIST, {}, "candidate_on", "发展阶段为“入党积极分子”时不应填写确定为发展对象日期。"),
        (Standing.CANDIDATE, {}, "admitted_on", "发展阶段为“发展对象”时不应填写接收为预备党员日期。"),
        (Standing.PROBATIONARY, {}, "converted_on", "发展阶段为“预备党员”时不应填写转为正式党员日期。"),
        (
            Standing.FULL,
            {"converted_on": None},
            "converted_on",
            "发展阶段为“正式党员”时须填写转为正式党员日期。",
        ),
        (
            Standing.PROBATIONARY,
            {"admitted_on": None, "converted_on": None},
            "admitted_on",
            "发展阶段为“预备党员”时须填写接收为预备党员日期。",
        ),
        (
            Standing.APPLICANT,
            {
                "applied_on": None,
                "activist_on": None,
                "candidate_on": None,
                "admitted_on": None,
                "converted_on": None,
            },
            "applied_on",
            "发展阶段为“入党申请人”时须填写递交入党申请书日期。",
        ),
    ],
)
def test_dates_that_do_not_belong_to_the_standing(world, standing, overrides, field, message):
    errors = create_refused(world, standing=standing, **overrides)
    assert message in errors[field]


def test_invalid_standing(world):
    assert create_refused(world, standing="member") == {"standing": ["请选择发展阶段（政治面貌）。"]}


def test_other_field_checks(world):
    errors = create_refused(
        world, name="张3", phone="12345", ethnicity="火星族", education="phd", category="alien"
    )
    assert errors == {
        "name": ["姓名不能包含数字，且不超过40个字。"],
        "phone": ["电话号码无效，请填写11位手机号或带区号的固定电话。"],
        "ethnicity": ["民族“火星族”不在56个民族名称中。"],
        "education": ["学历无效。"],
        "category": ["人员类别无效。"],
    }
    assert create_refused(world, name="  ") == {"name": ["请填写姓名。"]}


def test_unknown_fields_are_refused(world):
    with pytest.raises(ValidationError) as info:
        person_create(actor=None, org=world.branch_a1_2, reduction="deceased", **fields())
    assert all_messages(info.value) == ["未知字段：reduction。"]


# --- "today" ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("applied_on", "递交入党申请书日期"),
        ("activist_on", "确定为入党积极分子日期"),
        ("candidate_on", "确定为发展对象日期"),
        ("admitted_on", "接收为预备党员日期"),
        ("converted_on", "转为正式党员日期"),
    ],
)
def test_milestone_in_the_future_is_refused(world, field, label):
    later = {"applied_on": 0, "activist_on": 1, "candidate_on": 2, "admitted_on": 3, "converted_on": 4}
    order = list(later)
    dates = {f: dt.date(2020, 1, 1) + dt.timedelta(days=i) for i, f in enumerate(order)}
    for f in order[order.index(field) :]:
        dates[f] = TODAY + dt.timedelta(days=1)
    with time_machine.travel(FROZEN, tick=False):
        errors = create_refused(world, **dates)
    assert f"{label}不能晚于今天。" in errors[field]


def test_milestone_today_in_shanghai_is_accepted(world):
    with time_machine.travel(FROZEN, tick=False):
        person = person_create(actor=None, org=world.branch_a1_2, **fields(converted_on=TODAY))
    assert person.converted_on == TODAY


def test_birth_in_the_future_is_refused(world):
    with time_machine.travel(FROZEN, tick=False):
        errors = create_refused(
            world, id_number=valid_id_number(dt.date(2024, 6, 2)), birth_date=dt.date(2024, 6, 2)
        )
    assert errors["id_number"] == ["公民身份号码中的出生日期不合理。"]


# --- age at application -------------------------------------------------------------------------


def applicant(birth: dt.date, applied: dt.date, gender: str = "M") -> dict:
    return {
        "name": "刘小军",
        "id_number": valid_id_number(birth, gender),
        "gender": gender,
        "birth_date": birth,
        "standing": Standing.APPLICANT,
        "applied_on": applied,
    }


@pytest.mark.parametrize(
    ("birth", "applied", "ok"),
    [
        (dt.date(2000, 5, 10), dt.date(2018, 5, 10), True),  # the 18th birthday itself
        (dt.date(2000, 5, 10), dt.date(2018, 5, 9), False),  # one day before
        (dt.date(2000, 2, 29), dt.date(2018, 2, 28), True),  # leap-day birth: 28 Feb in a common year
        (dt.date(2000, 2, 29), dt.date(2018, 2, 27), False),
        (dt.date(2000, 2, 29), dt.date(2018, 3, 1), True),
        (dt.date(2000, 12, 31), dt.date(2018, 12, 31), True),
        (dt.date(2001, 1, 1), dt.date(2018, 12, 31), False),
    ],
)
def test_applicant_must_be_18_when_applying(world, birth, applied, ok):
    data = applicant(birth, applied)
    if ok:
        assert person_create(actor=None, org=world.branch_a1_2, **data).applied_on == applied
        return
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_create(actor=None, org=world.branch_a1_2, **data)
    assert errors_of(info.value) == {
        "applied_on": [f"递交入党申请书时应年满18周岁（出生于{birth:%Y-%m-%d}）。"]
    }
    assert db_state() == before


# --- the org ------------------------------------------------------------------------------------


def test_temporary_org_cannot_hold_people(world):
    errors = create_refused(world, org=temporary_branch(world))
    assert errors == {"org": ["临时党组织不能作为人员的所在党组织：临时党组织成员保留原组织关系。"]}


def test_dissolved_org_cannot_take_people(world):
    errors = create_refused(world, org=dissolved_branch(world))
    assert errors == {"org": ["“已撤销支部”已撤销，不能转入人员。"]}


@pytest.mark.parametrize("make_org", [temporary_branch, dissolved_branch])
def test_moving_a_person_into_a_temporary_or_dissolved_org_is_refused(world, make_org):
    target = make_org(world)
    person = world.people["other_branch"]
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_update(actor=world.admin, person=person, org=target)
    assert list(errors_of(info.value)) == ["org"]
    assert db_state() == before
