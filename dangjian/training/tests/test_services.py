"""The training services: dates, duplicates, scope, and step 11 from a 发展对象培训 completion."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person
from dangjian.development.models import StepRecord
from dangjian.training import services
from dangjian.training.models import Participation, TrainingClass
from dangjian.training.tests.conftest import candidate_case, make_class

D = dt.date
pytestmark = pytest.mark.usefixtures("frozen")


def test_a_class_counts_its_days_and_is_logged(world):
    c = make_class(world)
    assert (c.days, c.hours, c.created_by) == (3, Decimal("24.0"), world.organizer)
    change = ChangeRecord.objects.get(object_type="training.trainingclass", object_id=c.pk)
    assert change.after["培训班名称"] == "2023年第一期发展对象培训班"
    assert change.after["培训类别"] == "发展对象培训"
    assert make_class(world, name="周末班", start=D(2024, 3, 2), end=D(2024, 3, 10), days=4).days == 4


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start": D(2023, 6, 3), "end": D(2023, 6, 1)}, "end_on", "结束日期不能早于开始日期。"),
        ({"hours": 0}, "hours", "学时应大于0且不超过999.9。"),
        ({"hours": "abc"}, "hours", "学时应为数字，如 24 或 1.5。"),
        ({"kind": "party_school"}, "kind", "请选择有效的培训类别。"),
        ({"name": "  "}, "name", "请填写培训班名称。"),
        ({"days": 5}, "days", "培训天数应在1至3之间（开始至结束共3天）。"),
    ],
)
def test_invalid_classes_are_refused_with_a_message(world, changes, field, message):
    with pytest.raises(ValidationError) as refused:
        make_class(world, **changes)
    assert message in refused.value.message_dict[field]
    assert not TrainingClass.objects.exists()


def test_only_who_may_change_the_org_records_a_class(world):
    with pytest.raises(PermissionDenied):
        make_class(world, actor=world.secretary)  # her branch, not the town committee
    with pytest.raises(PermissionDenied):
        make_class(world, actor=world.viewer, org=world.branch_a1_1)
    assert (
        make_class(world, actor=world.secretary, org=world.branch_a1_1, kind="member_rotation").org
        == world.branch_a1_1
    )


def test_participants_all_or_nothing_and_a_duplicate_is_named(world):
    c = make_class(world, kind="member_rotation")
    first, other = world.people["in_branch"], world.people["other_branch"]
    added = services.participants_add(actor=world.organizer, training_class=c, people=[first])
    assert [p.category for p in added] == ["member"]
    applicant = world.people["applicant"]
    with pytest.raises(ValidationError) as refused:
        services.participants_add(actor=world.organizer, training_class=c, people=[other, first, applicant])
    assert refused.value.message_dict["people"] == ["“曾小芳”已在本培训班的学员名单中。"]
    assert list(c.participations.values_list("person__name", flat=True)) == ["曾小芳"]
    services.participants_add(
        actor=world.organizer, training_class=c, people=[other, applicant], category="village_cadre"
    )
    assert sorted(c.participations.values_list("category", flat=True)) == [
        "member",
        "village_cadre",
        "village_cadre",
    ]
    assert ChangeRecord.objects.filter(object_type="training.participation").count() == 3


def test_category_defaults_from_the_standing(world):
    c = make_class(world, kind="activist")
    activist = make_person(world.branch_a1_1, name="韩积极", standing="activist")
    candidate = make_person(world.branch_a1_1, name="韩对象", standing="candidate")
    services.participants_add(
        actor=world.organizer, training_class=c, people=[activist, candidate, world.people["applicant"]]
    )
    assert dict(c.participations.values_list("person__name", "category")) == {
        "韩积极": "activist",
        "韩对象": "candidate",
        "单明": "other",
    }


def test_people_outside_the_scope_or_reduced_are_refused(world):
    c = make_class(world, actor=world.secretary, org=world.branch_a1_1, kind="member_rotation")
    with pytest.raises(PermissionDenied):
        services.participants_add(actor=world.secretary, training_class=c, people=[world.people["county_b"]])
    gone = make_person(
        world.branch_a1_1, name="吴离开", reduction="transferred_out", reduced_on=D(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as refused:
        services.participants_add(
            actor=world.secretary, training_class=c, people=[world.people["in_branch"], gone]
        )
    assert refused.value.message_dict["people"] == ["“吴离开”已减少（不在册），不能登记为学员。"]
    with pytest.raises(ValidationError):
        services.participants_add(actor=world.secretary, training_class=c, people=[])
    assert not Participation.objects.exists()


def _step_11(case):
    return list(StepRecord.objects.filter(case=case, step=11, kind="record").order_by("id"))


def test_completion_records_step_11_from_the_class_once(world, introducers):
    fresh = candidate_case(world, introducers, name="赵新")
    trained = candidate_case(world, introducers, name="孙已训", upto=11, birth=D(1997, 5, 5))
    member = world.people["in_branch"]
    c = make_class(world, kind="candidate", start=D(2023, 6, 1), end=D(2023, 6, 3), hours=24)
    services.participants_add(
        actor=world.organizer, training_class=c, people=[fresh.person, trained.person, member]
    )
    done = services.participation_complete(
        actor=world.organizer, training_class=c, people=[fresh.person, trained.person, member]
    )
    assert len(done) == 3
    [record] = _step_11(fresh)
    assert (record.on, record.data, record.org) == (
        D(2023, 6, 3),
        {"start": "2023-06-01", "hours": 24.0},
        world.town_a1,
    )
    assert "2023年第一期发展对象培训班" in record.note and record.actor == world.organizer
    assert len(_step_11(trained)) == 1  # already trained: completed without a second record
    fresh.refresh_from_db()
    assert fresh.last_step == 11
    rows = {p.person.name: p for p in c.participations.select_related("person")}
    assert all(
        p.completed and p.completed_on == D(2023, 6, 3) and p.hours == Decimal("24.0") for p in rows.values()
    )
    # Completing again changes nothing and records nothing.
    before = ChangeRecord.objects.count()
    assert (
        services.participation_complete(actor=world.organizer, training_class=c, people=[fresh.person]) == []
    )
    assert ChangeRecord.objects.count() == before and len(_step_11(fresh)) == 1


def test_a_short_class_is_refused_by_r_train_and_nothing_changes(world, introducers):
    case = candidate_case(world, introducers, name="赵新")
    other = make_person(world.branch_a1_1, name="周党员")
    c = make_class(world, name="两天短训班", start=D(2023, 6, 2), end=D(2023, 6, 3), hours=16)
    services.participants_add(actor=world.organizer, training_class=c, people=[other, case.person])
    changes, records = ChangeRecord.objects.count(), StepRecord.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.participation_complete(actor=world.organizer, training_class=c, people=[other, case.person])
    [message] = refused.value.messages
    assert message.startswith("“赵新”的集中培训不能记入发展纪实：【R-TRAIN】集中培训2天、16学时")
    assert (ChangeRecord.objects.count(), StepRecord.objects.count()) == (changes, records)
    assert not c.participations.filter(completed=True).exists()
    case.refresh_from_db()
    assert case.last_step == 10


def test_completion_waits_for_the_end_and_needs_participants(world):
    c = make_class(world, kind="member_rotation", start=D(2026, 11, 19), end=D(2026, 11, 22))
    services.participants_add(actor=world.organizer, training_class=c, people=[world.people["in_branch"]])
    with pytest.raises(ValidationError) as early:
        services.participation_complete(
            actor=world.organizer, training_class=c, people=[world.people["in_branch"]]
        )
    assert early.value.message_dict["people"] == ["培训班于2026-11-22结束，结束前不能登记结业。"]
    past = make_class(world, kind="member_rotation", name="轮训班")
    with pytest.raises(ValidationError) as missing:
        services.participation_complete(
            actor=world.organizer, training_class=past, people=[world.people["other_branch"]]
        )
    assert missing.value.message_dict["people"] == ["不在本培训班的学员名单中：欧阳修远。"]
    services.participants_add(
        actor=world.organizer, training_class=past, people=[world.people["other_branch"]]
    )
    with pytest.raises(ValidationError) as future:
        services.participation_complete(
            actor=world.organizer,
            training_class=past,
            people=[world.people["other_branch"]],
            completed_on=D(2026, 12, 1),
        )
    assert future.value.message_dict["people"] == ["结业日期不能晚于今天。"]


def test_a_completed_class_keeps_its_dates_and_hours(world):
    c = make_class(world, kind="member_rotation")
    services.participants_add(actor=world.organizer, training_class=c, people=[world.people["in_branch"]])
    services.training_class_update(actor=world.organizer, training_class=c, hours=32, place="党校")
    services.participation_complete(
        actor=world.organizer, training_class=c, people=[world.people["in_branch"]]
    )
    assert c.participations.get().hours == Decimal("32.0")
    with pytest.raises(ValidationError) as sealed:
        services.training_class_update(actor=world.organizer, training_class=c, hours=40)
    assert "学时" in sealed.value.messages[0] and "不能再修改" in sealed.value.messages[0]
    updated = services.training_class_update(actor=world.organizer, training_class=c, name="2023年党员轮训班")
    assert updated.name == "2023年党员轮训班"
    with pytest.raises(PermissionDenied):
        services.training_class_update(actor=world.secretary, training_class=c, name="改名")
    with pytest.raises(ValidationError):
        services.training_class_update(actor=world.organizer, training_class=c, org=world.branch_a1_1)


def test_a_participant_entered_by_mistake_is_removed_and_logged(world):
    c = make_class(world, kind="member_rotation")
    [p] = services.participants_add(
        actor=world.organizer, training_class=c, people=[world.people["in_branch"]]
    )
    with pytest.raises(PermissionDenied):
        services.participation_remove(actor=world.secretary, participation=p)
    services.participation_remove(actor=world.organizer, participation=p)
    assert not Participation.objects.exists()
    deleted = ChangeRecord.objects.get(object_type="training.participation", object_id=p.pk, action="delete")
    assert deleted.message == "移除误录的学员" and deleted.before["学员"] == "曾小芳"
    assert ChangeRecord.objects.filter(
        object_type="training.trainingclass", object_id=c.pk, action="update"
    ).exists()
