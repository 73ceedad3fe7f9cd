"""Every write to the working-day calendar. Keyword-only, validated, in a transaction, recorded.

Only superusers and users holding the 组织部管理员 role (on any org) may edit the calendar: it is
one national calendar, not data of an org subtree. actor=None is the system (imports, tests).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangjian.accounts.models import Role, RoleAssignment
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.workcal.calendar import LIBRARY_YEARS
from dangjian.workcal.models import CalendarDay, CalendarYear

DAY_FIELDS = ("date", "is_workday", "name", "source")
YEAR_FIELDS = ("year", "complete", "source")
MIN_YEAR, MAX_YEAR = 1949, 2100


def can_edit_calendar(user) -> bool:
    """Superusers, and users with an 组织部管理员 role on a current (not dissolved) org."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(
        user_id=user.pk, role=Role.ORG_ADMIN, org__dissolved_on__isnull=True
    ).exists()


def _require_editor(actor) -> None:
    if actor is not None and not can_edit_calendar(actor):
        raise PermissionDenied(_("只有系统管理员或组织部管理员可以维护工作日历。"))


def _year_errors(year) -> list[str]:
    if isinstance(year, bool) or not isinstance(year, int):
        return [_("年份无效。")]
    if not MIN_YEAR <= year <= MAX_YEAR:
        return [_("年份应在%(min)s年至%(max)s年之间。") % {"min": MIN_YEAR, "max": MAX_YEAR}]
    return []


def calendar_day_errors(*, day, is_workday, name: str, source: str) -> dict[str, list[str]]:
    """The validation rules of calendar_day_set, as field → messages (also used by the admin form)."""
    errors: dict[str, list[str]] = {}
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        errors.setdefault("date", []).append(_("请填写有效的日期。"))
    elif year_errors := _year_errors(day.year):
        errors.setdefault("date", []).extend(year_errors)
    if not isinstance(is_workday, bool):
        errors.setdefault("is_workday", []).append(_("请选择当天是否上班。"))
    if not (name or "").strip():
        errors.setdefault("name", []).append(_("请填写名称（如：春节、国庆节、调休上班）。"))
    elif len(name.strip()) > 40:
        errors.setdefault("name", []).append(_("名称不能超过40个字。"))
    if not (source or "").strip():
        errors.setdefault("source", []).append(_("请填写依据（如国务院办公厅通知的文号）。"))
    elif len(source.strip()) > 120:
        errors.setdefault("source", []).append(_("依据不能超过120个字。"))
    return errors


@transaction.atomic
def calendar_day_set(*, actor, day: dt.date, is_workday: bool, name: str, source: str) -> CalendarDay:
    """Fix the status of `day` by hand (creates or updates its override row). The row wins over
    the chinese-calendar library. Unchanged values are not recorded again."""
    _require_editor(actor)
    errors = calendar_day_errors(day=day, is_workday=is_workday, name=name, source=source)
    if errors:
        raise ValidationError(errors)
    fields = {"is_workday": is_workday, "name": name.strip(), "source": source.strip()}
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        row = CalendarDay.objects.create(date=day, updated_by=_user(actor), **fields)
        record_change(actor=actor, action=ChangeAction.CREATE, obj=row, after=snapshot(row, DAY_FIELDS))
        return row
    if all(getattr(row, key) == value for key, value in fields.items()):
        return row
    before = snapshot(row, DAY_FIELDS)
    for key, value in fields.items():
        setattr(row, key, value)
    row.updated_by = _user(actor)
    row.save()
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=row, before=before, after=snapshot(row, DAY_FIELDS)
    )
    return row


@transaction.atomic
def calendar_day_clear(*, actor, day: dt.date) -> bool:
    """Remove the override row of `day`, so the library (or the weekday rule) applies again.
    Returns whether there was a row."""
    _require_editor(actor)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        return False
    before = snapshot(row, DAY_FIELDS)
    record_change(actor=actor, action=ChangeAction.DELETE, obj=row, before=before)
    row.delete()
    return True


@transaction.atomic
def calendar_year_mark_complete(*, actor, year: int, source: str) -> CalendarYear:
    """Declare that every holiday and make-up workday of `year` has been entered, so working days
    in `year` can be counted. A year outside the library needs at least one override row first."""
    _require_editor(actor)
    errors = calendar_year_errors(year=year, source=source)
    if errors:
        raise ValidationError(errors)
    return _year_set(actor=actor, year=year, complete=True, source=source.strip())


def calendar_year_errors(*, year, source: str) -> dict[str, list[str]]:
    """The validation rules of calendar_year_mark_complete (also used by the admin form)."""
    errors: dict[str, list[str]] = {}
    if year_errors := _year_errors(year):
        errors["year"] = year_errors
    elif year not in LIBRARY_YEARS and not CalendarDay.objects.filter(date__year=year).exists():
        errors["year"] = [
            _("%(year)s年尚未录入任何节假日或调休上班日，不能标记为已完整录入。") % {"year": year}
        ]
    if not (source or "").strip():
        errors["source"] = [_("请填写依据（如国务院办公厅通知的文号）。")]
    elif len(source.strip()) > 120:
        errors["source"] = [_("依据不能超过120个字。")]
    return errors


@transaction.atomic
def calendar_year_mark_incomplete(*, actor, year: int) -> CalendarYear | None:
    """Withdraw a completeness mark (library years stay known whatever this row says)."""
    _require_editor(actor)
    if year_errors := _year_errors(year):
        raise ValidationError({"year": year_errors})
    row = CalendarYear.objects.filter(year=year).first()
    if row is None or not row.complete:
        return row
    return _year_set(actor=actor, year=year, complete=False, source=row.source)


def _year_set(*, actor, year: int, complete: bool, source: str) -> CalendarYear:
    row = CalendarYear.objects.select_for_update().filter(year=year).first()
    if row is None:
        row = CalendarYear.objects.create(
            year=year, complete=complete, source=source, updated_by=_user(actor)
        )
        record_change(actor=actor, action=ChangeAction.CREATE, obj=row, after=snapshot(row, YEAR_FIELDS))
        return row
    if row.complete == complete and row.source == source:
        return row
    before = snapshot(row, YEAR_FIELDS)
    row.complete, row.source, row.updated_by = complete, source, _user(actor)
    row.save()
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=row, before=before, after=snapshot(row, YEAR_FIELDS)
    )
    return row


def _user(actor):
    return actor if actor is not None and actor.pk else None
