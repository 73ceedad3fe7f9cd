"""The demo's people: names, ID numbers, phones and dates for every standing, by the kind of unit."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from dangjian.base.idnumber import make_id_number
from dangjian.orgs.models import Org, UnitType
from dangjian.people.models import Category, Education, Standing
from dangjian.shell.demo.tree import COUNTIES, Scale, system_start

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


# The funnel (seed statistics; national figures): admissions of about 2.5 % of the members a year,
# and, per admission a year, people now at each earlier stage: applicants who applied since the
# system's start and are still waiting (most are never admitted), activists, candidates.
ADMISSION_RATE = 0.025
WAITING = {"applicant": 3.0, "activist": 1.5, "candidate": 0.55}  # × admissions a year (applicants: × years)
CAST_MEMBERS = 30  # full members at least in the 支部书记's branch (contacts, introducers, votes)


@dataclass
class DemoPeople:
    rows: list[dict]
    plans: dict[str, list[dict]] = field(default_factory=dict)  # id number → planned step records
    statuses: dict[str, str] = field(default_factory=dict)  # id number → deferred / declined
    pre_system: list[str] = field(default_factory=list)  # members admitted before the system's start


def _count(rng: random.Random, expected: float) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


def person_rows(
    branches: list[Org], scale: Scale, rng: random.Random, today: dt.date, *, cast_branch: Org | None = None
) -> DemoPeople:
    """People for every branch: scale.members party members plus people in development.

    Members admitted since the system's start, and everyone in development, follow a planned course
    (development.demo) whose records make their standing and dates; the `cast_branch` (the demo
    支部书记's) also gets people at every stage with something due this week.
    """
    from dangjian.development.demo import course_fields, course_records, draw_course, secretary_cast

    since = system_start(today)
    member_years = max(0.0, ((today - dt.timedelta(days=25)) - since).days / 365.25)
    years = (today - since).days / 365.25
    weights = [rng.randint(6, 60) for _ in branches]
    total_weight = sum(weights)
    sizes = [max(3, round(scale.members * w / total_weight)) for w in weights]
    if cast_branch is not None:
        cast_index = next(i for i, b in enumerate(branches) if b.pk == cast_branch.pk)
        sizes[cast_index] = max(sizes[cast_index], CAST_MEMBERS)
    sizes[-1] += scale.members - sum(sizes)
    while sizes[-1] < 3:  # keep the exact total while every branch keeps at least 3 members
        i = max(range(len(sizes)), key=sizes.__getitem__)
        sizes[i] -= 1
        sizes[-1] += 1
    used_ids: set[str] = set()
    out = DemoPeople(rows=[])
    regions = [r for _, r in COUNTIES]

    def planned(branch, region, pairs, course, kind):
        age = rng.randint(24, 45)
        row = _person(rng, branch, Standing.FULL, region, pairs, used_ids, today, age=age)
        adult = _birthday(row["birth_date"], 18)
        if course is None:
            course = draw_course(rng, kind, today, since=since, adult=adult)
        records = course_records(course, today, rng)
        fields = course_fields(records)
        row.update({k: fields.get(k) for k in DATE_FIELDS} | {"standing": fields["standing"]})
        out.rows.append(row)
        out.plans[row["id_number"]] = records
        if course.status:
            out.statuses[row["id_number"]] = course.status

    for branch, size in zip(branches, sizes, strict=True):
        region = regions[int(branch.path[4:8], 36) - 1] if branch.depth > 1 else regions[0]
        pairs = UNIT_CATEGORIES.get(branch.unit_type, UNIT_CATEGORIES[UnitType.OTHER])
        rate = ADMISSION_RATE * rng.uniform(0.6, 1.4)
        cast = secretary_cast(rng, today) if cast_branch is not None and branch.pk == cast_branch.pk else []
        cast_members = sum(1 for c in cast if c.approved)
        for _ in range(size - cast_members):
            if rng.random() < rate * member_years:
                planned(branch, region, pairs, None, "member")
            else:
                row = _person(rng, branch, Standing.FULL, region, pairs, used_ids, today, before=since)
                # Joined before the system existed: the dates come from the member's file (补录).
                row["backfill_reason"] = PRE_SYSTEM_REASON
                out.rows.append(row)
                out.pre_system.append(row["id_number"])
        for course in cast:
            planned(branch, region, pairs, course, "")
        admissions = rate * size  # a year
        for kind, per in WAITING.items():
            for _ in range(_count(rng, admissions * per * (years if kind == "applicant" else 1))):
                planned(branch, region, pairs, None, kind)
    return out


PRE_SYSTEM_REASON = "系统建立前入党，据本人党员档案补录（演示数据）"
DATE_FIELDS = ("applied_on", "activist_on", "candidate_on", "admitted_on", "converted_on")


def _person(
    rng,
    branch: Org,
    standing: str,
    region: str,
    pairs,
    used_ids: set[str],
    ref: dt.date,
    *,
    age: int | None = None,
    before: dt.date | None = None,
) -> dict:
    """One person's file. `age`: given (for a planned course, whose dates come later); `before`: a
    full member admitted before that day (the system's start), with plausible milestone dates."""
    category = _weighted(rng, pairs)
    if age is not None:
        if category in (Category.RETIRED, Category.STUDENT):  # in development: of working age
            category = pairs[0][0]
    elif category == Category.RETIRED:
        age = rng.randint(60, 88)
    elif category == Category.STUDENT:
        age = rng.randint(19, 24)
    else:
        age = rng.randint(24, 62)
    if before is not None:  # admitted at 20 at the earliest, before the system's start
        age = max(age, rng.randint(25, 30) + (ref - before).days // 365)
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
    if before is not None:
        earliest = adult + dt.timedelta(days=900)
        latest = before - dt.timedelta(days=1)
        span = max(1, (latest - earliest).days)
        admitted = min(latest, earliest + dt.timedelta(days=int(span * rng.random() ** 0.7)))
        candidate = admitted - _days(rng, 90, 240)
        activist = candidate - _days(rng, 366, 480)
        applied = max(adult, activist - _days(rng, 31, 200))
        dates |= {
            "applied_on": applied,
            "activist_on": activist,
            "candidate_on": candidate,
            "admitted_on": admitted,
            "converted_on": _birthday(admitted, 1),
        }
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
