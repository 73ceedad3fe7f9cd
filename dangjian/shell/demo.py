"""A deterministic demo jurisdiction, modelled on Guang'an (seed 001).

市委 → 县区委 → 乡镇/街道党(工)委 and 机关/医院/学校/企业党委 → 村/社区/单位党组织 → 支部 → 党小组,
with people in every standing and plausible dates. Everything is written through the services
(org_tree_bulk_create, people_bulk_create, person_reduce, user_create, role_grant), so the demo
obeys the same rules as the pages.

Scales:
    small   one county, about 40 grassroots organizations and 600 people (tests)
    county  one county, about 1,200 grassroots organizations and 21,000 people (`make run`)
    city    six counties, exactly 7,479 grassroots organizations and 134,000 party members
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from dangjian.accounts.models import Role
from dangjian.accounts.services import role_grant, user_create
from dangjian.base.idnumber import make_id_number
from dangjian.orgs.models import Org, OrgKind, UnitType
from dangjian.orgs.services import org_tree_bulk_create
from dangjian.people.models import Category, Education, Person, Reduction, Standing
from dangjian.people.services import people_bulk_create, person_reduce

# The demo's "today": every generated date lies on or before it, whatever day the demo is loaded.
REFERENCE_DATE = dt.date(2026, 11, 1)
DEMO_PASSWORD = "dangjian-demo"


@dataclass(frozen=True)
class Scale:
    counties: int
    grassroots: int  # grassroots organizations (基层党组织), local committees excluded
    members: int  # probationary + full members
    towns_per_county: int
    frontline: int  # frontline admissions (火线入党) in February 2020; seed 001 reports 49 for the city


SCALES = {
    "small": Scale(counties=1, grassroots=40, members=560, towns_per_county=3, frontline=3),
    "county": Scale(counties=1, grassroots=1200, members=20000, towns_per_county=22, frontline=12),
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
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
    "孔向汤蒲舒敬伍冉"
)
RARE_SURNAMES = ["单", "解", "仇", "区", "查", "欧阳", "诸葛", "司马", "上官", "朴"]
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国志飞鹏辉斌波宇浩凯健俊帆帅旭"
    "小文晓丹春燕海林欣怡佳琪雪梦婷颖琳晨阳思雨子涵宏亮德福永贵兴成宁安康庆祥瑞云翠凤琼莉蓉渝川"
)
MOBILE_PREFIXES = ("138", "139", "150", "151", "152", "158", "159", "182", "183", "187", "188", "135",
                   "136", "137", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180",
                   "181", "189", "177", "199", "178", "166")  # fmt: skip
MINORITIES = ["回族", "土家族", "苗族", "彝族", "藏族", "满族", "蒙古族", "壮族"]

UNIT_CATEGORIES: dict[str, list[tuple[str, int]]] = {
    UnitType.VILLAGE: [(Category.FARMER, 50), (Category.VILLAGE_CADRE, 12), (Category.VETERAN, 10),
                       (Category.RETURNED_MIGRANT, 12), (Category.RURAL_ENTREPRENEUR, 8), (Category.RETIRED, 8)],
    UnitType.COMMUNITY: [(Category.COMMUNITY_WORKER, 20), (Category.RETIRED, 40), (Category.VILLAGE_CADRE, 8),
                         (Category.ENTERPRISE_STAFF, 20), (Category.VETERAN, 6), (Category.OTHER, 6)],
    UnitType.ORGAN: [(Category.CIVIL_SERVANT, 80), (Category.POLICE, 15), (Category.RETIRED, 5)],
    UnitType.HOSPITAL: [(Category.MEDICAL, 92), (Category.RETIRED, 8)],
    UnitType.SCHOOL: [(Category.TEACHER, 85), (Category.STUDENT, 10), (Category.RETIRED, 5)],
    UnitType.ENTERPRISE: [(Category.ENTERPRISE_STAFF, 90), (Category.VETERAN, 5), (Category.RETIRED, 5)],
    UnitType.INSTITUTION: [(Category.OTHER, 60), (Category.CIVIL_SERVANT, 30), (Category.RETIRED, 10)],
    UnitType.OTHER: [(Category.OTHER, 100)],
}  # fmt: skip


@dataclass
class DemoResult:
    orgs: int
    people: int
    logins: list[tuple[str, str, str]]  # (username, role label, scope name)


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
    per_county = [scale.grassroots // scale.counties] * scale.counties
    per_county[0] += scale.grassroots - sum(per_county)
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


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _name(rng: random.Random) -> str:
    surname = rng.choice(RARE_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _birthday(born: dt.date, years: int) -> dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return born.replace(year=born.year + years, day=28)


def person_rows(branches: list[Org], scale: Scale, rng: random.Random) -> list[dict]:
    """People for every branch: scale.members party members plus people in development."""
    weights = [rng.randint(6, 60) for _ in branches]
    total_weight = sum(weights)
    sizes = [max(3, round(scale.members * w / total_weight)) for w in weights]
    sizes[-1] += scale.members - sum(sizes)
    while sizes[-1] < 3:  # keep the exact total while every branch keeps at least 3 members
        i = max(range(len(sizes)), key=sizes.__getitem__)
        sizes[i] -= 1
        sizes[-1] += 1
    used_ids: set[str] = set()
    rows: list[dict] = []
    regions = [r for _, r in COUNTIES]
    for branch, size in zip(branches, sizes, strict=True):
        region = regions[int(branch.path[4:8], 36) - 1] if branch.depth > 1 else regions[0]
        pairs = UNIT_CATEGORIES.get(branch.unit_type, UNIT_CATEGORIES[UnitType.OTHER])
        development = rng.choice((0, 0, 1, 1, 2, 3))
        # About 2.5% of members are in their probation year; people in development are, as in the
        # seed statistics, mostly applicants and activists, fewer candidates.
        plan = [Standing.PROBATIONARY if rng.random() < 0.025 else Standing.FULL for _ in range(size)]
        plan += [_weighted(rng, [(Standing.APPLICANT, 45), (Standing.ACTIVIST, 40), (Standing.CANDIDATE, 15)])
                 for _ in range(development)]  # fmt: skip
        for standing in plan:
            rows.append(_person(rng, branch, standing, region, pairs, used_ids))
    return rows


def _person(rng, branch: Org, standing: str, region: str, pairs, used_ids: set[str]) -> dict:
    ref = REFERENCE_DATE
    category = _weighted(rng, pairs)
    if standing in (Standing.APPLICANT, Standing.ACTIVIST, Standing.CANDIDATE):
        age = rng.randint(23, 45)
    elif category == Category.RETIRED:
        age = rng.randint(60, 88)
    elif category == Category.STUDENT:
        age = rng.randint(19, 24)
    else:
        age = rng.randint(24, 62)
    if standing in (Standing.PROBATIONARY, Standing.FULL):
        age = max(age, rng.randint(25, 30))  # admitted at 20 at the earliest, converted a year later
    born = ref - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    gender = (
        "M"
        if rng.random() < (0.4 if branch.unit_type in (UnitType.HOSPITAL, UnitType.SCHOOL) else 0.7)
        else "F"
    )
    while True:
        number = make_id_number(region, born, rng.randint(0, 499), gender)
        if number not in used_ids:
            used_ids.add(number)
            break
        born -= dt.timedelta(days=1)
    adult = _birthday(born, 18)
    dates: dict[str, dt.date | None] = {}
    if standing == Standing.APPLICANT:
        dates["applied_on"] = max(adult, ref - _days(rng, 20, 700))
    elif standing == Standing.ACTIVIST:
        activist = max(adult + dt.timedelta(days=60), ref - _days(rng, 20, 500))
        dates |= {"applied_on": activist - _days(rng, 31, 60), "activist_on": activist}
    elif standing == Standing.CANDIDATE:
        candidate = ref - _days(rng, 10, 200)
        activist = candidate - _days(rng, 366, 500)
        dates |= {
            "applied_on": activist - _days(rng, 31, 120),
            "activist_on": activist,
            "candidate_on": candidate,
        }
    else:
        if standing == Standing.PROBATIONARY:
            admitted = ref - _days(rng, 60, 360)  # approved (about a month later) by the reference date
        else:
            earliest = adult + dt.timedelta(days=900)
            span = max(1, (ref - dt.timedelta(days=400) - earliest).days)
            admitted = min(
                ref - dt.timedelta(days=400), earliest + dt.timedelta(days=int(span * rng.random() ** 0.7))
            )
        candidate = admitted - _days(rng, 90, 240)
        activist = candidate - _days(rng, 366, 480)
        applied = max(adult, activist - _days(rng, 31, 200))
        dates |= {
            "applied_on": applied,
            "activist_on": activist,
            "candidate_on": candidate,
            "admitted_on": admitted,
        }
        if standing == Standing.FULL:
            dates["converted_on"] = _birthday(admitted, 1)
    age_now = age
    education = (
        Education.POSTGRADUATE if category in (Category.MEDICAL,) and rng.random() < 0.2
        else Education.BACHELOR if category in (Category.MEDICAL, Category.TEACHER, Category.CIVIL_SERVANT, Category.POLICE)
        else rng.choice([Education.JUNIOR_HIGH, Education.HIGH_SCHOOL, Education.SECONDARY_VOCATIONAL,
                         Education.COLLEGE, Education.BACHELOR] if age_now < 55 else
                        [Education.PRIMARY, Education.JUNIOR_HIGH, Education.HIGH_SCHOOL])
    )  # fmt: skip
    return {
        "name": _name(rng),
        "gender": gender,
        "ethnicity": rng.choice(MINORITIES) if rng.random() < 0.02 else "汉族",
        "birth_date": born,
        "id_number": number,
        "phone": rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"
        if rng.random() < 0.92
        else "",
        "education": education,
        "category": category,
        "work_unit": branch.name.removesuffix("党支部"),
        "org": branch,
        "standing": standing,
        **dates,
    }


def analyze_tables() -> None:
    """Refresh the planner's statistics after a bulk load (both databases plan by them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def database_is_empty() -> bool:
    return not Org.objects.exists() and not Person.objects.exists()


