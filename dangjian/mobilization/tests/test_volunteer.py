"""The mobilization services for volunteer service.

What they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dangjian.mobilization import selectors, services
from dangjian.mobilization.tests.conftest import days_ago

# ---- volunteer service ---------------------------------------------------------------------------


def test_volunteer_events_and_totals(world, flood):
    for participants, served in ((12, 300), (8, 150)):
        services.volunteer_event_record(
            actor=world.secretary, campaign=flood, org=world.branch_a1_1, on=days_ago(1), place="安置点",
            title="为受灾群众送餐", participants=participants, people_served=served,
        )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.volunteer_event_record(
            actor=world.secretary, campaign=flood, org=world.branch_a1_1, on=days_ago(-2), place="", title="送餐",
            participants=0,
        )  # fmt: skip
    assert set(exc.value.message_dict) == {"on", "place", "participants"}
    assert selectors.campaign_stats(world.secretary, flood).volunteer == {
        "events": 2, "participants": 20, "people_served": 450,
    }  # fmt: skip
