"""The fast compliance check gives exactly the findings of the per-case path (`services.case_findings`).

`compliance.run` reads plain rows and shares lookups across cases; `case_findings` reads model
objects one case at a time, as the case page and the board do. Both must agree on every case: on
the demo jurisdiction, and on random step histories (Hypothesis) that break every rule, cite
missing members, reach into a year without calendar data and fall under different rule sets.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.conftest import make_person
from dangjian.development import compliance, services
from dangjian.development import rules as engine
from dangjian.development.models import Case, RuleSet
from dangjian.development.rulesets import ruleset_create
from dangjian.people.models import Person, Reduction
from dangjian.people.services import person_reduce
from dangjian.workcal.calendar import WorkCalendar

D = dt.date
TODAY = D(2026, 11, 20)  # conftest's frozen_today
_births = itertools.count()


def slow(cases) -> dict[int, list[tuple]]:
    """The reference: services.case_findings, case by case."""
    return {
        case.pk: [(f.rule, f.step, f.severity, f.article, f.message) for f in services.case_findings(case)]
        for case in cases.select_related("person", "org")
    }


def fast(cases, **options) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {case.pk: [] for case in cases}
    for f in compliance.run(cases, **options).findings:
        out[f.case_id].append((f.rule, f.step, f.severity, f.article, f.message))
    return out


@pytest.fixture
def local_rulesets(world, national_ruleset):
    """Two local profiles, so which set is in force depends on the org and the latest step's date."""
    town = ruleset_create(
        actor=world.admin, code="town-2021", name="东城镇规定", org=world.town_a1, effective_from=D(2021, 1, 1),
        effective_to=D(2023, 12, 31),
        overrides={"R-NOTICE": {"required": True, "working_days": 7}, "R-TALK": {"severity": "violation"},
                   "R-APPROVE": {"months": 2, "article": "=东城镇规定第三条"}},
    )  # fmt: skip
    county = ruleset_create(
        actor=world.admin, code="county-b-2022", name="乙县规定", org=world.county_b, effective_from=D(2022, 7, 1),
        overrides={"R-CULT": {"enabled": False}, "R-ASSESS": {"months": 5}},
    )  # fmt: skip
    return town, county


# ---- the demo jurisdiction ----------------------------------------------------------------------


@pytest.mark.django_db
def test_fast_check_equals_case_findings_on_the_demo(national_ruleset):
    from dangjian.orgs.models import Org
    from dangjian.shell.demo import load_demo

    load_demo("small")
    town = Org.objects.filter(depth=3, kind="committee").order_by("path").first()
    ruleset_create(actor=None, code="demo-local", name="本地", org=town, effective_from=D(2024, 1, 1),
                   overrides={"R-TALK": {"severity": "violation", "months": 0}, "R-FILING": {"enabled": False}})  # fmt: skip
    cases = Case.objects.all()
    reference = slow(cases)
    assert len(reference) > 50
    assert sum(map(len, reference.values())) > 10  # the demo breaks a few rules on purpose
    assert fast(cases) == reference
    report = compliance.run(cases)
    assert report.ruleset == "demo-local,national-2014"  # both sets were in force somewhere
    assert [f.case_id for f in report.findings] == [
        f.case_id for f in sorted(report.findings, key=lambda f: (f.org_path, _sort_key(f.case_id)))
    ]  # report order: org, then name


def _sort_key(case_id: int) -> tuple:
    case = Case.objects.select_related("person").get(pk=case_id)
    return case.person.name_sort_key, case_id


# ---- random histories ---------------------------------------------------------------------------

MISSING_PERSON = 10_000_000
GAPS = [0, 1, 3, 12, 25, 40, 100, 190, 370, 400, -20]


def _iso(day: dt.date) -> str:
    return day.isoformat()


