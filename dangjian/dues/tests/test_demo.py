"""The small demo's dues: twelve months that balance, arrears, a relief, voluntary payments (one for
the Centre), hand-ups at every level up to the province, the 2020 allocations of 575.45万元."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.documents.briefing import compose
from dangjian.documents.selectors import Period, briefing_figures
from dangjian.dues import aggregates
from dangjian.dues.arrears import arrears_rows, last_closed_month
from dangjian.dues.models import Allocation, DuesPayment, DuesRelief, HandUp, LapseDecision, ReliefStatus
from dangjian.dues.orgs import handup_level
from dangjian.orgs.models import Org
from dangjian.shell.demo.load import load_demo

TODAY = dt.date(2026, 11, 20)


@pytest.mark.django_db
def test_the_small_demo_has_twelve_months_of_dues_that_balance():
    load_demo("small", today=TODAY)
    assert aggregates.check() == []
    months = set(DuesPayment.objects.values_list("month", flat=True))
    assert len(months) == 12
    from django.db.models import Q

    behind = arrears_rows(Q(), last_closed_month(TODAY))
    assert any(a.count >= 3 for a in behind.values()) and any(
        a.run(last_closed_month(TODAY))[1] >= 6 for a in behind.values()
    )
    assert DuesRelief.objects.filter(status=ReliefStatus.APPROVED, kind="exempt").count() == 1
    assert DuesPayment.objects.filter(kind="voluntary", to_centre=True).exists()
    assert DuesPayment.objects.filter(kind="voluntary", to_centre=False).exists()
    levels = {handup_level(h.org) for h in HandUp.objects.select_related("org")}
    assert levels == {"branch_percent", "grassroots_percent", "county_percent", "city_percent"}
    assert HandUp.objects.filter(to_org__isnull=True, to_name__contains="省委组织部").exists()
    assert LapseDecision.objects.count() <= 1
    root = Org.objects.get(depth=1)
    assert Allocation.objects.filter(campaign__code="YQFK-2020").exists()
    text = compose(briefing_figures(root, Period(dt.date(2020, 1, 1), dt.date(2020, 12, 31))))
    assert "统筹市、县组织部门及时划拨575.45万元党费" in text
