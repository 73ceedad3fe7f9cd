"""The secretary's branch (东城镇第一党支部) with ten full members and one probationary member.

`world` gives it 曾小芳 (full) and 单明 (an applicant: not on the roster); nine full members and a
probationary member are added here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import translation

from dangjian.conftest import World, make_person
from dangjian.orgs.models import Org
from dangjian.people.models import Person

MORE_NAMES = ["王建国", "李秀英", "张志强", "刘丽娟", "陈国平", "杨晓燕", "赵德明", "黄淑芬", "周海涛"]
HELD_ON = dt.date(2025, 12, 20)


@dataclass
class Ten:
    world: World
    branch: Org
    full: list[Person]
    probationary: Person

    def grades(self, excellent: int = 0, overrides: dict[int, str] | None = None) -> dict[int, str]:
        grades = {p.pk: ("excellent" if i < excellent else "qualified") for i, p in enumerate(self.full)}
        grades.update(overrides or {})
        return grades


def build_ten(world: World) -> Ten:
    branch = world.branch_a1_1
    full = [world.people["in_branch"], *(make_person(branch, name=name) for name in MORE_NAMES)]
    probationary = make_person(
        world.group_a1_1_1, name="孙新苗", standing="probationary", admitted_on=dt.date(2025, 6, 1)
    )
    return Ten(world, branch, full, probationary)


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """LocaleMiddleware activates an English request's language in this thread: do not leak it."""
    yield
    translation.deactivate()


@pytest.fixture
def ten(world) -> Ten:
    return build_ten(world)
