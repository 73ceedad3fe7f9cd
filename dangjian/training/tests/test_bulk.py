"""The bulk path (demo data, imports): the same checks as one class, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person
from dangjian.training import services
from dangjian.training.models import Participation, TrainingClass


def _spec(world, people, **extra):
    return {
        "org": world.town_a1, "name": "东城镇党员集中轮训班", "kind": "member_rotation",
        "start_on": dt.date(2026, 3, 2), "end_on": dt.date(2026, 3, 5), "hours": 24,
        "participants": [(p, "member") for p in people], **extra,
    }  # fmt: skip


def test_bulk_records_completed_participations_with_the_class_hours(world):
    people = [world.people["in_branch"], make_person(world.branch_a1_1, name="赵甲")]
    logged = ChangeRecord.objects.count()
    n = services.training_bulk_record(actor=None, classes=[_spec(world, people)], log_message="测试")
    assert n == 2
    rows = list(Participation.objects.values_list("completed", "completed_on", "hours"))
    assert rows == [(True, dt.date(2026, 3, 5), Decimal("24.0"))] * 2
    assert TrainingClass.objects.get().days == 4
    assert ChangeRecord.objects.count() == logged + 1


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [({"end_on": dt.date(2026, 3, 1)}, "结束日期不能早于开始日期"), ({"hours": 0}, "学时应大于0"),
     ({"kind": "picnic"}, "请选择有效的培训类别")],
)  # fmt: skip
def test_one_bad_class_refuses_the_whole_batch(world, extra, fragment):
    good = _spec(world, [world.people["in_branch"]])
    with pytest.raises(ValidationError) as info:
        services.training_bulk_record(actor=None, classes=[good, _spec(world, [world.people["in_branch"]], **extra)],
                                      log_message="测试")  # fmt: skip
    assert any(fragment in m for m in info.value.messages)
    assert not TrainingClass.objects.exists() and not Participation.objects.exists()


def test_a_person_twice_in_one_class_is_refused(world):
    person = world.people["in_branch"]
    with pytest.raises(ValidationError) as info:
        services.training_bulk_record(
            actor=None, classes=[_spec(world, [person, person])], log_message="测试"
        )
    assert "同一学员在名单中出现了两次。" in info.value.messages[0]
