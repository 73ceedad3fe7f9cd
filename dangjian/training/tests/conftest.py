"""Fixtures of the training tests: a frozen "today", 发展对象 whose cases stand at step 10, classes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from dangjian.conftest import make_person
from dangjian.development.models import Case
from dangjian.development.services import case_open, step_record
from dangjian.training import services

D = dt.date
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
TODAY = D(2026, 11, 20)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def introducers(world) -> list[int]:
    second = make_person(world.branch_a1_1, name="钱老党员")
    return [world.people["in_branch"].pk, second.pk]


def candidate_case(world, introducers, *, name: str, upto: int = 10, birth: dt.date | None = None) -> Case:
    """A 发展对象 of 东城镇第一党支部 whose compliant history stands at step `upto` (10: 政治审查 on
    2023-06-01, so a class of 2023-06-01 to 06-03 is the next step)."""
    person = make_person(
        world.branch_a1_1,
        name=name,
        standing="applicant",
        applied_on=D(2022, 3, 1),
        birth_date=birth or D(1996, 4, 4),
    )
    case = case_open(actor=world.secretary, person=person)
    plan = [
        (1, D(2022, 3, 1), {}), (2, D(2022, 3, 20), {}), (3, D(2022, 5, 10), {}), (4, D(2022, 5, 20), {}),
        (5, D(2022, 5, 20), {"contacts": introducers[:1]}), (6, D(2022, 11, 1), {}), (6, D(2023, 5, 1), {}),
        (7, D(2023, 5, 10), {}), (8, D(2023, 5, 20), {}), (9, D(2023, 5, 25), {"introducers": introducers}),
        (10, D(2023, 6, 1), {"result": "合格"}), (11, D(2023, 6, 3), {"start": "2023-06-01", "hours": 24}),
    ]  # fmt: skip
    for step, on, data in plan:
        if step > upto:
            break
        step_record(actor=world.secretary, case=case, step=step, on=on, data=data)
    case.refresh_from_db()
    return case


FIRST_DAY, LAST_DAY = D(2023, 6, 1), D(2023, 6, 3)


def make_class(world, *, org=None, actor=None, kind="candidate", start=FIRST_DAY, end=LAST_DAY, hours=24,
               name="2023年第一期发展对象培训班", **kw):  # fmt: skip
    return services.training_class_create(
        actor=actor or world.organizer, org=org or world.town_a1, name=name, kind=kind, start_on=start, end_on=end,
        hours=hours, **kw,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """LocaleMiddleware activates a request's language in the test's thread: do not leak English."""
    yield
    translation.deactivate()
