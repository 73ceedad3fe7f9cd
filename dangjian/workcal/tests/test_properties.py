"""Hypothesis properties of the working-day arithmetic, over the library's years."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.workcal.calendar import WorkCalendar, add_working_days, is_workday, working_days_between

pytestmark = pytest.mark.django_db
# Stay inside 2004–2026 (the library): 60 working days from 2026-09-30 end well before 2027.
starts = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 9, 30))
counts = st.integers(min_value=1, max_value=60)
db_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@db_settings
@given(start=starts, n=counts)
def test_result_is_a_working_day_and_not_before_start(start, n):
    end = add_working_days(start, n)
    assert is_workday(end)
    assert end >= start


@db_settings
@given(start=starts, n=counts)
def test_between_inverts_add(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    # An independent count: the library's own list of working days.
    assert len(chinese_calendar.get_workdays(start, end)) == n


@db_settings
@given(start=starts.filter(lambda d: chinese_calendar.is_workday(d)), n=counts)
def test_working_day_start_is_day_one(start, n):
    assert add_working_days(start, 1) == start
    assert working_days_between(start, add_working_days(start, n)) == n


@db_settings
@given(start=starts, n=counts)
def test_strictly_monotonic_in_n(start, n):
    cal = WorkCalendar()
    assert add_working_days(start, n, calendar=cal) < add_working_days(start, n + 1, calendar=cal)


@db_settings
@given(first=starts, span=st.integers(min_value=0, max_value=90), cut=st.integers(min_value=0, max_value=90))
def test_between_is_additive(first, span, cut):
    last = first + dt.timedelta(days=span)
    middle = first + dt.timedelta(days=min(cut, span))
    cal = WorkCalendar()
    whole = working_days_between(first, last, calendar=cal)
    parts = working_days_between(first, middle, calendar=cal) + working_days_between(
        middle + dt.timedelta(days=1), last, calendar=cal
    )
    assert whole == parts
