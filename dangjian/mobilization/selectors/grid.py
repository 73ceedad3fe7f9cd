"""Grid coverage (包保): compounds with their buildings and units, and the coverage report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import Org

from ..models import Campaign, GridLevel, GridNode
from .campaigns import org_q

# ---- grid coverage -----------------------------------------------------------------------------


def grid_compounds(user, campaign: Campaign, *, org: Org | None = None) -> QuerySet[GridNode]:
    qs = GridNode.objects.filter(
        org_q(user, campaign, "org__path"), campaign=campaign, level=GridLevel.COMPOUND
    )
    if org is not None:
        qs = qs.filter(org=org)
    return qs.select_related("org").order_by("key", "id")


def grid_rows(compounds: list[GridNode]) -> list[dict[str, Any]]:
    """The grid table for these compounds, one line per unit (or childless building or compound).

    A compound's or building's cells are shown on its first line only (`show_compound`,
    `show_building`), so the table reads like the paper ledger.
    """
    if not compounds:
        return []
    ids = [c.pk for c in compounds]
    buildings = list(GridNode.objects.filter(parent_id__in=ids).order_by("key", "id"))
    units = list(GridNode.objects.filter(parent_id__in=[b.pk for b in buildings]).order_by("key", "id"))
    by_parent: dict[int, list[GridNode]] = defaultdict(list)
    for node in buildings + units:
        by_parent[node.parent_id].append(node)
    lines: list[dict[str, Any]] = []
    for compound in compounds:
        first = True
        children = by_parent.get(compound.pk, [])
        if not children:
            lines.append(
                {"compound": compound, "show_compound": True, "building": None, "unit": None, "first": True}
            )
        for building in children:
            below = by_parent.get(building.pk, []) or [None]
            for i, unit in enumerate(below):
                lines.append(
                    {"compound": compound, "show_compound": first, "building": building, "show_building": i == 0,
                     "unit": unit, "first": first}
                )  # fmt: skip
                first = False
    return lines


def get_grid_node_for_user(user, pk) -> GridNode:
    node = (
        GridNode.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"), pk=pk)
        .select_related("org", "campaign", "campaign__org", "parent", "parent__parent", "lead_person")
        .first()
    )
    if node is None:
        raise Http404("包保网格不存在或不在您的管理范围内。")
    return node


@dataclass
class LevelCoverage:
    level: str
    label: str
    title: str
    nodes: int
    led: int

    @property
    def gaps(self) -> int:
        return self.nodes - self.led

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.led / self.nodes, 1) if self.nodes else None


@dataclass
class Coverage:
    levels: list[LevelCoverage]
    gaps: list[dict[str, Any]]  # every node without a lead: compound, building, unit, org

    @property
    def nodes(self) -> int:
        return sum(level.nodes for level in self.levels)

    @property
    def leads(self) -> int:
        return sum(level.led for level in self.levels)

    @property
    def complete(self) -> bool:
        return self.nodes > 0 and self.leads == self.nodes


def coverage_counts(user, campaign: Campaign) -> list[LevelCoverage]:
    from ..models import LEAD_TITLES

    rows = (
        GridNode.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign)
        .order_by()
        .values("level")
        .annotate(nodes=Count("id"), led=Count("id", filter=~Q(lead_name="")))
    )
    found = {r["level"]: r for r in rows}
    return [
        LevelCoverage(
            level=level.value, label=level.label, title=LEAD_TITLES[level],
            nodes=found.get(level.value, {}).get("nodes", 0), led=found.get(level.value, {}).get("led", 0),
        )
        for level in GridLevel
    ]  # fmt: skip


def coverage(user, campaign: Campaign) -> Coverage:
    """Counts per level and every compound, building and unit without a lead, in grid order."""
    gaps_qs = (
        GridNode.objects.filter(org_q(user, campaign, "org__path"), campaign=campaign, lead_name="")
        .order_by("key", "id")
        .values_list("id", "level", "key", "org__name", "parent_id")
    )
    gaps = []
    for pk, level, key, org_name, parent_id in gaps_qs:
        parts = key.split("/")
        gaps.append(
            {
                "id": pk, "level": level, "level_label": GridLevel(level).label, "key": key,
                "compound": parts[0], "building": parts[1] if len(parts) > 1 else "",
                "unit": parts[2] if len(parts) > 2 else "", "org": org_name, "parent_id": parent_id,
            }
        )  # fmt: skip
    return Coverage(levels=coverage_counts(user, campaign), gaps=gaps)
