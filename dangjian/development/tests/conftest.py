"""Fixtures shared by the development tests: a frozen "today" and an applicant's open case."""

import datetime as dt

import pytest
import time_machine

from dangjian.conftest import make_person
from dangjian.development.services import case_open, step_record

TODAY = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


@pytest.fixture
def frozen_today():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def applicant_case(world):
    """赵新 of BR-A1-1, who applied on 2022-03-01 (step 1 recorded by the branch secretary)."""
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=dt.date(2022, 3, 1))
    case = case_open(actor=world.secretary, person=person)
    step_record(actor=world.secretary, case=case, step=1, on=dt.date(2022, 3, 1))
    return case


@pytest.fixture
def national_ruleset(db):
    """Seed data from a data migration: transactional tests elsewhere flush it, so restore it."""
    from dangjian.development.rulesets import ensure_national

    return ensure_national()
