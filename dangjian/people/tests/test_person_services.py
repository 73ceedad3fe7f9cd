"""Person services: validation on create/update/reduce, scope re-checks, and bulk creation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import User
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.base.idnumber import SHANGHAI, make_id_number
from dangjian.conftest import make_person, valid_id_number
from dangjian.orgs.services import org_create, org_dissolve
from dangjian.people import selectors
from dangjian.people.models import Person, Reduction, Standing
from dangjian.people.services import (
    BulkRowError,
    people_bulk_create,
    person_create,
    person_reduce,
    person_update,
)

BIRTH = dt.date(1990, 5, 17)
DUPLICATE = "该公民身份号码已有人员档案，不能重复建档。"


def fields(**overrides) -> dict:
    """A valid full member born 1990-05-17, as person_create takes them."""
    birth = overrides.get("birth_date", BIRTH)
    gender = overrides.get("gender", "M")
    data = {
        "name": "王建国",
        "id_number": valid_id_number(birth, gender),
        "gender": gender,
        "birth_date": birth,
        "standing": Standing.FULL,
        "applied_on": dt.date(2010, 3, 1),
        "activist_on": dt.date(2010, 6, 1),
        "candidate_on": dt.date(2011, 7, 1),
        "admitted_on": dt.date(2011, 12, 1),
        "converted_on": dt.date(2012, 12, 1),
    }
    data.update(overrides)
    return data


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


def all_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def db_state() -> dict:
    return {
        "people": sorted(
            Person.objects.values_list("pk", "name", "org_id", "id_number", "standing", "reduction", "phone")
        ),
        "changes": ChangeRecord.objects.count(),
    }


def create_refused(world, org=None, **overrides) -> dict[str, list[str]]:
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_create(actor=world.admin, org=org or world.branch_a1_2, **fields(**overrides))
    assert db_state() == before
    return errors_of(info.value)


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

# 2024-06-01 07:30 in Shanghai is still 2024-05-31 in UTC.
FROZEN = dt.datetime(2024, 6, 1, 7, 30, tzinfo=SHANGHAI)
TODAY = dt.date(2024, 6, 1)


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


def temporary_branch(world):
    temp = org_create(
        actor=None, parent=world.county_a, code="TMP-C", name="临时党委", kind="temp_committee",
        founded_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    return org_create(
        actor=None, parent=temp, code="TMP-B", name="培训班临时党支部", kind="temp_branch",
        founded_on=dt.date(2020, 1, 1),
    )  # fmt: skip


def dissolved_branch(world):
    branch = org_create(actor=None, parent=world.town_a1, code="BR-OLD", name="已撤销支部", kind="branch")
    return org_dissolve(actor=None, org=branch, dissolved_on=dt.date(2020, 1, 1), reason="撤并")


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


# --- update -------------------------------------------------------------------------------------


def test_update_recomputes_keys_and_records_once(world):
    person = world.people["other_branch"]
    changes = ChangeRecord.objects.count()
    person_update(actor=world.admin, person=person, name="单田芳", work_unit=" 评书社 ")
    person.refresh_from_db()
    assert (person.name, person.name_sort_key, person.name_initials) == ("单田芳", "shan tian fang", "stf")
    assert person.work_unit == "评书社"
    assert ChangeRecord.objects.count() == changes + 1


def test_update_rejects_reduction_fields(world):
    with pytest.raises(ValidationError) as info:
        person_update(actor=world.admin, person=world.people["other_branch"], reduction="deceased")
    assert all_messages(info.value) == ["不能直接修改这些字段：reduction。"]


def test_update_validates_like_create(world):
    person = world.people["applicant"]
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_update(actor=world.admin, person=person, standing=Standing.FULL)
    assert "发展阶段为“正式党员”时须填写转为正式党员日期。" in errors_of(info.value)["converted_on"]
    assert db_state() == before


def test_promotion_through_update(world):
    person = person_update(
        actor=world.secretary, person=world.people["applicant"], standing=Standing.ACTIVIST,
        activist_on=dt.date(2011, 1, 1),
    )  # fmt: skip
    assert Person.objects.get(pk=person.pk).standing == Standing.ACTIVIST


def test_secretary_cannot_move_a_person_out_of_scope(world):
    secretary = User.objects.get(pk=world.secretary.pk)
    person = world.people["in_branch"]
    before = db_state()
    with pytest.raises(PermissionDenied) as info:
        person_update(actor=secretary, person=person, org=world.branch_a1_2)
    assert str(info.value) == "您无权把人员转入“东城镇第二党支部”，该组织不在您的管理范围内，修改未保存。"
    person.refresh_from_db()
    assert person.org_id == world.branch_a1_1.pk
    assert db_state() == before
    assert not ChangeRecord.objects.filter(
        object_type="people.person", object_id=person.pk, action="update"
    ).exists()


def test_secretary_moves_a_person_inside_the_branch(world):
    person = person_update(actor=world.secretary, person=world.people["in_branch"], org=world.group_a1_1_1)
    assert Person.objects.get(pk=person.pk).org_id == world.group_a1_1_1.pk


def test_secretary_cannot_touch_people_outside_scope(world):
    before = db_state()
    with pytest.raises(PermissionDenied) as info:
        person_update(actor=world.secretary, person=world.people["county_b"], name="改名")
    assert str(info.value) == "您无权修改该人员档案。"
    with pytest.raises(PermissionDenied) as info:
        person_create(actor=world.secretary, org=world.branch_b_1, **fields())
    assert str(info.value) == "您无权在该党组织建立人员档案。"
    with pytest.raises(PermissionDenied):
        person_reduce(
            actor=world.secretary, person=world.people["county_b"], reduction=Reduction.DECEASED,
            reduced_on=dt.date(2024, 1, 1), note="病故",
        )  # fmt: skip
    for user in (world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            person_update(actor=user, person=world.people["in_branch"], name="改名")
    assert db_state() == before


# --- reduce -------------------------------------------------------------------------------------


def test_reduce_keeps_the_row_and_stops_counting(world):
    person = world.people["other_branch"]
    admin = User.objects.get(pk=world.admin.pk)
    counted = selectors.people_in(admin, world.town_a1).count()
    full_count = dict((s, n) for s, _, n in selectors.standing_counts(admin, world.town_a1))["full"]
    person_reduce(
        actor=world.admin, person=person, reduction=Reduction.TRANSFERRED_OUT,
        reduced_on=dt.date(2024, 1, 1), note=" 转往成都市武侯区 ",
    )  # fmt: skip
    person.refresh_from_db()
    assert not person.is_active
    assert (person.reduction, person.reduced_on, person.reduction_note) == (
        "transferred_out", dt.date(2024, 1, 1), "转往成都市武侯区",
    )  # fmt: skip
    assert Person.objects.filter(pk=person.pk).exists()
    assert selectors.people_in(admin, world.town_a1).count() == counted - 1
    assert (
        dict((s, n) for s, _, n in selectors.standing_counts(admin, world.town_a1))["full"] == full_count - 1
    )
    assert person.pk in set(
        selectors.people_list(admin, world.town_a1, include_reduced=True).values_list("pk", flat=True)
    )


def test_updating_a_reduced_person_is_refused(world):
    person = world.people["other_branch"]
    person_reduce(
        actor=None, person=person, reduction=Reduction.DECEASED, reduced_on=dt.date(2024, 1, 1), note="病故"
    )
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_update(actor=world.admin, person=person, name="新名字")
    assert all_messages(info.value) == ["该人员已减少（不在册），档案不能再修改。"]
    with pytest.raises(ValidationError) as info:
        person_reduce(
            actor=None, person=person, reduction=Reduction.DECEASED, reduced_on=dt.date(2024, 1, 1), note="x"
        )
    assert errors_of(info.value) == {"reduction": ["该人员已经减少（不在册）。"]}
    assert db_state() == before


def test_reduce_validation(world):
    person = world.people["in_branch"]  # a full member born 1992-02-29
    before = db_state()
    with time_machine.travel(FROZEN, tick=False):
        with pytest.raises(ValidationError) as info:
            person_reduce(
                actor=None, person=person, reduction="lost", reduced_on=dt.date(2024, 6, 2), note=" "
            )
        assert errors_of(info.value) == {
            "reduction": ["请选择减少原因类别。"],
            "reduced_on": ["减少日期不能晚于今天。"],
            "reduction_note": ["请填写减少说明（如转往单位、文号）。"],
        }
        with pytest.raises(ValidationError) as info:
            person_reduce(
                actor=None,
                person=person,
                reduction=Reduction.DISQUALIFIED,
                reduced_on=dt.date(1992, 2, 28),
                note="x",
            )
        assert errors_of(info.value) == {
            "reduced_on": ["减少日期不能早于出生日期。"],
            "reduction": ["只有预备党员才能取消预备党员资格。"],
        }
    assert db_state() == before


def test_probationary_member_can_be_disqualified(world):
    person = make_person(world.branch_a1_2, name="赵预备", standing="probationary")
    person_reduce(
        actor=world.organizer, person=person, reduction=Reduction.DISQUALIFIED,
        reduced_on=dt.date(2013, 1, 1), note="预备期满不合格",
    )  # fmt: skip
    assert Person.objects.get(pk=person.pk).reduction == Reduction.DISQUALIFIED


# --- bulk ---------------------------------------------------------------------------------------


def bulk_row(world, **overrides) -> dict:
    row = fields(**overrides)
    row.setdefault("org", world.branch_a1_2)
    return row


def test_bulk_create_writes_everything(world):
    before = db_state()
    rows = [bulk_row(world, name=n) for n in ("区小华", "查良镛", "仇英")]
    assert people_bulk_create(actor=world.organizer, rows=rows) == 3
    created = Person.objects.filter(name__in=["区小华", "查良镛", "仇英"])
    assert sorted(created.values_list("name_sort_key", flat=True)) == [
        "ou xiao hua",
        "qiu ying",
        "zha liang yong",
    ]
    records = ChangeRecord.objects.filter(message="批量建档", action=ChangeAction.CREATE)
    assert records.count() == 3
    assert set(records.values_list("object_id", flat=True)) == set(created.values_list("pk", flat=True))
    assert set(records.values_list("actor", flat=True)) == {world.organizer.pk}
    assert ChangeRecord.objects.count() == before["changes"] + 3


def bulk_refused(world, rows, actor=None) -> list[tuple[int, str, str]]:
    before = db_state()
    with pytest.raises(BulkRowError) as info:
        people_bulk_create(actor=actor, rows=rows)
    assert db_state() == before
    return info.value.row_errors


def test_bulk_duplicate_inside_the_batch(world):
    number = valid_id_number(BIRTH)
    rows = [
        bulk_row(world, name="甲"),
        bulk_row(world, id_number=number),
        bulk_row(world, id_number=f" {number.lower()} "),
    ]
    errors = bulk_refused(world, rows)
    assert errors == [(3, "公民身份号码", "与第2行的公民身份号码重复。")]


def test_bulk_duplicate_against_the_database(world):
    other = world.people["county_b"]
    rows = [
        bulk_row(world),
        bulk_row(world, id_number=other.id_number, gender="F", birth_date=other.birth_date),
    ]
    errors = bulk_refused(world, rows)
    assert errors == [(2, "公民身份号码", DUPLICATE)]
    assert all(other.name not in m and other.org.name not in m for _, _, m in errors)


def test_bulk_bad_rows_are_all_reported(world):
    rows = [
        bulk_row(world),
        bulk_row(world, id_number="123"),
        bulk_row(world, name=""),
        bulk_row(world, id_number=valid_id_number(BIRTH, "M"), gender="F"),
        bulk_row(world, org=None),
    ]
    errors = bulk_refused(world, rows)
    assert errors == [
        (2, "公民身份号码", "公民身份号码应为18位（当前3位）。"),
        (3, "姓名", "请填写姓名。"),
        (4, "性别", "性别与公民身份号码第17位不一致，请核对。"),
        (5, "所在党组织", "请选择所在党组织。"),
    ]


def test_bulk_error_message_names_rows(world):
    with pytest.raises(BulkRowError) as info:
        people_bulk_create(actor=None, rows=[bulk_row(world), bulk_row(world, id_number="123")])
    assert info.value.messages == ["第2行 公民身份号码：公民身份号码应为18位（当前3位）。"]


def test_bulk_respects_scope_and_org_state(world):
    rows = [
        bulk_row(world, org=world.branch_a1_1),
        bulk_row(world, org=world.branch_b_1),
        bulk_row(world, org=dissolved_branch(world)),
        bulk_row(world, org=temporary_branch(world)),
    ]
    errors = bulk_refused(world, rows, actor=world.secretary)
    assert errors == [
        (2, "所在党组织", "“乙县医院第一党支部”不在您的管理范围内。"),
        (3, "所在党组织", "“已撤销支部”已撤销，不能转入人员。"),
        (4, "所在党组织", "临时党组织不能作为人员的所在党组织：临时党组织成员保留原组织关系。"),
    ]


def test_bulk_of_nothing(world):
    assert people_bulk_create(actor=None, rows=[]) == 0
