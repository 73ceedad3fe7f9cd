"""The organization tree rules, exercised through the services on the `world` fixture."""

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
from dangjian.orgs.services import (
    org_create,
    org_delete,
    org_dissolve,
    org_move,
    org_tree_bulk_create,
    org_update,
)
from dangjian.people.models import Person, Reduction
from dangjian.people.services import person_reduce

FOUNDED = dt.date(2001, 7, 1)


def tree_state() -> dict:
    """Everything a failed write must leave untouched."""
    return {
        "orgs": sorted(
            Org.objects.values_list(
                "code", "path", "depth", "numchild", "kind", "has_approval_authority", "dissolved_on", "name"
            )
        ),
        "people": sorted(Person.objects.values_list("pk", "org_id", "reduction")),
        "changes": ChangeRecord.objects.count(),
    }


def messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def fresh(org: Org) -> Org:
    return Org.objects.get(pk=org.pk)


def no_tree_problems() -> bool:
    return all(not problems for problems in Org.objects.find_problems())


def new_org(world, parent, code, kind, *, actor=None, approval=False, **extra):
    return org_create(
        actor=actor, parent=parent, code=code, name=extra.pop("name", code), kind=kind,
        has_approval_authority=approval, founded_on=FOUNDED, **extra,
    )  # fmt: skip


# --- the world itself ---------------------------------------------------------------------------


def test_world_tree_is_consistent(world):
    assert no_tree_problems()
    assert [o.code for o in Org.objects.get_children(fresh(world.town_a1))] == ["BR-A1-1", "BR-A1-2"]
    assert fresh(world.group_a1_1_1).path.startswith(fresh(world.branch_a1_1).path)


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


# --- dissolve and delete ------------------------------------------------------------------------


