"""Fixtures of the dues tests: a frozen "today" (2026-11-20), decision meetings, members with norms.

The world (dangjian/conftest.py): 东城镇第一党支部 (secretary) under 东城镇党委 (organizer) under
甲县委 under 广安市委 (admin). 曾小芳 is a full member of the branch (admitted 2011).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from dangjian.conftest import make_person
from dangjian.dues import services
from dangjian.dues.months import month_of
from dangjian.meetings.services import meeting_record

D = dt.date
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
TODAY = D(2026, 11, 20)
THIS_MONTH = month_of(TODAY)  # 2026-11


def m(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    yield
    translation.deactivate()


JAN_5 = D(2026, 1, 5)


def decision(org, *, on: dt.date = JAN_5, kind: str | None = None):
    """A meeting of `org` that decides (支委会 of a branch, 党委会 of a committee)."""
    kind = kind or ("branch_committee" if org.kind in ("branch", "joint_branch") else "party_committee")
    if org.kind == "general_branch":
        kind = "general_branch_committee"
    return meeting_record(actor=None, org=org, kind=kind, held_on=on, expected_voters=5, present_voters=5,
                          title="研究党费事项")  # fmt: skip


@pytest.fixture
def branch_members(world):
    """Three members of 东城镇第一党支部 with norms from 2026-01: 曾小芳 (in service, 4500 → 45.00),
    a retired member (6000 → 60.00) and a farmer (0.50); and a 预备党员 admitted 2026-06-15."""
    w = world
    retired = make_person(w.branch_a1_1, name="王老书记")
    farmer = make_person(w.branch_a1_1, name="李农民")
    probationary = make_person(
        w.branch_a1_1, name="赵预备", standing="probationary", admitted_on=D(2026, 6, 15),
        candidate_on=D(2025, 12, 1), activist_on=D(2024, 6, 1), applied_on=D(2024, 1, 1), birth_date=D(1998, 1, 1),
    )  # fmt: skip
    jan = m("2026-01")
    services.norm_record(actor=w.secretary, person=w.people["in_branch"], category="in_service", from_month=jan,
                         income=Decimal("4500"))  # fmt: skip
    services.norm_record(actor=w.secretary, person=retired, category="retired", from_month=jan, income="6000")
    services.norm_record(actor=w.secretary, person=farmer, category="farmer", from_month=jan, flat="0.5")
    return {
        "in_service": w.people["in_branch"],
        "retired": retired,
        "farmer": farmer,
        "probationary": probationary,
    }
