"""公民身份号码: generation, parsing, the specific Chinese messages, and masking."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric

from dangjian.base.idnumber import (
    PROVINCE_CODES,
    SHANGHAI,
    check_digit,
    make_id_number,
    mask_id_number,
    normalize,
    parse_id_number,
)

TODAY = dt.date(2024, 6, 1)

MSG_LENGTH = "公民身份号码应为18位（当前{n}位）。"
MSG_CHARS = "公民身份号码只能由数字组成，最后一位可以是X。"
MSG_REGION = "公民身份号码前两位不是有效的省级行政区划代码。"
MSG_NO_DATE = "公民身份号码中的出生日期不存在。"
MSG_BAD_DATE = "公民身份号码中的出生日期不合理。"
MSG_CHECKSUM = "公民身份号码校验码错误，请核对后重新输入。"

# County codes that python-stdnum's location table knows for every year since 1900.
STABLE_REGIONS = ("110101", "110105", "310101")

regions = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
genders = st.sampled_from(["M", "F"])
sequences = st.integers(min_value=0, max_value=499)


def message_of(raw: str, today: dt.date = TODAY) -> str:
    with pytest.raises(ValidationError) as info:
        parse_id_number(raw, today=today)
    assert len(info.value.messages) == 1
    return info.value.messages[0]


def number_with_check(check: str, birth: dt.date = dt.date(1990, 5, 17)) -> str:
    for seq in range(500):
        number = make_id_number("511602", birth, seq, "M")
        if number[-1] == check:
            return number
    raise AssertionError(f"no number with check {check}")


# --- generation and parsing ---------------------------------------------------------------------


@given(region=regions, birth=births, sequence=sequences, gender=genders)
def test_generated_numbers_parse_back(region, birth, sequence, gender):
    number = make_id_number(region, birth, sequence, gender)
    assert len(number) == 18
    info = parse_id_number(number, today=TODAY)
    assert info.number == number
    assert info.birth_date == birth
    assert info.gender == gender
    # Our MOD 11-2 check digit agrees with python-stdnum's independent implementation.
    assert ric.calc_check_digit(number) == number[17]


@given(region=st.sampled_from(STABLE_REGIONS), birth=births, sequence=sequences, gender=genders)
def test_generated_numbers_are_valid_for_stdnum(region, birth, sequence, gender):
    number = make_id_number(region, birth, sequence, gender)
    assert ric.is_valid(number)
    assert ric.get_birth_date(number) == birth


@given(first17=st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_matches_stdnum_for_any_digits(first17):
    assert check_digit(first17) == ric.calc_check_digit(first17 + "0")


@given(
    region=regions,
    birth=births,
    sequence=sequences,
    gender=genders,
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from("0123456789X"),
)
def test_changing_any_single_character_is_rejected(region, birth, sequence, gender, position, replacement):
    number = make_id_number(region, birth, sequence, gender)
    assume(number[position] != replacement)
    assume(position == 17 or replacement != "X")  # X only belongs in the last position
    mutated = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_id_number(mutated, today=TODAY)
    # MOD 11-2 catches every single substitution: stdnum agrees the check digit no longer fits.
    assert ric.calc_check_digit(mutated) != mutated[17]


def test_known_valid_number_from_stdnum_docs():
    info = parse_id_number("360426199101010071", today=TODAY)
    assert info.birth_date == dt.date(1991, 1, 1)
    assert info.gender == "M"  # 17th digit 7 is odd


def test_gender_comes_from_the_17th_digit():
    male = make_id_number("110101", dt.date(1980, 1, 1), 10, "M")
    female = make_id_number("110101", dt.date(1980, 1, 1), 10, "F")
    assert int(male[16]) % 2 == 1
    assert int(female[16]) % 2 == 0
    assert parse_id_number(male, today=TODAY).gender == "M"
    assert parse_id_number(female, today=TODAY).gender == "F"


# --- the specific messages ----------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", "1", "51160219900517123", "5116021990051712345", "5" * 30])
def test_wrong_length_names_the_length(raw):
    assert message_of(raw) == MSG_LENGTH.format(n=len(raw))


def test_spaces_do_not_count_towards_the_length():
    number = make_id_number("110101", dt.date(1990, 5, 17), 1, "M")
    spaced = f" {number[:6]} {number[6:14]} {number[14:]} "
    assert parse_id_number(spaced, today=TODAY).number == number


@pytest.mark.parametrize(
    "raw",
    [
        "51160219900517123A",  # letter other than X at the end
        "5116021990051712X3",  # X not at the end
        "51160219900517-234",
        "51160219900517123Y",
    ],
)
def test_bad_characters(raw):
    assert message_of(raw) == MSG_CHARS


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def test_full_width_digits_are_rejected_not_stored():
    # str.isdigit() is true for "１": a full-width twin of a valid number must not pass as a
    # different, valid number (it would defeat the duplicate-ID check).
    number = number_with_check("X")
    twin = number[:2] + to_full_width(number[2:])
    assert twin != number
    assert message_of(twin) == MSG_CHARS


def test_superscript_digit_is_a_validation_error_not_a_crash():
    number = make_id_number("511602", dt.date(1990, 5, 17), 1, "M")
    assert message_of(number[:16] + "²" + number[17]) == MSG_CHARS


@pytest.mark.parametrize("province", ["00", "10", "19", "20", "29", "39", "47", "55", "60", "66", "72", "99"])
def test_bad_region(province):
    first17 = f"{province}160219900517123"
    assert message_of(first17 + check_digit(first17)) == MSG_REGION


@pytest.mark.parametrize("date", ["19900230", "19900229", "20010229", "19901301", "19900001", "19900100"])
def test_impossible_birth_date(date):
    first17 = f"511602{date}123"
    assert message_of(first17 + check_digit(first17)) == MSG_NO_DATE


def test_leap_day_birth_is_accepted():
    number = make_id_number("511602", dt.date(2000, 2, 29), 3, "F")
    assert parse_id_number(number, today=TODAY).birth_date == dt.date(2000, 2, 29)


@pytest.mark.parametrize("birth", [TODAY + dt.timedelta(days=1), dt.date(2030, 1, 1), dt.date(1899, 12, 31)])
def test_unreasonable_birth_date(birth):
    assert message_of(make_id_number("511602", birth, 7, "M")) == MSG_BAD_DATE


def test_birth_today_is_accepted():
    number = make_id_number("511602", TODAY, 7, "M")
    assert parse_id_number(number, today=TODAY).birth_date == TODAY


def test_future_is_judged_by_the_shanghai_date():
    # 2024-05-31 17:30 UTC is already 2024-06-01 in Shanghai: a birth on 06-01 is not in the future.
    born_today = make_id_number("511602", dt.date(2024, 6, 1), 7, "M")
    born_tomorrow = make_id_number("511602", dt.date(2024, 6, 2), 7, "M")
    with time_machine.travel(dt.datetime(2024, 5, 31, 17, 30, tzinfo=dt.UTC), tick=False):
        assert parse_id_number(born_today).birth_date == dt.date(2024, 6, 1)
        with pytest.raises(ValidationError) as info:
            parse_id_number(born_tomorrow)
    assert info.value.messages == [MSG_BAD_DATE]
    assert dt.datetime(2024, 5, 31, 17, 30, tzinfo=dt.UTC).astimezone(SHANGHAI).date() == TODAY


def test_wrong_check_digit():
    number = make_id_number("511602", dt.date(1990, 5, 17), 1, "M")
    wrong = "X" if number[-1] != "X" else "0"
    assert message_of(number[:17] + wrong) == MSG_CHECKSUM


@given(region=regions, birth=births, sequence=sequences, gender=genders)
def test_messages_never_echo_the_number(region, birth, sequence, gender):
    number = make_id_number(region, birth, sequence, gender)
    for bad in (number[:17] + ("0" if number[17] != "0" else "1"), number[:16], number + "1"):
        message = message_of(bad)
        assert bad not in message
        assert number[:14] not in message


# --- normalisation and masking ------------------------------------------------------------------


def test_lower_case_x_is_normalized():
    number = number_with_check("X")
    info = parse_id_number(number.lower(), today=TODAY)
    assert info.number == number
    assert info.number.endswith("X")
    assert normalize(f"  {number[:17]}x ") == number


@given(number=st.text(max_size=40))
def test_mask_never_reveals_more_than_first3_and_last4(number):
    masked = mask_id_number(number)
    if not number:
        assert masked == ""
        return
    assert len(masked) == len(number)
    if len(number) < 8:
        assert masked == "*" * len(number)
        return
    assert masked[:3] == number[:3]
    assert masked[-4:] == number[-4:]
    assert set(masked[3:-4]) == {"*"}


@given(region=regions, birth=births, sequence=sequences, gender=genders)
def test_mask_of_a_real_number_hides_birth_date(region, birth, sequence, gender):
    number = make_id_number(region, birth, sequence, gender)
    masked = mask_id_number(number)
    assert masked == number[:3] + "*" * 11 + number[-4:]
    assert f"{birth:%Y%m%d}" not in masked


def test_mask_of_none():
    assert mask_id_number(None) == ""
