"""Grid coverage (包保): compounds, buildings and units with their leads; the grid import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.orgs.models import Org
from dangjian.people.models import Person

from .. import selectors
from ..models import Campaign, CommunityRegistration, GridLevel, GridNode
from ._common import (
    BulkError,
    _bulk_records,
    _bulk_scope,
    _check_org,
    _check_visible,
    _clean_other,
    _err,
    _fresh,
    _insert_with_ids,
    _lock,
    _raise,
    _require,
    _require_active,
    _today,
)

GRID_LEAD_FIELDS = ("lead_name", "lead_since")


# ---- grid coverage -----------------------------------------------------------------------------


GRID_NAME_MAX = 60


def _grid_name_errors(label: str, value: str) -> list[str]:
    if not value:
        return []
    if "/" in value:
        return [f"{label}“{value}”不能包含“/”。"]
    if len(value) > GRID_NAME_MAX:
        return [f"{label}名称不超过{GRID_NAME_MAX}个字。"]
    return []


def grid_key(compound: str, building: str = "", unit: str = "") -> str:
    return "/".join(p for p in (compound, building, unit) if p)


@dataclass
class GridLead:
    person: Person | None = None
    name: str = ""
    phone: str = ""
    registration: CommunityRegistration | None = None

    @property
    def empty(self) -> bool:
        return self.person is None and not self.name


def _ensure_nodes(campaign: Campaign, org: Org, names: list[str], created: list[GridNode]) -> GridNode:
    """Find or create the nodes along compound/building/unit; new nodes belong to `org`."""
    parent = None
    levels = [GridLevel.COMPOUND, GridLevel.BUILDING, GridLevel.UNIT]
    node = None
    for depth, name in enumerate(names):
        key = "/".join(names[: depth + 1])
        node = GridNode.objects.filter(campaign=campaign, key=key).first()
        if node is None:
            node = GridNode.objects.create(
                campaign=campaign, org=org, parent=parent, level=levels[depth], name=name, key=key
            )
            created.append(node)
        parent = node
    assert node is not None
    return node


def _apply_lead(node: GridNode, lead: GridLead, since: dt.date) -> bool:
    """Set the node's lead; returns whether anything changed."""
    person = lead.person
    name = person.name if person else lead.name
    phone = "" if person else lead.phone
    if (node.lead_person_id, node.lead_name, node.lead_phone) == (person.pk if person else None, name, phone):
        return False
    node.lead_person = person
    node.lead_name = name
    node.lead_phone = phone
    node.lead_since = since if name else None
    node.registration = lead.registration
    node.save(
        update_fields=["lead_person", "lead_name", "lead_phone", "lead_since", "registration", "updated_at"]
    )
    return True


def _check_lead(errors, field: str, lead: GridLead, campaign: Campaign) -> GridLead:
    if lead.registration is not None:
        reg = CommunityRegistration.objects.select_related("person").get(pk=lead.registration.pk)
        if reg.campaign_id != campaign.pk or reg.ended_on is not None:
            _err(errors, field, "该报到记录已结束或不属于本次动员。")
        lead.person = reg.person
        lead.registration = reg
    if lead.person is not None:
        lead.person = _fresh(lead.person)
        if lead.person.reduction:
            _err(errors, field, f"{lead.person.name}已减少（不在册）。")
    elif lead.name:
        lead.name, lead.phone = _clean_other(lead.name, lead.phone, errors, field)
    return lead


@transaction.atomic
def grid_node_save(
    *,
    actor,
    campaign: Campaign,
    org: Org,
    compound: str,
    building: str = "",
    unit: str = "",
    lead: GridLead | None = None,
    since: dt.date | None = None,
) -> GridNode:
    """Add a compound, building or unit (and the levels above it when missing), with its lead if any."""
    campaign = _lock(campaign)
    _require_active(campaign, "调整网格包保")
    org = Org.objects.get(pk=org.pk) if org is not None else None
    if org is not None:
        _require(actor, org, "您无权为该党组织安排网格包保。")
    errors: dict[str, list[str]] = {}
    _check_org(errors, "org", campaign, org, allow_temporary=True)
    names = [(compound or "").strip(), (building or "").strip(), (unit or "").strip()]
    if not names[0]:
        _err(errors, "compound", "请填写小区名称。")
    if names[2] and not names[1]:
        _err(errors, "unit", "填写单元时须同时填写楼栋。")
    for label, field, value in (
        ("小区", "compound", names[0]),
        ("楼栋", "building", names[1]),
        ("单元", "unit", names[2]),
    ):
        for message in _grid_name_errors(label, value):
            _err(errors, field, message)
    names = [n for n in names if n]
    existing = GridNode.objects.filter(
        campaign=campaign, key__in=["/".join(names[: i + 1]) for i in range(len(names))]
    )
    for node in existing.select_related("org"):
        if actor is not None and not scope.can(actor, Action.CHANGE_PERSON, node.org):
            _err(errors, "compound", f"“{node.key}”由“{node.org.name}”包保，您无权调整。")
    lead = _check_lead(errors, "lead", lead or GridLead(), campaign)
    _raise(errors)
    if lead.person is not None and lead.registration is None:
        _check_visible(actor, campaign, [lead.person])
    created: list[GridNode] = []
    node = _ensure_nodes(campaign, org, names, created)
    for new in created:
        record_change(
            actor=actor,
            action=ChangeAction.CREATE,
            obj=new,
            after={"完整名称": new.key, "包保党组织": org.name},
        )
    if not lead.empty:
        before = snapshot(node, GRID_LEAD_FIELDS)
        if _apply_lead(node, lead, since or _today()):
            record_change(
                actor=actor, action=ChangeAction.UPDATE, obj=node, before=before,
                after=snapshot(node, GRID_LEAD_FIELDS), message=f"确定{node.lead_title}",
            )  # fmt: skip
    return node


