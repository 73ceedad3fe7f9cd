"""The organization tree rules, exercised through the services on the `world` fixture.

Here: cycles, moving a subtree, permissions and path ranges.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dangjian.accounts import scope
from dangjian.accounts.models import Action, User
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.orgs import services
from dangjian.orgs.models import PATH_ALPHABET, Org, path_successor, subtree_q
from dangjian.orgs.services import org_delete, org_dissolve, org_move, org_update
from dangjian.orgs.tests.helpers import fresh, messages, new_org, no_tree_problems, tree_state
from dangjian.people.models import Person

# --- cycles -------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["town_a1", "county_a"])
def test_move_under_own_descendant_or_self_is_refused(world, target):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_move(actor=world.admin, org=world.county_a, new_parent=getattr(world, target))
    assert messages(info.value) == ["不能把党组织移到它自己或它的下级组织之下。"]
    assert tree_state() == before


def test_move_to_the_current_parent_is_refused(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_move(actor=world.admin, org=world.branch_a1_2, new_parent=world.town_a1)
    assert messages(info.value) == ["该组织已经隶属于所选上级组织。"]
    assert tree_state() == before


# --- moving a subtree ---------------------------------------------------------------------------


def test_moving_an_org_moves_its_subtree_and_people(world):
    branch, group, target = world.branch_a1_1, world.group_a1_1_1, world.general_branch_b
    moved_people = set(Person.objects.filter(org=branch).values_list("pk", flat=True))
    assert moved_people  # 曾小芳 and 单明
    org_move(actor=world.admin, org=branch, new_parent=target)

    branch, group, target = fresh(branch), fresh(group), fresh(target)
    assert branch.path.startswith(target.path)
    assert branch.depth == target.depth + 1
    assert group.path.startswith(branch.path)
    assert group.depth == branch.depth + 1
    assert Org.objects.get_parent(branch).pk == target.pk
    assert Org.objects.get_parent(group).pk == branch.pk
    assert target.numchild == 2
    assert fresh(world.town_a1).numchild == 1
    assert no_tree_problems()
    # People follow: they are now counted under 乙县委, no longer under 东城镇党委.
    under_b = set(
        Person.objects.filter(subtree_q(fresh(world.county_b).path, "org__path")).values_list("pk", flat=True)
    )
    under_a = set(
        Person.objects.filter(subtree_q(fresh(world.town_a1).path, "org__path")).values_list("pk", flat=True)
    )
    assert moved_people <= under_b
    assert not moved_people & under_a
    # The secretary's role on the branch moves with it.
    secretary = User.objects.get(pk=world.secretary.pk)
    assert set(scope.people_for(secretary).values_list("pk", flat=True)) == moved_people
    record = ChangeRecord.objects.get(action=ChangeAction.MOVE, object_id=branch.pk)
    assert record.before == {"上级党组织": "东城镇党委"}
    assert record.after == {"上级党组织": "乙县医院党总支"}


def test_move_is_one_transaction(world, monkeypatch):
    """If anything fails after the paths were rewritten, the whole move is undone."""

    def boom(**kwargs):
        raise RuntimeError("record failed")

    monkeypatch.setattr(services, "record_change", boom)
    before = tree_state()
    with pytest.raises(RuntimeError):
        org_move(actor=world.admin, org=world.branch_a1_1, new_parent=world.general_branch_b)
    assert tree_state() == before
    assert no_tree_problems()


def test_moving_a_committee_moves_a_deep_subtree(world):
    org_move(actor=world.root, org=world.town_a1, new_parent=world.county_b)
    town = fresh(world.town_a1)
    for org in (world.branch_a1_1, world.group_a1_1_1, world.branch_a1_2):
        org = fresh(org)
        assert org.path.startswith(town.path)
        assert len(org.path) == org.depth * 4
    assert fresh(world.county_a).numchild == 0
    assert fresh(world.county_b).numchild == 2
    assert no_tree_problems()


# --- permissions --------------------------------------------------------------------------------


def test_branch_secretary_cannot_create_or_move_orgs(world):
    before = tree_state()
    with pytest.raises(PermissionDenied) as info:
        new_org(world, world.branch_a1_1, "GRP-A1-1-2", "party_group", actor=world.secretary)
    assert str(info.value) == "您无权在该党组织下设立组织。"
    with pytest.raises(PermissionDenied) as info:
        org_move(actor=world.secretary, org=world.group_a1_1_1, new_parent=world.branch_a1_2)
    assert str(info.value) == "您无权调整该党组织的隶属关系。"
    with pytest.raises(PermissionDenied):
        org_update(actor=world.secretary, org=world.branch_a1_1, name="改名")
    with pytest.raises(PermissionDenied):
        org_dissolve(
            actor=world.secretary, org=world.group_a1_1_1, dissolved_on=dt.date(2024, 1, 1), reason="x"
        )
    with pytest.raises(PermissionDenied):
        org_delete(actor=world.secretary, org=world.group_a1_1_1)
    assert tree_state() == before


def test_viewer_and_outsider_cannot_create(world):
    for user in (world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            new_org(world, world.town_a1, f"BR-{user.username}", "branch", actor=user)


def test_organizer_can_create_under_their_committee(world):
    org = new_org(world, world.town_a1, "BR-A1-3", "branch", actor=world.organizer, unit_type="enterprise")
    org = fresh(org)
    assert org.path.startswith(fresh(world.town_a1).path)
    record = ChangeRecord.objects.get(action=ChangeAction.CREATE, object_id=org.pk, object_type="orgs.org")
    assert record.actor == world.organizer
    assert no_tree_problems()


def test_organizer_cannot_create_outside_or_at_the_top(world):
    with pytest.raises(PermissionDenied):
        new_org(world, world.county_b, "X-B", "committee", actor=world.organizer)
    with pytest.raises(PermissionDenied) as info:
        new_org(world, None, "ROOT-2", "committee", actor=world.organizer)
    assert str(info.value) == "只有系统管理员可以建立顶层党组织。"


def test_organizer_cannot_move_a_branch_into_another_county(world):
    before = tree_state()
    with pytest.raises(PermissionDenied) as info:
        org_move(actor=world.organizer, org=world.branch_a1_2, new_parent=world.general_branch_b)
    assert str(info.value) == "您无权把党组织转入目标上级组织。"
    with pytest.raises(PermissionDenied) as info:
        org_move(actor=world.organizer, org=world.branch_b_1, new_parent=world.town_a1)
    assert str(info.value) == "您无权调整该党组织的隶属关系。"
    assert tree_state() == before
    assert fresh(world.branch_a1_2).path.startswith(fresh(world.town_a1).path)


def test_organizer_moves_a_group_between_their_branches(world):
    org_move(actor=world.organizer, org=world.group_a1_1_1, new_parent=world.branch_a1_2)
    assert Org.objects.get_parent(fresh(world.group_a1_1_1)).pk == world.branch_a1_2.pk
    assert no_tree_problems()


def test_scope_follows_the_committee(world):
    organizer = User.objects.get(pk=world.organizer.pk)
    assert scope.can(organizer, Action.CHANGE_ORG, fresh(world.branch_a1_1))
    assert not scope.can(organizer, Action.CHANGE_ORG, fresh(world.county_a))


# --- path ranges --------------------------------------------------------------------------------

paths = st.text(alphabet=PATH_ALPHABET, min_size=1, max_size=12)


@given(
    prefix=paths,
    other=paths,
    cut=st.integers(min_value=0, max_value=12),
    tail=st.text(alphabet=PATH_ALPHABET, max_size=8),
)
def test_subtree_range_is_exactly_the_prefix(prefix, other, cut, tail):
    successor = path_successor(prefix)
    assert successor > prefix
    candidates = [other, prefix, prefix + tail, prefix[:cut] + tail, other + prefix, prefix[:-1] + tail]
    for path in candidates:
        assert (prefix <= path < successor) == path.startswith(prefix), (prefix, path, successor)


@given(prefix=st.text(alphabet="Z", min_size=1, max_size=8), tail=st.text(alphabet=PATH_ALPHABET, max_size=8))
def test_successor_of_all_last_characters(prefix, tail):
    assert path_successor(prefix) == "~"
    assert prefix <= prefix + tail < "~"


def test_subtree_q_matches_startswith_in_the_database(world):
    for org in Org.objects.all():
        in_range = set(Org.objects.filter(subtree_q(org.path)).values_list("pk", flat=True))
        prefixed = set(Org.objects.filter(path__startswith=org.path).values_list("pk", flat=True))
        assert in_range == prefixed
    person_paths = Person.objects.filter(subtree_q(fresh(world.town_a1).path, "org__path")).count()
    assert person_paths == 3
