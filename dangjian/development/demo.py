"""Development cases for the demo jurisdiction, entered through `cases_backfill`.

Every person in development gets a case whose records match their milestone dates; probationary
members and recently converted members get their whole history. On top: frontline admissions
modelled on seed 001 (applied 2020-02-13, admitted 2020-02-17 under the frontline notice) in the
hospitals of the first county, and a few records that break rules, so the checks have something
to find.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable

from dangjian.base.idnumber import make_id_number
from dangjian.development.services import cases_backfill
from dangjian.orgs.models import Org, UnitType
from dangjian.people.models import Category, Person, Standing
from dangjian.people.services import people_bulk_create
from dangjian.workcal.calendar import add_months, add_years

FRONTLINE_BASIS = "2020疫情防控一线（中组部《关于抓紧做好在新冠肺炎疫情防控第一线发展党员工作的通知》）"
SOURCE = "演示数据"


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


class _Context:
    def __init__(self, reference: dt.date):
        self.reference = reference
        orgs = list(Org.objects.values_list("id", "path", "has_approval_authority"))
        self.by_path = {path: (pk, approval) for pk, path, approval in orgs}
        self.orgs = Org.objects.in_bulk([pk for pk, _, _ in orgs])
        self.full_members: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
        for pk, org_id, converted in Person.objects.filter(standing=Standing.FULL, reduction="").values_list(
            "id", "org_id", "converted_on"
        ):
            self.full_members[org_id].append((pk, converted))

    def approver(self, org: Org) -> Org:
        for end in range(len(org.path) - Org.steplen, 0, -Org.steplen):
            pk, approval = self.by_path[org.path[:end]]
            if approval:
                return self.orgs[pk]
        return self.orgs[self.by_path[org.path[: Org.steplen]][0]]

    def sponsors(self, person: Person, on: dt.date, count: int, rng: random.Random) -> list[int]:
        eligible = [pk for pk, converted in self.full_members[person.org_id] if converted and converted <= on]
        return rng.sample(eligible, k=min(count, len(eligible)))


def _votes(rng: random.Random, members: int) -> dict[str, int]:
    expected = max(3, members)
    present = max(expected // 2 + 1, round(expected * rng.uniform(0.7, 0.95)))
    no = rng.choice((0, 0, 0, 1)) if (present - 1) * 2 > expected else 0
    yes = present - no
    return {"expected": expected, "present": present, "yes": yes, "no": no, "abstain": 0}


def history(person: Person, ctx: _Context, rng: random.Random, *, flaw: str = "") -> list[dict]:
    """The step records that lead to the person's current milestones."""
    ref = ctx.reference
    records: list[dict] = []

    def add(step, on, **data):
        if on is not None and on <= ref:
            records.append({"step": step, "on": on, "data": data})

    applied, activist, candidate = person.applied_on, person.activist_on, person.candidate_on
    meeting, converted = person.admitted_on, person.converted_on
    add(1, applied)
    talk = applied + _days(rng, 5, 25) if applied else None
    if flaw == "late_talk" and talk:
        talk = add_months(applied, 1) + _days(rng, 3, 20)
    if talk and (talk <= ref - dt.timedelta(days=3) or activist) and (activist is None or talk <= activist):
        add(2, talk)
    if activist:
        add(3, activist)
        if flaw != "no_filing":
            add(4, activist + _days(rng, 3, 15))
        contacts = ctx.sponsors(person, activist, rng.choice((1, 2)), rng)
        add(5, activist + _days(rng, 1, 10), contacts=contacts)
        end = candidate or ref
        mark = activist
        while add_months(mark, 5) < end:
            mark = add_months(mark, 5) + _days(rng, 0, 20)
            if mark < end:
                add(6, mark)
    if candidate:
        add(7, candidate)
        add(8, candidate + _days(rng, 3, 15))
        introducers_on = candidate + _days(rng, 5, 20)
        add(9, introducers_on, introducers=ctx.sponsors(person, introducers_on, 2, rng))
    if candidate and not meeting:  # still a candidate: vetting under way, some waiting for approval
        waited = (ref - candidate).days
        if waited > 60:
            add(10, candidate + _days(rng, 25, 40), result="合格")
            start = candidate + _days(rng, 30, 45)
            add(11, start + dt.timedelta(days=2), start=start.isoformat(), hours=24)
        if waited > 100:
            add(12, candidate + _days(rng, 50, 60))
            add(13, candidate + _days(rng, 62, 70))
            add(14, candidate + _days(rng, 72, 78))
        if waited > 130 and rng.random() < 0.6:
            held = candidate + _days(rng, 80, 95)
            add(15, held, **_votes(rng, len(ctx.full_members[person.org_id])))
            add(16, held + _days(rng, 3, 15))
    if meeting:
        add(10, meeting - _days(rng, 25, 40), result="合格")
        start = meeting - _days(rng, 15, 22)
        add(11, start + dt.timedelta(days=2), start=start.isoformat(), hours=24)
        add(12, meeting - _days(rng, 10, 14))
        add(13, meeting - _days(rng, 5, 9))
        add(14, meeting - _days(rng, 1, 4))
        add(15, meeting, **_votes(rng, len(ctx.full_members[person.org_id])))
        talk_on = meeting + _days(rng, 3, 20)
        add(16, talk_on)
        approved = talk_on + (_days(rng, 100, 130) if flaw == "late_approval" else _days(rng, 5, 40))
        approver = ctx.approver(person.org)
        if approved <= ref:
            records.append({"step": 17, "on": approved, "data": {}, "org": approver})
        add(18, approved + _days(rng, 3, 15))
        add(19, approved + _days(rng, 1, 10))
        add(20, approved + _days(rng, 5, 30))
        end = converted or add_years(meeting, 1)
        mark = approved
        while add_months(mark, 3) < min(end, ref):
            mark = add_months(mark, 3)
            add(21, mark)
        if converted:
            add(22, converted - _days(rng, 5, 20))
            held = converted + _days(rng, 0, 15)
            add(23, held, result="按期转正", **_votes(rng, len(ctx.full_members[person.org_id])))
            decided = held + _days(rng, 10, 40)
            if decided <= ref:
                records.append({"step": 24, "on": decided, "data": {}, "org": approver})
            add(25, decided + _days(rng, 5, 25))
    if flaw == "short_cultivation" and activist and candidate and applied:
        for r in records:
            if r["step"] == 3:  # designated as candidate before a full year of cultivation
                r["on"] = max(applied + dt.timedelta(days=31), candidate - _days(rng, 300, 350), activist)
    return records


