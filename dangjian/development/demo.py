"""Development cases for the demo jurisdiction: planned courses, entered through `cases_backfill`.

A person's way through the 25 steps is drawn as a `Course` (its dates); `course_records` turns it
into step records as of the demo's "today", and the person's standing and milestone dates are
derived from those records (`course_fields`), so the file and the case always agree. The people
module draws the courses (applicants, activists, candidates, members admitted since the system's
start); this module enters them, fills in contacts, introducers and votes, links the meeting steps
of a sample (the 支部书记's branch and its town) to meeting records with resolutions, and sets the
few deferred, declined and disqualified cases through the services. On top: frontline admissions
modelled on seed 001 (applied 2020-02-13, admitted 2020-02-17 under the frontline notice) in the
hospitals of the first county, and a few records that break rules, so the checks have something to
find.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dangjian.base.idnumber import make_id_number
from dangjian.development import formnumbers
from dangjian.development.services import cases_backfill, cases_set_status, mentor_assign, milestones
from dangjian.orgs.models import Org, UnitType
from dangjian.people.models import Category, Person, Reduction, Standing
from dangjian.people.services import people_bulk_create, person_reduce
from dangjian.workcal.calendar import add_months, add_years

FRONTLINE_BASIS = "2020疫情防控一线（中组部《关于抓紧做好在新冠肺炎疫情防控第一线发展党员工作的通知》）"
SOURCE = "演示数据"
EXTENDED = "延长预备期"
CONVERTED = "按期转正"
DISQUALIFIED = "取消预备党员资格"
DEFER_REASON = "培养考察中发现工作作风有待改进，经支部委员会研究暂缓发展，继续培养考察"
DECLINE_REASON = "经支部委员会研究，该同志目前不具备入党积极分子条件，不予发展"
# Step → the motion its meeting decides and the meeting kind (RULES.md §2; meetings.rules).
MEETING_STEPS = {
    3: ("designate_activist", "branch_committee"),
    7: ("designate_candidate", "branch_committee"),
    12: ("committee_review", "branch_committee"),
    15: ("admit", "branch_general"),
    17: ("approve_admission", "party_committee"),
    23: ("convert", "branch_general"),
    24: ("approve_conversion", "party_committee"),
}
CONVERSION_MOTIONS = {CONVERTED: "convert", EXTENDED: "extend_probation", DISQUALIFIED: "disqualify"}
VOTE_KEYS = ("expected", "present", "yes", "no", "abstain")


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


@dataclass
class Course:
    """One person's way through the steps, as planned dates; steps after "today" are not recorded."""

    applied: dt.date
    talk: dt.date | None = None
    activist: dt.date | None = None
    candidate: dt.date | None = None
    vetting: dict[int, dt.date] = field(default_factory=dict)  # steps 10–14 (and 15, 16) by date
    notice: tuple[dt.date, dt.date] | None = None  # the 公示 of step 13
    meeting: dt.date | None = None  # 支部大会 discussing admission (15)
    approved: dt.date | None = None  # 上级党委审批 (17)
    conversions: list[tuple[dt.date, str, int]] = field(default_factory=list)  # 23: (held, result, months)
    decided: dt.date | None = None  # 上级党委审批（转正） (24)
    archived: dt.date | None = None  # 材料归档 (25)
    assessed: list[dt.date] | None = None  # 培养教育考察 (6); None: every five months or so
    status: str = ""  # "deferred" or "declined" (set through case_set_status after the records)
    flaw: str = ""  # a rule broken on purpose (see history)


def _vetting(rng: random.Random, start: dt.date) -> tuple[dict[int, dt.date], tuple[dt.date, dt.date]]:
    """Steps 10–14 from `start` on: review, training, 支委会审查, 预审 with a 公示, 志愿书."""
    review = start
    training = review + _days(rng, 5, 10)
    committee = training + _days(rng, 4, 8)
    prereview = committee + _days(rng, 3, 6)
    notice = (prereview + dt.timedelta(days=1), prereview + dt.timedelta(days=17))  # ≥ 5 working days
    form = notice[1] + _days(rng, 1, 4)
    return {10: review, 11: training, 12: committee, 13: prereview, 14: form}, notice


