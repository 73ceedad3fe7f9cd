"""Reads of people, always through the acting user's scope."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet, Sum

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import Org, subtree_q
from dangjian.people.models import Category, Person, Standing, SubtreeCount

ID_LIKE = re.compile(r"^[0-9]{6,17}[0-9Xx]?$")
ASCII_LETTERS = re.compile(r"^[A-Za-z ]+$")


LIST_FIELDS = (
    "id", "name", "gender", "birth_date", "id_number", "phone", "category", "standing", "reduction", "org_id",
    "org__id", "org__name", "org__path", "org__depth",
)  # fmt: skip


def people_in(
    user, org: Org | None = None, *, direct_only: bool = False, active: bool = True
) -> QuerySet[Person]:
    if org is None:
        qs = scope.people_for(user, Action.VIEW)
    elif not scope.can(user, Action.VIEW, org):
        return Person.objects.none()
    else:
        # A scope is closed under descendants: once `org` is visible, its whole subtree is, so
        # the org's own range is the only filter (a second, redundant range misleads planners).
        qs = (
            Person.objects.filter(org=org)
            if direct_only
            else Person.objects.filter(subtree_q(org.path, "org__path"))
        )
    if active:
        qs = qs.filter(reduction="")
    return qs


def people_list(
    user, org: Org | None = None, *, direct_only: bool = False, standing: str = "", category: str = "",
    include_reduced: bool = False,
) -> QuerySet[Person]:  # fmt: skip
    qs = people_in(user, org, direct_only=direct_only, active=not include_reduced)
    if standing in Standing.values:
        qs = qs.filter(standing=standing)
    if category in Category.values:
        qs = qs.filter(category=category)
    return qs.select_related("org").order_by("name_sort_key", "id")


def _count_rows(user, org: Org | None) -> QuerySet[SubtreeCount]:
    """Pre-aggregated rows for `org` (must be in scope), or for the user's scope roots."""
    if org is not None:
        if not scope.can(user, Action.VIEW, org):
            return SubtreeCount.objects.none()
        return SubtreeCount.objects.filter(org=org)
    return SubtreeCount.objects.filter(org__in=scope.scope_roots(user))


def standing_counts(user, org: Org | None = None) -> list[tuple[str, str, int]]:
    rows = dict(_count_rows(user, org).order_by().values_list("standing").annotate(t=Sum("n")))
    return [(s.value, s.label, rows.get(s.value) or 0) for s in Standing]


def category_counts(user, org: Org | None = None) -> list[tuple[str, str, int]]:
    rows = dict(_count_rows(user, org).order_by().values_list("category").annotate(t=Sum("n")))
    return [(c.value, c.label, rows[c.value]) for c in Category if rows.get(c.value)]


def active_count(user, org: Org, *, standing: str = "", category: str = "") -> int:
    """Active people in `org`'s subtree (optionally one standing/category), from the counts."""
    qs = _count_rows(user, org)
    if standing:
        qs = qs.filter(standing=standing)
    if category:
        qs = qs.filter(category=category)
    return qs.aggregate(t=Sum("n"))["t"] or 0


def search_people(user, query: str, limit: int = 50, *, among: Q | None = None) -> QuerySet[Person]:
    """Search by name, pinyin (full or initials) or ID number, inside the user's scope (and `among`)."""
    query = (query or "").strip()
    qs = scope.people_for(user, Action.VIEW).select_related("org")
    if among is not None:
        qs = qs.filter(among)
    if not query:
        return qs.none()
    if ID_LIKE.match(query):
        number = query.upper()
        match = Q(id_number=number) if len(number) == 18 else Q(id_number__startswith=number)
        return qs.filter(match).order_by("name_sort_key", "id")[:limit]
    if ASCII_LETTERS.match(query):
        text = query.lower()
        compact = text.replace(" ", "")
        # Initials (wxm), spaced pinyin (wang xiao) or run-together pinyin (wangxiaoming, ouyang),
        # each a prefix match on an indexed column.
        match = (
            Q(name_initials__startswith=compact)
            | Q(name_sort_key__startswith=text)
            | Q(name_pinyin__startswith=compact)
        )
        return qs.filter(match).order_by("name_sort_key", "id")[:limit]
    return qs.filter(name__contains=query).order_by("name_sort_key", "id")[:limit]


def backfilled_people(user, org: Org | None = None) -> QuerySet[Person]:
    """Active people in scope (within `org`'s subtree) whose standing and milestone dates were entered
    by 补录 rather than derived from development records; in tree order, then by name."""
    return (
        people_in(user, org)
        .filter(backfilled_at__isnull=False)
        .select_related("org")
        .order_by("org__path", "name_sort_key", "id")
    )
