"""Phone numbers: normalised to national digits, rejected with Chinese messages, masked."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dangjian.base.phone import mask_phone, normalize_phone

MSG_FORMAT = "电话号码格式不正确。"
MSG_INVALID = "电话号码无效，请填写11位手机号或带区号的固定电话。"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("028-12345678", "02812345678"),
        ("(028)87654321", "02887654321"),
        ("010 12345678", "01012345678"),
        ("+86 10 1234 5678", "01012345678"),
        ("0826-2345678", "08262345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese IME
    ],
)
def test_valid_numbers_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected
    # Normalising is idempotent: a stored value passes through unchanged.
    assert normalize_phone(expected) == expected


def test_foreign_numbers_are_kept_in_e164():
    assert normalize_phone("+1 650 253 0000") == "+16502530000"
    assert normalize_phone("+852 2123 4567") == "+85221234567"


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_blank_is_allowed_and_empty(raw):
    assert normalize_phone(raw) == ""


@pytest.mark.parametrize(
    "raw", ["abc", "电话", "+", "++86", "tel:", "138abcd5678", "138 1234 567O", "400-FLOWERS"]
)
def test_unparseable_is_rejected(raw):
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    assert info.value.messages == [MSG_FORMAT]


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "10012345678",  # no mobile prefix 100
        "8123456",  # landline without area code
        "0000000000",
        "+86 000 0000 0000",
    ],
)
def test_invalid_is_rejected(raw):
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    assert info.value.messages == [MSG_INVALID]
    assert raw not in info.value.messages[0]


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("02887654321", "028****4321"),
        ("+16502530000", "+16****0000"),
        ("12345678", "123****5678"),
        ("1234567", "12*****"),
        ("12", "12"),
        ("", ""),
        (None, ""),
    ],
)
def test_masking(phone, masked):
    assert mask_phone(phone) == masked


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_masked_mobile_hides_the_middle_four(number):
    masked = mask_phone(number)
    assert masked == number[:3] + "****" + number[-4:]
    assert masked.count("*") == 4