def _admission(rng: random.Random, course: Course, meeting: dt.date, today: dt.date, fate: str = "") -> None:
    """The admission meeting, its approval and the probation that follows, with its outcome."""
    course.meeting = meeting
    course.vetting[16] = meeting + _days(rng, 3, 20)
    course.approved = course.vetting[16] + (
        _days(rng, 100, 130) if course.flaw == "late_approval" else _days(rng, 5, 40)
    )
    if course.approved > today:  # a member by today: the committee approved in time
        course.approved = max(course.vetting[16] + dt.timedelta(days=1), today - _days(rng, 0, 3))
    end = add_years(meeting, 1)
    held = end + _days(rng, 0, 12)
    if fate == "extend":
        months = rng.choice((6, 6, 12))
        course.conversions.append((held, EXTENDED, months))
        end = add_months(end, months)
        held = end + _days(rng, 0, 12)
    result = DISQUALIFIED if fate == "disqualify" else CONVERTED
    course.conversions.append((held, result, 0))
    course.decided = held + _days(rng, 10, 40)
    course.archived = course.decided + _days(rng, 5, 25)


def draw_course(rng: random.Random, kind: str, today: dt.date, *, since: dt.date, adult: dt.date) -> Course:
    """A plausible course for a person who is now (kind) an applicant, activist, candidate, or a
    member admitted on or after `since` (the system's start). `adult`: the 18th birthday."""
    flaw = (
        rng.choice(("late_talk", "no_filing", "late_approval", "short_cultivation"))
        if rng.random() < 0.006
        else ""
    )
    if kind == "applicant":
        applied = max(adult, since + _days(rng, 0, max(0, (today - since).days - 1)))
        course = Course(applied=applied, flaw=flaw)
        if applied < today - dt.timedelta(days=150):
            course.status = rng.choices(("", "declined", "deferred"), weights=(96, 3, 1))[0]
    elif kind == "activist":
        activist = today - _days(rng, 20, 430)
        course = Course(applied=activist - _days(rng, 31, 200), activist=activist, flaw=flaw)
        if activist < today - dt.timedelta(days=200) and rng.random() < 0.03:
            course.status = "deferred"
    elif kind == "candidate":
        # Some designated lately are still in 发展对象的确定和考察 (steps 8–12), before the 预审.
        candidate = today - (_days(rng, 5, 45) if rng.random() < 0.4 else _days(rng, 45, 200))
        activist = candidate - _days(rng, 366, 480)
        course = Course(
            applied=activist - _days(rng, 31, 120), activist=activist, candidate=candidate, flaw=flaw
        )
        course.vetting, course.notice = _vetting(rng, candidate + _days(rng, 25, 40))
        meeting = max(course.vetting[14] + dt.timedelta(days=3), today - _days(rng, 5, 55))
        if meeting <= today and rng.random() < 0.6:
            course.meeting = meeting
            course.vetting[16] = meeting + _days(rng, 3, 20)
        elif rng.random() < 0.04:
            course.status = "deferred"
    else:  # a member admitted since the system's start, at least 25 days ago (so approved by now)
        meeting = since + _days(rng, 0, max(0, (today - since).days - 25))
        candidate = meeting - _days(rng, 90, 240)
        activist = candidate - _days(rng, 366, 480)
        course = Course(
            applied=activist - _days(rng, 31, 200), activist=activist, candidate=candidate, flaw=flaw
        )
        course.vetting, course.notice = _vetting(rng, meeting - _days(rng, 45, 55))
        roll = rng.random()
        _admission(
            rng, course, meeting, today, "extend" if roll < 0.025 else "disqualify" if roll < 0.033 else ""
        )
    course.applied = max(adult, course.applied)
    talk = course.applied + _days(rng, 5, 25)
    if flaw == "late_talk":
        talk = add_months(course.applied, 1) + _days(rng, 3, 20)
    if course.activist is not None:
        talk = min(talk, course.activist)
    course.talk = talk
    return course


