"""A random series of transfer transitions (and refused ones) keeps the counts exact after each."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.transfers import services
from dangjian.transfers.models import Status, Transfer
from dangjian.transfers.tests.conftest import assert_counts_exact

OPS = st.lists(
    st.tuples(
        st.sampled_from(["submit", "approve", "receive", "return", "cancel", "receive_many"]),
        st.integers(0, 3),  # which person
        st.integers(0, 3),  # which target org
        st.sampled_from(["root", "secretary", "organizer", "receiver"]),
    ),
    min_size=1,
    max_size=14,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_random_series_keeps_counts_exact(world, receiver, ops):
    people = list(world.people.values())
    targets = [world.branch_a1_1, world.branch_a1_2, world.branch_b_1, world.general_branch_b]
    actors = {"root": world.root, "secretary": world.secretary, "organizer": world.organizer,
              "receiver": receiver}  # fmt: skip
    with transaction.atomic():
        for op, who, where, by in ops:
            actor = actors[by]
            person = people[who]
            open_ = Transfer.objects.filter(person=person).order_by("-id").first()
            try:
                if op == "receive_many":
                    pending = list(Transfer.objects.filter(status=Status.PENDING))
                    if pending:
                        services.transfers_receive_many(actor=actor, transfers=pending)
                elif op == "submit":
                    services.transfer_submit(
                        actor=actor, person=person, to_org=targets[where], reason="other"
                    )
                elif open_ is None:
                    continue
                elif op == "approve":
                    services.transfer_approve(actor=actor, transfer=open_)
                elif op == "receive":
                    services.transfer_receive(actor=actor, transfer=open_)
                elif op == "return":
                    services.transfer_return(actor=actor, transfer=open_, reason="退回")
                else:
                    services.transfer_cancel(actor=actor, transfer=open_, reason="撤销")
            except (ValidationError, PermissionDenied):
                pass
            assert_counts_exact()
            for t in Transfer.objects.select_related("person"):
                if (
                    t.status == Status.RECEIVED
                    and t == Transfer.objects.filter(person=t.person).order_by("id").last()
                ):
                    assert t.person.org_id == t.to_org_id
        transaction.set_rollback(True)
