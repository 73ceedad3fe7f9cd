"""The organization tree rules, exercised through the services on the `world` fixture.

Here: kinds and children, approval authority, codes and kind changes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.orgs.models import Org
from dangjian.orgs.services import org_dissolve, org_move, org_update
from dangjian.orgs.tests.helpers import fresh, messages, new_org, no_tree_problems, tree_state

# --- the world itself ---------------------------------------------------------------------------


def test_world_tree_is_consistent(world):
    assert no_tree_problems()
    assert [o.code for o in Org.objects.get_children(fresh(world.town_a1))] == ["BR-A1-1", "BR-A1-2"]
    assert fresh(world.group_a1_1_1).path.startswith(fresh(world.branch_a1_1).path)


# --- what may sit under what --------------------------------------------------------------------


def test_party_group_has_no_children(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        new_org(world, world.group_a1_1_1, "GRP-X", "party_group")
    assert "党小组下不能再设下级组织。" in messages(info.value)
    with pytest.raises(ValidationError) as info:
        org_move(actor=world.admin, org=world.branch_a1_2, new_parent=world.group_a1_1_1)
    assert "党小组下不能再设下级组织。" in messages(info.value)
    assert tree_state() == before


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("branch", "党支部"),
        ("committee", "党委"),
        ("general_branch", "党总支"),
        ("joint_branch", "联合党支部"),
    ],
)
def test_branch_holds_only_party_groups(world, kind, label):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        new_org(world, world.branch_a1_1, "X-1", kind)
    assert f"党支部下只能设党小组，不能设{label}。" in messages(info.value)
    assert tree_state() == before


def test_branch_accepts_a_party_group(world):
    group = new_org(world, world.branch_a1_2, "GRP-A1-2-1", "party_group")
    assert fresh(group).path.startswith(fresh(world.branch_a1_2).path)
    assert fresh(world.branch_a1_2).numchild == 1
    assert no_tree_problems()


def test_moving_a_branch_under_a_branch_is_refused(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_move(actor=world.admin, org=world.branch_a1_2, new_parent=world.branch_a1_1)
    assert messages(info.value) == ["党支部下只能设党小组，不能设党支部。"]
    assert tree_state() == before


def test_general_branch_holds_only_branches(world):
    with pytest.raises(ValidationError) as info:
        new_org(world, world.general_branch_b, "X-GROUP", "party_group")
    assert "党总支下只能设党支部，不能设党小组。" in messages(info.value)
    assert "党小组只能设在党支部（联合党支部、临时党支部）下。" in messages(info.value)
    with pytest.raises(ValidationError) as info:
        new_org(world, world.general_branch_b, "X-COMM", "committee")
    assert messages(info.value) == ["党总支下只能设党支部，不能设党委。"]


def test_party_group_cannot_sit_directly_under_a_committee(world):
    with pytest.raises(ValidationError) as info:
        new_org(world, world.town_a1, "X-GROUP", "party_group")
    assert messages(info.value) == ["党小组只能设在党支部（联合党支部、临时党支部）下。"]


def test_branch_and_group_need_a_parent(world):
    with pytest.raises(ValidationError) as info:
        new_org(world, None, "ROOT-BR", "branch")
    assert messages(info.value) == ["党支部、党小组必须隶属于上级党组织。"]


def test_temporary_org_holds_only_temporary_orgs(world):
    temp = new_org(world, world.county_a, "TMP-1", "temp_committee")
    with pytest.raises(ValidationError) as info:
        new_org(world, temp, "TMP-1-BR", "branch")
    assert "临时党组织下只能设临时党组织。" in messages(info.value)
    assert new_org(world, temp, "TMP-1-TB", "temp_branch").kind == "temp_branch"


def test_invalid_kind(world):
    with pytest.raises(ValidationError) as info:
        new_org(world, world.town_a1, "X-1", "cell")
    assert messages(info.value) == ["组织类别无效。"]


def test_dissolved_parent_takes_no_new_children(world):
    org_dissolve(actor=None, org=world.group_a1_1_1, dissolved_on=dt.date(2020, 1, 1), reason="合并")
    branch = new_org(world, world.town_a1, "BR-EMPTY", "branch")
    org_dissolve(actor=None, org=branch, dissolved_on=dt.date(2020, 1, 1), reason="撤并")
    with pytest.raises(ValidationError) as info:
        new_org(world, branch, "GRP-LATE", "party_group")
    assert messages(info.value) == ["上级党组织“BR-EMPTY”已撤销，不能在其下设立或转入组织。"]


# --- approval authority -------------------------------------------------------------------------


def test_general_branch_cannot_be_created_with_approval_authority(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        new_org(world, world.county_b, "GB-B-2", "general_branch", approval=True)
    assert messages(info.value) == ["党总支不能具有审批权限：党总支只能审查，不能审批发展党员。"]
    assert tree_state() == before


def test_general_branch_cannot_be_given_approval_authority(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_update(actor=world.admin, org=world.general_branch_b, has_approval_authority=True)
    assert messages(info.value) == ["党总支不能具有审批权限：党总支只能审查，不能审批发展党员。"]
    assert tree_state() == before
    assert fresh(world.general_branch_b).has_approval_authority is False


def test_committee_with_approval_cannot_become_a_general_branch_keeping_it(world):
    with pytest.raises(ValidationError) as info:
        org_update(actor=world.admin, org=world.town_a1, kind="general_branch")
    assert "党总支不能具有审批权限：党总支只能审查，不能审批发展党员。" in messages(info.value)
    # Dropping the authority at the same time is fine: its children are all branches.
    org = org_update(
        actor=world.admin, org=world.town_a1, kind="general_branch", has_approval_authority=False
    )
    assert (fresh(org).kind, fresh(org).has_approval_authority) == ("general_branch", False)


def test_branch_cannot_hold_approval_authority(world):
    with pytest.raises(ValidationError) as info:
        new_org(world, world.town_a1, "BR-A1-3", "branch", approval=True)
    assert messages(info.value) == ["党支部不能具有审批权限，只有党委（党工委）可以审批发展党员。"]


def test_committee_may_hold_approval_authority(world):
    org = new_org(world, world.county_b, "TOWN-B1", "working_committee", approval=True)
    assert fresh(org).has_approval_authority is True


# --- codes and kind changes ---------------------------------------------------------------------


def test_duplicate_code_refused_on_create(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        new_org(world, world.town_a1, " CTY-A ", "branch")
    assert messages(info.value) == ["组织代码“CTY-A”已被使用。"]
    assert tree_state() == before


def test_duplicate_code_refused_on_update_but_own_code_is_fine(world):
    with pytest.raises(ValidationError) as info:
        org_update(actor=world.admin, org=world.branch_a1_2, code="BR-A1-1")
    assert messages(info.value) == ["组织代码“BR-A1-1”已被使用。"]
    assert fresh(world.branch_a1_2).code == "BR-A1-2"
    org_update(actor=world.admin, org=world.branch_a1_2, code="BR-A1-2", name="东城镇第二党支部（新）")
    assert fresh(world.branch_a1_2).name == "东城镇第二党支部（新）"


@pytest.mark.parametrize(
    ("code", "message"), [("", "请填写组织代码。"), ("A B", "组织代码只能包含字母、数字、“-”和“_”。")]
)
def test_code_format(world, code, message):
    with pytest.raises(ValidationError) as info:
        new_org(world, world.town_a1, code, "branch", name="新支部")
    assert messages(info.value) == [message]


def test_update_rejects_fields_that_are_not_editable(world):
    with pytest.raises(ValidationError) as info:
        org_update(actor=world.admin, org=world.town_a1, path="0002", dissolved_on=dt.date(2020, 1, 1))
    assert messages(info.value) == ["不能直接修改这些字段：dissolved_on、path。"]


@pytest.mark.parametrize(
    ("org_name", "kind", "message"),
    [
        ("town_a1", "branch", "该组织有党小组以外的下级组织，不能改为党支部。"),
        ("branch_a1_1", "party_group", "该组织有下级组织，不能改为党小组。"),
        ("county_a", "general_branch", "该组织有党支部以外的下级组织，不能改为党总支。"),
    ],
)
def test_kind_change_conflicting_with_children_is_refused(world, org_name, kind, message):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_update(actor=world.admin, org=getattr(world, org_name), kind=kind, has_approval_authority=False)
    assert message in messages(info.value)
    assert tree_state() == before


def test_kind_change_to_temporary_with_permanent_children_is_refused(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_update(actor=world.admin, org=world.town_a1, kind="temp_committee")
    assert "该组织有非临时的下级组织，不能改为临时党组织。" in messages(info.value)
    assert tree_state() == before


def test_kind_change_to_temporary_with_people_is_refused(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_update(actor=world.admin, org=world.branch_a1_2, kind="temp_branch")
    assert "该组织有在册人员，不能改为临时党组织：临时党组织成员保留原组织关系。" in messages(info.value)
    assert tree_state() == before


def test_kind_change_that_fits_the_children_is_allowed(world):
    org_update(actor=world.admin, org=world.branch_a1_1, kind="joint_branch")
    assert fresh(world.branch_a1_1).kind == "joint_branch"
    # A childless branch still may not become a party group directly under a committee.
    with pytest.raises(ValidationError) as info:
        org_update(actor=world.admin, org=world.branch_a1_2, kind="party_group")
    assert messages(info.value) == ["党小组只能设在党支部（联合党支部、临时党支部）下。"]
