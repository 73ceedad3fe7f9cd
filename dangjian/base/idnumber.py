"""公民身份号码 (GB 11643-1999): validation, parsing and masking.

The check is offline: 18 characters, a known province code, a real birth date that is not in the
future, and the MOD 11-2 check digit. Messages are Chinese (translated when English is active) and
never echo the number itself, so they are safe to log or show next to a masked value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82", "83", "91",
    }
)  # fmt: skip


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F": the 17th digit is odd for men


def check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize(raw: str) -> str:
    return (raw or "").strip().replace(" ", "").upper()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumberInfo:
    """Return the parsed number or raise ValidationError with a Chinese message."""
    number = normalize(raw)
    if len(number) != 18:
        raise ValidationError(
            _("公民身份号码应为18位（当前%(n)d位）。"), code="id_length", params={"n": len(number)}
        )
    # isascii(): str.isdigit() also accepts full-width and superscript digits ("１", "²").
    if not number.isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("公民身份号码只能由数字组成，最后一位可以是X。"), code="id_chars")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(_("公民身份号码前两位不是有效的省级行政区划代码。"), code="id_region")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("公民身份号码中的出生日期不存在。"), code="id_birth") from None
    # The server runs in Asia/Shanghai; a birth date is a civil date, so local is right here.
    today = today or dt.datetime.now(tz=dt.UTC).astimezone(SHANGHAI).date()
    if birth > today or birth.year < 1900:
        raise ValidationError(_("公民身份号码中的出生日期不合理。"), code="id_birth")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError(_("公民身份号码校验码错误，请核对后重新输入。"), code="id_checksum")
    return IdNumberInfo(number=number, birth_date=birth, gender="M" if int(number[16]) % 2 else "F")


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def make_id_number(region: str, birth: dt.date, sequence: int, gender: str) -> str:
    """Build a valid number (demo data and tests): region is 6 digits, sequence 0..499."""
    order = sequence * 2 + (1 if gender == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + check_digit(first17)


def mask_id_number(number: str | None) -> str:
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