@st.composite
def step_data(draw, step: int, on: dt.date, members: list[int]) -> dict:
    pick = st.lists(st.sampled_from([*members, MISSING_PERSON]), min_size=0, max_size=3, unique=True)
    if step == 5:
        return {"contacts": draw(pick)}
    if step == 9:
        return {"introducers": draw(pick)}
    if step == 10:
        return {"result": draw(st.sampled_from(["合格", "合格", "不合格", ""]))}
    if step == 11:
        days = draw(st.sampled_from([0, 1, 2, 5]))
        return {
            "start": _iso(on - dt.timedelta(days=days)),
            "hours": draw(st.sampled_from([None, 8, 24, "30", ""])),
        }
    if step == 13:
        kind = draw(st.sampled_from(["none", "short", "national-day", "unknown-year", "after"]))
        if kind == "short":
            return {
                "notice_start": _iso(on - dt.timedelta(days=6)),
                "notice_end": _iso(on - dt.timedelta(days=2)),
            }
        if kind == "national-day":  # make-up workdays and the holiday week
            return {"notice_start": "2023-09-26", "notice_end": "2023-10-09"}
        if kind == "unknown-year":  # no calendar data for 2027: reported as unknown, never guessed
            return {"notice_start": "2026-12-28", "notice_end": "2027-01-08"}
        if kind == "after":
            return {"notice_start": _iso(on), "notice_end": _iso(on + dt.timedelta(days=40))}
        return {}
    if step in (15, 23):
        expected = draw(st.integers(1, 30))
        present = draw(st.integers(0, expected))
        votes = {"expected": expected, "present": present, "yes": draw(st.integers(0, present)), "no": 0,
                 "abstain": 0}  # fmt: skip
        if step == 23:
            votes["result"] = draw(st.sampled_from(["按期转正", "延长预备期", "取消预备党员资格"]))
            votes["extension_months"] = draw(st.sampled_from([None, 3, 6, 12, 13]))
        return votes
    return {}


@st.composite
def history(draw, members: list[int], approvers: list) -> dict:
    last = draw(st.integers(1, 25))
    day = draw(st.dates(D(2016, 1, 1), D(2024, 6, 30)))
    records = []
    for step in range(1, last + 1):
        if step > 1 and draw(st.integers(0, 9)) == 0:
            continue  # a skipped step: R-MISSING, R-FILING
        day += dt.timedelta(days=draw(st.sampled_from(GAPS)))
        if day > TODAY:
            break
        record = {"step": step, "on": day, "data": draw(step_data(step, day, members))}
        if step in (17, 24):
            record["org"] = draw(st.sampled_from(approvers))
        records.append(record)
        if step in (6, 21, 23) and draw(st.booleans()):  # assessments again; a second conversion meeting
            later = day + dt.timedelta(days=draw(st.sampled_from([30, 180, 200])))
            if later <= TODAY:
                records.append({"step": step, "on": later, "data": draw(step_data(step, later, members))})
    basis = draw(st.sampled_from(["", "", "", "2020疫情防控一线"]))
    return {"records": records, "special_basis": basis}


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fast_check_equals_case_findings_on_random_histories(world, frozen_today, local_rulesets, data):
    people = world.people
    watched = make_person(world.branch_a1_1, name="察看期", birth_date=D(1970, 1, 1))
    Person.objects.filter(pk=watched.pk).update(on_probation_watch=True)
    members = [people["in_branch"].pk, people["applicant"].pk, people["other_branch"].pk, watched.pk]
    approvers = [world.town_a1, world.county_a, world.general_branch_b, world.branch_a1_1, world.county_b]
    with transaction.atomic():
        rows = []
        for org in data.draw(
            st.lists(st.sampled_from([world.branch_a1_1, world.branch_b_1]), min_size=1, max_size=3)
        ):
            n = next(_births)
            person = make_person(org, name="测试", standing="applicant", applied_on=D(2015, 1, 1),
                                 birth_date=D(1980, 1, 1) + dt.timedelta(days=n), gender="MF"[n % 2])  # fmt: skip
            # Off the books, so the random (often inconsistent) history is not turned into milestones.
            person_reduce(actor=None, person=person, reduction=Reduction.DEVELOPMENT_ENDED,
                          reduced_on=D(2026, 1, 1), note="测试")  # fmt: skip
            person.refresh_from_db()
            rows.append({"person": person, **data.draw(history(members, approvers))})
        services.cases_backfill(actor=None, rows=rows, source="测试")
        cases = Case.objects.filter(person__in=[r["person"] for r in rows])
        assert fast(cases) == slow(cases)
        transaction.set_rollback(True)


# ---- the paths the demo does not take ----------------------------------------------------------


