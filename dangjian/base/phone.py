"""Phone numbers: validated with libphonenumber (region CN), stored in national digits, masked."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
# libphonenumber reads letters as keypad digits (138abcd5678 → 13822235678): only digits, spaces,
# dashes, a leading + and brackets are a phone number here.
PHONE_CHARACTERS = re.compile(r"^\+?[0-9\s\-()（）]+$")


@lru_cache(maxsize=4096)
def _mobile_block_is_valid(first5: str) -> bool:
    # libphonenumber's mainland mobile pattern decides on at most the first 5 digits
    # (e.g. 1740[0-5], 1610x), so the validity of a whole 5-digit block is checked once.
    return phonenumbers.is_valid_number(phonenumbers.parse(first5 + "000000", "CN"))


def normalize_phone(raw: str) -> str:
    """Return the number as national digits (e.g. 13812345678 or 02812345678) or raise."""
    text = unicodedata.normalize("NFKC", raw or "").strip()  # full-width digits typed with a Chinese IME
    if not text:
        return ""
    if not PHONE_CHARACTERS.match(text):
        raise ValidationError(_("电话号码格式不正确。"), code="phone")
    if MOBILE.match(text):
        if _mobile_block_is_valid(text[:5]):
            return text
        raise ValidationError(_("电话号码无效，请填写11位手机号或带区号的固定电话。"), code="phone")
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("电话号码格式不正确。"), code="phone") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("电话号码无效，请填写11位手机号或带区号的固定电话。"), code="phone")
    if parsed.country_code != 86:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(ch for ch in national if ch.isdigit())


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:2] + "*" * (len(phone) - 2)
    return phone[:3] + "****" + phone[-4:]
