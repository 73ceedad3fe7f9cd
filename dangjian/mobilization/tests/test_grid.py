"""The mobilization services for grid coverage.

What they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

from dangjian.mobilization import selectors, services
from dangjian.mobilization.models import GridNode

# ---- grid coverage -------------------------------------------------------------------------------


def test_grid_nodes_and_the_coverage_report(world, flood):
    services.grid_node_save(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, compound="阳光小区",
        lead=services.GridLead(name="王建国", phone="13812345678"),
    )  # fmt: skip
    services.grid_node_save(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, compound="阳光小区", building="1栋"
    )
    services.grid_node_save(
        actor=world.secretary, campaign=flood, org=world.branch_a1_1, compound="阳光小区", building="1栋", unit="1单元",
        lead=services.GridLead(person=world.people["in_branch"]),
    )  # fmt: skip
    services.grid_node_save(
        actor=world.secretary,
        campaign=flood,
        org=world.branch_a1_1,
        compound="阳光小区",
        building="2栋",
        unit="1单元",
    )
    report = selectors.coverage(world.secretary, flood)
    assert [g["key"] for g in report.gaps] == ["阳光小区/1栋", "阳光小区/2栋", "阳光小区/2栋/1单元"]
    levels = {lv.level: (lv.nodes, lv.led) for lv in report.levels}
    assert levels == {"compound": (1, 1), "building": (2, 0), "unit": (2, 1)}
    assert GridNode.objects.get(key="阳光小区/1栋/1单元").lead_name == "曾小芳"