def frontline_people(rng: random.Random, hospitals: list[Org], count: int) -> list[dict]:
    """Medical staff admitted on the front line in February 2020, converted a year later."""
    rows = []
    taken: set[str] = set()
    for i in range(count):
        branch = hospitals[i % len(hospitals)]
        applied = dt.date(2020, 2, 13) + dt.timedelta(days=i % 5)
        admitted = applied + dt.timedelta(days=4)
        born = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randint(0, 7000))
        gender = "F" if rng.random() < 0.7 else "M"
        sequence = 400 + i % 99
        number = make_id_number("511602", born, sequence, gender)
        while number in taken or Person.objects.filter(id_number=number).exists():
            born += dt.timedelta(days=1)
            number = make_id_number("511602", born, sequence, gender)
        taken.add(number)
        rows.append({
            "name": rng.choice("刘陈李张王杨黄赵周吴") + rng.choice("小晓丽红") + rng.choice("林芳燕梅英华敏"),
            "gender": gender, "birth_date": born,
            "id_number": number,
            "category": Category.MEDICAL, "education": "bachelor", "work_unit": branch.name.removesuffix("党支部"),
            "org": branch, "standing": Standing.FULL, "applied_on": applied, "candidate_on": applied + dt.timedelta(days=1),
            "admitted_on": admitted, "converted_on": add_years(admitted, 1),
        })  # fmt: skip
    return rows