def test_dissolve_refused_with_active_people(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_dissolve(
            actor=world.admin, org=world.branch_a1_2, dissolved_on=dt.date(2024, 1, 1), reason="撤并"
        )
    assert messages(info.value) == ["该组织还有1名在册人员，请先转移组织关系。"]
    assert tree_state() == before


def test_dissolve_refused_with_active_children(world):
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_dissolve(actor=world.admin, org=world.town_a1, dissolved_on=dt.date(2024, 1, 1), reason="撤并")
    assert messages(info.value) == ["该组织还有未撤销的下级组织，请先撤销或转移下级组织。"]
    assert tree_state() == before


def test_dissolve_reports_every_problem(world):
    with pytest.raises(ValidationError) as info:
        org_dissolve(actor=world.admin, org=world.branch_a1_1, dissolved_on=dt.date(2000, 1, 1), reason=" ")
    assert messages(info.value) == [
        "请填写撤销原因。",
        "撤销日期不能早于成立日期。",
        "该组织还有未撤销的下级组织，请先撤销或转移下级组织。",
        "该组织还有2名在册人员，请先转移组织关系。",
    ]


def test_dissolve_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as info:
        org_dissolve(
            actor=world.admin, org=world.group_a1_1_1, dissolved_on=dt.date(2999, 1, 1), reason="撤并"
        )
    assert messages(info.value) == ["撤销日期不能晚于今天。"]


def test_dissolve_works_after_people_left_and_keeps_the_row(world):
    person = world.people["other_branch"]
    person_reduce(
        actor=world.admin, person=person, reduction=Reduction.TRANSFERRED_OUT,
        reduced_on=dt.date(2024, 1, 1), note="转往成都市",
    )  # fmt: skip
    org = org_dissolve(
        actor=world.admin, org=world.branch_a1_2, dissolved_on=dt.date(2024, 2, 1), reason=" 撤并 "
    )
    org = fresh(org)
    assert org.dissolved_on == dt.date(2024, 2, 1)
    assert org.dissolved_reason == "撤并"
    assert not org.is_active
    assert Person.objects.filter(pk=person.pk, org=org).exists()  # the file is kept where it was
    with pytest.raises(ValidationError) as info:
        org_dissolve(actor=world.admin, org=org, dissolved_on=dt.date(2024, 2, 1), reason="again")
    assert messages(info.value) == ["该党组织已经撤销。"]
    record = ChangeRecord.objects.get(action=ChangeAction.DISSOLVE, object_id=org.pk)
    assert (record.before["撤销日期"], record.after["撤销日期"]) == (None, "2024-02-01")
    assert record.actor == world.admin


def test_delete_refused_with_people_or_children(world):
    before = tree_state()
    for org in (world.branch_a1_1, world.branch_a1_2, world.town_a1, world.general_branch_b):
        with pytest.raises(ValidationError) as info:
            org_delete(actor=world.admin, org=org)
        assert messages(info.value) == ["该组织已有人员或下级组织记录，只能撤销，不能删除。"]
    assert tree_state() == before


def test_delete_refused_for_reduced_people_too(world):
    person_reduce(
        actor=None, person=world.people["other_branch"], reduction=Reduction.DECEASED,
        reduced_on=dt.date(2024, 1, 1), note="病故",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        org_delete(actor=world.admin, org=world.branch_a1_2)
    assert Org.objects.filter(pk=world.branch_a1_2.pk).exists()


def test_delete_of_an_empty_leaf_works(world):
    org_delete(actor=world.admin, org=world.group_a1_1_1)
    assert not Org.objects.filter(pk=world.group_a1_1_1.pk).exists()
    assert fresh(world.branch_a1_1).numchild == 0
    assert no_tree_problems()
    record = ChangeRecord.objects.get(action=ChangeAction.DELETE, object_id=world.group_a1_1_1.pk)
    assert record.actor == world.admin


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


# --- bulk creation ------------------------------------------------------------------------------


def bulk_nodes(prefix: str = "BK") -> list[dict]:
    return [
        {
            "code": f"{prefix}-1", "name": "新建第一党支部", "kind": "branch",
            "children": [
                {"code": f"{prefix}-1-G1", "name": "一组", "kind": "party_group"},
                {"code": f"{prefix}-1-G2", "name": "二组", "kind": "party_group"},
            ],
        },
        {
            "code": f"{prefix}-2", "name": "新建党委", "kind": "committee", "has_approval_authority": True,
            "children": [
                {
                    "code": f"{prefix}-2-B", "name": "下属支部", "kind": "branch",
                    "children": [{"code": f"{prefix}-2-B-G", "name": "下属小组", "kind": "party_group"}],
                },
                {"code": f"{prefix}-2-GB", "name": "下属总支", "kind": "general_branch"},
            ],
        },
    ]  # fmt: skip


def test_bulk_create_builds_a_valid_tree(world):
    changes = ChangeRecord.objects.count()
    created = org_tree_bulk_create(actor=world.admin, parent=world.town_a1, nodes=bulk_nodes())
    assert created == 7
    assert no_tree_problems()
    town = fresh(world.town_a1)
    assert town.numchild == 4
    assert [o.code for o in Org.objects.get_children(town)] == ["BR-A1-1", "BR-A1-2", "BK-1", "BK-2"]
    assert [o.code for o in Org.objects.get_children(Org.objects.get(code="BK-1"))] == ["BK-1-G1", "BK-1-G2"]
    assert [o.code for o in Org.objects.get_children(Org.objects.get(code="BK-2-B"))] == ["BK-2-B-G"]
    assert Org.objects.get_parent(Org.objects.get(code="BK-2-B-G")).code == "BK-2-B"
    assert Org.objects.filter(subtree_q(town.path)).count() == 1 + 3 + 7
    assert ChangeRecord.objects.count() == changes + 7
    assert set(ChangeRecord.objects.filter(message="批量建立").values_list("actor", flat=True)) == {
        world.admin.pk
    }
    # The tree keeps working with treebeard's own writes afterwards.
    late = new_org(world, town, "BK-3", "branch")
    assert Org.objects.get_parent(fresh(late)).pk == town.pk
    assert no_tree_problems()


def test_bulk_create_after_a_child_moved_away(world):
    """Siblings keep their paths when one leaves: new paths must not collide with them."""
    org_move(actor=None, org=world.branch_a1_1, new_parent=world.general_branch_b)
    assert org_tree_bulk_create(actor=None, parent=world.town_a1, nodes=bulk_nodes()) == 7
    assert no_tree_problems()
    assert [o.code for o in Org.objects.get_children(fresh(world.town_a1))] == ["BR-A1-2", "BK-1", "BK-2"]


def test_bulk_create_after_a_child_was_deleted(world):
    org_delete(actor=None, org=world.group_a1_1_1)
    created = org_tree_bulk_create(
        actor=None,
        parent=world.branch_a1_1,
        nodes=[{"code": "G-NEW", "name": "新小组", "kind": "party_group"}],
    )
    assert created == 1
    assert no_tree_problems()


def test_bulk_create_roots(world):
    assert org_tree_bulk_create(actor=world.root, parent=None, nodes=bulk_nodes("RT")[1:]) == 4
    assert no_tree_problems()
    assert Org.objects.filter(depth=1).count() == 2


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda n: n[1]["children"][0]["children"][0].update(kind="branch"),
            "下属小组：党支部下只能设党小组，不能设党支部。",
        ),
        (
            lambda n: n[1]["children"][1].update(has_approval_authority=True),
            "下属总支：党总支不能具有审批权限：党总支只能审查，不能审批发展党员。",
        ),
        (lambda n: n[0]["children"][1].update(code="BK-1-G1"), "二组：组织代码“BK-1-G1”重复。"),
        (lambda n: n[0]["children"][1].update(code="GRP-A1-1-1"), "组织代码“GRP-A1-1-1”已被使用。"),
    ],
)
def test_bulk_create_is_all_or_nothing(world, mutate, message):
    nodes = bulk_nodes()
    mutate(nodes)
    before = tree_state()
    with pytest.raises(ValidationError) as info:
        org_tree_bulk_create(actor=world.admin, parent=world.town_a1, nodes=nodes)
    assert messages(info.value) == [message]
    assert tree_state() == before


def test_bulk_create_checks_scope(world):
    before = tree_state()
    with pytest.raises(PermissionDenied):
        org_tree_bulk_create(actor=world.secretary, parent=world.branch_a1_1, nodes=[])
    with pytest.raises(PermissionDenied):
        org_tree_bulk_create(actor=world.organizer, parent=world.county_b, nodes=bulk_nodes())
    with pytest.raises(PermissionDenied):
        org_tree_bulk_create(actor=world.organizer, parent=None, nodes=bulk_nodes())
    assert tree_state() == before


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
