"""Unit and property tests of the scope function family (dangjian.accounts.scope)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.accounts import scope
from dangjian.accounts.models import Action, Role
from dangjian.accounts.services import role_grant
from dangjian.conftest import make_person, make_user
from dangjian.orgs.models import Org
from dangjian.orgs.services import org_create, org_dissolve
from dangjian.people.models import Person


def _fresh(user):
    """Forget the per-user role cache so the next scope call reads the database again."""
    user.__dict__.pop("_dangjian_roles", None)
    return user


def test_scope_paths_deduplicates_nested_assignments(world):
    user = make_user("nested")
    role_grant(actor=None, user=user, org=world.county_a, role=Role.ORG_ADMIN)
    role_grant(actor=None, user=user, org=world.branch_a1_1, role=Role.VIEWER)
    role_grant(actor=None, user=user, org=world.town_a1, role=Role.BRANCH_SECRETARY)
    role_grant(actor=None, user=user, org=world.county_a, role=Role.VIEWER)  # same org, second role
    assert scope.scope_paths(_fresh(user)) == [world.county_a.path]
    # The subtree is counted once: no duplicated rows from overlapping assignments.
    orgs = list(scope.orgs_for(user).values_list("code", flat=True))
    assert sorted(orgs) == sorted(["CTY-A", "TOWN-A1", "BR-A1-1", "GRP-A1-1-1", "BR-A1-2"])
    assert len(orgs) == len(set(orgs))


def test_scope_paths_keeps_disjoint_siblings(world):
    user = make_user("siblings")
    role_grant(actor=None, user=user, org=world.branch_b_1, role=Role.VIEWER)
    role_grant(actor=None, user=user, org=world.branch_a1_2, role=Role.VIEWER)
    role_grant(actor=None, user=user, org=world.branch_a1_1, role=Role.VIEWER)
    paths = scope.scope_paths(_fresh(user))
    assert paths == sorted([world.branch_a1_1.path, world.branch_a1_2.path, world.branch_b_1.path])
    names = set(scope.people_for(user).values_list("name", flat=True))
    assert names == {"曾小芳", "单明", "欧阳修远", "李小艳"}


def test_scope_paths_depends_on_action(world):
    # A secretary may view and change people in the branch, but not change orgs anywhere.
    assert scope.scope_paths(world.secretary, Action.VIEW) == [world.branch_a1_1.path]
    assert scope.scope_paths(world.secretary, Action.CHANGE_PERSON) == [world.branch_a1_1.path]
    assert scope.scope_paths(world.secretary, Action.CHANGE_ORG) == []
    assert scope.scope_paths(world.viewer, Action.VIEW_PERSONAL_DATA) == []
    assert scope.scope_paths(world.organizer, Action.CHANGE_ORG) == [world.town_a1.path]


def test_outsider_sees_nothing(world):
    outsider = world.outsider
    assert scope.scope_paths(outsider) == []
    assert not scope.orgs_for(outsider).exists()
    assert not scope.people_for(outsider).exists()
    assert not scope.scope_roots(outsider).exists()
    assert not scope.can(outsider, Action.VIEW, world.city)
    with pytest.raises(Http404):
        scope.get_org_for_user(outsider, world.branch_a1_1.pk)
    with pytest.raises(Http404):
        scope.get_person_for_user(outsider, world.people["in_branch"].pk)


def test_anonymous_and_inactive_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert scope.scope_paths(AnonymousUser()) == []
    assert scope.scope_paths(None) == []
    world.admin.is_active = False
    world.admin.save()
    assert scope.scope_paths(world.admin) == []
    assert not scope.people_for(world.admin).exists()


def test_superuser_sees_everything(world):
    root = world.root
    assert scope.scope_paths(root) is scope.EVERYTHING
    assert scope.orgs_for(root).count() == Org.objects.count() == 9
    assert scope.people_for(root).count() == Person.objects.count() == 4
    assert list(scope.scope_roots(root)) == [world.city]
    assert scope.can(root, Action.CHANGE_ORG, world.branch_b_1)


def test_ancestors_are_out_of_scope(world):
    secretary = world.secretary
    assert not scope.can(secretary, Action.VIEW, world.town_a1)
    assert scope.can(secretary, Action.VIEW, world.group_a1_1_1)
    assert not scope.can(secretary, Action.VIEW, world.branch_a1_2)
    with pytest.raises(Http404):
        scope.get_org_for_user(secretary, world.town_a1.pk)
    # In view scope, without the right: 403 rather than 404.
    with pytest.raises(PermissionDenied):
        scope.get_org_for_user(secretary, world.branch_a1_1.pk, Action.CHANGE_ORG)
    with pytest.raises(PermissionDenied):
        scope.get_person_for_user(world.viewer, world.people["in_branch"].pk, Action.CHANGE_PERSON)


def test_path_prefix_is_not_a_sibling_leak(world):
    """A path that merely sorts after the granted one must not be inside its range."""
    user = make_user("prefix")
    role_grant(actor=None, user=user, org=world.county_a, role=Role.VIEWER)
    assert not scope.path_in_scope(_fresh(user), world.county_b.path)
    assert not scope.path_in_scope(user, world.city.path)
    assert scope.path_in_scope(user, world.group_a1_1_1.path)


def test_dissolved_orgs_assignment_grants_nothing(world):
    branch = org_create(
        actor=None, parent=world.town_a1, code="BR-A1-9", name="待撤销支部", kind="branch",
        founded_on=dt.date(2005, 1, 1),
    )  # fmt: skip
    user = make_user("dissolved")
    role_grant(actor=None, user=user, org=branch, role=Role.BRANCH_SECRETARY)
    assert scope.scope_paths(_fresh(user)) == [branch.path]
    org_dissolve(actor=None, org=branch, dissolved_on=dt.date(2020, 1, 1), reason="合并")
    _fresh(user)
    assert scope.scope_paths(user) == []
    assert not scope.orgs_for(user).exists()
    with pytest.raises(Http404):
        scope.get_org_for_user(user, branch.pk)


# ---------------------------------------------------------------------------------------------
# Property: for random small forests and random assignments, people_for(user) is exactly the set
# of people whose org lies in a granted subtree. The oracle walks parent links, not paths.
# ---------------------------------------------------------------------------------------------

_codes = itertools.count(1)
ROLES = list(Role.values)
ACTIONS = list(Action.values)


@st.composite
def forests(draw):
    size = draw(st.integers(min_value=1, max_value=8))
    # parents[i] is -1 for a root, otherwise an earlier node: always a valid forest.
    parents = [-1] + [draw(st.integers(min_value=-1, max_value=i - 1)) for i in range(1, size)]
    people = [draw(st.integers(min_value=1, max_value=2)) for _ in range(size)]
    assignments = draw(
        st.lists(
            st.tuples(st.integers(min_value=0, max_value=size - 1), st.sampled_from(ROLES)),
            min_size=1,
            max_size=4,
        )
    )
    # Mostly "view", which every role grants, so that several assignments overlap or sit apart.
    action = draw(st.sampled_from([Action.VIEW, Action.VIEW, *ACTIONS]))
    return parents, people, assignments, action


def _granted(node: int, parents: list[int], granting: set[int]) -> bool:
    while node != -1:
        if node in granting:
            return True
        node = parents[node]
    return False


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=forests())
def test_people_for_is_exactly_the_granted_subtrees(case):
    from dangjian.accounts.models import ROLE_ACTIONS

    parents, people_per_node, assignments, action = case
    with transaction.atomic():
        n = next(_codes)
        nodes: list[Org] = []
        for i, parent in enumerate(parents):
            above = None if parent == -1 else nodes[parent]
            nodes.append(
                org_create(actor=None, parent=above, code=f"P{n}-{i}", name=f"党委{i}", kind="committee")
            )
        expected_people: dict[int, int] = {}
        for i, count in enumerate(people_per_node):
            for _ in range(count):
                expected_people[make_person(nodes[i], name="王小明").pk] = i
        user = make_user(f"prop{n}")
        for index, role in assignments:
            role_grant(actor=None, user=user, org=nodes[index], role=role)
        granting = {index for index, role in assignments if action in ROLE_ACTIONS[role]}

        got = set(scope.people_for(_fresh(user), action).values_list("pk", flat=True))
        want = {pk for pk, node in expected_people.items() if _granted(node, parents, granting)}
        assert got == want
        got_orgs = set(scope.orgs_for(user, action).values_list("pk", flat=True))
        assert got_orgs == {nodes[i].pk for i in range(len(nodes)) if _granted(i, parents, granting)}
        # Roots: the top-most granted nodes, each once, none below another.
        roots = scope.scope_paths(user, action)
        assert len(roots) == len(set(roots))
        assert not any(a != b and b.startswith(a) for a in roots for b in roots)
        transaction.set_rollback(True)
