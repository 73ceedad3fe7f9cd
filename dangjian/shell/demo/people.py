"""The demo's people: names, ID numbers, phones and dates for every standing, by the kind of unit."""

from __future__ import annotations

import datetime as dt
import random

from dangjian.base.idnumber import make_id_number
from dangjian.orgs.models import Org, UnitType
from dangjian.people.models import Category, Education, Standing
from dangjian.shell.demo.tree import COUNTIES, REFERENCE_DATE, Scale

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
