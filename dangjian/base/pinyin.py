"""Pinyin sort keys for names, with the surname readings pypinyin gets wrong.

The key is stored and indexed (Person.name_sort_key), so lists order the same on SQLite and
PostgreSQL. Key: syllables without tones joined by spaces, e.g. "zeng guo fan"; initials "zgf".
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Compound surnames first: they are matched before single-character ones.
COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "欧阳": ("ou", "yang"), "司马": ("si", "ma"), "上官": ("shang", "guan"), "诸葛": ("zhu", "ge"),
    "万俟": ("mo", "qi"), "尉迟": ("yu", "chi"), "单于": ("chan", "yu"), "令狐": ("ling", "hu"),
    "皇甫": ("huang", "fu"), "公孙": ("gong", "sun"), "长孙": ("zhang", "sun"), "慕容": ("mu", "rong"),
    "宇文": ("yu", "wen"), "东方": ("dong", "fang"), "夏侯": ("xia", "hou"), "轩辕": ("xuan", "yuan"),
    "端木": ("duan", "mu"), "澹台": ("tan", "tai"), "司徒": ("si", "tu"), "司空": ("si", "kong"),
    "呼延": ("hu", "yan"), "南宫": ("nan", "gong"), "西门": ("xi", "men"), "申屠": ("shen", "tu"),
}  # fmt: skip

# Single surnames read differently from the same character in ordinary words.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha",
    "乐": "yue", "覃": "qin", "翟": "zhai", "缪": "miao", "盖": "ge", "华": "hua", "任": "ren",
    "柏": "bai", "种": "chong", "尉": "yu", "句": "gou", "冼": "xian", "秘": "bi", "繁": "po",
    "员": "yun", "召": "shao", "长": "chang", "重": "chong", "藏": "zang", "沈": "shen", "石": "shi",
    "纪": "ji", "燕": "yan", "薄": "bo", "隗": "wei", "谌": "chen", "过": "guo", "佴": "nai",
    "宓": "mi", "折": "she", "朝": "chao", "葛": "ge", "曲": "qu", "阚": "kan", "贾": "jia",
    "都": "du", "蕃": "pi", "射": "ye", "粘": "nian", "祭": "zhai", "能": "nai", "万": "wan",
    "尹": "yin", "叶": "ye", "鲜": "xian", "褚": "chu", "汤": "tang", "靓": "jing", "校": "xiao",
}  # fmt: skip


@lru_cache(maxsize=65536)
def _syllables(text: str) -> tuple[str, ...]:
    if len(text) <= 2:
        # Given names are one or two characters; pypinyin's phrase segmentation buys nothing
        # there and costs ~0.1 ms per name, so read them character by character (cached).
        return tuple(s for ch in text for s in _char(ch))
    return tuple(s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors=lambda x: list(x)))


@lru_cache(maxsize=32768)
def _char(ch: str) -> tuple[str, ...]:
    return tuple(s.lower() for s in lazy_pinyin(ch, style=Style.NORMAL, errors=lambda x: list(x)))


@lru_cache(maxsize=65536)
def name_syllables(name: str) -> tuple[str, ...]:
    name = (name or "").strip()
    if not name:
        return ()
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return COMPOUND_SURNAMES[name[:2]] + _syllables(name[2:])
    head = SURNAME_READINGS.get(name[0])
    if head is not None:
        return (head, *_syllables(name[1:]))
    if len(name) > 4:  # not a Han name of surname + given name: read it as a phrase
        return _syllables(name)
    # Surname and given name apart: a phrase reading across them is a misreading (于思梦 is yu si
    # meng, not the 于思 "yu sai" of a beard), and the characters are cached.
    return (*_char(name[0]), *_syllables(name[1:]))


def name_sort_key(name: str) -> str:
    return " ".join(name_syllables(name))


def name_initials(name: str) -> str:
    return "".join(s[0] for s in name_syllables(name) if s)