def load_demo(
    scale_name: str, *, seed: int = 2020, log: Callable[[str], None] = lambda _m: None
) -> DemoResult:
    scale = SCALES[scale_name]
    rng = random.Random(f"{seed}-{scale_name}")
    with transaction.atomic():
        log("建立组织架构……")
        tree = build_tree(scale, rng)
        org_count = org_tree_bulk_create(actor=None, parent=None, nodes=[tree])
        root = Org.objects.get(code=tree["code"])
        branches = list(Org.objects.filter(kind=OrgKind.BRANCH).order_by("path"))
        log(f"已建立 {org_count} 个党组织；生成人员档案……")
        rows = person_rows(branches, scale, rng)
        people = people_bulk_create(actor=None, rows=rows)
        log(f"已建立 {people} 份人员档案；办理少量减少（转出、死亡）……")
        reduce_ids = list(
            Person.objects.filter(standing=Standing.FULL).order_by("id").values_list("id", flat=True)
        )
        for person_id in rng.sample(reduce_ids, k=max(2, len(reduce_ids) // 400)):
            person = Person.objects.select_related("org").get(pk=person_id)
            kind = rng.choice((Reduction.TRANSFERRED_OUT, Reduction.TRANSFERRED_OUT, Reduction.DECEASED))
            note = "组织关系转往外省" if kind == Reduction.TRANSFERRED_OUT else "因病去世"
            person_reduce(
                actor=None,
                person=person,
                reduction=kind,
                reduced_on=REFERENCE_DATE - _days(rng, 1, 300),
                note=note,
            )
        from dangjian.development.demo import load_development_demo

        cases = load_development_demo(rng, REFERENCE_DATE, frontline=scale.frontline, log=log)
        log(f"已补录 {cases} 份发展纪实。")
        from dangjian.mobilization.demo import load_mobilization_demo

        regions = [region for _name, region in COUNTIES]
        load_mobilization_demo(scale_name, reference=REFERENCE_DATE, regions=regions, seed=seed, log=log)
        logins = _demo_users(root)
    from dangjian.development import due

    due.refresh()
    analyze_tables()
    return DemoResult(orgs=org_count, people=people, logins=logins)


def _demo_users(root: Org) -> list[tuple[str, str, str]]:
    county = Org.objects.filter(depth=2).order_by("path").first()
    town = (
        Org.objects.filter(depth=3, has_approval_authority=True, kind=OrgKind.COMMITTEE)
        .order_by("path")
        .first()
    )
    branch = (
        Org.objects.filter(path__startswith=town.path, kind=OrgKind.BRANCH).order_by("path").first()
        if town
        else None
    )
    logins = []
    superuser = user_create(actor=None, username="root", password=DEMO_PASSWORD, display_name="系统管理员")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save(update_fields=["is_superuser", "is_staff"])
    logins.append(("root", "系统管理员", "全部"))
    for username, display, role, org in (
        ("zzb_admin", "组织部 王科长", Role.ORG_ADMIN, root),
        ("organizer", "镇党委 李组织员", Role.COMMITTEE_ORGANIZER, town),
        ("secretary", "支部 张书记", Role.BRANCH_SECRETARY, branch),
        ("viewer", "县委 只读", Role.VIEWER, county),
    ):
        if org is None:
            continue
        user = user_create(actor=None, username=username, password=DEMO_PASSWORD, display_name=display)
        role_grant(actor=None, user=user, org=org, role=role)
        logins.append((username, Role(role).label, org.name))
    return logins
