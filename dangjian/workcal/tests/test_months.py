"""Calendar months and years with end-of-month clamping (INTERCHANGE.md "Date arithmetic")."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.workcal.calendar import add_months, add_years

D = dt.date


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 13, D(2024, 2, 29)),
        (D(2023, 10, 31), 1, D(2023, 11, 30)),
        (D(2023, 3, 31), -1, D(2023, 2, 28)),
        (D(2023, 12, 15), 1, D(2024, 1, 15)),
        (D(2024, 1, 15), -1, D(2023, 12, 15)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2023, 5, 30), 0, D(2023, 5, 30)),
        (D(2023, 2, 28), 1, D(2023, 3, 28)),  # no "end stays end": the same day of month
    ],
)
def test_add_months(day, n, expected):
    assert add_months(day, n) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2024, 2, 29), -1, D(2023, 2, 28)),
        (D(2023, 6, 30), 1, D(2024, 6, 30)),
    ],
)
def test_add_years(day, n, expected):
    assert add_years(day, n) == expected


def test_out_of_range_and_bad_types():
    with pytest.raises(ValueError):
        add_months(D(9999, 12, 1), 1)
    with pytest.raises(TypeError):
        add_months(dt.datetime(2024, 1, 31, tzinfo=dt.UTC), 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        add_years(D(2024, 1, 31), True)  # type: ignore[arg-type]


dates = st.dates(min_value=D(1950, 1, 1), max_value=D(2100, 12, 31))


@given(day=dates, n=st.integers(min_value=-600, max_value=600))
def test_months_properties(day, n):
    result = add_months(day, n)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == n
    assert result.day == min(
        day.day, (add_months(D(result.year, result.month, 1), 1) - dt.timedelta(days=1)).day
    )
    if day.day <= 28:
        assert add_months(result, -n) == day


@given(day=dates, n=st.integers(min_value=0, max_value=50))
def test_years_is_twelve_months_and_monotonic(day, n):
    assert add_years(day, n) == add_months(day, 12 * n)
    assert add_years(day, n) <= add_years(day, n + 1)
