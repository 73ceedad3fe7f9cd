"""The organization tree rules, exercised through the services on the `world` fixture.

Here: dissolve, delete and bulk creation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.orgs.models import Org, subtree_q
from dangjian.orgs.services import org_delete, org_dissolve, org_move, org_tree_bulk_create
from dangjian.orgs.tests.helpers import fresh, messages, new_org, no_tree_problems, tree_state
from dangjian.people.models import Person, Reduction
from dangjian.people.services import person_reduce

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


# --- many at once (a campaign's temporary orgs) --------------------------------------------------


def test_many_orgs_dissolved_at_once_with_the_same_checks(world):
    from dangjian.audit.ledger.verify import verify
    from dangjian.orgs.services import orgs_dissolve

    parent = new_org(world, world.town_a1, "TMP-P", "temp_committee", name="临时党委")
    child = new_org(world, parent, "TMP-C", "temp_branch", name="临时党支部")
    before = tree_state()
    with pytest.raises(ValidationError) as info:  # the parent alone: its child is still active
        orgs_dissolve(actor=world.admin, plans=[(parent, dt.date(2024, 1, 1))], reason="任务结束")
    assert messages(info.value) == ["临时党委：该组织还有未撤销的下级组织，请先撤销或转移下级组织。"]
    with pytest.raises(ValidationError) as info:  # all or nothing: one bad org stops the batch
        orgs_dissolve(
            actor=world.admin, reason="任务结束",
            plans=[(child, dt.date(2024, 1, 1)), (parent, dt.date(2024, 1, 1)), (world.branch_a1_2, dt.date(2999, 1, 1))],
        )  # fmt: skip
    assert messages(info.value) == [
        "东城镇第二党支部：撤销日期不能晚于今天。",
        "东城镇第二党支部：该组织还有1名在册人员，请先转移组织关系。",
    ]
    assert tree_state() == before
    done = orgs_dissolve(
        actor=world.admin,
        plans=[(child, dt.date(2024, 2, 1)), (parent, dt.date(2024, 1, 1))],
        reason="任务结束",
    )
    assert done == 2
    assert {o.name: o.dissolved_on for o in Org.objects.filter(pk__in=[parent.pk, child.pk])} == {
        "临时党委": dt.date(2024, 1, 1), "临时党支部": dt.date(2024, 2, 1),
    }  # fmt: skip
    logged = ChangeRecord.objects.filter(action=ChangeAction.DISSOLVE, object_id__in=[parent.pk, child.pk])
    assert logged.count() == 2 and {r.actor_id for r in logged} == {world.admin.pk}
    assert verify().ok  # the updated rows are sealed as they now are
    with pytest.raises(ValidationError):  # dissolved already
        orgs_dissolve(actor=world.admin, plans=[(child, dt.date(2024, 3, 1))], reason="再次")
    no_tree_problems()
