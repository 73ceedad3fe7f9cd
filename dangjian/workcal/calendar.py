"""The Chinese working-day calendar: which days are working days, and date arithmetic over them.

Where a day's status comes from, highest precedence first:

1. a CalendarDay override row (entered by hand from the State Council notice, or a correction);
2. the chinese-calendar library, for the years it covers (LIBRARY_YEARS, 2004–2026 in 1.11.0);
3. for a year outside the library that a CalendarYear row marks complete: Monday–Friday are
   working days, Saturday and Sunday are not (the overrides carry every exception).

A year is *known* when it is a library year or marked complete. Asking about a day in an unknown
year raises CalendarUnknown: a period is never guessed by counting weekdays. Override rows in a
year that is not yet known do not make it known (a half-entered year is never used).

Reads only, no writes. Each public function works on a fresh WorkCalendar snapshot unless one is
passed as `calendar=`; a batch job (the compliance report) should make one WorkCalendar and pass it
to every call, so the override rows are read once per year for the whole batch.
"""

from __future__ import annotations

import datetime as dt
import functools
from calendar import monthrange
from dataclasses import dataclass
from importlib.metadata import version

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.utils.translation import gettext as _

from dangjian.workcal.models import CalendarDay, CalendarYear

LIBRARY_VERSION = version("chinese-calendar")
LIBRARY_YEARS = range(
    min(chinese_calendar.holidays).year,
    max(chinese_calendar.holidays).year + 1,
)
LIBRARY_SOURCE = f"chinese-calendar {LIBRARY_VERSION}"
# The library's short names, as the State Council notices write them.
_HOLIDAY_NAMES = {
    h.value: {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}.get(h.chinese, h.chinese) for h in Holiday
}
_ONE_DAY = dt.timedelta(days=1)


class CalendarUnknown(Exception):
    """The holiday schedule of `year` has not been entered, so working days cannot be counted."""

    def __init__(self, year: int) -> None:
        self.year = year
        self.message = _("%(year)s年的节假日安排尚未录入，无法计算工作日。") % {"year": year}
        super().__init__(self.message)


@dataclass(frozen=True)
class SpecialDay:
    """A day that is not an ordinary weekday/weekend day, or whose status was entered by hand."""

    date: dt.date
    is_workday: bool
    name: str
    source: str
    overridden: bool


def _check_date(value: object, what: str = "day") -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{what} must be a datetime.date (not a datetime), got {type(value).__name__}")
    return value


def _check_count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    return n


@functools.cache
def _library_is_workday(day: dt.date) -> bool:
    return chinese_calendar.is_workday(day)


@functools.cache
def _library_name(day: dt.date) -> str:
    _is_holiday, english = chinese_calendar.get_holiday_detail(day)
    return _HOLIDAY_NAMES.get(english, english or "")


class WorkCalendar:
    """A read snapshot of the calendar.

    Known years are read on first need (one query); override rows are read a range of years at a
    time (one query per range) and kept. Rows changed after they were read are not seen: make a
    new WorkCalendar for fresh data.
    """

    def __init__(self) -> None:
        self._complete_years: frozenset[int] | None = None
        self._overrides: dict[dt.date, CalendarDay] = {}
        self._loaded_years: set[int] = set()

    # --- what is known ---------------------------------------------------------------------

    def is_known_year(self, year: int) -> bool:
        if year in LIBRARY_YEARS:
            return True
        if self._complete_years is None:
            self._complete_years = frozenset(
                CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
            )
        return year in self._complete_years

    def require_known(self, first_year: int, last_year: int | None = None) -> None:
        """Raise CalendarUnknown for the earliest unknown year in first_year..last_year."""
        for year in range(first_year, (first_year if last_year is None else last_year) + 1):
            if not self.is_known_year(year):
                raise CalendarUnknown(year)

    def _load(self, first_year: int, last_year: int) -> None:
        missing = [y for y in range(first_year, last_year + 1) if y not in self._loaded_years]
        if not missing:
            return
        lo, hi = min(missing), max(missing)
        rows = CalendarDay.objects.filter(date__gte=dt.date(lo, 1, 1), date__lte=dt.date(hi, 12, 31)).only(
            "date", "is_workday", "name", "source"
        )
        for row in rows:
            self._overrides[row.date] = row
        self._loaded_years.update(range(lo, hi + 1))

    def _status(self, day: dt.date) -> bool:
        """The day's status; its year must already be checked as known and loaded."""
        row = self._overrides.get(day)
        if row is not None:
            return row.is_workday
        if day.year in LIBRARY_YEARS:
            return _library_is_workday(day)
        return day.weekday() < 5

    # --- the public operations -------------------------------------------------------------

    def is_workday(self, day: dt.date) -> bool:
        _check_date(day)
        self.require_known(day.year)
        self._load(day.year, day.year)
        return self._status(day)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day on or after `start` (n ≥ 1); `start` itself is day 1 if it is one.

        A period of n working days that begins on `start` ends on the returned day, and
        working_days_between(start, result) == n. Only the days up to the result are looked at,
        so a period that ends on 2026-12-31 does not need 2027 to be known.
        """
        _check_date(start, "start")
        if _check_count(n) < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        # Read the overrides for the years the period will probably cover in one query
        # (about 3/2 of n calendar days, plus the longest holiday), stopping before an unknown year.
        self.require_known(start.year)
        guess_ordinal = start.toordinal() + n * 3 // 2 + 30
        guess_last = dt.date.fromordinal(min(guess_ordinal, dt.date.max.toordinal())).year
        last_year = start.year
        while last_year < guess_last and self.is_known_year(last_year + 1):
            last_year += 1
        self._load(start.year, last_year)
        day, count, year = start, 0, start.year
        while True:
            if day.year != year:
                year = day.year
                self.require_known(year)
                self._load(year, year)
            if self._status(day):
                count += 1
                if count == n:
                    return day
            day += _ONE_DAY

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """How many working days lie in first..last, both included; 0 when last is before first.

        Every year from first.year to last.year must be known (CalendarUnknown otherwise).
        """
        _check_date(first, "first")
        _check_date(last, "last")
        if last < first:
            return 0
        self.require_known(first.year, last.year)
        self._load(first.year, last.year)
        count, day = 0, first
        while day <= last:
            count += self._status(day)
            day += _ONE_DAY
        return count

    def special_days(self, year: int) -> list[SpecialDay]:
        """The year's exceptions: holidays on Monday–Friday, working Saturdays/Sundays (调休上班),
        and every day with an override row (even one that only confirms the ordinary status)."""
        self.require_known(year)
        self._load(year, year)
        result: list[SpecialDay] = []
        day = dt.date(year, 1, 1)
        while day.year == year:
            row = self._overrides.get(day)
            workday = self._status(day)
            if row is not None:
                result.append(SpecialDay(day, workday, row.name, row.source, overridden=True))
            elif workday != (day.weekday() < 5):
                name = _library_name(day) if year in LIBRARY_YEARS else ""
                if workday:
                    name = _("%(name)s调休上班") % {"name": name} if name else _("调休上班")
                result.append(SpecialDay(day, workday, name, LIBRARY_SOURCE, overridden=False))
            day += _ONE_DAY
        return result


# --- module-level shortcuts (a fresh snapshot per call unless `calendar` is given) -------------


def is_known_year(year: int, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether working days can be counted in `year` (library year, or marked complete)."""
    return (calendar or WorkCalendar()).is_known_year(year)


