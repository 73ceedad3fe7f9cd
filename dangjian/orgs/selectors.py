"""Reads of the organization tree, always through the acting user's scope."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, When

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


PINYIN_QUERY = re.compile(r"^[A-Za-z][A-Za-z ]*$")


def match_orgs_q(query: str) -> Q:
    """Orgs whose name contains `query`, whose code starts with it, or whose name's pinyin (run
    together, or its initials) starts with it: "东城", "BR-A1", "dongcheng", "dcz"."""
    query = query.strip()
    match = Q(name__contains=query) | Q(code__istartswith=query)
    if PINYIN_QUERY.match(query):
        compact = query.replace(" ", "").lower()
        match |= Q(name_pinyin__startswith=compact) | Q(name_initials__startswith=compact)
        if len(compact) >= 4:  # "diyi" finds 东城镇第一党支部 too; shorter runs match too much
            match |= Q(name_pinyin__contains=compact)
    return match


def suggest_orgs(
    user, query: str, action: str = Action.VIEW, limit: int = 20, *, kinds: Iterable[str] | None = None
) -> QuerySet[Org]:
    """Active orgs in the user's scope (for `action`) matching `query` (see match_orgs_q): an exact
    code first, then the shallower orgs, in tree order."""
    query = (query or "").strip()
    qs = scope.orgs_for(user, action).filter(dissolved_on__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    if query:
        qs = qs.filter(match_orgs_q(query))
        exact = SqlCase(When(code__iexact=query, then=0), default=1, output_field=IntegerField())
        return qs.order_by(exact, "depth", "path")[:limit]
    return qs.order_by("depth", "path")[:limit]
