"""Months as integers (year × 12 + month − 1, as meetings' held_month): a month's dues, a payment's
fund month and every figure's period are plain integer ranges."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from dangjian.base.params import MAX_YEAR, MIN_YEAR

_MONTH = re.compile(r"\s*([0-9]{4})-([0-9]{1,2})\s*")


def month_of(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(month: int) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 1)


def month_end(month: int) -> dt.date:
    year, number = month // 12, month % 12 + 1
    return dt.date(year, number, calendar.monthrange(year, number)[1])


def month_label(month: int) -> str:
    """2026-03"""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def month_cn(month: int) -> str:
    """2026年3月"""
    return f"{month // 12}年{month % 12 + 1}月"


def parse_month(text: str) -> int:
    """'2026-03' → its month number; ValueError (with a Chinese message) otherwise."""
    match = _MONTH.fullmatch(str(text or ""))
    if match is None or not 1 <= int(match[2]) <= 12 or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        raise ValueError(f"月份“{text}”格式不对，应为 YYYY-MM，例如 2026-03。")
    return int(match[1]) * 12 + int(match[2]) - 1


def span_label(first: int, last: int) -> str:
    return month_label(first) if first == last else f"{month_label(first)}至{month_label(last)}"


def year_months(year: int) -> tuple[int, int]:
    return year * 12, year * 12 + 11
