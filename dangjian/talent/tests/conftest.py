"""Fixtures of the talent tests: a frozen "today" and a helper that registers an entry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dangjian.talent import services

D = dt.date
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
TODAY = D(2026, 11, 20)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def register(org, *, actor=None, name="李青", person=None, **kw):
    values = dict(source="graduate", reserved_for="committee", registered_on=D(2025, 3, 1))
    if person is None:
        values.update(
            name=name, gender="M", birth_date=D(1996, 5, 4), education="bachelor", occupation="大学生村官"
        )
    values.update(kw)
    return services.entry_register(actor=actor, org=org, person=person, **values)
