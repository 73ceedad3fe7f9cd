"""The bulk helpers build and write what the ORM would."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from dangjian.base.bulk import InstanceMaker, add_to_counts
from dangjian.development.models import Case, StepRecord
from dangjian.people.counts import recompute
from dangjian.people.models import SubtreeCount


def test_an_instance_maker_builds_what_the_constructor_builds(world):
    org, case = world.branch_a1_1, Case()
    values = dict(
        case=case, step=3, on=dt.date(2024, 5, 6), org=org, data={"talker": "张三"}, meeting=None,
        resolution=None, note="备注", is_backfill=True, actor=None, actor_name="系统",
    )  # fmt: skip
    made, built = InstanceMaker(StepRecord)(**values), StepRecord(**values)
    plain = {k: v for k, v in built.__dict__.items() if k not in ("_state", "created_at")}
    assert plain == {k: v for k, v in made.__dict__.items() if k not in ("_state", "created_at")}
    assert made.org is org and made.org_id == org.pk and made.meeting is None and made.case is case
    assert made._state.adding
    assert made.findings == [] and made.findings is not InstanceMaker(StepRecord)().findings


@pytest.mark.django_db
def test_counts_are_raised_and_new_keys_inserted(world):
    before = Counter(
        {
            (o, s, c): n
            for o, s, c, n in SubtreeCount.objects.values_list("org_id", "standing", "category", "n")
        }
    )
    key = next(iter(before))
    new_key = (world.branch_a1_2.pk, "full", "一个新的类别")
    add_to_counts(
        SubtreeCount, ("org_id", "standing", "category"), {key: 2, new_key: 3, (key[0], "x", "y"): 0}
    )
    after = Counter(
        {
            (o, s, c): n
            for o, s, c, n in SubtreeCount.objects.values_list("org_id", "standing", "category", "n")
        }
    )
    assert after[key] == before[key] + 2 and after[new_key] == 3 and (key[0], "x", "y") not in after
    assert len(after) == len(before) + 1
    assert recompute()  # the table is still readable by the recount
