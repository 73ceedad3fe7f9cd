"""The demo's date and scales, and its org tree: 市委 → 县区委 → 乡镇/街道党(工)委 and unit committees →
村/社区/单位党组织 → 支部 → 党小组, with plausible names and codes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from dangjian.orgs.models import OrgKind, UnitType


def system_start(today: dt.date) -> dt.date:
    """The day the demo's system went live: 1 January two years before the load year.

    The demo's "today" is the load date (every generated date lies on or before it, and things fall
    due this week whatever day it is loaded). Members admitted since the system's start have a
    development case with its whole history; members admitted before it have none.
    """
    return dt.date(today.year - 2, 1, 1)


@dataclass(frozen=True)
class Scale:
    counties: int
    grassroots: int  # grassroots organizations (基层党组织), local committees excluded
    members: int  # probationary + full members
    towns_per_county: int
    frontline: int  # frontline admissions (火线入党) in February 2020; seed 001 reports 49 for the city
    budgets: tuple[int, ...] = ()  # grassroots per county when not split evenly (sums to grassroots)

    def county_budgets(self) -> list[int]:
        if self.budgets:
            return list(self.budgets)
        per_county = [self.grassroots // self.counties] * self.counties
        per_county[0] += self.grassroots - sum(per_county)
        return per_county


# small and county have a second, smaller 区 (the 只读查看 account's), so accounts see different
# districts; the city has six.
SCALES = {
    "small": Scale(counties=2, grassroots=52, members=560, towns_per_county=3, frontline=3, budgets=(40, 12)),
    "county": Scale(
        counties=2, grassroots=1200, members=20000, towns_per_county=22, frontline=12, budgets=(1040, 160)
    ),
    "city": Scale(counties=6, grassroots=7479, members=134000, towns_per_county=30, frontline=49),
}

COUNTIES = [
    ("广安区", "511602"), ("前锋区", "511603"), ("华蓥市", "511681"),
    ("岳池县", "511621"), ("武胜县", "511622"), ("邻水县", "511623"),
]  # fmt: skip
TOWN_WORDS = [
    "协兴",
    "花桥",
    "龙台",
    "井河",
    "悦来",
    "浓溪",
    "大安",
    "石笋",
    "兴平",
    "观塘",
    "穿石",
    "白市",
    "大龙",
    "东岳",
    "彭家",
    "虎城",
    "官盛",
    "代市",
    "观阁",
    "桂兴",
    "护安",
    "石永",
    "鼎屏",
    "九龙",
    "坪滩",
    "罗渡",
    "顾县",
    "酉溪",
    "天平",
    "苟角",
    "乐善",
    "赛马",
    "中和",
    "高石",
    "清平",
    "万隆",
    "礼安",
    "飞龙",
    "三溪",
    "沿口",
    "烈面",
    "街子",
    "猛山",
    "华封",
    "宝箴",
    "禄市",
    "金牛",
    "永兴",
    "柑子",
    "复盛",
    "合流",
    "太平",
    "石滓",
    "甘棠",
    "八耳",
    "丰禾",
    "袁市",
]
VILLAGE_WORDS = [
    "青龙",
    "白鹤",
    "黄桷",
    "桂花",
    "石板",
    "新华",
    "红岩",
    "长乐",
    "金鸡",
    "凤凰",
    "大田",
    "双河",
    "三合",
    "团结",
    "和平",
    "光明",
    "胜利",
    "五一",
    "永安",
    "马鞍",
    "狮子",
    "龙泉",
    "柏林",
    "竹林",
    "梨树",
    "杨柳",
    "观音",
    "高峰",
    "清水",
    "碑坝",
    "堰塘",
    "太和",
    "新民",
    "同心",
    "兴隆",
    "复兴",
    "保安",
    "瓦店",
    "鹿鸣",
    "松林",
    "楠木",
    "新桥",
    "石门",
    "仁和",
    "龙凤",
    "天池",
    "玉屏",
    "望江",
    "合兴",
    "万寿",
]
STREETS = [
    "北辰",
    "广福",
    "浓洄",
    "中桥",
    "奎阁",
    "万盛",
    "枣山",
    "官盛",
    "协兴",
    "新桥",
    "古桥",
    "九龙",
    "鼎屏",
    "城北",
]


class _Codes:
    def __init__(self) -> None:
        self.counter = 0

    def __call__(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter:05d}"


def _branch(code: Callable[[str], str], name: str, unit: str, rng: random.Random, founded: dt.date) -> dict:
    groups = rng.choice((0, 0, 0, 2, 2, 3))
    return {
        "code": code("ZB"), "name": name, "kind": OrgKind.BRANCH, "unit_type": unit, "founded_on": founded,
        "children": [
            {"code": code("XZ"), "name": f"第{'一二三四'[i]}党小组", "kind": OrgKind.PARTY_GROUP,
             "unit_type": unit, "founded_on": founded}
            for i in range(groups)
        ],
    }  # fmt: skip


def _grow_unit(
    code: Callable[[str], str], rng: random.Random, unit: str, base_name: str, budget: int, founded: dt.date
) -> tuple[dict, int]:
    """One unit-level organization using at most `budget` grassroots slots; returns (node, used)."""
    roll = rng.random()
    if budget >= 5 and roll < 0.06:  # a big unit with its own committee, general branch and branches
        n = min(budget - 2, rng.randint(3, 6))
        branches = [_branch(code, f"{base_name}第{i + 1}党支部", unit, rng, founded) for i in range(n)]
        general = {"code": code("ZZ"), "name": f"{base_name}机关党总支", "kind": OrgKind.GENERAL_BRANCH,
                   "unit_type": unit, "founded_on": founded, "children": branches[:2]}  # fmt: skip
        node = {"code": code("DW"), "name": f"{base_name}党委", "kind": OrgKind.COMMITTEE, "unit_type": unit,
                "has_approval_authority": False, "founded_on": founded, "children": [general, *branches[2:]]}  # fmt: skip
        return node, n + 2
    if budget >= 3 and roll < 0.22:
        n = min(budget - 1, rng.randint(2, 4))
        node = {"code": code("ZZ"), "name": f"{base_name}党总支", "kind": OrgKind.GENERAL_BRANCH, "unit_type": unit,
                "founded_on": founded,
                "children": [_branch(code, f"{base_name}第{i + 1}党支部", unit, rng, founded) for i in range(n)]}  # fmt: skip
        return node, n + 1
    return _branch(code, f"{base_name}党支部", unit, rng, founded), 1


def build_tree(scale: Scale, rng: random.Random) -> dict:
    """The nested org tree as data; exactly scale.grassroots grassroots organizations below the 市委."""
    code = _Codes()
    counties = []
    per_county = scale.county_budgets()
    town_words = iter(rng.sample(TOWN_WORDS, len(TOWN_WORDS)) * 4)
    for index in range(scale.counties):
        county_name, _region = COUNTIES[index]
        budget = per_county[index]
        founded = dt.date(1950 + rng.randint(0, 30), 1 + rng.randint(0, 11), 1)
        hubs: list[dict] = []
        towns = min(scale.towns_per_county, max(1, budget // 12))
        for t in range(towns):
            street = t < max(1, towns // 6)
            word = STREETS[t % len(STREETS)] if street else next(town_words)
            hubs.append({
                "code": code("JD" if street else "XZ"),
                "name": f"{county_name}{word}{'街道党工委' if street else '镇党委'}",
                "kind": OrgKind.WORKING_COMMITTEE if street else OrgKind.COMMITTEE,
                "unit_type": UnitType.COMMUNITY if street else UnitType.VILLAGE,
                "has_approval_authority": True, "founded_on": founded, "children": [],
            })  # fmt: skip
        sectors = [
            (f"{county_name[-1]}直机关工委", OrgKind.WORKING_COMMITTEE, UnitType.ORGAN),
            ("卫生健康系统党委", OrgKind.COMMITTEE, UnitType.HOSPITAL),
            ("教育系统党委", OrgKind.COMMITTEE, UnitType.SCHOOL),
            ("非公有制经济组织党委", OrgKind.COMMITTEE, UnitType.ENTERPRISE),
        ]
        if budget >= 40:
            for label, kind, unit in sectors:
                hubs.append({"code": code("HY"), "name": label if label.startswith(county_name[-1]) else f"{county_name}{label}", "kind": kind, "unit_type": unit,
                             "has_approval_authority": True, "founded_on": founded, "children": []})  # fmt: skip
        remaining = budget - len(hubs)
        unit_names = _unit_namer(rng, county_name)
        turn = 0
        while remaining > 0:
            hub = hubs[turn % len(hubs)]
            turn += 1
            unit = hub["unit_type"]
            if unit in (UnitType.VILLAGE, UnitType.COMMUNITY) and rng.random() < 0.35:
                unit = UnitType.COMMUNITY if unit == UnitType.VILLAGE else UnitType.VILLAGE
            node, used = _grow_unit(code, rng, unit, unit_names(unit, hub), remaining, founded)
            hub["children"].append(node)
            remaining -= used
        counties.append({
            "code": code("QX"), "name": f"中共{county_name}委员会", "short_name": f"{county_name}委",
            "kind": OrgKind.COMMITTEE, "unit_type": UnitType.ORGAN, "has_approval_authority": True,
            "is_local_committee": True, "founded_on": founded, "children": hubs,
        })  # fmt: skip
    return {
        "code": "GA-SW", "name": "中共广安市委员会", "short_name": "广安市委", "kind": OrgKind.COMMITTEE,
        "unit_type": UnitType.ORGAN, "has_approval_authority": True, "is_local_committee": True,
        "founded_on": dt.date(1993, 7, 1), "children": counties,
    }  # fmt: skip


def _unit_namer(rng: random.Random, county: str) -> Callable[[str, dict], str]:
    seen: dict[str, int] = {}
    organs = ["县委办公室", "县政府办公室", "县公安局", "县财政局", "县人社局", "县农业农村局", "县住建局",
              "县市场监管局", "县应急管理局", "县交通运输局", "县民政局", "县司法局", "县税务局", "县自然资源局"]  # fmt: skip
    hospitals = ["县人民医院", "县中医医院", "县妇幼保健院", "县疾控中心", "乡镇卫生院", "社区卫生服务中心"]
    schools = ["县第一中学", "县第二中学", "县职业中学", "实验小学", "城关小学", "中心小学", "县幼儿园"]
    firms = [
        "机械有限公司",
        "汽车部件有限公司",
        "食品有限公司",
        "物业管理有限公司",
        "建材有限公司",
        "电子科技有限公司",
    ]

    def name(unit: str, hub: dict) -> str:
        town = hub["name"].removeprefix(county)
        town = town.replace("街道党工委", "街道").replace("镇党委", "镇")
        if unit == UnitType.VILLAGE:
            base = f"{town}{rng.choice(VILLAGE_WORDS)}村"
        elif unit == UnitType.COMMUNITY:
            base = f"{town}{rng.choice(VILLAGE_WORDS)}社区"
        elif unit == UnitType.ORGAN:
            base = rng.choice(organs)
        elif unit == UnitType.HOSPITAL:
            base = rng.choice(hospitals)
        elif unit == UnitType.SCHOOL:
            base = rng.choice(schools)
        else:
            base = rng.choice(VILLAGE_WORDS) + rng.choice(firms)
        if base.startswith("县"):
            base = county + base[1:]
        seen[base] = seen.get(base, 0) + 1
        return base if seen[base] == 1 else f"{base}（{seen[base]}）"

    return name
