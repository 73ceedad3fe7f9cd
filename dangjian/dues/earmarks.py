"""Earmarked money (专款专用): what an org received from an allocation and has not yet spent or
passed on. Unspent money stays visible on the receiving org's page and in the figures."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, Sum

from dangjian.dues.models import Allocation, AllocationLine, Spending


def received(
    allocation_ids: list[int] | None = None, *, org_q: Q | None = None
) -> dict[tuple[int, int], int]:
    """{(allocation, receiving org): fen} of the lines to orgs."""
    qs = AllocationLine.objects.filter(to_org__isnull=False)
    if allocation_ids is not None:
        qs = qs.filter(allocation_id__in=allocation_ids)
    if org_q is not None:
        qs = qs.filter(org_q)
    return {
        (a, o): n
        for a, o, n in qs.values_list("allocation_id", "to_org_id").annotate(n=Sum("amount_fen")).order_by()
    }


def used(keys: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """{(allocation, org): fen} spent against it or passed on from it by that org."""
    if not keys:
        return {}
    allocation_ids = sorted({a for a, _o in keys})
    out: dict[tuple[int, int], int] = defaultdict(int)
    for a, o, n in (
        Spending.objects.filter(allocation_id__in=allocation_ids).values_list("allocation_id", "org_id")
        .annotate(n=Sum("amount_fen")).order_by()
    ):  # fmt: skip
        out[(a, o)] += n
    for a, o, n in (
        Allocation.objects.filter(source_id__in=allocation_ids).values_list("source_id", "org_id")
        .annotate(n=Sum("amount_fen")).order_by()
    ):  # fmt: skip
        out[(a, o)] += n
    return out


def unspent(allocation_id: int, org_id: int) -> int:
    got = received([allocation_id]).get((allocation_id, org_id), 0)
    return got - used([(allocation_id, org_id)]).get((allocation_id, org_id), 0)


def balances(
    *, org_q: Q | None = None, allocation_ids: list[int] | None = None
) -> list[tuple[int, int, int, int]]:
    """[(allocation, org, received, used)] for the lines to orgs matching the filters."""
    got = received(allocation_ids, org_q=org_q)
    spent = used(list(got))
    return [(a, o, n, spent.get((a, o), 0)) for (a, o), n in sorted(got.items())]
