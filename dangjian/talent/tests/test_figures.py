"""Coverage against R-TALENT-POOL (rule-set parameter) and the structure figures."""

from __future__ import annotations

import pytest

from dangjian.development.models import RuleSet
from dangjian.development.rulesets import ruleset_create
from dangjian.orgs.services import org_create
from dangjian.talent import selectors, services

from .conftest import TODAY, D, register

pytestmark = pytest.mark.usefixtures("frozen")


def _rows(report):
    return {v.name: (v.standard, v.count, v.below) for v in report.villages}


def test_villages_and_communities_below_the_standard(world):
    # a village 党总支 with a sub-branch counts as one village; the sub-branch's entries count for it
    general = org_create(
        actor=None, parent=world.town_a1, code="ZZ-V", name="东城镇西村党总支", kind="general_branch",
        unit_type="village", founded_on=D(2001, 7, 1),
    )  # fmt: skip
    sub = org_create(
        actor=None, parent=general, code="ZB-V1", name="西村第一党支部", kind="branch", unit_type="village",
        founded_on=D(2001, 7, 1),
    )  # fmt: skip
    register(world.branch_a1_1, name="甲")
    register(world.branch_a1_1, name="乙")
    register(world.branch_a1_2, name="丙")
    register(general, name="丁")
    register(sub, name="戊")
    removed = register(world.branch_a1_2, name="己")
    services.entry_review(
        actor=None, entry=removed, year=2026, result="removed", reviewed_on=TODAY, reason="迁出"
    )
    report = selectors.coverage(world.admin, world.city)
    assert _rows(report) == {
        "东城镇第一党支部": (2, 2, False), "东城镇第二党支部": (2, 1, True), "东城镇西村党总支": (2, 2, False),
    }  # fmt: skip
    assert [v.name for v in report.below] == ["东城镇第二党支部"] and report.entries == 5
    assert [v.name for v in selectors.coverage(world.admin, world.city, below_only=True).villages] == [
        "东城镇第二党支部"
    ]
    # the hospital branches of county B are not villages
    assert selectors.coverage(world.admin, world.county_b).villages == []


def test_the_standard_is_a_rule_set_parameter(world):
    register(world.branch_a1_2, name="甲")
    register(world.branch_a1_2, name="乙")
    assert _rows(selectors.coverage(world.admin, world.town_a1))["东城镇第二党支部"] == (2, 2, False)
    national = RuleSet.objects.get(org__isnull=True, is_active=True)
    ruleset_create(
        actor=world.admin, code="LOCAL-A", name="甲县规则", parent=national, org=world.county_a,
        effective_from=D(2020, 1, 1), overrides={"R-TALENT-POOL": {"per_village": 3}},
    )  # fmt: skip
    report = selectors.coverage(world.admin, world.town_a1)
    assert _rows(report)["东城镇第二党支部"] == (3, 2, True) and report.standards == [3]


def test_structure_counts_and_later_members_and_appointments(world):
    applicant = world.people["applicant"]  # 入党申请人 of 东城镇第一党支部
    register(world.branch_a1_1, name="甲", birth_date=D(2000, 1, 1), source="graduate", occupation="电商")
    register(world.branch_a1_1, name="乙", birth_date=D(1985, 1, 1), source="veteran", education="high_school",
             occupation="电商")  # fmt: skip
    register(world.branch_a1_1, person=applicant, source="entrepreneur")
    member = register(world.branch_a1_2, person=world.people["other_branch"], registered_on=D(2010, 1, 1))
    services.entry_appoint(actor=None, entry=member, on=D(2021, 6, 1), post="村党支部委员")
    f = selectors.structure(world.admin, world.town_a1)
    assert (f.total, f.ever, f.appointed, f.removed) == (3, 4, 1, 0)
    # 欧阳修远 was admitted on 2011-12-01, after entering the pool on 2010-01-01
    assert f.developed == 1 and f.members == 0
    by = {fig.key: fig.count for fig in f.source}
    assert by == {"graduate": 1, "veteran": 1, "returned_migrant": 0, "entrepreneur": 1, "other": 0}
    assert {fig.key: fig.count for fig in f.standing}["none"] == 2
    assert {fig.key: fig.count for fig in f.standing}["applicant"] == 1
    assert {fig.label: fig.count for fig in f.age}["30岁及以下"] == 1
    assert f.occupation[0].label == "电商" and f.occupation[0].count == 2
    assert sum(fig.count for fig in f.education) == 3
    # scope: the secretary's subtree is her branch only
    assert selectors.structure(world.secretary, world.branch_a1_1).total == 3


def test_person_panel_lists_the_history(world, client_as):
    entry = register(world.branch_a1_2, person=world.people["other_branch"])
    services.task_assign(actor=None, entry=entry, title="入户走访", assigned_on=D(2025, 5, 1))
    page = client_as(world.organizer).get(f"/people/{world.people['other_branch'].pk}/").content.decode()
    assert 'id="person-pool"' in page and "入户走访" in page and f"/talent/{entry.pk}/" in page
    page = client_as(world.organizer).get(f"/people/{world.people['in_branch'].pk}/").content.decode()
    assert 'id="person-pool"' not in page


def test_of_those_elected_at_the_village_election_some_came_from_the_pool(world, client_as):
    from dangjian.conftest import make_person
    from dangjian.orglife.services import committee_elect

    second = make_person(world.branch_a1_2, name="钱二")
    third = make_person(world.branch_a1_2, name="孙三")
    register(world.branch_a1_2, person=world.people["other_branch"], registered_on=D(2020, 3, 1))
    register(world.branch_a1_2, person=third, registered_on=D(2021, 8, 1))  # after the election
    committee_elect(
        actor=None, org=world.branch_a1_2, elected_on=D(2021, 5, 20),
        members=[(world.people["other_branch"], "secretary", None), (second, "organization", None),
                 (third, "propaganda", None)],
    )  # fmt: skip
    e = selectors.elected_from_pool(world.admin, world.city)
    assert (e.year, e.years, e.committees, e.elected, e.from_pool) == (2021, [2021], 1, 3, 1)
    assert selectors.elected_from_pool(world.admin, world.county_b).year is None
    page = client_as(world.admin).get(f"/talent/org/{world.city.pk}/structure/").content.decode()
    assert "选举产生委员 3 名，其中后备库人员 1 名" in page
    api = client_as(world.admin).get(f"/api/talent/orgs/{world.city.pk}/structure?election_year=2021").json()
    assert api["election"] == {"year": 2021, "committees": 1, "elected": 3, "from_pool": 1}
