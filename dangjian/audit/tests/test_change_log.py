"""The change log: one record per write, with the actor, and never a personal identifier."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import SENSITIVE_CHANGED, SENSITIVE_MARK, history_for
from dangjian.conftest import valid_id_number
from dangjian.orgs.services import org_create, org_delete, org_dissolve, org_move, org_update
from dangjian.people.models import Person, Reduction
from dangjian.people.services import people_bulk_create, person_create, person_reduce, person_update

BIRTH = dt.date(1988, 8, 8)
PHONE = "13812345678"
NEW_PHONE = "13987654321"


def new_records(before_id: int):
    return list(ChangeRecord.objects.filter(pk__gt=before_id).order_by("pk"))


def last_id() -> int:
    return ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def the_one_record(before_id: int, action: str, obj, actor) -> ChangeRecord:
    records = new_records(before_id)
    assert len(records) == 1, records
    record = records[0]
    assert record.action == action
    assert record.object_type == obj._meta.label_lower
    assert record.object_id == obj.pk
    assert record.actor_id == actor.pk
    assert record.actor_name == actor.get_full_name()
    assert record.time is not None
    return record


def serialized_log() -> str:
    """Every stored change, as text, both as JSON escapes and as plain characters."""
    rows = list(ChangeRecord.objects.values("before", "after", "object_repr", "message"))
    return json.dumps(rows, ensure_ascii=False) + json.dumps(rows)


def person_fields(**overrides) -> dict:
    data = {
        "name": "钱学森",
        "id_number": valid_id_number(BIRTH, "M"),
        "gender": "M",
        "birth_date": BIRTH,
        "phone": PHONE,
        "standing": "probationary",
        "applied_on": dt.date(2010, 3, 1),
        "admitted_on": dt.date(2011, 12, 1),
        "backfill_reason": "据本人党员档案补录",  # a probationary member's file is 补录
    }
    data.update(overrides)
    return data


# --- one record per write -----------------------------------------------------------------------


def test_org_writes_each_record_once_with_actor(world):
    admin = world.admin
    start = last_id()
    org = org_create(actor=admin, parent=world.town_a1, code="BR-A1-9", name="第九党支部", kind="branch")
    record = the_one_record(start, ChangeAction.CREATE, org, admin)
    assert record.before is None
    assert record.after["组织代码"] == "BR-A1-9"
    assert record.after["组织类别"] == "党支部"  # choices are logged by their Chinese label

    start = last_id()
    org_update(actor=admin, org=org, name="第九党支部（改）")
    record = the_one_record(start, ChangeAction.UPDATE, org, admin)
    assert record.changed_fields() == [("组织名称", "第九党支部", "第九党支部（改）")]

    start = last_id()
    org_move(actor=admin, org=org, new_parent=world.general_branch_b)
    record = the_one_record(start, ChangeAction.MOVE, org, admin)
    assert record.after == {"上级党组织": "乙县医院党总支"}

    start = last_id()
    org_dissolve(actor=admin, org=org, dissolved_on=dt.date(2024, 1, 2), reason="撤并")
    record = the_one_record(start, ChangeAction.DISSOLVE, org, admin)
    assert ("撤销日期", None, "2024-01-02") in record.changed_fields()

    start = last_id()
    pk = org.pk
    org_delete(actor=admin, org=org)
    records = new_records(start)
    assert [(r.action, r.object_id, r.actor_id) for r in records] == [(ChangeAction.DELETE, pk, admin.pk)]


def test_org_update_without_a_change_records_nothing(world):
    start = last_id()
    org_update(actor=world.admin, org=world.town_a1, name=" 东城镇党委 ")
    assert new_records(start) == []


def test_failed_writes_record_nothing(world):
    start = last_id()
    with pytest.raises(ValidationError):
        org_create(actor=world.admin, parent=world.group_a1_1_1, code="X", name="X", kind="branch")
    with pytest.raises(ValidationError):
        person_create(actor=world.admin, org=world.branch_a1_2, **person_fields(gender="F"))
    with pytest.raises(ValidationError):
        person_update(actor=world.admin, person=world.people["in_branch"], phone="12345")
    assert new_records(start) == []


def test_person_writes_each_record_once_with_actor(world):
    actor = world.secretary
    start = last_id()
    person = person_create(actor=actor, org=world.branch_a1_1, **person_fields())
    record = the_one_record(start, ChangeAction.CREATE, person, actor)
    assert record.after["姓名"] == "钱学森"
    assert record.after["所在党组织"] == "东城镇第一党支部"
    assert record.after["政治面貌/发展阶段"] == "预备党员"

    start = last_id()
    person_update(actor=actor, person=person, work_unit="第七机械工业部")
    record = the_one_record(start, ChangeAction.UPDATE, person, actor)
    assert record.changed_fields() == [("工作单位及职务", "", "第七机械工业部")]

    start = last_id()
    person_update(actor=actor, person=person, org=world.group_a1_1_1)
    record = the_one_record(start, ChangeAction.UPDATE, person, actor)
    assert record.changed_fields() == [("所在党组织", "东城镇第一党支部", "第一党小组")]

    start = last_id()
    person_reduce(
        actor=actor, person=person, reduction=Reduction.DECEASED, reduced_on=dt.date(2024, 1, 1), note="病故"
    )
    record = the_one_record(start, ChangeAction.REDUCE, person, actor)
    assert ("减少原因类别", "", "死亡") in record.changed_fields()
    assert history_for(person).count() == 4


def test_system_writes_are_attributed_to_the_system(world):
    start = last_id()
    person = person_create(actor=None, org=world.branch_a1_2, **person_fields())
    records = new_records(start)
    assert len(records) == 1
    assert (records[0].actor_id, records[0].actor_name, records[0].object_id) == (None, "系统", person.pk)


def test_bulk_create_records_each_person_once(world):
    start = last_id()
    rows = [
        dict(person_fields(name=n, id_number=valid_id_number(BIRTH)), org=world.branch_a1_2) for n in "甲乙丙"
    ]
    assert people_bulk_create(actor=world.admin, rows=rows) == 3
    records = new_records(start)
    created = Person.objects.filter(name__in=list("甲乙丙"))
    assert sorted(r.object_id for r in records) == sorted(created.values_list("pk", flat=True))
    assert {(r.action, r.actor_id, r.actor_name) for r in records} == {
        (ChangeAction.CREATE, world.admin.pk, "admin")
    }


# --- personal identifiers -----------------------------------------------------------------------


def test_id_number_and_phone_never_reach_the_log(world):
    old_id = valid_id_number(BIRTH, "M")
    new_id = valid_id_number(BIRTH, "M")
    assert old_id != new_id
    person = person_create(actor=world.admin, org=world.branch_a1_2, **person_fields(id_number=old_id))
    person_update(actor=world.admin, person=person, id_number=new_id.lower(), phone="+86 139 8765 4321")
    person_update(actor=world.admin, person=person, phone="028-87654321", name="钱学")
    person_update(actor=world.admin, person=person, phone="")
    person_reduce(
        actor=world.admin, person=person, reduction=Reduction.TRANSFERRED_OUT, reduced_on=dt.date(2024, 1, 1),
        note="转往北京",
    )  # fmt: skip
    people_bulk_create(
        actor=world.admin,
        rows=[
            dict(person_fields(id_number=valid_id_number(BIRTH), phone="13711112222"), org=world.branch_a1_2)
        ],
    )
    bulk_person = Person.objects.get(phone="13711112222")
    assert history_for(person).count() == 5

    log = serialized_log()
    for secret in (
        old_id,
        new_id,
        new_id.lower(),
        PHONE,
        NEW_PHONE,
        "02887654321",
        "13711112222",
        bulk_person.id_number,
    ):
        assert secret not in log
    # Not even the parts that identify the person: the birth-date block and the phone's middle digits.
    for number in (old_id, new_id, bulk_person.id_number):
        assert number[6:17] not in log
    # The world's own people are in the log too.
    for p in Person.objects.all():
        assert p.id_number not in log


def test_changed_phone_and_id_show_only_that_they_changed(world):
    person = person_create(actor=world.admin, org=world.branch_a1_2, **person_fields())
    created = history_for(person).get()
    assert created.after["联系电话"] == SENSITIVE_MARK
    assert created.after["公民身份号码"] == SENSITIVE_MARK

    start = last_id()
    person_update(actor=world.admin, person=person, phone=NEW_PHONE)
    record = the_one_record(start, ChangeAction.UPDATE, person, world.admin)
    assert record.before["联系电话"] == SENSITIVE_MARK
    assert record.after["联系电话"] == SENSITIVE_CHANGED == "（已修改，内容不记录）"
    assert record.after["公民身份号码"] == SENSITIVE_MARK  # unchanged
    assert record.changed_fields() == [("联系电话", SENSITIVE_MARK, SENSITIVE_CHANGED)]

    start = last_id()
    person_update(actor=world.admin, person=person, id_number=valid_id_number(BIRTH, "M"))
    record = the_one_record(start, ChangeAction.UPDATE, person, world.admin)
    assert record.changed_fields() == [("公民身份号码", SENSITIVE_MARK, SENSITIVE_CHANGED)]


def test_phone_added_and_removed_are_marked_as_changed(world):
    person = person_create(actor=world.admin, org=world.branch_a1_2, **person_fields(phone=""))
    assert history_for(person).get().after["联系电话"] == ""
    start = last_id()
    person_update(actor=world.admin, person=person, phone=PHONE)
    record = the_one_record(start, ChangeAction.UPDATE, person, world.admin)
    assert (record.before["联系电话"], record.after["联系电话"]) == ("", SENSITIVE_CHANGED)
    start = last_id()
    person_update(actor=world.admin, person=person, phone="")
    record = the_one_record(start, ChangeAction.UPDATE, person, world.admin)
    assert (record.before["联系电话"], record.after["联系电话"]) == (SENSITIVE_MARK, SENSITIVE_CHANGED)


def test_same_phone_in_another_format_is_not_a_change(world):
    person = person_create(actor=world.admin, org=world.branch_a1_2, **person_fields())
    start = last_id()
    person_update(actor=world.admin, person=person, phone="+86 138-1234-5678")
    assert new_records(start) == []
    assert Person.objects.get(pk=person.pk).phone == PHONE