def course_records(course: Course, today: dt.date, rng: random.Random) -> list[dict[str, Any]]:
    """The step records of a course as of `today`. Contacts, introducers and votes are left as
    placeholders ("_contacts", "_introducers", "_votes") until the people exist (`_fill`)."""
    records: list[dict[str, Any]] = []

    def add(step, on, **data):
        if on is not None and on <= today:
            records.append({"step": step, "on": on, "data": data})

    add(1, course.applied)
    add(2, course.talk)
    activist, candidate = course.activist, course.candidate
    if activist:
        add(3, activist)
        if course.flaw != "no_filing":
            add(4, activist + _days(rng, 3, 15))
        add(5, activist + _days(rng, 1, 10), _contacts=rng.choice((1, 2)))
        end = candidate or today
        mark = activist
        while course.assessed is None and add_months(mark, 5) < end:
            mark = add_months(mark, 5) + _days(rng, 0, 20)
            if mark < end:
                add(6, mark)
        for on in course.assessed or ():
            add(6, on)
    if candidate:
        cultivation = candidate
        if course.flaw == "short_cultivation":  # designated before a full year of cultivation
            cultivation = min(candidate, add_months(activist, 10)) if activist else candidate
        add(7, cultivation)
        add(8, candidate + _days(rng, 3, 15))
        add(9, candidate + _days(rng, 5, 20), _introducers=2)
        for step, on in sorted(course.vetting.items()):
            if step == 10:
                add(10, on, result="合格")
            elif step == 11:
                add(11, on + dt.timedelta(days=2), start=on.isoformat(), hours=24)
            elif step == 13 and course.notice:
                start, end = course.notice
                add(13, on, notice_start=start.isoformat(), notice_end=end.isoformat())
            elif step == 16:
                add(15, course.meeting, _votes=True)
                add(16, on)
            else:
                add(step, on)
    if course.approved and course.meeting:
        if course.approved <= today:
            records.append({"step": 17, "on": course.approved, "data": {}, "approval": True})
        add(18, course.approved + _days(rng, 3, 15))
        add(19, course.approved + _days(rng, 1, 10))
        add(20, course.approved + _days(rng, 5, 30))
        last = course.conversions[-1][0] if course.conversions else add_years(course.meeting, 1)
        mark = course.approved
        while add_months(mark, 3) < min(last, today):
            mark = add_months(mark, 3)
            add(21, mark)
        if course.conversions:
            add(22, add_years(course.meeting, 1) - _days(rng, 5, 20))
        for held, result, months in course.conversions:
            data = {"result": result, **({"extension_months": months} if months else {})}
            add(23, held, _votes=True, **data)
        if course.decided and course.decided <= today and course.conversions[-1][0] <= today:
            records.append({"step": 24, "on": course.decided, "data": {}, "approval": True})
            add(25, course.archived)
    return records


class _Record:
    """A planned record as `milestones` reads it."""

    def __init__(self, rec: dict[str, Any]):
        self.step, self.on, self.data, self.pk = rec["step"], rec["on"], rec["data"], 0


