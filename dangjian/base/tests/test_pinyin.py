"""Pinyin sort keys and initials for names, including surnames pypinyin reads wrongly."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.base.pinyin import (
    COMPOUND_SURNAMES,
    SURNAME_READINGS,
    name_initials,
    name_sort_key,
    name_syllables,
)
from dangjian.conftest import make_person
from dangjian.people.models import Person

SURNAMES = [
    ("曾国藩", "zeng guo fan", "zgf"),
    ("单明", "shan ming", "sm"),
    ("解放", "xie fang", "xf"),
    ("仇英", "qiu ying", "qy"),
    ("区小华", "ou xiao hua", "oxh"),
    ("朴槿惠", "piao jin hui", "pjh"),
    ("查良镛", "zha liang yong", "zly"),
    ("乐嘉", "yue jia", "yj"),
    ("翟志刚", "zhai zhi gang", "zzg"),
    ("盖聂", "ge nie", "gn"),
    ("缪斯", "miao si", "ms"),
    ("覃明", "qin ming", "qm"),
    ("欧阳修远", "ou yang xiu yuan", "oyxy"),
    ("司马光", "si ma guang", "smg"),
    ("诸葛亮", "zhu ge liang", "zgl"),
    ("尉迟恭", "yu chi gong", "ycg"),
    ("万俟卨", "mo qi xie", "mqx"),
    ("长孙无忌", "zhang sun wu ji", "zswj"),
    ("单于丹", "chan yu dan", "cyd"),
    ("上官婉儿", "shang guan wan er", "sgwe"),
    ("张伟", "zhang wei", "zw"),
    ("李小艳", "li xiao yan", "lxy"),
    ("吕布", "lv bu", "lb"),
]


@pytest.mark.parametrize(("name", "key", "initials"), SURNAMES)
def test_surname_table(name, key, initials):
    assert name_sort_key(name) == key
    assert name_initials(name) == initials


def test_surname_reading_differs_from_the_ordinary_word():
    # The same characters inside a given name keep their ordinary reading.
    assert name_sort_key("曾曾") == "zeng ceng"
    assert name_sort_key("单单") == "shan dan"
    assert name_sort_key("查查") == "zha cha"


def test_compound_surname_alone_is_read_as_plain_characters():
    # "欧阳" alone (no given name) is not split as a compound surname, but reads the same.
    assert name_syllables("欧阳") == ("ou", "yang")
    # "尉" alone is the single surname reading yu; 尉迟 as a compound keeps "yu chi".
    assert name_sort_key("尉明") == "yu ming"
    assert name_sort_key("尉迟明") == "yu chi ming"


def test_blank_and_whitespace_names():
    assert name_sort_key("") == ""
    assert name_initials("") == ""
    assert name_sort_key("  曾小芳 ") == "zeng xiao fang"


def test_tables_are_lowercase_ascii():
    for reading in SURNAME_READINGS.values():
        assert re.fullmatch(r"[a-z]+", reading)
    for surname, readings in COMPOUND_SURNAMES.items():
        assert len(surname) == 2
        assert len(readings) == 2
        assert all(re.fullmatch(r"[a-z]+", r) for r in readings)


NAMES_IN_INPUT_ORDER = [
    "张伟",
    "曾小芳",
    "安然",
    "单明",
    "欧阳修远",
    "章伟",
    "区小华",
    "查良镛",
    "沈阳",
    "阿明",
]
EXPECTED_ORDER = ["阿明", "安然", "区小华", "欧阳修远", "单明", "沈阳", "曾小芳", "查良镛", "张伟", "章伟"]


def test_ordering_by_sort_key_is_as_expected_and_stable():
    ordered = sorted(NAMES_IN_INPUT_ORDER, key=name_sort_key)
    assert ordered == EXPECTED_ORDER
    # 张伟 and 章伟 share the key "zhang wei": a stable sort keeps their input order.
    assert name_sort_key("张伟") == name_sort_key("章伟")
    swapped = [n for n in NAMES_IN_INPUT_ORDER if n != "章伟"]
    swapped.insert(0, "章伟")
    assert sorted(swapped, key=name_sort_key)[-2:] == ["章伟", "张伟"]


def test_ordering_in_the_database_matches(world):
    """People listed by the stored key come out in the same order on SQLite and PostgreSQL."""
    created = [make_person(world.branch_a1_2, name=name).pk for name in NAMES_IN_INPUT_ORDER]
    listed = list(Person.objects.filter(pk__in=created).values_list("name", flat=True))
    assert listed == EXPECTED_ORDER
    by_key = list(
        Person.objects.filter(pk__in=created).order_by("name_sort_key", "id").values_list("name", flat=True)
    )
    assert by_key == EXPECTED_ORDER
    stored = dict(Person.objects.filter(org=world.branch_a1_2).values_list("name", "name_sort_key"))
    assert all(stored[n] == name_sort_key(n) for n in NAMES_IN_INPUT_ORDER)


# Names as they are written: characters of GB 2312 (which pypinyin fully covers), 1 to 4 of them,
# optionally starting with a surname from the tables.
GB2312_HANZI = [
    ch for ch in (chr(cp) for cp in range(0x4E00, 0x9FA6)) if len(ch.encode("gb2312", errors="ignore")) == 2
]
hanzi = st.sampled_from(GB2312_HANZI)
surnames = st.sampled_from([*SURNAME_READINGS, *COMPOUND_SURNAMES, "王", "李", "张"])
names = st.one_of(
    st.text(alphabet=hanzi, min_size=1, max_size=4),
    st.builds(lambda s, given: s + given, surnames, st.text(alphabet=hanzi, min_size=1, max_size=3)),
)


@given(name=names)
def test_keys_are_lowercase_ascii_words(name):
    key = name_sort_key(name)
    assert re.fullmatch(r"[a-z]+( [a-z]+)*", key), key
    assert key == key.strip()


@given(name=names)
def test_one_syllable_per_character_and_one_initial_per_syllable(name):
    syllables = name_syllables(name)
    assert len(syllables) == len(name)
    assert len(name_initials(name)) == len(syllables)
    assert name_initials(name) == "".join(s[0] for s in syllables)
    assert name_sort_key(name).split(" ") == list(syllables)


def test_gb2312_table_is_the_full_set():
    assert len(GB2312_HANZI) == 6763


def test_surname_and_given_name_are_read_apart():
    """A phrase reading across surname and given name is a misreading: 于思 alone is "yu sai"."""
    assert name_sort_key("于思梦") == "yu si meng"
    assert name_initials("于思梦") == "ysm"
