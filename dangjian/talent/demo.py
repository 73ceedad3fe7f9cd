"""The reserve pool of the demo jurisdiction (后备力量库), through the bulk service.

Every village and community gets a pool: most meet the standard of R-TALENT-POOL (2), about one
in five falls below it (none or one in the pool). Entries are people in development or young members
of the village (with a file) and people outside the party (without one), from the five source
channels; each was reviewed every year since it entered (kept), some were removed with a reason,
and some were elected to the 两委 at the 2021 换届 (seed 003: "64名'两委'中共有10名后备库党员成功当选").
About half have a task (交任务、压担子) with its outcome.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable

from dangjian.base.bulk import InstanceMaker
from dangjian.orglife.models import CommitteeMember, Post
from dangjian.orgs.models import Org
from dangjian.people.models import Education, Person, Standing
from dangjian.talent import selectors, services
from dangjian.talent.models import (
    EntryStatus,
    PoolEntry,
    ReservedPost,
    ReviewResult,
    SourceChannel,
    TaskOutcome,
)

# Active entries per village: 0 or 1 (below the standard) for about one in five.
SIZES = (0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4)
SOURCES = (
    *(SourceChannel.GRADUATE,) * 3, *(SourceChannel.VETERAN,) * 2, *(SourceChannel.RETURNED_MIGRANT,) * 3,
    *(SourceChannel.ENTREPRENEUR,) * 3, SourceChannel.OTHER,
)  # fmt: skip
OCCUPATIONS = {
    SourceChannel.GRADUATE: ("大学生村官", "村务专干", "电商创业", "教师"),
    SourceChannel.VETERAN: ("退役军人服务站专干", "个体经营", "网格员"),
    SourceChannel.RETURNED_MIGRANT: ("农民", "个体经营", "建筑工匠", "电商创业"),
    SourceChannel.ENTREPRENEUR: ("种养殖大户", "合作社负责人", "农家乐经营", "个体经营"),
    SourceChannel.OTHER: ("农民", "网格员", "村医"),
}
EDUCATIONS = {
    SourceChannel.GRADUATE: (Education.BACHELOR, Education.BACHELOR, Education.COLLEGE),
    "": (Education.HIGH_SCHOOL, Education.JUNIOR_HIGH, Education.COLLEGE, Education.SECONDARY_VOCATIONAL),
}
POSTS = (ReservedPost.COMMITTEE, ReservedPost.COMMITTEE, ReservedPost.SECRETARY, ReservedPost.DIRECTOR)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉文春海燕鹏飞宇浩然晨欣"
REMOVAL_REASONS = ("外出务工，难以履职", "年度考察不合格", "本人申请退出", "迁出本村")
TASKS = ("牵头村集体经济项目", "参与矛盾纠纷调解", "负责网格走访", "组织志愿服务活动", "协助疫情防控值守",
         "整理村务公开资料", "带动产业发展")  # fmt: skip
ELECTION_DAY = dt.date(2021, 5, 20)
ELECTED_POSTS = ("村党支部委员", "村民委员会委员", "村党支部书记、村民委员会主任")
PERSON_AGE = 40
ELECTED_SHARE = 1 / 6  # people with a file are taken among the village's younger ones in development


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _candidates(villages: list[tuple], paths: list[str], today: dt.date) -> dict[str, list[tuple]]:
    """People of each village in development or just admitted, under PERSON_AGE, by village path."""
    young = today.replace(year=today.year - PERSON_AGE)
    rows = (
        Person.objects.filter(
            standing__in=(Standing.ACTIVIST, Standing.CANDIDATE, Standing.PROBATIONARY), reduction="",
            birth_date__gte=young, org__unit_type__in=selectors.VILLAGE_UNITS,
        )
        .order_by("id")
        .values_list("pk", "name", "gender", "birth_date", "education", "org__path", "activist_on", "admitted_on")
    )  # fmt: skip
    out: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        i = bisect.bisect_right(paths, row[5]) - 1
        if i >= 0 and row[5].startswith(paths[i]):
            out[paths[i]].append(row)
    return out


def _registered(rng: random.Random, today: dt.date, earliest: int) -> dt.date:
    year = rng.randint(earliest, today.year)
    last = min(dt.date(year, 12, 28), today - dt.timedelta(days=7))
    first = dt.date(year, 1, 5)
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _elected(rng, paths: list[str], orgs: dict[str, Org], entries: list, reviews: list, tasks: list) -> None:
    """About one in six members of the village committees now in office had been in the pool before
    they were elected (seed 003: 10 of 64): their entries, appointed on the election day."""
    posts = dict(Post.choices)
    make_entry, make_person = InstanceMaker(PoolEntry), InstanceMaker(Person)
    rows = (
        CommitteeMember.objects.filter(committee__ended_on=None, committee__org__unit_type__in=selectors.VILLAGE_UNITS)
        .order_by("id")
        .values_list(
            "person_id", "person__name", "person__gender", "person__birth_date", "person__education", "post",
            "committee__elected_on", "committee__org__path",
        )
    )  # fmt: skip
    for person, name, gender, birth, education, post, elected_on, path in rows:
        if rng.random() >= ELECTED_SHARE:
            continue
        i = bisect.bisect_right(paths, path) - 1
        if i < 0 or not path.startswith(paths[i]):
            continue
        registered = elected_on - dt.timedelta(days=rng.randint(200, 1200))
        age = registered.year - birth.year
        if not 19 <= age <= 69:
            continue
        source = rng.choice(SOURCES)
        entry = make_entry(
            org=orgs[paths[i]], source=source, reserved_for=rng.choice(POSTS), registered_on=registered,
            status=EntryStatus.APPOINTED, status_on=elected_on, status_reason=str(posts.get(post, post)),
            occupation=rng.choice(OCCUPATIONS[source]), note="", name=name, gender=gender, birth_date=birth,
            education=education or rng.choice(EDUCATIONS[""]),
        )  # fmt: skip
        entry.person_id = person
        entry._state.fields_cache["person"] = make_person(id=person, name=name)
        entries.append(entry)
        reviews.append(
            [
                (y, ReviewResult.KEPT.value, dt.date(y, 12, 20), "")
                for y in range(registered.year + 1, elected_on.year)
            ]
        )
        tasks.append([])


def load_talent_demo(
    rng: random.Random, today: dt.date, *, log: Callable[[str], None] = lambda _m: None
) -> int:
    """Load the pools (see the module docstring); returns the number of entries."""
    root = Org.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return 0
    villages = selectors.villages_in(root)
    paths = [v[3] for v in villages]
    people = _candidates(villages, paths, today)
    entries: list[PoolEntry] = []
    reviews: list[list[tuple]] = []
    tasks: list[list[tuple]] = []
    make_org, make_person, make_entry = InstanceMaker(Org), InstanceMaker(Person), InstanceMaker(PoolEntry)
    for pk, name, _unit, path, _depth, _kind in villages:
        org = make_org(id=pk, name=name, path=path)
        pool = list(people.get(path, ()))
        rng.shuffle(pool)
        active = rng.choice(SIZES)
        extra = (rng.random() < 0.35) + (rng.random() < 0.2)  # appointed in 2021 or removed
        for number in range(active + extra):
            source = rng.choice(SOURCES)
            status = (
                EntryStatus.ACTIVE
                if number < active
                else rng.choice((EntryStatus.APPOINTED, EntryStatus.REMOVED))
            )
            earliest = 2018 if status == EntryStatus.APPOINTED else 2019
            registered = _registered(
                rng, today if status != EntryStatus.APPOINTED else ELECTION_DAY, earliest
            )
            person = pool.pop() if pool and status == EntryStatus.ACTIVE and rng.random() < 0.7 else None
            if person is not None:  # entered the pool while in development, some admitted since
                low = max(person[6] or registered, person[3].replace(year=person[3].year + 19, day=1))
                high = min((person[7] or today) - dt.timedelta(days=1), today - dt.timedelta(days=7))
                if low > high:
                    person = None
                else:
                    registered = low + dt.timedelta(days=rng.randint(0, (high - low).days))
            entry = make_entry(
                org=org, source=source, reserved_for=rng.choice(POSTS), registered_on=registered, status=status,
                occupation=rng.choice(OCCUPATIONS[source]), note="",
            )  # fmt: skip
            if person is not None:
                entry.person_id = person[0]
                entry._state.fields_cache["person"] = make_person(id=person[0], name=person[1])
                entry.name, entry.gender, entry.birth_date = person[1], person[2], person[3]
                entry.education = person[4] or rng.choice(EDUCATIONS.get(source, EDUCATIONS[""]))
            else:
                age = rng.randint(22, 45) if source != SourceChannel.GRADUATE else rng.randint(22, 32)
                entry.name, entry.gender = _name(rng), rng.choice("MMF")
                entry.birth_date = registered.replace(day=1).replace(
                    year=registered.year - age
                ) - dt.timedelta(days=rng.randint(0, 300))
                entry.education = rng.choice(EDUCATIONS.get(source, EDUCATIONS[""]))
            end_year = today.year - 1
            own: list[tuple] = []
            if status == EntryStatus.APPOINTED:
                entry.status_on, entry.status_reason = ELECTION_DAY, rng.choice(ELECTED_POSTS)
                end_year = ELECTION_DAY.year - 1
            elif status == EntryStatus.REMOVED:
                left = max(registered.year + 1, today.year - 1)
                entry.status_on = min(dt.date(left, 12, 20), today - dt.timedelta(days=1))
                entry.status_reason = rng.choice(REMOVAL_REASONS)
                end_year = entry.status_on.year - 1
                if entry.status_on < registered:
                    entry.status_on = registered
            for year in range(registered.year + 1, end_year + 1):
                own.append((year, ReviewResult.KEPT.value, dt.date(year, 12, 20), ""))
            if status == EntryStatus.REMOVED:
                year = max(entry.status_on.year, registered.year)
                if all(r[0] != year for r in own):
                    own.append((year, ReviewResult.REMOVED.value, entry.status_on, entry.status_reason))
            reviews.append(own)
            mine: list[tuple] = []
            until = (entry.status_on or today) - dt.timedelta(days=2)
            if rng.random() < 0.5 and until > registered:
                assigned = min(registered + dt.timedelta(days=rng.randint(20, 200)), until)
                if status == EntryStatus.ACTIVE and assigned > today - dt.timedelta(days=60):
                    mine.append(
                        (rng.choice(TASKS), assigned, assigned + dt.timedelta(days=90), "open", None, "")
                    )
                else:
                    outcome = rng.choice(
                        (TaskOutcome.GOOD, TaskOutcome.GOOD, TaskOutcome.DONE, TaskOutcome.FAILED)
                    )
                    closed = min(assigned + dt.timedelta(days=rng.randint(30, 120)), until)
                    mine.append((rng.choice(TASKS), assigned, None, outcome.value, closed, ""))
            tasks.append(mine)
            entries.append(entry)
    _elected(
        rng, paths, {v[3]: make_org(id=v[0], name=v[1], path=v[3]) for v in villages}, entries, reviews, tasks
    )
    services.pool_bulk_create(actor=None, entries=entries, reviews=reviews, tasks=tasks)
    log(f"已登记 {len(entries)} 名村级后备力量（{len(villages)} 个村、社区）。")
    return len(entries)
