"""Person services: update and reduce, with scope re-checks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import User
from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person
from dangjian.people import selectors
from dangjian.people.models import Person, Reduction, Standing
from dangjian.people.services import person_create, person_reduce, person_update
from dangjian.people.tests.helpers import FROZEN, all_messages, db_state, errors_of, fields

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


def test_update_refuses_the_standing_of_someone_without_records(world):
    """Without a case the standing and its dates change only by 补录 (person_backfill), with a reason."""
    person = world.people["applicant"]
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_update(
            actor=world.secretary, person=person, standing=Standing.ACTIVIST, activist_on=dt.date(2011, 1, 1)
        )
    message = "政治面貌和各阶段日期不能在档案中直接修改：该同志没有发展纪实，请通过“补录入党信息”办理并写明补录原因。"
    assert errors_of(info.value) == {"activist_on": [message], "standing": [message]}
    assert db_state() == before
    # Unchanged values pass (a form sends them back as they are).
    person_update(actor=world.secretary, person=person, standing=person.standing, work_unit="供销社")


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
