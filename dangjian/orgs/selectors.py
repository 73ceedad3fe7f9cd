"""Reads of the organization tree, always through the acting user's scope."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import GRASSROOTS_KINDS, Org, OrgKind, subtree_q


def children_of(user, org: Org, *, include_dissolved: bool = False) -> QuerySet[Org]:
    if not scope.can(user, Action.VIEW, org):
        return Org.objects.none()
    qs = Org.objects.filter(subtree_q(org.path), depth=org.depth + 1)
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    return qs.order_by("path")


def ancestors_in_scope(user, org: Org) -> list[Org]:
    paths = [org.path[:i] for i in range(Org.steplen, len(org.path), Org.steplen)]
    return list(scope.orgs_for(user, Action.VIEW).filter(path__in=paths).order_by("depth"))


def suborg_counts(user, org: Org | None = None) -> dict[str, int]:
    qs = scope.orgs_for(user, Action.VIEW).filter(dissolved_on__isnull=True)
    if org is not None:
        qs = qs.filter(subtree_q(org.path)).exclude(pk=org.pk)
    by_kind = dict(qs.order_by().values_list("kind").annotate(n=Count("id")))
    local = dict(qs.filter(is_local_committee=True).order_by().values_list("kind").annotate(n=Count("id")))
    return {
        "grassroots": sum(n for k, n in by_kind.items() if k in GRASSROOTS_KINDS) - sum(local.values()),
        "local_committees": sum(local.values()),
        "committees": by_kind.get(OrgKind.COMMITTEE, 0)
        + by_kind.get(OrgKind.WORKING_COMMITTEE, 0)
        - sum(local.values()),
        "general_branches": by_kind.get(OrgKind.GENERAL_BRANCH, 0),
        "branches": by_kind.get(OrgKind.BRANCH, 0) + by_kind.get(OrgKind.JOINT_BRANCH, 0),
        "groups": by_kind.get(OrgKind.PARTY_GROUP, 0),
        "temporary": sum(
            by_kind.get(k, 0) for k in (OrgKind.TEMP_COMMITTEE, OrgKind.TEMP_BRANCH, OrgKind.TEMP_GROUP)
        ),
    }


def suggest_orgs(user, query: str, action: str = Action.VIEW, limit: int = 20) -> QuerySet[Org]:
    query = (query or "").strip()
    qs = scope.orgs_for(user, action).filter(dissolved_on__isnull=True)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(code__startswith=query))
    return qs.order_by("path")[:limit]