@transaction.atomic
def grid_lead_set(*, actor, node: GridNode, lead: GridLead, since: dt.date | None = None) -> GridNode:
    """Set (or, with an empty lead, clear) the lead of a compound, building or unit."""
    node = GridNode.objects.select_related("org", "campaign").get(pk=node.pk)
    campaign = _lock(node.campaign)
    _require(actor, node.org, "您无权调整该网格的包保负责人。")
    _require_active(campaign, "调整网格包保")
    errors: dict[str, list[str]] = {}
    lead = _check_lead(errors, "lead", lead, campaign)
    if lead.registration is not None and not node.org.path.startswith(lead.registration.community.path):
        _err(
            errors,
            "lead",
            f"{lead.person.name}报到的是“{lead.registration.community.name}”，只能在该社区包保。",
        )
    _raise(errors)
    if lead.person is not None and lead.registration is None:
        _check_visible(actor, campaign, [lead.person])
    before = snapshot(node, GRID_LEAD_FIELDS)
    if _apply_lead(node, lead, since or _today()):
        record_change(
            actor=actor, action=ChangeAction.UPDATE, obj=node, before=before, after=snapshot(node, GRID_LEAD_FIELDS),
            message=f"确定{node.lead_title}" if node.lead_name else f"取消{node.lead_title}",
        )  # fmt: skip
    return node


@dataclass
class GridRow:
    """One parsed row of a grid spreadsheet (see gridfile.py)."""

    number: int
    org: Org
    compound: str
    building: str = ""
    unit: str = ""
    lead: GridLead | None = None

    @property
    def key(self) -> str:
        return grid_key(self.compound, self.building, self.unit)


@dataclass
class GridImportResult:
    created: int = 0  # nodes added
    leads_set: int = 0  # leads added or changed
    unchanged: int = 0  # rows that changed nothing
    dry_run: bool = False


class GridImportError(ValidationError):
    """Every row problem of a grid import, as (row, column, message); nothing was written."""

    def __init__(self, problems: list[tuple[int, str, str]]):
        self.problems = sorted(problems)
        super().__init__([f"第{row}行 {column}：{message}" for row, column, message in self.problems[:200]])


