"""Two users at once: the same step recorded twice, the same case opened twice.

On PostgreSQL the race is real: two threads, each on its own database connection, wait at a barrier
and call the service together. Exactly one wins; the other gets a ValidationError, and nothing is
duplicated. SQLite's in-memory test database is one shared-cache connection pool that locks whole
tables, so threads there would not race the way they do in production: on SQLite the threaded tests
are skipped and the database-level backstops (the conditional unique constraint
one_current_record_per_step and the one-case-per-person key) are checked directly instead.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from dangjian.conftest import World, make_person
from dangjian.development.models import Case, StepRecord
from dangjian.development.services import case_open, step_record

D = dt.date

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite's shared-cache in-memory test database serialises the threads "
    "instead of racing them (the SQLite backstop tests below cover the constraint)",
)


@pytest.fixture
def tworld(transactional_db, world) -> World:
    """The shared `world`, committed, so other threads' connections can see it."""
    return world


def race(*calls: Callable[[], object]) -> tuple[list[object], list[BaseException]]:
    """Run the calls in threads released together; return (results, exceptions)."""
    barrier = threading.Barrier(len(calls), timeout=20)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            value = call()
        except BaseException as exc:  # reported to the test below
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(value)
        finally:
            connection.close()  # each thread has its own connection: close it here

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing thread did not finish (deadlock?)"
    return results, errors


def new_case(world: World) -> Case:
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=D(2022, 3, 1))
    case = case_open(actor=world.secretary, person=person)
    step_record(actor=world.secretary, case=case, step=1, on=D(2022, 3, 1))
    return case


# ---- PostgreSQL: real threads ------------------------------------------------------------------


@on_postgres
def test_two_users_record_the_same_step_at_once(tworld):
    case = new_case(tworld)
    results, errors = race(
        lambda: step_record(actor=tworld.secretary, case=case, step=2, on=D(2022, 3, 10), note="书记谈话"),
        lambda: step_record(actor=tworld.organizer, case=case, step=2, on=D(2022, 3, 11), note="组织员谈话"),
    )
    assert len(results) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    # Refused either by the service's check (after waiting for the case lock) or by the constraint.
    assert any(m in errors[0].messages[0] for m in ("已经记录过", "他人记录")), errors[0].messages
    assert StepRecord.objects.filter(case=case, step=2).count() == 1
    assert StepRecord.objects.filter(case=case).count() == 2
    case.refresh_from_db()
    assert case.last_step == 2


@on_postgres
def test_two_users_open_a_case_for_the_same_person_at_once(tworld):
    person = make_person(tworld.branch_a1_1, name="钱申请", standing="applicant", applied_on=D(2022, 3, 1))
    results, errors = race(
        lambda: case_open(actor=tworld.secretary, person=person),
        lambda: case_open(actor=tworld.organizer, person=person),
    )
    assert len(results) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert "已有发展纪实" in errors[0].messages[0]
    assert Case.objects.filter(person=person).count() == 1


# ---- Any database: the backstops the services rely on --------------------------------------------


def test_database_refuses_a_second_current_record_of_a_step(world):
    case = new_case(world)
    first = StepRecord.objects.get(case=case, step=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StepRecord.objects.create(case=case, step=1, on=D(2022, 3, 2), org=world.branch_a1_1)
    # Superseded (not current) records may pile up; the current one stays alone.
    StepRecord.objects.create(case=case, step=1, on=D(2022, 3, 2), org=world.branch_a1_1, is_current=False)
    assert list(StepRecord.objects.filter(case=case, step=1, is_current=True)) == [first]


@pytest.mark.parametrize("step", [6, 21, 23])
def test_repeatable_steps_may_have_several_current_records(world, step):
    case = new_case(world)
    for day in (D(2022, 6, 1), D(2022, 12, 1)):
        StepRecord.objects.create(case=case, step=step, on=day, org=world.branch_a1_1)
    assert StepRecord.objects.filter(case=case, step=step, is_current=True).count() == 2


def test_database_refuses_a_second_case_for_a_person(world):
    case = new_case(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(person=case.person, org=case.org)
    assert Case.objects.filter(person=case.person).count() == 1
