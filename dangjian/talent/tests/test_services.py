"""The pool's services: registration (with or without a file), the yearly review, appointment and
tasks; the scope and the checks (Chinese messages, nothing changed); the change log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.services import history_for
from dangjian.conftest import valid_id_number
from dangjian.people.models import Person
from dangjian.people.services import person_reduce
from dangjian.talent import services
from dangjian.talent.models import EntryStatus, PoolEntry, PoolReview, PoolTask

from .conftest import D, register

pytestmark = pytest.mark.usefixtures("frozen")


def test_register_without_a_file_writes_the_added_review_and_the_change_log(world):
    entry = register(world.branch_a1_2, actor=world.organizer)
    assert entry.status == EntryStatus.ACTIVE and entry.person is None
    assert list(entry.reviews.values_list("year", "result")) == [(2025, "added")]
    record = history_for(entry).get()
    assert (
        record.action == "create"
        and record.after["姓名"] == "李青"
        and record.after["来源渠道"] == "高校毕业生"
    )


def test_register_a_member_takes_name_and_birth_from_the_file(world):
    member = world.people["in_branch"]
    entry = register(world.branch_a1_1, actor=world.secretary, person=member, name="别的名字")
    assert (entry.name, entry.birth_date, entry.person_id) == (member.name, member.birth_date, member.pk)


def test_register_can_create_the_file_through_the_people_services(world):
    id_number = valid_id_number(D(1995, 1, 2))
    entry = services.entry_register(
        actor=world.secretary, org=world.branch_a1_1, source="veteran", reserved_for="director",
        registered_on=D(2026, 1, 5),
        new_person=dict(name="王军", id_number=id_number, gender="M", birth_date=D(1995, 1, 2),
                        standing="applicant", applied_on=D(2025, 12, 1)),
    )  # fmt: skip
    person = Person.objects.get(id_number=id_number)
    assert entry.person == person and person.org == world.branch_a1_1 and entry.name == "王军"


def test_the_same_file_is_in_an_org_s_pool_once(world):
    member = world.people["in_branch"]
    register(world.branch_a1_1, person=member)
    with pytest.raises(ValidationError) as exc:
        register(world.branch_a1_1, person=member)
    assert "已在该党组织的后备力量库中" in str(exc.value)
    assert PoolEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"source": "alien"}, "source", "请选择有效的来源渠道。"),
        ({"reserved_for": ""}, "reserved_for", "请选择有效的储备岗位。"),
        ({"name": " "}, "name", "请填写姓名。"),
        ({"birth_date": D(2012, 1, 1)}, "birth_date", "入库时年龄应在18至70周岁之间。"),
        ({"registered_on": D(2027, 1, 1)}, "registered_on", "入库日期不能晚于今天。"),
        ({"gender": "X"}, "gender", "请选择性别。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_changes_nothing(world, changes, field, message):
    with pytest.raises(ValidationError) as exc:
        register(world.branch_a1_2, actor=world.organizer, **changes)
    assert message in exc.value.message_dict[field]
    assert not PoolEntry.objects.exists() and not PoolReview.objects.exists()


def test_out_of_scope_actor_and_person_are_refused(world):
    with pytest.raises(PermissionDenied):
        register(world.branch_a1_2, actor=world.secretary)  # her branch is 第一党支部
    with pytest.raises(PermissionDenied):
        register(world.branch_a1_1, actor=world.viewer)  # may view, not change
    with pytest.raises(ValidationError) as exc:
        register(world.branch_a1_1, actor=world.secretary, person=world.people["county_b"])
    assert "人员不存在或不在您的管理范围内" in str(exc.value)
    assert not PoolEntry.objects.exists()


def test_yearly_review_keeps_or_removes_with_a_reason(world):
    entry = register(world.branch_a1_2)
    services.entry_review(
        actor=world.organizer, entry=entry, year=2025, result="kept", reviewed_on=D(2025, 12, 20)
    )
    with pytest.raises(ValidationError) as exc:
        services.entry_review(
            actor=world.organizer, entry=entry, year=2025, result="kept", reviewed_on=D(2025, 12, 21)
        )
    assert "2025年度已调整过" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.entry_review(
            actor=world.organizer, entry=entry, year=2026, result="removed", reviewed_on=D(2026, 11, 1)
        )
    assert "调整出库须写明原因。" in exc.value.message_dict["reason"]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACTIVE
    services.entry_review(
        actor=world.organizer,
        entry=entry,
        year=2026,
        result="removed",
        reviewed_on=D(2026, 11, 1),
        reason="外出务工",
    )
    entry.refresh_from_db()
    assert (entry.status, entry.status_on, entry.status_reason) == ("removed", D(2026, 11, 1), "外出务工")
    assert list(entry.reviews.values_list("year", "result")) == [
        (2025, "added"),
        (2025, "kept"),
        (2026, "removed"),
    ]
    with pytest.raises(ValidationError) as exc:
        services.task_assign(actor=world.organizer, entry=entry, title="x", assigned_on=D(2026, 11, 2))
    assert "已不在库中" in str(exc.value)


def test_appointment_and_tasks(world):
    entry = register(world.branch_a1_2)
    task = services.task_assign(
        actor=world.organizer,
        entry=entry,
        title="牵头村集体经济项目",
        assigned_on=D(2025, 4, 1),
        due_on=D(2025, 10, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.task_close(actor=world.organizer, task=task, outcome="open", closed_on=D(2025, 10, 2))
    assert "请选择完成情况。" in exc.value.message_dict["outcome"]
    services.task_close(
        actor=world.organizer, task=task, outcome="good", closed_on=D(2025, 10, 2), note="提前完成"
    )
    task.refresh_from_db()
    assert (task.outcome, task.outcome_note) == ("good", "提前完成")
    with pytest.raises(ValidationError):
        services.task_close(actor=world.organizer, task=task, outcome="done", closed_on=D(2025, 10, 3))
    with pytest.raises(ValidationError) as exc:
        services.entry_appoint(actor=world.organizer, entry=entry, on=D(2026, 5, 1), post=" ")
    assert "请填写选任的职务。" in exc.value.message_dict["status_reason"]
    services.entry_appoint(actor=world.organizer, entry=entry, on=D(2026, 5, 1), post="村党支部委员")
    entry.refresh_from_db()
    assert (entry.status, entry.status_reason) == ("appointed", "村党支部委员")
    assert [r.action for r in history_for(entry).order_by("id")] == ["create", "update"]
    assert PoolTask.objects.count() == 1


def test_update_records_only_real_changes(world):
    entry = register(world.branch_a1_2)
    services.entry_update(actor=world.organizer, entry=entry, occupation="种植大户")
    services.entry_update(actor=world.organizer, entry=entry, occupation="种植大户")
    assert history_for(entry).count() == 2
    with pytest.raises(ValidationError):
        services.entry_update(actor=world.organizer, entry=entry, name="x")


def test_bulk_create_writes_entries_reviews_tasks_and_one_record_each(world):
    entries = [
        PoolEntry(org=world.branch_a1_2, name=f"甲{i}", gender="F", birth_date=D(1990, 1, 1), source="other",
                  reserved_for="committee", registered_on=D(2024, 2, 1), status="active")
        for i in range(3)
    ]  # fmt: skip
    reviews = [[(2025, "kept", D(2025, 12, 1), "")], [], []]
    tasks = [[], [("调解纠纷", D(2024, 3, 1), None, "open", None, "")], []]
    assert services.pool_bulk_create(actor=None, entries=entries, reviews=reviews, tasks=tasks) == 3
    assert PoolReview.objects.count() == 4 and PoolTask.objects.count() == 1
    assert all(history_for(e).count() == 1 for e in entries)
    bad = [PoolEntry(org=world.branch_a1_2, name="乙", gender="F", birth_date=D(2015, 1, 1), source="other",
                     reserved_for="committee", registered_on=D(2024, 2, 1), status="active")]  # fmt: skip
    with pytest.raises(ValidationError):
        services.pool_bulk_create(actor=None, entries=bad, reviews=[[]], tasks=[[]])
    assert PoolEntry.objects.count() == 3


def test_a_reduced_file_cannot_be_registered(world):
    member = person_reduce(
        actor=None, person=world.people["in_branch"], reduction="deceased", reduced_on=D(2026, 1, 1), note="x"
    )
    with pytest.raises(ValidationError) as exc:
        register(world.branch_a1_1, person=member)
    assert "的档案已减少，不能登记为后备力量。" in exc.value.message_dict["person"][0]