@transaction.atomic
def grid_import(*, actor, campaign: Campaign, rows: list[GridRow], dry_run: bool = False) -> GridImportResult:
    """Enter a whole grid (compounds → buildings → units, with leads) at once: all or nothing.

    Nodes are found by their full name, so importing the same file again changes nothing; a row
    with a lead sets (or replaces) that node's lead, a row without one only adds the node.
    """
    campaign = _lock(campaign)
    problems: list[tuple[int, str, str]] = []
    if not campaign.is_active:
        problems.append((0, "", f"“{campaign.name}”已结束，不能再调整网格包保。"))
    seen: dict[str, int] = {}
    allowed: dict[int, bool] = {}
    existing = {n.key: n for n in GridNode.objects.filter(campaign=campaign).select_related("org")}
    for row in rows:
        errors: dict[str, list[str]] = {}
        _check_org(errors, "org", campaign, row.org)
        if row.org is not None and actor is not None:
            if row.org.pk not in allowed:
                allowed[row.org.pk] = scope.can(actor, Action.CHANGE_PERSON, row.org)
            if not allowed[row.org.pk]:
                _err(errors, "包保党组织代码", f"“{row.org.name}”不在您的管理范围内。")
        if not row.compound:
            _err(errors, "小区", "请填写小区名称。")
        if row.unit and not row.building:
            _err(errors, "单元", "填写单元时须同时填写楼栋。")
        for label, value in (("小区", row.compound), ("楼栋", row.building), ("单元", row.unit)):
            for message in _grid_name_errors(label, value):
                _err(errors, label, message)
        if row.key in seen:
            _err(errors, "小区", f"与第{seen[row.key]}行是同一{_level_label(row)}（{row.key}）。")
        seen.setdefault(row.key, row.number)
        node = existing.get(row.key)
        if node is not None and row.org is not None and node.org_id != row.org.pk:
            _err(errors, "包保党组织代码", f"“{row.key}”已由“{node.org.name}”包保。")
        if row.lead is not None and row.lead.person is not None and row.lead.person.reduction:
            _err(errors, "负责人姓名", f"{row.lead.person.name}已减少（不在册）。")
        for field, messages in errors.items():
            label = {"org": "包保党组织代码"}.get(field, field)
            problems.extend((row.number, label, m) for m in messages)
    if problems:
        raise GridImportError(problems)
    if actor is not None:
        people = [r.lead.person for r in rows if r.lead is not None and r.lead.person is not None]
        ids = {p.pk for p in people}
        visible = set(
            selectors.visible_people(actor, campaign).filter(pk__in=ids).values_list("pk", flat=True)
        )
        hidden = [(r.number, "公民身份号码", f"{r.lead.person.name}不在您的管理范围内，也未到本社区报到。") for r in rows
                  if r.lead is not None and r.lead.person is not None and r.lead.person.pk not in visible]  # fmt: skip
        if hidden:
            raise GridImportError(hidden)
    result = GridImportResult(dry_run=dry_run)
    today = _today()
    for row in sorted(rows, key=lambda r: r.key):
        names = [n for n in (row.compound, row.building, row.unit) if n]
        created: list[GridNode] = []
        node = _ensure_nodes(campaign, row.org, names, created)
        result.created += len(created)
        for new in created:
            existing[new.key] = new
        changed = bool(created)
        if row.lead is not None and not row.lead.empty and _apply_lead(node, row.lead, today):
            result.leads_set += 1
            changed = True
        if not changed:
            result.unchanged += 1
    if dry_run:
        transaction.set_rollback(True)
        return result
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=campaign,
        message=f"导入网格包保：新增网格{result.created}个，确定负责人{result.leads_set}名，未变化{result.unchanged}行。",
    )  # fmt: skip
    return result


def _level_label(row: GridRow) -> str:
    return "单元" if row.unit else "楼栋" if row.building else "小区"


@transaction.atomic
def grid_bulk_create(*, actor, campaign: Campaign, rows: list[dict[str, Any]]) -> int:
    """A whole grid at once (demo data, benchmarks). Row: org, compound, buildings: [{"name", "lead",
    "units": [{"name", "lead"}]}], lead — each lead a GridLead or None. Returns the nodes created."""
    campaign = _lock(campaign)
    _require_active(campaign, "调整网格包保")
    problems = _bulk_scope(actor, [r["org"] for r in rows])
    keys: set[str] = set(GridNode.objects.filter(campaign=campaign).values_list("key", flat=True))
    for i, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        _check_org(errors, "org", campaign, row["org"])
        if row["compound"] in keys:
            _err(errors, "compound", f"“{row['compound']}”已存在。")
        keys.add(row["compound"])
        problems += [f"第{i}行（{row['compound']}）：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    today = _today()

    def node(org, parent, level, name, key, lead: GridLead | None) -> GridNode:
        person = lead.person if lead else None
        return GridNode(
            campaign=campaign, org=org, parent=parent, level=level, name=name, key=key, lead_person=person,
            lead_name=(person.name if person else lead.name) if lead else "", lead_phone=lead.phone if lead and not person else "",
            lead_since=today if lead else None, registration=lead.registration if lead else None,
        )  # fmt: skip

    compounds = [
        node(r["org"], None, GridLevel.COMPOUND, r["compound"], r["compound"], r.get("lead")) for r in rows
    ]
    _insert_with_ids(GridNode, compounds, campaign=campaign)
    buildings, building_rows = [], []
    for compound, row in zip(compounds, rows, strict=True):
        for b in row.get("buildings", ()):
            buildings.append(node(row["org"], compound, GridLevel.BUILDING, b["name"], f"{compound.key}/{b['name']}",
                                  b.get("lead")))  # fmt: skip
            building_rows.append((row["org"], b))
    _insert_with_ids(GridNode, buildings, campaign=campaign)
    units = [
        node(org, building, GridLevel.UNIT, u["name"], f"{building.key}/{u['name']}", u.get("lead"))
        for building, (org, b) in zip(buildings, building_rows, strict=True)
        for u in b.get("units", ())
    ]
    _insert_with_ids(GridNode, units, campaign=campaign)
    created = compounds + buildings + units
    _bulk_records(actor, compounds, "mobilization.gridnode", "批量建立网格包保")
    return len(created)