def _backfilled(world, org, records, *, name="测试", special_basis="", reduce=True) -> Case:
    person = make_person(org, name=name, standing="applicant", applied_on=records[0]["on"],
                         birth_date=D(1990, 1, 1) + dt.timedelta(days=next(_births)))  # fmt: skip
    if reduce:  # off the books: the history is not turned into milestones (it need not be consistent)
        person_reduce(actor=None, person=person, reduction=Reduction.DEVELOPMENT_ENDED, reduced_on=D(2026, 1, 1),
                      note="测试")  # fmt: skip
        person.refresh_from_db()
    services.cases_backfill(actor=None, rows=[{"person": person, "records": records,
                                               "special_basis": special_basis}], source="测试")  # fmt: skip
    return Case.objects.get(person=person)


ADMISSION = [(1, D(2021, 1, 4)), (2, D(2021, 1, 20)), (3, D(2021, 3, 1)), (4, D(2021, 3, 5)),
             (5, D(2021, 3, 6)), (6, D(2021, 8, 1)), (6, D(2022, 1, 20)), (7, D(2022, 3, 2)), (8, D(2022, 3, 5)),
             (9, D(2022, 3, 6)), (10, D(2022, 3, 20)), (11, D(2022, 4, 3)), (12, D(2022, 4, 10)),
             (13, D(2022, 4, 15)), (14, D(2022, 4, 20))]  # fmt: skip


def test_votes_from_a_linked_resolution_and_a_probation_extension(world, frozen_today, national_ruleset):
    from dangjian.meetings.services import meeting_record, resolution_record

    people = world.people
    data = {5: {"contacts": [people["in_branch"].pk]}, 9: {"introducers": [people["in_branch"].pk, people["other_branch"].pk]},
            10: {"result": "合格"}, 11: {"start": "2022-04-01", "hours": 24}}  # fmt: skip
    records = [{"step": s, "on": on, "data": data.get(s, {})} for s, on in ADMISSION]
    case = _backfilled(world, world.branch_a1_1, records, reduce=False)
    meeting = meeting_record(actor=world.secretary, org=world.branch_a1_1, kind="branch_general",
                             held_on=D(2022, 5, 6), expected_voters=9, present_voters=6, written_opinions=2)  # fmt: skip
    # 3 votes in the room plus 2 written opinions in favour: 5 > 9/2 passes only with the written ones.
    resolution = resolution_record(actor=world.secretary, meeting=meeting, person=case.person, motion="admit",
                                   yes=3, no=3, abstain=0, written_yes=2)  # fmt: skip
    services.step_record(actor=None, case=case, step=15, on=D(2022, 5, 6), meeting=meeting, resolution=resolution,
                         is_backfill=True)  # fmt: skip
    for step, on, extra in [(16, D(2022, 5, 20), {}), (17, D(2022, 6, 1), {"org": world.town_a1}),
                            (18, D(2022, 6, 10), {}), (22, D(2023, 4, 20), {}),
                            (23, D(2023, 5, 8), {"data": {"expected": 9, "present": 7, "yes": 7, "result": "延长预备期",
                                                          "extension_months": 6}}),
                            (23, D(2023, 11, 20), {"data": {"expected": 9, "present": 4, "yes": 4, "result": "延长预备期",
                                                           "extension_months": 6}})]:  # fmt: skip
        services.step_record(actor=None, case=case, step=step, on=on, is_backfill=True, **extra)
    cases = Case.objects.filter(pk=case.pk)
    reference = slow(cases)
    assert fast(cases) == reference
    rules = {f[0] for f in reference[case.pk]}
    assert "R-PASS" not in {f[0] for f in reference[case.pk] if f[1] == 15}  # the written opinions count
    assert {"R-QUORUM", "R-PASS", "R-EXT"} <= rules  # the second meeting: 4 of 9, extending a second time


def test_forced_rule_set_and_the_label(world, frozen_today, local_rulesets):
    records = [{"step": 1, "on": D(2022, 1, 3)}, {"step": 2, "on": D(2022, 3, 20)}]
    case = _backfilled(world, world.branch_a1_1, records)
    cases = Case.objects.filter(pk=case.pk)
    in_force = compliance.run(cases)
    assert in_force.ruleset == "town-2021"
    assert [(f.rule, f.severity) for f in in_force.findings] == [
        ("R-TALK", "violation")
    ]  # the town's severity
    national = compliance.run(cases, ruleset=RuleSet.objects.get(code="national-2014"))
    assert national.ruleset == "national-2014"
    assert [(f.rule, f.severity) for f in national.findings] == [("R-TALK", "warning")]


