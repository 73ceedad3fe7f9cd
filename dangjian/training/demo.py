"""Training classes for the demo jurisdiction, entered through the training services (actor None).

For each town (镇、街道党委) and for last year and this year: a 发展对象培训 (3 days, 24 学时), a
党员集中轮训 (4 days, 24 学时) for most members, a 线上学习 (12 学时) for about half of them (so some
members reach the 32 学时 of R-STUDY and some do not), a 村干部培训 (村干部) and a 党务干部培训
(乡镇党务干部). Every class has ended by the demo's "today" and its participants have completed it.

The 发展对象培训 of this year takes the town's 发展对象 whose case has its political review (step 10)
but no training yet, and records their step 11 from the class; the 发展对象 already trained this
year (step 11 in the development demo) are on the list too and are completed without a second
record. Last year's class lists those whose step 11 fell in that year.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from dangjian.development.models import Case, CaseStatus, StepRecord
from dangjian.orgs.models import Org, OrgKind, UnitType, subtree_q
from dangjian.people.models import MEMBER_STANDINGS, Category, Person
from dangjian.training import services
from dangjian.training.models import TraineeCategory, TrainingKind

TOWN_UNITS = (UnitType.VILLAGE, UnitType.COMMUNITY)
ROTATION_SIZE, ONLINE_SIZE = 60, 40  # participants of one class at most
PLACES = ("党校", "党群服务中心", "新时代文明实践所", "便民服务中心会议室")


def _towns() -> list[Org]:
    """The 乡镇、街道党(工)委 below the counties."""
    return list(
        Org.objects.filter(
            depth=3, kind__in=(OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE), unit_type__in=TOWN_UNITS,
            dissolved_on__isnull=True,
        ).order_by("path")
    )  # fmt: skip


def _window(year: int, today: dt.date, rng: random.Random, days: int) -> tuple[dt.date, dt.date] | None:
    """A class of `days` days in `year` that ended at least two days before `today`."""
    first = dt.date(year, 1, 8)
    last_end = min(dt.date(year, 12, 20), today - dt.timedelta(days=2))
    latest_start = last_end - dt.timedelta(days=days - 1)
    if latest_start < first:
        return None
    start = first + dt.timedelta(days=rng.randint(0, (latest_start - first).days))
    return start, start + dt.timedelta(days=days - 1)


def _class(town: Org, year: int, kind: str, label: str, window, hours: int, rng: random.Random, **kw):
    start, end = window
    return services.training_class_create(
        actor=None, org=town, name=f"{town.short_name or town.name}{year}年{label}", kind=kind, start_on=start,
        end_on=end, hours=hours, place=kw.pop("place", rng.choice(PLACES)), **kw,
    )  # fmt: skip


def _enrol(training_class, people: list[Person], category: str) -> int:
    if not people:
        return 0
    services.participants_add(actor=None, training_class=training_class, people=people, category=category)
    services.participation_complete(actor=None, training_class=training_class, people=people)
    return len(people)


def _candidates(town: Org, year: int, today: dt.date) -> tuple[list[int], list[int], dt.date | None]:
    """The town's 发展对象 (open cases at stage III): (to be trained: step 10 and no step 11; trained in
    `year` already), and the latest political review among the first."""
    cases = list(
        Case.objects.filter(subtree_q(town.path, "org__path"), status=CaseStatus.OPEN, stage=3)
        .order_by("id")
        .values_list("id", "person_id")
    )
    steps: dict[int, dict[int, dt.date]] = {}
    for case_id, step, on in StepRecord.objects.filter(
        case_id__in=[c for c, _p in cases], step__in=(10, 11), is_current=True
    ).values_list("case_id", "step", "on"):
        steps.setdefault(case_id, {})[step] = on
    fresh, trained, latest = [], [], None
    for case_id, person_id in cases:
        done = steps.get(case_id, {})
        if 11 in done:
            if done[11].year == year:
                trained.append(person_id)
        elif 10 in done and done[10].year == year and done[10] < today - dt.timedelta(days=4):
            fresh.append(person_id)
            latest = max(latest or done[10], done[10])
    return fresh, trained, latest


def _trained_in(town: Org, year: int) -> list[int]:
    """People of the town whose step 11 fell in `year` (now 发展对象, 预备党员 or members)."""
    return list(
        StepRecord.objects.filter(
            subtree_q(town.path, "case__org__path"),
            step=11,
            is_current=True,
            on__year=year,
            case__person__reduction="",
        )
        .order_by("case__person_id")
        .values_list("case__person_id", flat=True)
    )


def _candidate_class(town: Org, year: int, today: dt.date, rng: random.Random) -> int:
    fresh, trained, latest = (
        _candidates(town, year, today) if year == today.year else ([], _trained_in(town, year), None)
    )
    if not fresh and not trained:
        return 0
    if fresh:  # after the latest political review, ended before today
        start = latest + dt.timedelta(days=1)
        window = (start, start + dt.timedelta(days=2))
    else:
        window = _window(year, today, rng, 3)
    if window is None:
        return 0
    c = _class(town, year, TrainingKind.CANDIDATE, "发展对象培训班", window, 24, rng)
    people = list(Person.objects.filter(pk__in=[*fresh, *trained]).order_by("id"))
    return _enrol(c, people, TraineeCategory.CANDIDATE)


def _sample(rng: random.Random, people: list[Person], share: float, cap: int) -> list[Person]:
    """About `share` of `people`, at most `cap` (one class's size: a large town's other members
    would be in further classes, which the demo leaves out to load quickly)."""
    picked = [p for p in people if rng.random() < share]
    if len(picked) > cap:
        picked = rng.sample(picked, cap)
    return sorted(picked, key=lambda p: p.pk)


@dataclass(frozen=True)
class _Member:
    """What the demo reads of a person on the books (the training services read the id)."""

    pk: int
    standing: str
    category: str
    unit_type: str


def _people_by_town(towns: list[Org]) -> dict[str, list[_Member]]:
    """The people on the books of every town, by the town's path, in id order: one query, not one
    per town (a city has 400 towns and 170,000 people)."""
    depth_len = len(towns[0].path)
    wanted = {t.path for t in towns}
    out: dict[str, list[_Member]] = {}
    rows = (
        Person.objects.filter(reduction="")
        .order_by("id")
        .values_list("id", "standing", "category", "org__unit_type", "org__path")
    )
    for pk, standing, category, unit_type, path in rows.iterator(chunk_size=5000):
        if path[:depth_len] in wanted:
            out.setdefault(path[:depth_len], []).append(_Member(pk, standing, category, unit_type))
    return out


def load_training_demo(
    today: dt.date, *, seed: int = 2020, log: Callable[[str], None] = lambda _m: None
) -> int:
    """The demo classes (see the module docstring); returns the number of participations."""
    rng = random.Random(f"training-{seed}")
    towns = _towns()
    if not towns:
        return 0
    log("载入培训与学时演示数据……")
    count = 0
    bulk: list[dict] = []
    by_town = _people_by_town(towns)
    for town in towns:
        people = by_town.get(town.path, [])
        members = [p for p in people if p.standing in MEMBER_STANDINGS]
        cadres = [p for p in people if p.category == Category.VILLAGE_CADRE]
        chosen = {p.pk for p in cadres}
        cadres += [p for p in members if p.unit_type == UnitType.VILLAGE and p.pk not in chosen][
            : max(0, 6 - len(cadres))
        ]
        staff = [p for p in members if p.category in (Category.CIVIL_SERVANT, Category.COMMUNITY_WORKER)][:8]
        staff = staff or members[:5]
        for year in (today.year - 1, today.year):
            count += _candidate_class(town, year, today, rng)
            plans = (
                (TrainingKind.MEMBER_ROTATION, "党员集中轮训班", 4, 24, _sample(rng, members, 0.75, ROTATION_SIZE), TraineeCategory.MEMBER, {}),
                (TrainingKind.ONLINE, "线上专题学习", 2, 12, _sample(rng, members, 0.5, ONLINE_SIZE), TraineeCategory.MEMBER,
                 {"online": True, "place": "党员教育平台"}),
                (TrainingKind.VILLAGE_CADRE, "村（社区）干部培训班", 2, 16, cadres, TraineeCategory.VILLAGE_CADRE, {}),
                (TrainingKind.PARTY_AFFAIRS_CADRE, "党务干部培训班", 3, 24, staff, TraineeCategory.TOWN_PARTY_CADRE, {}),
            )  # fmt: skip
            for kind, label, days, hours, chosen, category, extra in plans:
                window = _window(year, today, rng, days)
                if window is None or not chosen:
                    continue
                start, end = window
                bulk.append({
                    "org": town, "name": f"{town.short_name or town.name}{year}年{label}", "kind": kind,
                    "start_on": start, "end_on": end, "hours": hours, "place": extra.get("place", rng.choice(PLACES)),
                    "online": extra.get("online", False), "participants": [(p, category) for p in chosen],
                })  # fmt: skip
    # The classes that record no development step go in at once (one change-log entry for them all).
    count += services.training_bulk_record(actor=None, classes=bulk, log_message="演示数据：培训班和参训记录")
    log(f"  培训班、参训记录 {count} 人次。")
    return count
