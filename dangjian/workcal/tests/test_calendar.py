"""Working days over the State Council calendar: library data, overrides, unknown years."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from dangjian.workcal import calendar
from dangjian.workcal.calendar import (
    CalendarUnknown,
    WorkCalendar,
    add_working_days,
    is_known_year,
    is_workday,
    working_days_between,
)
from dangjian.workcal.services import calendar_day_set, calendar_year_mark_complete

D = dt.date
UNKNOWN_2027 = "2027年的节假日安排尚未录入，无法计算工作日。"
pytestmark = pytest.mark.django_db


# --- National Day 2026 (STACK.md §11a) ----------------------------------------------------------


def test_national_day_2026_examples_from_stack():
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 12)
    assert add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 9)


def test_national_day_2026_days():
    assert is_workday(D(2026, 10, 10)) is True  # Saturday, 调休上班
    assert is_workday(D(2026, 10, 11)) is False  # Sunday
    assert is_workday(D(2026, 9, 20)) is True  # Sunday, 调休上班
    assert [is_workday(D(2026, 10, d)) for d in range(1, 8)] == [False] * 7
    assert is_workday(D(2026, 10, 8)) is True


def test_national_day_2026_counts_both_ends_included():
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 5
    assert working_days_between(D(2026, 9, 28), D(2026, 10, 9)) == 5
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert working_days_between(D(2026, 10, 10), D(2026, 10, 10)) == 1
    assert working_days_between(D(2026, 10, 12), D(2026, 9, 30)) == 0  # last before first


def test_start_on_a_holiday_counts_from_the_next_working_day():
    assert add_working_days(D(2026, 10, 1), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 3), 3) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 9, 30)


# --- Spring Festival 2026 ------------------------------------------------------------------------


def test_spring_festival_2026_matches_the_library():
    assert chinese_calendar.is_workday(D(2026, 2, 14)) is True
    assert chinese_calendar.is_holiday(D(2026, 2, 23)) is True
    assert is_workday(D(2026, 2, 14)) is True  # Saturday, 调休上班
    assert is_workday(D(2026, 2, 23)) is False  # Monday, holiday
    assert is_workday(D(2026, 2, 28)) is True  # Saturday, 调休上班
    assert [is_workday(D(2026, 2, d)) for d in range(15, 24)] == [False] * 9
    # 02-12 Thu, 02-13 Fri, 02-14 Sat (调休), then 02-24 Tue, 02-25 Wed.
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 25)
    # 20 weekdays, less 6 weekday holidays (02-16…02-20, 02-23), plus Saturdays 02-14 and 02-28.
    assert working_days_between(D(2026, 2, 1), D(2026, 2, 28)) == 16


# --- unknown years -------------------------------------------------------------------------------


def test_known_years():
    assert list(calendar.LIBRARY_YEARS) == list(range(2004, 2027))
    assert is_known_year(2004) and is_known_year(2026)
    assert not is_known_year(2003) and not is_known_year(2027)


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_working_days(D(2026, 12, 28), 5),
        lambda: working_days_between(D(2026, 12, 20), D(2027, 1, 5)),
        lambda: is_workday(D(2027, 1, 4)),
        lambda: add_working_days(D(2027, 3, 1), 1),
    ],
    ids=["add-crossing", "between-crossing", "is-workday", "add-start"],
)
def test_period_reaching_2027_is_unknown(call):
    with pytest.raises(CalendarUnknown) as info:
        call()
    assert str(info.value) == UNKNOWN_2027
    assert info.value.message == UNKNOWN_2027
    assert info.value.year == 2027


def test_period_ending_on_new_years_eve_needs_no_2027():
    assert add_working_days(D(2026, 12, 28), 4) == D(2026, 12, 31)
    assert working_days_between(D(2026, 12, 28), D(2026, 12, 31)) == 4


def test_year_before_the_library_is_unknown():
    with pytest.raises(CalendarUnknown, match="2003年的节假日安排尚未录入"):
        working_days_between(D(2003, 12, 30), D(2004, 1, 5))


def enter_2027(actor=None):
    """A hypothetical 2027 schedule (the real notice is not out yet): 元旦 on Friday 01-01."""
    notice = "国办发明电〔2026〕99号（测试数据）"
    calendar_day_set(actor=actor, day=D(2027, 1, 1), is_workday=False, name="元旦", source=notice)
    calendar_day_set(actor=actor, day=D(2027, 2, 6), is_workday=True, name="调休上班", source=notice)
    return notice


def test_entering_2027_by_hand_then_marking_it_complete():
    notice = enter_2027()
    # Overrides alone do not make a year known: a half-entered year is never used.
    with pytest.raises(CalendarUnknown):
        add_working_days(D(2026, 12, 28), 5)
    calendar_year_mark_complete(actor=None, year=2027, source=notice)
    assert is_known_year(2027)
    # 12-28 Mon … 12-31 Thu are days 1–4, 2027-01-01 (Fri) is 元旦, 01-04 (Mon) is day 5.
    assert add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 4)
    assert working_days_between(D(2026, 12, 28), D(2027, 1, 4)) == 5
    assert is_workday(D(2027, 1, 2)) is False  # an ordinary Saturday
    assert is_workday(D(2027, 2, 6)) is True  # Saturday 调休上班 entered by hand
    assert is_workday(D(2027, 2, 8)) is True  # an ordinary Monday
    with pytest.raises(CalendarUnknown, match="2028年"):
        add_working_days(D(2027, 12, 28), 10)


# --- overrides -----------------------------------------------------------------------------------


def test_override_turning_a_library_workday_into_a_holiday():
    assert chinese_calendar.is_workday(D(2026, 9, 29))
    calendar_day_set(actor=None, day=D(2026, 9, 29), is_workday=False, name="临时放假", source="测试")
    assert is_workday(D(2026, 9, 29)) is False
    # 09-28, 09-30, 10-08, 10-09, 10-10 (Saturday 调休上班).
    assert add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 10)
    assert working_days_between(D(2026, 9, 28), D(2026, 10, 9)) == 4


def test_override_turning_a_library_holiday_into_a_workday():
    calendar_day_set(actor=None, day=D(2026, 10, 7), is_workday=True, name="更正", source="测试")
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 10)


def test_a_snapshot_keeps_what_it_read_and_a_new_one_sees_changes():
    snapshot = WorkCalendar()
    assert snapshot.is_workday(D(2026, 9, 29)) is True
    calendar_day_set(actor=None, day=D(2026, 9, 29), is_workday=False, name="临时放假", source="测试")
    assert snapshot.is_workday(D(2026, 9, 29)) is True
    assert WorkCalendar().is_workday(D(2026, 9, 29)) is False
    assert is_workday(D(2026, 9, 29), calendar=WorkCalendar()) is False


# --- queries -------------------------------------------------------------------------------------


def test_one_query_for_a_period_inside_a_library_year(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(D(2026, 9, 30), 5)
    with django_assert_num_queries(1):
        working_days_between(D(2026, 1, 1), D(2026, 12, 31))


def test_long_ranges_read_overrides_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert working_days_between(D(2004, 1, 1), D(2026, 12, 31)) > 5000
    with django_assert_num_queries(1):
        add_working_days(D(2004, 1, 2), 5000)


def test_a_shared_snapshot_reads_each_year_once(django_assert_num_queries):
    cal = WorkCalendar()
    with django_assert_num_queries(1):
        for day in range(1, 29):
            add_working_days(D(2026, 2, day), 5, calendar=cal)
            is_workday(D(2026, 3, day), calendar=cal)


# --- argument checks -----------------------------------------------------------------------------


def test_bad_arguments():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 9, 30), 0)
    with pytest.raises(TypeError):
        add_working_days(D(2026, 9, 30), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        is_workday(dt.datetime(2026, 9, 30, 12, 0, tzinfo=dt.UTC))  # type: ignore[arg-type]


# --- special days (the `workcal show` listing) --------------------------------------------------


def test_special_days_2026():
    days = {d.date: d for d in calendar.special_days(2026)}
    assert days[D(2026, 10, 10)].is_workday and days[D(2026, 10, 10)].name == "国庆节调休上班"
    assert not days[D(2026, 2, 23)].is_workday and days[D(2026, 2, 23)].name == "春节"
    assert D(2026, 10, 3) not in days  # a Saturday holiday is not an exception
    assert D(2026, 10, 12) not in days
    assert all(not d.overridden for d in days.values())


def test_special_days_include_every_override():
    calendar_day_set(actor=None, day=D(2026, 3, 2), is_workday=True, name="确认上班", source="测试")
    days = {d.date: d for d in calendar.special_days(2026)}
    assert days[D(2026, 3, 2)].overridden and days[D(2026, 3, 2)].source == "测试"