def is_workday(day: dt.date, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether `day` is a working day (调休 make-up days included). CalendarUnknown if unknown."""
    return (calendar or WorkCalendar()).is_workday(day)


def add_working_days(start: dt.date, n: int, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The last day of a period of n working days beginning on `start` (n ≥ 1).

    Counting: the working days on or after `start`, in order, are numbered 1, 2, 3, …; `start` is
    number 1 when it is a working day, otherwise the first working day after it is. The result is
    working day number n, so it is always a working day.
    Examples: add_working_days(2026-09-28, 5) = 2026-10-09 (09-28, 29, 30, 10-08, 09);
    add_working_days(2026-09-30, 5) = 2026-10-12 (09-30, 10-08, 09, Saturday 10-10 调休上班, 10-12).
    Raises CalendarUnknown when the count reaches a day in an unknown year, TypeError for a
    datetime or a non-int n, ValueError for n < 1.
    """
    return (calendar or WorkCalendar()).add_working_days(start, n)


def working_days_between(first: dt.date, last: dt.date, *, calendar: WorkCalendar | None = None) -> int:
    """The number of working days from `first` to `last`, both included (0 if last < first).

    This is the R-NOTICE count: a 公示 from notice_start to notice_end lasted
    working_days_between(notice_start, notice_end) working days.
    Raises CalendarUnknown when any year from first.year to last.year is unknown.
    """
    return (calendar or WorkCalendar()).working_days_between(first, last)


def special_days(year: int, *, calendar: WorkCalendar | None = None) -> list[SpecialDay]:
    """The non-ordinary days of `year` and every override row in it, in date order."""
    return (calendar or WorkCalendar()).special_days(year)


# --- calendar months and years (INTERCHANGE.md "Date arithmetic") -----------------------------


def add_months(day: dt.date, n: int) -> dt.date:
    """`day` plus n calendar months (n may be negative): the same day of the month, clamped to the
    target month's last day. 2023-01-31 + 1 = 2023-02-28; 2024-01-31 + 1 = 2024-02-29.
    ValueError when the result falls outside years 1–9999."""
    _check_date(day)
    _check_count(n)
    return _add_months(day, n)


@functools.lru_cache(maxsize=1 << 16)
def _add_months(day: dt.date, n: int) -> dt.date:
    # Cached: the rules engine asks for the same few thousand dates again and again in a batch
    # (the compliance check); the arguments are checked by add_months, exceptions are not cached.
    year, month0 = divmod(day.year * 12 + (day.month - 1) + n, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"year {year} is out of range")
    month = month0 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def add_years(day: dt.date, n: int) -> dt.date:
    """`day` plus n calendar years, i.e. add_months(day, 12 * n): 2024-02-29 + 1 = 2025-02-28."""
    _check_count(n)
    return add_months(day, 12 * n)
