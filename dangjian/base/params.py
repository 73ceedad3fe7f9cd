"""Reading numbers, months and dates from query strings and forms.

Every page and API endpoint reads its parameters through these helpers, so malformed input is one
400 (pages, via handler400) or 422 (API, via its BadRequest handler) with a Chinese message, and
never reaches the database: SQLite raises OverflowError beyond 64 bits, and `datetime` raises
ValueError outside years 1–9999, both of which would otherwise surface as a 500.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import BadRequest

# The largest value an integer column holds (SQLite and PostgreSQL bigint).
MAX_INT = 2**63 - 1
# Years a period, month or birth year may name: wide enough for any record, narrow enough that
# arithmetic around them (the month after, ten years before) never leaves datetime's range.
MIN_YEAR, MAX_YEAR = 1900, 2100
_DIGITS = re.compile(r"[0-9]{1,19}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")


class BadParameter(BadRequest):
    """A query or form parameter that cannot be read. `name` is the parameter, `str()` the message."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def id_or_none(value) -> int | None:
    """A database id, or None when `value` is not plain decimal digits within the integer range."""
    text = str(value if value is not None else "").strip()
    if not _DIGITS.fullmatch(text) or int(text) > MAX_INT:
        return None
    return int(text)


def int_param(value, name: str, *, label: str = "", minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """An integer parameter: None when absent or blank, else an int in [minimum, maximum] or BadParameter."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    label = label or name
    if not re.fullmatch(r"-?[0-9]{1,19}", text):
        raise BadParameter(name, f"参数“{label}”应为整数。")
    number = int(text)
    if not minimum <= number <= maximum:
        raise BadParameter(name, f"参数“{label}”应在{minimum}至{maximum}之间。")
    return number


def year_param(value, name: str, *, label: str = "") -> int | None:
    return int_param(value, name, label=label or name, minimum=MIN_YEAR, maximum=MAX_YEAR)


def month_param(value, name: str, *, label: str = "") -> dt.date | None:
    """A 'YYYY-MM' parameter: None when absent or blank, else the first day of that month or BadParameter."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    label = label or name
    match = _MONTH.fullmatch(text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise BadParameter(name, f"参数“{label}”应为年月，格式 YYYY-MM，例如 2024-06。")
    year = int(match[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadParameter(name, f"参数“{label}”的年份应在{MIN_YEAR}至{MAX_YEAR}之间。")
    return dt.date(year, int(match[2]), 1)


_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def date_param(value, name: str, *, label: str = "") -> dt.date | None:
    """A 'YYYY-MM-DD' parameter: None when absent or blank, else the date or BadParameter."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    label = label or name
    match = _DATE.fullmatch(text)
    message = f"参数“{label}”应为日期，格式 YYYY-MM-DD，例如 2024-06-30。"
    if match is None or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        raise BadParameter(name, message)
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise BadParameter(name, message) from None
