"""Person services: bulk creation."""

from __future__ import annotations

import pytest

from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.conftest import valid_id_number
from dangjian.people.models import Person
from dangjian.people.services import BulkRowError, people_bulk_create
from dangjian.people.tests.helpers import (
    BIRTH,
    DUPLICATE,
    db_state,
    dissolved_branch,
    fields,
    temporary_branch,
)

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
