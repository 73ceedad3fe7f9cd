"""A stateful property test of the step services on one case.

Hypothesis drives random sequences of record / correct / return / defer / reopen calls through the
services, the way users would, and after every call checks that the stored state is what the
records say it is:

  (a) at most one current record per step, except the repeatable steps 6, 21 and 23;
  (b) the person's standing and milestone dates equal `services.milestones(current_records(case))`;
  (c) the case's stage, last step and blocking count equal `derive_state` recomputed from scratch;
  (d) no current record is dated after today;
  (e) a refused call (ValidationError, PermissionDenied) wrote nothing;
  (f) the stored due items equal what the due-list computation produces for the case;
  (g) the hash chain of the step records (全程纪实) verifies, cached current flags included.

The fixture world is built once per test; each Hypothesis example runs inside a savepoint that is
rolled back when the example ends, so examples never see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person
from dangjian.development import chain, due, services
from dangjian.development import rules as engine
from dangjian.development.catalog import SUPERIOR_STEPS
from dangjian.development.facts import build_facts
from dangjian.development.models import Case, CaseStatus, DueItem, StepRecord
from dangjian.people.models import Person

D = dt.date
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
TODAY = D(2026, 11, 20)  # 18:00 in Asia/Shanghai, the same day
# A deeper search: DANGJIAN_STATE_MACHINE_EXAMPLES=500 pytest … (30 by default, about 20 s).
EXAMPLES = int(os.environ.get("DANGJIAN_STATE_MACHINE_EXAMPLES", "30"))
REPEATABLE = (6, 21, 23)
APPROVAL = SUPERIOR_STEPS

# Mostly inside the past, a little after today (which must be refused).
dates = st.dates(min_value=D(2019, 6, 1), max_value=D(2026, 12, 31))
offsets = st.sampled_from([0, 1, 5, 20, 40, 100, 190, 370, 400])
reasons = st.sampled_from(["录入错误", "材料不全", "录入错误", " ", ""])
actors = st.sampled_from([0, 0, 0, 1, 2, 3, 4])  # mostly the one who may act


def step_data(step: int, on: dt.date, variant: int, members: list[int], self_pk: int) -> dict:
    """Data for a step: variant 0 is well-formed; the others are typical mistakes."""
    m1, m2 = members
    iso = (on - dt.timedelta(days=3)).isoformat()
    votes = {"expected": 20, "present": 15, "yes": 14, "no": 1, "abstain": 0}
    table = {
        5: [{"contacts": [m1]}, {"contacts": [m1, m2]}, {"contacts": []}, {"contacts": [self_pk]}],
        9: [{"introducers": [m1, m2]}, {"introducers": [m1]}, {"introducers": [m1, m1]}, {}],
        10: [{"result": "合格"}, {"result": "不合格"}, {}, {"result": "合格"}],
        11: [
            {"start": iso, "hours": 24},
            {"start": on.isoformat(), "hours": 2},
            {},
            {"start": (on + dt.timedelta(days=1)).isoformat()},
        ],
        13: [
            {},
            {"notice_start": (on - dt.timedelta(days=14)).isoformat(), "notice_end": iso},
            {"notice_start": iso},
            {},
        ],
        15: [votes, {**votes, "present": 9}, {**votes, "yes": 10}, {"expected": 20}],
        23: [
            {**votes, "result": "按期转正"},
            {**votes, "result": "延长预备期", "extension_months": 6},
            {**votes, "result": "取消预备党员资格"},
            {**votes, "result": "延长预备期"},
        ],
    }
    choices = table.get(step)
    return dict(choices[variant % len(choices)]) if choices else {}


def db_snapshot(case_pk: int) -> tuple:
    """Everything a refused call must leave as it was."""
    case = Case.objects.filter(pk=case_pk).values().get()
    case.pop("updated_at")
    person = Person.objects.filter(pk=case["person_id"]).values().get()
    person.pop("updated_at", None)
    return (
        ChangeRecord.objects.count(),
        StepRecord.objects.count(),
        list(
            StepRecord.objects.filter(case_id=case_pk)
            .order_by("pk")
            .values_list("pk", "is_current", "correction_reason")
        ),
        sorted(case.items()),
        sorted(person.items(), key=lambda kv: kv[0]),
        sorted(DueItem.objects.filter(case_id=case_pk).values_list("kind", "status", "due_on")),
    )


# A compliant history (the dates of test_services.admit, then probation and conversion).
PLAN = [
    (1, D(2022, 3, 1)), (2, D(2022, 3, 20)), (3, D(2022, 5, 10)), (4, D(2022, 5, 20)), (5, D(2022, 5, 20)),
    (6, D(2022, 11, 1)), (6, D(2023, 5, 1)), (7, D(2023, 5, 10)), (8, D(2023, 5, 20)), (9, D(2023, 5, 25)),
    (10, D(2023, 6, 1)), (11, D(2023, 6, 3)), (12, D(2023, 6, 10)), (13, D(2023, 6, 20)), (14, D(2023, 6, 25)),
    (15, D(2023, 7, 1)), (16, D(2023, 7, 10)), (17, D(2023, 8, 1)), (18, D(2023, 8, 10)), (19, D(2023, 8, 12)),
    (20, D(2023, 8, 15)), (21, D(2024, 1, 10)), (22, D(2024, 6, 20)), (23, D(2024, 7, 1)), (24, D(2024, 8, 1)),
    (25, D(2024, 8, 20)),
]  # fmt: skip


class CaseMachine(RuleBasedStateMachine):
    world = None  # set by the test before the machine runs
    members: list[int] = []

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        w = self.world
        person = make_person(
            w.branch_a1_1,
            name="赵新",
            standing="applicant",
            applied_on=D(2019, 6, 1),
            birth_date=D(1996, 4, 4),
        )
        self.case_pk = services.case_open(actor=w.secretary, person=person).pk
        self.person_pk = person.pk
        self.user_status = CaseStatus.OPEN  # the status set by hand (open, deferred, declined)
        self.forget()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ---- helpers ------------------------------------------------------------------------------

    def case(self) -> Case:
        if self._case is None:
            self._case = Case.objects.select_related("person", "org").get(pk=self.case_pk)
        return self._case

    def current(self) -> list[StepRecord]:
        """The current records, read once per state (the cache is dropped by every call)."""
        if self._current is None:
            self._current = sorted(services.current_records(self.case()), key=lambda r: (r.step, r.on, r.pk))
        return self._current

    def forget(self) -> None:
        self._case = self._current = None

    def actor_for(self, step: int, who: int):
        w = self.world
        if step in APPROVAL:
            return [w.organizer, w.organizer, w.admin, w.secretary, w.viewer][who % 5]
        return [w.secretary, w.secretary, w.organizer, w.viewer, w.outsider][who % 5]

    def org_for(self, step: int, where: int):
        w = self.world
        if step in APPROVAL:
            return [w.town_a1, w.town_a1, w.county_a, w.branch_a1_1, w.general_branch_b][where % 5]
        return [None, None, None, w.town_a1, w.branch_a1_2][where % 5]

    def attempt(self, call, *, acknowledge: bool):
        """Run a service call; a refusal must leave the database untouched."""
        before = db_snapshot(self.case_pk)
        try:
            return call(())
        except services.NeedsAcknowledgement as exc:
            assert db_snapshot(self.case_pk) == before, "a call asking for acknowledgement wrote rows"
            if not acknowledge:
                return None
            try:
                return call([f.rule for f in exc.findings])
            except (ValidationError, PermissionDenied):
                assert db_snapshot(self.case_pk) == before, "a refused call wrote rows (after ack)"
                return None
        except (ValidationError, PermissionDenied):
            assert db_snapshot(self.case_pk) == before, "a refused call wrote rows"  # (e)
            return None
        finally:
            self.forget()

    def record(self, step, on, variant, who, where, acknowledge):
        case = self.case()
        data = step_data(step, on, variant, self.members, case.person_id)
        actor, org = self.actor_for(step, who), self.org_for(step, where)
        return self.attempt(
            lambda ack: services.step_record(
                actor=actor,
                case=case,
                step=step,
                on=on,
                data=data,
                org=org,
                acknowledge=ack,
                note="原因" if ack else "",
            ),
            acknowledge=acknowledge,
        )

    # ---- rules ----------------------------------------------------------------------------------

    @initialize(upto=st.integers(0, 25), outcome=st.integers(0, 2))
    def start_part_way(self, upto, outcome):
        """Start with a compliant history up to a random step, so late stages get explored too."""
        w, (m1, m2) = self.world, self.members
        case = self.case()
        for step, on in PLAN:
            if step > upto:
                break
            data = {5: {"contacts": [m1]}, 9: {"introducers": [m1, m2]}}.get(step)
            data = data or step_data(step, on, outcome if step == 23 else 0, self.members, case.person_id)
            approval = step in APPROVAL
            services.step_record(
                actor=w.organizer if approval else w.secretary, case=case, step=step, on=on, data=data,
                org=w.town_a1 if approval else None, acknowledge=["R-ASSESS", "R-FILING", "R-TALK"], note="原因",
            )  # fmt: skip
        self.forget()

    @rule(
        step=st.integers(min_value=1, max_value=25),
        on=dates,
        variant=st.integers(0, 3),
        who=actors,
        where=st.integers(0, 4),
        acknowledge=st.booleans(),
    )
    def record_any_step(self, step, on, variant, who, where, acknowledge):
        self.record(step, on, variant, who, where, acknowledge)

    @rule(
        gaps=st.lists(offsets, min_size=1, max_size=4),
        variant=st.sampled_from([0, 0, 0, 1]),
        acknowledge=st.sampled_from([True, True, True, False]),
    )
    def record_next_steps(self, gaps, variant, acknowledge):
        """The next steps in order, each a little after the latest one: the case makes progress."""
        for gap in gaps:
            current = self.current()
            done = {r.step for r in current}
            step = next((n for n in range(1, 26) if n not in done), 25)
            start = max((r.on for r in current), default=D(2019, 6, 1))
            anchor = {7: 3, 23: 15}.get(step)  # a year of cultivation, a year of probation
            extended = [r for r in current if r.step == 23 and r.data.get("result") == "延长预备期"]
            if extended and len(extended) == sum(r.step == 23 for r in current) and 24 not in done:
                step, anchor = 23, 15  # the probation was extended: the branch meets again
            if anchor in done:
                wait = 366 + (200 if extended and step == 23 else 0)
                start = max(start, max(r.on for r in current if r.step == anchor) + dt.timedelta(days=wait))
            self.record(step, start + dt.timedelta(days=gap), variant, 0, 0, acknowledge)

    @rule(
        pick=st.integers(0, 30),
        on=dates,
        shift=st.integers(-60, 60),
        reason=reasons,
        acknowledge=st.booleans(),
    )
    def correct_a_record(self, pick, on, shift, reason, acknowledge):
        current = self.current()
        if not current:
            return
        record = current[-1] if pick % 2 else current[pick % len(current)]
        new_on = record.on + dt.timedelta(days=shift) if pick % 3 else on
        actor = self.actor_for(record.step, 0 if pick % 4 else 3)
        self.attempt(
            lambda ack: services.step_correct(
                actor=actor,
                record=record,
                reason=reason,
                on=new_on,
                acknowledge=[*record.acknowledged, *ack],
            ),
            acknowledge=acknowledge,
        )

    @rule(pick=st.integers(0, 30), reason=reasons, who=actors)
    def return_a_record(self, pick, reason, who):
        current = self.current()
        if not current:
            return
        latest = max(current, key=lambda r: (r.step, r.on, r.pk))
        record = latest if pick % 3 else current[pick % len(current)]
        actor = self.actor_for(record.step, who)
        self.attempt(
            lambda ack: services.step_return(actor=actor, record=record, reason=reason), acknowledge=False
        )

    @rule(
        status=st.sampled_from(
            [CaseStatus.OPEN, CaseStatus.OPEN, CaseStatus.DEFERRED, CaseStatus.DECLINED, CaseStatus.CONVERTED]
        ),
        reason=reasons,
        who=actors,
    )
    def set_status(self, status, reason, who):
        actor = self.actor_for(1, who)
        done = self.attempt(
            lambda ack: services.case_set_status(actor=actor, case=self.case(), status=status, reason=reason),
            acknowledge=False,
        )
        if done is not None:
            self.user_status = status

    # ---- invariants -------------------------------------------------------------------------------

    @invariant()
    def one_current_record_per_step(self):  # (a)
        counts = Counter(r.step for r in self.current())
        doubled = {step: n for step, n in counts.items() if n > 1 and step not in REPEATABLE}
        assert not doubled, f"more than one current record: {doubled}"

    @invariant()
    def standing_follows_the_records(self):  # (b)
        person = Person.objects.get(pk=self.person_pk)
        if not person.is_active:
            return  # taken off the books (取消预备党员资格): the file is frozen
        wanted = services.milestones(self.current())
        got = {key: getattr(person, key) for key in wanted}
        assert got == wanted

    @invariant()
    def case_state_follows_the_records(self):  # (c)
        stored = self.case()
        records = self.current()
        day = max((r.on for r in records), default=TODAY)
        findings = engine.evaluate(build_facts(stored, records), services.rules_in_force(stored.org, day))
        # From scratch: the status set by hand, with the statuses the steps produce derived again.
        fresh = Case(pk=stored.pk, person=stored.person, org=stored.org, status=self.user_status,
                     special_basis=stored.special_basis)  # fmt: skip
        wanted = services.derive_state(fresh, records, findings)
        got = {key: getattr(stored, key) for key in wanted}
        assert got == wanted

    @invariant()
    def no_record_after_today(self):  # (d)
        late = [(r.step, r.on) for r in self.current() if r.on > TODAY]
        assert not late, f"current records dated after today: {late}"

    @invariant()
    def due_items_are_current(self):  # (f)
        def items():
            return sorted(
                DueItem.objects.filter(case_id=self.case_pk).values_list("kind", "status", "due_on")
            )

        stored = items()
        with transaction.atomic():  # what a refresh would store now, then rolled back
            due.refresh_cases([self.case_pk])
            wanted = items()
            transaction.set_rollback(True)
        assert stored == wanted

    @invariant()
    def chain_verifies(self):  # (g)
        result = chain.verify()
        assert result.ok, result.broken.describe()


def test_step_services_keep_the_case_consistent(world):
    second = make_person(world.branch_a1_1, name="钱老党员")
    CaseMachine.world = world
    CaseMachine.members = [world.people["in_branch"].pk, second.pk]
    with time_machine.travel(NOW, tick=False):
        run_state_machine_as_test(
            CaseMachine,
            settings=settings(
                max_examples=EXAMPLES,
                stateful_step_count=25,
                deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            ),
        )