def frontline_history(person: Person, ctx: _Context, rng: random.Random) -> list[dict]:
    applied, meeting = person.applied_on, person.admitted_on
    candidate = applied + dt.timedelta(days=1)
    approver = ctx.approver(person.org)
    votes = _votes(rng, len(ctx.full_members[person.org_id]))
    converted = person.converted_on
    return [
        {"step": 1, "on": applied, "data": {}}, {"step": 2, "on": applied, "data": {}},
        {"step": 7, "on": candidate, "data": {}}, {"step": 8, "on": candidate, "data": {}},
        {"step": 9, "on": candidate, "data": {"introducers": ctx.sponsors(person, candidate, 2, rng)}},
        {"step": 10, "on": candidate + dt.timedelta(days=1), "data": {"result": "合格"}},
        {"step": 11, "on": meeting - dt.timedelta(days=1),
         "data": {"start": (meeting - dt.timedelta(days=3)).isoformat(), "hours": 24}},
        {"step": 12, "on": meeting - dt.timedelta(days=1), "data": {}},
        {"step": 13, "on": meeting - dt.timedelta(days=1), "data": {}},
        {"step": 14, "on": meeting - dt.timedelta(days=1), "data": {}},
        {"step": 15, "on": meeting, "data": votes}, {"step": 16, "on": meeting, "data": {}},
        {"step": 17, "on": meeting, "data": {}, "org": approver},
        {"step": 18, "on": meeting + dt.timedelta(days=7), "data": {}},
        {"step": 20, "on": meeting + dt.timedelta(days=2), "data": {}},
        {"step": 22, "on": converted - dt.timedelta(days=10), "data": {}},
        {"step": 23, "on": converted, "data": {**votes, "result": "按期转正"}},
        {"step": 24, "on": converted + dt.timedelta(days=20), "data": {}, "org": approver},
        {"step": 25, "on": converted + dt.timedelta(days=40), "data": {}},
    ]  # fmt: skip


def load_development_demo(
    rng: random.Random, reference: dt.date, *, frontline: int, log: Callable[[str], None]
) -> int:
    hospitals = list(
        Org.objects.filter(kind="branch", unit_type=UnitType.HOSPITAL, path__startswith="00010001").order_by(
            "path"
        )
    )
    frontline_rows = frontline_people(rng, hospitals, frontline) if hospitals and frontline else []
    if frontline_rows:
        people_bulk_create(actor=None, rows=frontline_rows, message="火线入党（演示）")
    ctx = _Context(reference)
    heroes = list(
        Person.objects.filter(id_number__in=[r["id_number"] for r in frontline_rows])
        .select_related("org")
        .order_by("id")
    )
    development = list(
        Person.objects.filter(reduction="", standing__in=[Standing.APPLICANT, Standing.ACTIVIST, Standing.CANDIDATE,
                                                           Standing.PROBATIONARY]).select_related("org").order_by("id")
    )  # fmt: skip
    recent = list(
        Person.objects.filter(
            reduction="", standing=Standing.FULL, converted_on__gte=add_years(reference, -2)
        )
        .select_related("org")
        .order_by("id")
    )
    rows = []
    flaws = ["late_talk", "no_filing", "late_approval", "short_cultivation"]
    for person in heroes:
        rows.append(
            {
                "person": person,
                "special_basis": FRONTLINE_BASIS,
                "records": frontline_history(person, ctx, rng),
            }
        )
    for person in development + rng.sample(recent, k=len(recent) // 3):
        flaw = rng.choice(flaws) if rng.random() < 0.01 else ""
        rows.append({"person": person, "records": history(person, ctx, rng, flaw=flaw)})
    log(f"补录 {len(rows)} 份发展纪实……")
    return cases_backfill(actor=None, rows=rows, source=SOURCE)
