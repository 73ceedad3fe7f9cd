"""Reads of people, always through the acting user's scope."""

from __future__ import annotations

import re

from django.db.models import Count, Q, QuerySet

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import Org, subtree_q
from dangjian.people.models import Category, Person, Standing

ID_LIKE = re.compile(r"^[0-9]{6,17}[0-9Xx]?$")
ASCII_LETTERS = re.compile(r"^[A-Za-z ]+$")


def people_in(
    user, org: Org | None = None, *, direct_only: bool = False, active: bool = True
) -> QuerySet[Person]:
    qs = scope.people_for(user, Action.VIEW)
    if org is not None:
        qs = qs.filter(org=org) if direct_only else qs.filter(subtree_q(org.path, "org__path"))
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


def standing_counts(user, org: Org | None = None) -> list[tuple[str, str, int]]:
    rows = dict(people_in(user, org).order_by().values_list("standing").annotate(n=Count("id")))
    return [(s.value, s.label, rows.get(s.value, 0)) for s in Standing]


def category_counts(user, org: Org | None = None) -> list[tuple[str, str, int]]:
    rows = dict(people_in(user, org).order_by().values_list("category").annotate(n=Count("id")))
    return [(c.value, c.label, rows[c.value]) for c in Category if rows.get(c.value)]


def search_people(user, query: str, limit: int = 50) -> QuerySet[Person]:
    """Search by name, pinyin (full or initials) or ID number, inside the user's scope."""
    query = (query or "").strip()
    qs = scope.people_for(user, Action.VIEW).select_related("org")
    if not query:
        return qs.none()
    if ID_LIKE.match(query):
        number = query.upper()
        match = Q(id_number=number) if len(number) == 18 else Q(id_number__startswith=number)
        return qs.filter(match).order_by("name_sort_key", "id")[:limit]
    if ASCII_LETTERS.match(query):
        text = query.lower()
        compact = text.replace(" ", "")
        return qs.filter(Q(name_initials__startswith=compact) | Q(name_sort_key__startswith=text)).order_by(
            "name_sort_key", "id"
        )[:limit]
    return qs.filter(name__contains=query).order_by("name_sort_key", "id")[:limit]
