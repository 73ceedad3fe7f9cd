"""Phone numbers: validated with libphonenumber (region CN), stored in national digits, masked."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError


def normalize_phone(raw: str) -> str:
    """Return the number as national digits (e.g. 13812345678 or 02812345678) or raise."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError("电话号码格式不正确。", code="phone") from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError("电话号码无效，请填写11位手机号或带区号的固定电话。", code="phone")
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
