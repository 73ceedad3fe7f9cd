"""Property: after any series of collections, reversals, norm changes, hand-ups, allocations and
spending — valid or refused — every org's books balance (opening + collected + received − handed
up − allocated − spent = closing, each month's opening the previous closing), the aggregate equals
the recount from the records, and no month-end balance is negative."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dangjian.dues import aggregates, services
from dangjian.dues.models import Allocation, DuesPayment, OrgMonth
from dangjian.dues.services import LineIn, PaymentEntry
from dangjian.dues.tests.conftest import decision, m

FIRST = m("2026-01")
OPS = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 2), st.integers(0, 10), st.integers(0, 3), st.sampled_from([None, "1", "0.10"]),
              st.sampled_from([None, "20", "999.99", "1000"])),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
    st.tuples(st.just("norm"), st.integers(0, 2), st.integers(0, 10), st.integers(0, 20000)),
    st.tuples(st.just("handup"), st.sampled_from(["branch", "town", "county", "city"]), st.integers(1, 120), st.integers(0, 10)),
    st.tuples(st.just("allocate"), st.sampled_from(["city", "county"]), st.integers(1, 5000), st.booleans()),
    st.tuples(st.just("spend"), st.integers(0, 5), st.integers(1, 3000)),
)  # fmt: skip


def _day(month: int) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 3)


def _apply(op, w, members, orgs, meetings) -> None:
    kind = op[0]
    if kind == "pay":
        _k, who, offset, months, amount, voluntary = op
        month = FIRST + offset
        services.month_open(actor=w.secretary, org=w.branch_a1_1, month=month)
        services.payments_record(
            actor=w.secretary, org=w.branch_a1_1, paid_on=_day(month), way="cash",
            entries=[PaymentEntry(person=members[who], first_month=month, months=months, amount=amount,
                                  voluntary=voluntary)],
        )  # fmt: skip
    elif kind == "reverse":
        payments = list(DuesPayment.objects.filter(reversed_on__isnull=True).order_by("id"))
        if payments:
            services.payment_reverse(
                actor=w.secretary, payment=payments[op[1] % len(payments)], reason="误录"
            )
    elif kind == "norm":
        _k, who, offset, income = op
        services.norm_record(actor=w.secretary, person=members[who], category="in_service", from_month=FIRST + offset,
                             income=str(income))  # fmt: skip
    elif kind == "handup":
        _k, which, amount, offset = op
        org = orgs[which]
        month = FIRST + offset
        services.handup_record(actor=w.admin, org=org, handed_on=_day(month), amount=str(amount), period_from=month,
                               period_to=month, to_name="省委组织部")  # fmt: skip
    elif kind == "allocate":
        _k, which, amount, to_person = op
        org = orgs[which]
        target = (
            LineIn(amount=str(amount), recipient="困难群众")
            if to_person
            else LineIn(amount=str(amount), org=orgs["county"] if which == "city" else orgs["town"])
        )
        services.allocation_record(actor=w.admin, org=org, purpose="subsidy", title="补助", allocated_on=dt.date(2026, 6, 1),
                                   meeting=meetings[which], lines=[target])  # fmt: skip
    else:
        _k, index, amount = op
        received = list(Allocation.objects.filter(lines__to_org__isnull=False).order_by("id").distinct())
        if received:
            allocation = received[index % len(received)]
            org = allocation.lines.filter(to_org__isnull=False).first().to_org
            services.spending_record(actor=w.admin, org=org, spent_on=dt.date(2026, 7, 1), amount=str(amount),
                                     description="补助困难党员", allocation=allocation)  # fmt: skip


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=12))
def test_books_balance_after_any_series(world, branch_members, ops):
    w = world
    members = [branch_members["in_service"], branch_members["retired"], branch_members["farmer"]]
    orgs = {"branch": w.branch_a1_1, "town": w.town_a1, "county": w.county_a, "city": w.city}
    with transaction.atomic():
        services.fund_opening_set(actor=w.admin, org=w.city, month=FIRST, amount="20000")
        meetings = {"city": decision(w.city), "county": decision(w.county_a)}
        for op in ops:
            try:
                with transaction.atomic():
                    _apply(op, w, members, orgs, meetings)
                event(f"{op[0]} recorded")
            except ValidationError:
                event(f"{op[0]} refused")  # refused: nothing may have changed
            assert aggregates.check() == [], op
            assert not OrgMonth.objects.filter(closing_fen__lt=0).exists(), op
        transaction.set_rollback(True)
