"""The one scope function family: every list, page, endpoint, export and command goes through here.

A user may act on an org and everything below it when one of their role assignments on that org
(or an ancestor) grants the action. Superusers see everything. Out of scope is a 404 (Http404):
the caller cannot even learn that the object exists.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from dangjian.accounts.models import ROLE_ACTIONS, Action, RoleAssignment
from dangjian.orgs.models import Org, path_successor, subtree_q
from dangjian.people.models import Person

EVERYTHING = None


def _assignments(user) -> list[tuple[str, str]]:
    cache = getattr(user, "_dangjian_roles", None)
    if cache is None:
        cache = list(
            RoleAssignment.objects.filter(user_id=user.pk, org__dissolved_on__isnull=True).values_list(
                "role", "org__path"
            )
        )
        user._dangjian_roles = cache
    return cache


def scope_paths(user, action: str = Action.VIEW) -> list[str] | None:
    """Top-most org paths where `user` may perform `action`; None means the whole database."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return EVERYTHING
    paths = sorted({path for role, path in _assignments(user) if action in ROLE_ACTIONS.get(role, ())})
    top: list[str] = []
    for path in paths:  # sorted, so an ancestor always comes before its descendants
        if not top or not path.startswith(top[-1]):
            top.append(path)
    return top


def scope_q(user, action: str = Action.VIEW, prefix: str = "path") -> Q:
    paths = scope_paths(user, action)
    if paths is EVERYTHING:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (subtree_q(p, prefix) for p in paths))


def orgs_for(user, action: str = Action.VIEW) -> QuerySet[Org]:
    return Org.objects.filter(scope_q(user, action))


def people_for(user, action: str = Action.VIEW) -> QuerySet[Person]:
    return Person.objects.filter(scope_q(user, action, prefix="org__path"))


def path_in_scope(user, path: str, action: str = Action.VIEW) -> bool:
    paths = scope_paths(user, action)
    if paths is EVERYTHING:
        return True
    return any(p <= path < path_successor(p) for p in paths)


def path_known(user, path: str, action: str = Action.VIEW) -> bool:
    """In scope, or an ancestor of a scope root: a secretary may see her own committees named
    (they approve her cases), never a sibling subtree."""
    paths = scope_paths(user, action)
    if paths is EVERYTHING:
        return True
    return any(p <= path < path_successor(p) or p.startswith(path) for p in paths)


def known_q(user, action: str = Action.VIEW, prefix: str = "path") -> Q:
    """The queryset form of path_known: the scope plus the ancestors of its roots."""
    paths = scope_paths(user, action)
    if paths is EVERYTHING:
        return Q()
    if not paths:
        return Q(pk__in=[])
    ancestors = {p[:end] for p in paths for end in range(Org.steplen, len(p), Org.steplen)}
    return scope_q(user, action, prefix) | Q(**{f"{prefix}__in": sorted(ancestors)})


def can(user, action: str, org: Org) -> bool:
    return path_in_scope(user, org.path, action)


def require(user, action: str, org: Org, message: str) -> None:
    """Raise PermissionDenied (Chinese message) unless `user` may perform `action` on `org`."""
    if not can(user, action, org):
        raise PermissionDenied(message)


def get_org_for_user(user, pk, action: str = Action.VIEW) -> Org:
    org = orgs_for(user, Action.VIEW).filter(pk=pk).first()
    if org is None:
        raise Http404("党组织不存在或不在您的管理范围内。")
    if action != Action.VIEW and not can(user, action, org):
        raise PermissionDenied("您对该党组织没有此项操作权限。")
    return org


def get_person_for_user(user, pk, action: str = Action.VIEW) -> Person:
    person = people_for(user, Action.VIEW).select_related("org").filter(pk=pk).first()
    if person is None:
        raise Http404("人员不存在或不在您的管理范围内。")
    if action != Action.VIEW and not can(user, action, person.org):
        raise PermissionDenied("您对该人员档案没有此项操作权限。")
    return person


def scope_roots(user) -> QuerySet[Org]:
    """The top-most orgs the user may view: where the tree and the home page start."""
    paths = scope_paths(user, Action.VIEW)
    if paths is EVERYTHING:
        return Org.objects.filter(depth=1)
    return Org.objects.filter(path__in=paths)