def test_in_force_chooses_as_ruleset_for(world, local_rulesets):
    town, _ = local_rulesets
    RuleSet.objects.create(code="inactive", name="停用", org=world.branch_a1_1, effective_from=D(2020, 1, 1),
                           is_active=False, parent=town)  # fmt: skip
    RuleSet.objects.create(code="branch", name="支部", org=world.branch_a1_1, effective_from=D(2023, 6, 1),
                           effective_to=D(2024, 5, 31), parent=town)  # fmt: skip
    RuleSet.objects.create(code="same-day-a", name="并列", org=world.branch_b_1, effective_from=D(2023, 1, 1))
    RuleSet.objects.create(code="same-day-b", name="并列", org=world.branch_b_1, effective_from=D(2023, 1, 1))
    in_force = compliance.InForce()
    days = [D(2014, 1, 1), D(2020, 12, 31), D(2021, 1, 1), D(2022, 7, 1), D(2023, 6, 1), D(2023, 12, 31),
            D(2024, 1, 1), D(2024, 6, 1), D(2026, 11, 20)]  # fmt: skip
    orgs = [world.city, world.county_a, world.town_a1, world.branch_a1_1, world.group_a1_1_1, world.branch_a1_2,
            world.county_b, world.general_branch_b, world.branch_b_1]  # fmt: skip
    for org in orgs:
        for day in days:
            assert in_force.ruleset(org.path, day) == services.ruleset_for(org, day), (org.code, day)


def test_queries_do_not_grow_with_the_cases(
    world, frozen_today, national_ruleset, django_assert_max_num_queries
):
    """Records, members, approving orgs and the calendar are read in bulk: a handful of queries for
    any number of cases (up to a chunk), where the per-case path needs several per case."""
    data = {
        5: {"contacts": [world.people["in_branch"].pk]},
        13: {"notice_start": "2022-04-11", "notice_end": "2022-04-14"},
    }
    for i in range(12):
        records = [{"step": s, "on": on, "data": data.get(s, {})} for s, on in ADMISSION]
        records.append({"step": 15, "on": D(2022, 5, 6), "data": {"expected": 9, "present": 6, "yes": 6}})
        records.append({"step": 17, "on": D(2022, 6, 1), "data": {}, "org": world.town_a1})
        _backfilled(world, world.branch_a1_1, records, name="测试" + "甲乙丙丁戊己庚辛壬癸子丑"[i])
    cases = Case.objects.all()
    with django_assert_max_num_queries(8):
        report = compliance.run(cases)
    assert report.checked == 12
    notice = [f for f in report.findings if f.rule == "R-NOTICE"]
    assert len(notice) == 12 and "只有4个工作日" in notice[0].message  # Qingming, 2022-04-11..14


def test_evaluate_with_a_shared_calendar_gives_the_same_findings(db):
    facts = engine.Facts(dates={"admission_meeting_on": D(2023, 10, 20)}, notice_start=D(2023, 9, 26),
                         notice_end=D(2023, 10, 9))  # fmt: skip
    rules = [r for r in engine.effective_rules({"R-NOTICE": {"working_days": 9}}) if r.rule.id == "R-NOTICE"]
    with_calendar = engine.evaluate(facts, rules, calendar=WorkCalendar())
    assert with_calendar == engine.evaluate(facts, rules)
    assert [f.rule for f in with_calendar] == ["R-NOTICE"]
    assert engine._calendar.get() is None  # reset after the call


def test_empty_scope_checks_nothing(world):
    report = compliance.run(Case.objects.none())
    assert (report.checked, report.findings, report.ruleset) == (0, [], "in-force")


def test_findings_of_a_case_in_rule_order(world, frozen_today, national_ruleset):
    records = [
        {"step": 1, "on": D(2022, 1, 3)},
        {"step": 2, "on": D(2022, 3, 20)},
        {"step": 7, "on": D(2022, 4, 1)},
    ]
    case = _backfilled(world, world.branch_a1_1, records)
    findings = compliance.run(Case.objects.filter(pk=case.pk)).findings
    assert [(f.rule, f.step, f.severity) for f in findings] == [
        ("R-TALK", 2, "warning"),
        ("R-FRONTLINE", 7, "violation"),
    ]
    assert {f.case_id for f in findings} == {case.pk}