def course_fields(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The person's standing and milestone dates as the records will make them."""
    return milestones([_Record(r) for r in records])


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

    def voters(self, org_id: int, on: dt.date) -> int:
        return sum(1 for _pk, converted in self.full_members[org_id] if converted and converted <= on)


def _votes(rng: random.Random, members: int) -> dict[str, int]:
    expected = max(3, members)
    present = max(expected // 2 + 1, round(expected * rng.uniform(0.7, 0.95)))
    no = rng.choice((0, 0, 0, 1)) if (present - 1) * 2 > expected else 0
    yes = present - no
    return {"expected": expected, "present": present, "yes": yes, "no": no, "abstain": 0}


def _fill(person: Person, records: list[dict[str, Any]], ctx: _Context, rng: random.Random) -> list[dict]:
    """Contacts, introducers, votes and approving orgs, now that the people exist."""
    out = []
    for rec in records:
        data = dict(rec["data"])
        if "_contacts" in data:
            data["contacts"] = ctx.sponsors(person, rec["on"], data.pop("_contacts"), rng)
        if "_introducers" in data:
            data["introducers"] = ctx.sponsors(person, rec["on"], data.pop("_introducers"), rng)
        if data.pop("_votes", False):
            data |= _votes(rng, ctx.voters(person.org_id, rec["on"]))
        filled = {"step": rec["step"], "on": rec["on"], "data": data}
        if rec.get("approval"):
            filled["org"] = ctx.approver(person.org)
        out.append(filled)
    return out


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
    votes = _votes(rng, ctx.voters(person.org_id, meeting))
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


# ---- meetings behind the steps -------------------------------------------------------------------


def _link_meetings(rows: list[dict], ctx: _Context, rng: random.Random) -> int:
    """Meeting records with one resolution per person behind the meeting steps of `rows`.

    One meeting per org, kind and day decides every person on its agenda (逐个表决); the step's
    votes then come from its resolution. A branch of fewer than seven full members has no
    committee, so its 支部党员大会 decides what a 支委会 would. Returns the number of meetings.
    """
    from dangjian.meetings.services import meeting_record, resolution_record

    agenda: dict[tuple[int, str, dt.date], list[tuple[dict, dict]]] = defaultdict(list)
    for row in rows:
        person = row["person"]
        for rec in row["records"]:
            if rec["step"] not in MEETING_STEPS:
                continue
            motion, kind = MEETING_STEPS[rec["step"]]
            org = rec.get("org") or person.org
            if kind == "branch_committee" and ctx.voters(person.org_id, rec["on"]) < 7:
                kind = "branch_general"
            agenda[(org.pk, kind, rec["on"])].append((row, rec))
    for (org_id, kind, held_on), items in sorted(
        agenda.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])
    ):
        org = ctx.orgs[org_id]
        if kind == "branch_general":
            expected = max(3, ctx.voters(org_id, held_on))
        else:
            expected = rng.choice((5, 5, 7)) if kind == "branch_committee" else rng.choice((7, 9, 9, 11))
        present = max(expected // 2 + 1, round(expected * rng.uniform(0.75, 1.0)))
        title = {"branch_committee": "支部委员会会议", "branch_general": "支部党员大会",
                 "party_committee": "党委会议"}[kind]  # fmt: skip
        meeting = meeting_record(
            actor=None, org=org, kind=kind, held_on=held_on, expected_voters=expected, present_voters=present,
            title=f"{held_on.month}月{title}", chair=f"{org.short_name or org.name}书记", notes="演示数据",
        )  # fmt: skip
        for row, rec in items:
            motion = MEETING_STEPS[rec["step"]][0]
            if rec["step"] == 23:
                motion = CONVERSION_MOTIONS[rec["data"]["result"]]
            no = 1 if present > 3 and (present - 1) * 2 > expected and rng.random() < 0.2 else 0
            resolution = resolution_record(
                actor=None, meeting=meeting, person=row["person"], motion=motion, yes=present - no, no=no,
                abstain=0, opinion="同意" if motion != "extend_probation" else "延长预备期，继续教育考察",
            )  # fmt: skip
            rec["meeting"], rec["resolution"] = meeting, resolution
            rec["data"] = {k: v for k, v in rec["data"].items() if k not in VOTE_KEYS}
    return len(agenda)


# ---- loading ------------------------------------------------------------------------------------


def load_development_demo(
    rng: random.Random,
    reference: dt.date,
    *,
    frontline: int,
    plans: dict[str, list[dict[str, Any]]],
    statuses: dict[str, str],
    linked_orgs: list[Org],
    log: Callable[[str], None],
    system_start: dt.date,
) -> int:
    """Enter the cases. `plans`: id number → planned records (course_records) of every person with a
    course; `statuses`: id number → "deferred"/"declined"; `linked_orgs`: orgs whose cases get their
    meeting steps linked to meeting records (with resolutions)."""
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
    rows = [
        {"person": person, "special_basis": FRONTLINE_BASIS, "records": frontline_history(person, ctx, rng)}
        for person in heroes
    ]
    people = Person.objects.filter(id_number__in=list(plans)).select_related("org").order_by("id")
    planned = [
        {"person": p, "records": _fill(p, plans[p.id_number], ctx, rng)} for p in people.iterator(2000)
    ]
    rows += planned
    linked_paths = tuple(o.path for o in linked_orgs)
    sample = [row for row in planned if linked_paths and row["person"].org.path.startswith(linked_paths)]
    meetings = _link_meetings(sample, ctx, rng)
    log(f"建立 {len(rows)} 份发展纪实（其中 {len(sample)} 份的会议步骤关联 {meetings} 次会议记录）……")
    # Cases opened before the system's start are 补录, as a go-live import would make them; those
    # since stand for records kept as they happened.
    before = [row for row in rows if min(r["on"] for r in row["records"]) < system_start]
    since = [row for row in rows if min(r["on"] for r in row["records"]) >= system_start]
    count = cases_backfill(actor=None, rows=before, source=SOURCE)
    count += cases_backfill(actor=None, rows=since, source=SOURCE, mark_backfill=False)
    _set_statuses(statuses, reference)
    return count


def _set_statuses(statuses: dict[str, str], reference: dt.date) -> None:
    """暂缓、不予发展 through cases_set_status; 取消预备党员资格 reduces the person (as step 24 does)."""
    from dangjian.development.models import Case, CaseStatus

    plans = [
        (case, status, DEFER_REASON if status == "deferred" else DECLINE_REASON)
        for case in Case.objects.filter(person__id_number__in=list(statuses))
        .select_related("person")
        .order_by("id")
        for status in (statuses[case.person.id_number],)
    ]
    cases_set_status(actor=None, plans=plans)
    disqualified = Case.objects.filter(status=CaseStatus.DISQUALIFIED, person__reduction="")
    for case in disqualified.select_related("person", "org").order_by("id"):
        decided = (
            case.records.filter(step=24, is_current=True).values_list("on", flat=True).first() or reference
        )
        person_reduce(
            actor=None, person=case.person, reduction=Reduction.DISQUALIFIED, reduced_on=decided,
            note="预备期间经教育考察不具备党员条件，经支部大会讨论、上级党委审批取消预备党员资格",
        )  # fmt: skip


# ---- the 支部书记's branch -------------------------------------------------------------------------


def secretary_cast(rng: random.Random, today: dt.date) -> list[Course]:
    """People at every stage in the demo 支部书记's branch, each with something due soon, as of `today`.

    Applicants whose talk is due this week, later and overdue; one declined; activists whose
    half-year assessment is due and whose year of cultivation ends this week; one deferred; a
    candidate whose 公示 ends this week and one whose admission awaits the committee's approval;
    probationary members whose probation ends this week, in mid-year and extended; members
    converted recently (one archive due this week) and one whose conversion awaits approval; one
    disqualified at the end of probation.
    """
    t = today

    def early(applied: dt.date, activist: dt.date | None = None) -> Course:
        return Course(applied=applied, talk=applied + _days(rng, 6, 20), activist=activist)

    def member(meeting: dt.date, fate: str = "") -> Course:
        candidate = meeting - _days(rng, 100, 130)
        course = Course(applied=candidate - dt.timedelta(days=560), activist=candidate - dt.timedelta(days=400),
                        candidate=candidate)  # fmt: skip
        course.talk = course.applied + _days(rng, 7, 20)
        course.vetting, course.notice = _vetting(rng, meeting - dt.timedelta(days=50))
        _admission(rng, course, meeting, t, fate)
        return course

    cast = [
        Course(applied=add_months(t, -1) + dt.timedelta(days=3)),  # talk due in 3 days
        Course(applied=t - dt.timedelta(days=12)),  # talk due in about 18 days
        Course(applied=add_months(t, -1) - dt.timedelta(days=9)),  # talk overdue by 9 days
        early(t - dt.timedelta(days=300)),
        early(t - dt.timedelta(days=70)),
        early(add_years(t, -1) - dt.timedelta(days=40), activist=add_months(t, -6) + dt.timedelta(days=2)),
        early(add_years(t, -2) + dt.timedelta(days=60), activist=add_years(t, -1) + dt.timedelta(days=4)),
        early(add_years(t, -1) - dt.timedelta(days=100), activist=t - dt.timedelta(days=250)),
    ]
    cast[5].assessed = []  # the first half-year assessment is due in two days
    cast[3].status = "declined"
    cast[7].status = "deferred"
    # A candidate whose 公示 ends in two days; one whose admission meeting awaits approval.
    notice = Course(applied=add_years(t, -2), activist=add_years(t, -2) + dt.timedelta(days=60),
                    candidate=t - dt.timedelta(days=75))  # fmt: skip
    notice.talk = notice.applied + dt.timedelta(days=10)
    notice.vetting = {10: t - dt.timedelta(days=45), 11: t - dt.timedelta(days=32), 12: t - dt.timedelta(days=10),
                      13: t - dt.timedelta(days=5)}  # fmt: skip
    notice.notice = (t - dt.timedelta(days=4), t + dt.timedelta(days=2))
    waiting = member(add_months(t, -3) + dt.timedelta(days=5))
    waiting.approved = None  # the committee has not approved yet: due in five days
    waiting.conversions, waiting.decided, waiting.archived = [], None, None
    cast += [notice, waiting]
    # Probationary: the year ends in three days; mid-year; extended by six months.
    ending = member(add_years(t, -1) + dt.timedelta(days=3))
    cast += [ending, member(t - dt.timedelta(days=150))]
    extended = member(add_years(t, -1) - dt.timedelta(days=75))
    held = add_years(extended.meeting, 1) + dt.timedelta(days=5)
    extended.conversions = [(held, EXTENDED, 6), (add_months(held, 6), CONVERTED, 0)]
    cast.append(extended)
    # Converted: one archive due this week, one conversion awaiting the committee.
    archive = member(add_years(t, -1) - dt.timedelta(days=48))
    archive.conversions = [(add_years(archive.meeting, 1) + dt.timedelta(days=3), CONVERTED, 0)]
    archive.decided = t - dt.timedelta(days=27)
    archive.archived = t + dt.timedelta(days=30)  # not yet: due three days from today
    pending = member(add_years(t, -1) - dt.timedelta(days=22))
    pending.conversions = [(t - dt.timedelta(days=20), CONVERTED, 0)]
    pending.decided = t + dt.timedelta(days=20)
    cast += [archive, pending, member(add_years(t, -2) + dt.timedelta(days=40))]
    # One whose probation ended in 取消预备党员资格 (taken off the books by the services).
    cast.append(member(add_years(t, -1) - dt.timedelta(days=120), fate="disqualify"))
    return cast


def issue_form_numbers(town: Org | None, today: dt.date) -> None:
    """The 组织部 issued the demo 党委组织员's town a range of 入党志愿书 numbers this year (step 14 of
    its branches takes the next one), and one spoiled form was voided."""
    if town is None:
        return
    number_range = formnumbers.range_issue(
        actor=None, org=town, prefix=f"511602{today.year}", first=1, last=200, width=3,
        issued_on=today.replace(month=1, day=1), document_ref=f"广组通〔{today.year}〕3号",
    )  # fmt: skip
    formnumbers.number_void(
        actor=None,
        number_range=number_range,
        seq=1,
        reason="填写错误，志愿书损毁",
        on=today.replace(month=1, day=1),
    )


def assign_demo_mentors(branch: Org | None) -> int:
    """一对一帮带 in the demo 支部书记's branch: each probationary member gets one of the branch's full
    members as mentor a week after admission."""
    if branch is None:
        return 0
    mentors = list(
        Person.objects.filter(org=branch, standing=Standing.FULL, reduced_on__isnull=True).order_by("pk")[:3]
    )
    probationers = Person.objects.filter(org=branch, standing=Standing.PROBATIONARY, case__isnull=False)
    assigned = 0
    for number, person in enumerate(probationers.select_related("case").order_by("pk")):
        if not mentors or person.admitted_on is None:
            continue
        mentor_assign(actor=None, case=person.case, mentor=mentors[number % len(mentors)],
                      on=person.admitted_on + dt.timedelta(days=7), note="一对一帮带")  # fmt: skip
        assigned += 1
    return assigned
