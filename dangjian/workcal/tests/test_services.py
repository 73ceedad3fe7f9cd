"""Calendar services: who may edit, validation (Chinese messages), and the change log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.orgs.services import org_create, org_dissolve
from dangjian.workcal.calendar import is_known_year
from dangjian.workcal.models import CalendarDay, CalendarYear
from dangjian.workcal.services import (
    calendar_day_clear,
    calendar_day_set,
    calendar_year_mark_complete,
    calendar_year_mark_incomplete,
    can_edit_calendar,
)

D = dt.date
NOT_ALLOWED = "只有系统管理员或组织部管理员可以维护工作日历。"
NOTICE = "国办发明电〔2026〕99号"


def state() -> tuple:
    return (
        sorted(CalendarDay.objects.values_list("date", "is_workday", "name", "source")),
        sorted(CalendarYear.objects.values_list("year", "complete", "source")),
        ChangeRecord.objects.count(),
    )


def set_day(actor, **overrides):
    fields = {"day": D(2027, 1, 1), "is_workday": False, "name": "元旦", "source": NOTICE}
    fields.update(overrides)
    return calendar_day_set(actor=actor, **fields)


# --- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "root"])
def test_org_admin_and_superuser_may_edit(world, persona):
    actor = getattr(world, persona)
    row = set_day(actor)
    assert row.updated_by == actor
    year = calendar_year_mark_complete(actor=actor, year=2027, source=NOTICE)
    assert year.complete and year.updated_by == actor
    assert can_edit_calendar(actor)


@pytest.mark.parametrize("persona", ["secretary", "organizer", "viewer", "outsider"])
def test_other_personas_may_not_edit(world, persona):
    actor = getattr(world, persona)
    set_day(world.admin)
    before = state()
    assert not can_edit_calendar(actor)
    for call in (
        lambda: set_day(actor, day=D(2027, 2, 6), is_workday=True, name="调休上班"),
        lambda: calendar_day_clear(actor=actor, day=D(2027, 1, 1)),
        lambda: calendar_year_mark_complete(actor=actor, year=2027, source=NOTICE),
        lambda: calendar_year_mark_incomplete(actor=actor, year=2027),
    ):
        with pytest.raises(PermissionDenied) as info:
            call()
        assert str(info.value) == NOT_ALLOWED
    assert state() == before


def test_permission_is_checked_before_validation(world):
    with pytest.raises(PermissionDenied):
        set_day(world.secretary, name="", source="")


def test_role_on_a_dissolved_org_does_not_count(world):
    from dangjian.accounts.services import role_grant

    branch = org_create(
        actor=None, parent=world.general_branch_b, code="BR-B-X", name="乙县医院第二党支部", kind="branch",
        founded_on=D(2010, 1, 1),
    )  # fmt: skip
    role_grant(actor=None, user=world.outsider, org=branch, role="org_admin")
    assert can_edit_calendar(world.outsider)
    org_dissolve(actor=None, org=branch, dissolved_on=D(2026, 1, 5), reason="撤销")
    world.outsider.refresh_from_db()
    assert not can_edit_calendar(world.outsider)


def test_inactive_superuser_may_not_edit(world):
    world.root.is_active = False
    world.root.save()
    with pytest.raises(PermissionDenied):
        set_day(world.root)


# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写名称（如：春节、国庆节、调休上班）。"),
        ({"name": "节" * 41}, "name", "名称不能超过40个字。"),
        ({"source": ""}, "source", "请填写依据（如国务院办公厅通知的文号）。"),
        ({"source": "文" * 121}, "source", "依据不能超过120个字。"),
        ({"day": D(1900, 1, 1)}, "date", "年份应在1949年至2100年之间。"),
        ({"day": dt.datetime(2027, 1, 1, tzinfo=dt.UTC)}, "date", "请填写有效的日期。"),
        ({"day": "2027-01-01"}, "date", "请填写有效的日期。"),
        ({"is_workday": None}, "is_workday", "请选择当天是否上班。"),
    ],
)
def test_day_validation_messages(world, overrides, field, message):
    before = state()
    with pytest.raises(ValidationError) as info:
        set_day(world.admin, **overrides)
    assert info.value.message_dict[field] == [message]
    assert state() == before


def test_mark_complete_needs_entries_for_a_year_outside_the_library(world):
    with pytest.raises(ValidationError) as info:
        calendar_year_mark_complete(actor=world.admin, year=2027, source=NOTICE)
    assert info.value.message_dict == {
        "year": ["2027年尚未录入任何节假日或调休上班日，不能标记为已完整录入。"]
    }
    set_day(world.admin)
    with pytest.raises(ValidationError) as info:
        calendar_year_mark_complete(actor=world.admin, year=2027, source=" ")
    assert info.value.message_dict == {"source": ["请填写依据（如国务院办公厅通知的文号）。"]}
    with pytest.raises(ValidationError) as info:
        calendar_year_mark_complete(actor=world.admin, year=2200, source=NOTICE)
    assert info.value.message_dict == {"year": ["年份应在1949年至2100年之间。"]}
    assert not is_known_year(2027)


def test_a_library_year_may_be_confirmed_without_entries(world):
    row = calendar_year_mark_complete(actor=world.admin, year=2026, source="国办发明电〔2025〕7号")
    assert row.complete


# --- change log ----------------------------------------------------------------------------------


def test_set_update_and_clear_are_recorded(world):
    row = set_day(world.admin, name=" 元旦 ", source=f" {NOTICE} ")
    assert (row.name, row.source) == ("元旦", NOTICE)
    created = ChangeRecord.objects.get(object_type="workcal.calendarday", action=ChangeAction.CREATE)
    assert created.actor == world.admin
    assert created.after == {"日期": "2027-01-01", "是否上班": False, "名称": "元旦", "依据": NOTICE}

    count = ChangeRecord.objects.count()
    assert set_day(world.admin).pk == row.pk  # unchanged: nothing recorded
    assert ChangeRecord.objects.count() == count

    set_day(world.root, is_workday=True, name="更正")
    updated = ChangeRecord.objects.get(object_type="workcal.calendarday", action=ChangeAction.UPDATE)
    assert sorted(updated.changed_fields()) == sorted(
        [("是否上班", False, True), ("名称", "元旦", "更正")]
    )  # jsonb: any order
    row.refresh_from_db()
    assert row.updated_by == world.root and row.is_workday

    assert calendar_day_clear(actor=world.admin, day=D(2027, 1, 1)) is True
    assert not CalendarDay.objects.exists()
    deleted = ChangeRecord.objects.get(object_type="workcal.calendarday", action=ChangeAction.DELETE)
    assert deleted.before["名称"] == "更正"
    assert calendar_day_clear(actor=world.admin, day=D(2027, 1, 1)) is False


def test_year_marks_are_recorded(world):
    set_day(world.admin)
    calendar_year_mark_complete(actor=world.admin, year=2027, source=NOTICE)
    assert is_known_year(2027)
    calendar_year_mark_complete(actor=world.admin, year=2027, source=NOTICE)  # no-op
    calendar_year_mark_incomplete(actor=world.admin, year=2027)
    assert not is_known_year(2027)
    records = list(
        ChangeRecord.objects.filter(object_type="workcal.calendaryear")
        .order_by("id")
        .values_list("action", "after")
    )
    assert records == [
        (ChangeAction.CREATE, {"年份": 2027, "已完整录入": True, "依据": NOTICE}),
        (ChangeAction.UPDATE, {"年份": 2027, "已完整录入": False, "依据": NOTICE}),
    ]
    assert calendar_year_mark_incomplete(actor=world.admin, year=2030) is None
