from __future__ import annotations

import pytest

from dangjian.accounts.models import Role
from dangjian.accounts.services import role_grant
from dangjian.base import hooks
from dangjian.conftest import make_user
from dangjian.people import counts


@pytest.fixture
def receiver(world):
    """乙县委's 组织员: receives for the county's branches, sees nothing of 甲县."""
    user = make_user("b_organizer")
    role_grant(actor=None, user=user, org=world.county_b, role=Role.COMMITTEE_ORGANIZER)
    return user


def assert_counts_exact() -> None:
    assert counts.stored() == counts.recompute()
    for keeper in hooks.count_keepers():
        assert keeper.stored() == keeper.recompute(), keeper.TITLE
