"""Planning the 党组织 sheet: match orgs by code, validate the new ones and where they go."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.interchange.importer.parse import (
    CHUNK,
    OUT_OF_SCOPE,
    _Collector,
    _ok,
    _org_known,
    _Row,
)
from dangjian.interchange.layout import (
    ORG_KIND_LABELS,
    ORGS,
    UNIT_TYPE_LABELS,
    YES_NO,
    columns_by_header,
)
from dangjian.interchange.reader import WARNING
from dangjian.orgs.models import Org, OrgKind
from dangjian.orgs.services import placement_errors


@dataclass
class _NewOrg:
    row: _Row
    code: str
    fields: dict[str, Any]
    parent_code: str
    children: list[_NewOrg] = field(default_factory=list)
    probe: Org | None = None  # an unsaved Org standing in as parent for the placement rules


def _plan_orgs(rows: list[_Row], anchor: Org | None, actor, out: _Collector):
    """Match orgs by code, validate the new ones; return (code → Org, new roots by parent)."""
    header = {c.key: c.header for c in columns_by_header(ORGS).values()}
    codes: dict[str, _Row] = {}
    for row in rows:
        code = row.values.get("code") or ""
        if not code:
            continue
        if code in codes:
            out.add(ORGS, row.number, header["code"], code, f"组织编码与第{codes[code].number}行重复。")
            continue
        codes[code] = row
    wanted = set(codes) | {r.values.get("parent_code") for r in rows if r.values.get("parent_code")}
    existing = _orgs_by_code(wanted)
    parent_paths = {o.path[: -Org.steplen] for o in existing.values() if o.depth > 1}
    parent_codes = dict(Org.objects.filter(path__in=parent_paths).values_list("path", "code"))
    new: dict[str, _NewOrg] = {}
    for code, row in codes.items():
        v = row.values
        kind = ORG_KIND_LABELS.get(v.get("kind") or "", "")
        parent_code = v.get("parent_code") or ""
        if code in existing:
            org = existing[code]
            if not _org_known(actor, org):
                # Neither its name nor its parent: the row only learns that it may not touch it.
                out.add(ORGS, row.number, header["code"], code, f"组织编码“{code}”{OUT_OF_SCOPE}")
                continue
            actual = parent_codes.get(org.path[: -Org.steplen], "")
            if parent_code and actual != parent_code:
                out.add(ORGS, row.number, header["parent_code"], parent_code,
                        f"组织“{code}”在系统中已存在，上级为“{actual or '（无）'}”，与表中不一致；"
                        "调整隶属关系请在系统中办理“组织调整”。")  # fmt: skip
            if kind and org.kind != kind:
                out.add(ORGS, row.number, header["kind"], v.get("kind"),
                        f"组织“{code}”在系统中为“{org.get_kind_display()}”，与表中不一致。")  # fmt: skip
            if v.get("name") and v["name"] != org.name:
                out.add(ORGS, row.number, header["name"], v["name"],
                        f"系统中该组织名称为“{org.name}”，保留系统中的名称。", WARNING)  # fmt: skip
            if anchor is not None and not org.path.startswith(anchor.path):
                out.add(ORGS, row.number, header["code"], code, f"组织“{code}”不在“{anchor.name}”之下。")
            continue
        authority = v.get("approval_authority") or ""
        fields = {
            "code": code, "name": v.get("name") or "", "kind": kind,
            "unit_type": UNIT_TYPE_LABELS.get(v.get("unit_type") or "", "other"),
            "has_approval_authority": YES_NO.get(authority, False),
        }  # fmt: skip
        if len(code) > 32:
            out.add(ORGS, row.number, header["code"], code, "组织编码不能超过32个字符。")
        if len(fields["name"]) > 120:
            out.add(ORGS, row.number, header["name"], fields["name"], "组织名称不能超过120个字。")
        new[code] = _NewOrg(row, code, fields, parent_code)
    # Parents and placement, walking each new org up to something that exists.
    roots: dict[int | None, list[_NewOrg]] = defaultdict(list)
    for item in new.values():
        item.probe = Org(code=item.code, name=item.fields["name"], kind=item.fields["kind"] or OrgKind.BRANCH)
    for item in new.values():
        row = item.row
        if not _ok(row, "kind"):
            continue
        if item.parent_code:
            if item.parent_code in new:
                parent_item = new[item.parent_code]
                parent_item.children.append(item)
                parent: Org | None = parent_item.probe
            elif item.parent_code in existing:
                parent = existing[item.parent_code]
                if not _org_known(actor, parent):
                    out.add(ORGS, row.number, header["parent_code"], item.parent_code,
                            f"上级组织编码“{item.parent_code}”{OUT_OF_SCOPE}")  # fmt: skip
                    continue
                roots[parent.pk].append(item)
            else:
                out.add(ORGS, row.number, header["parent_code"], item.parent_code,
                        f"上级组织编码“{item.parent_code}”既不在本表中，也不在系统中。")  # fmt: skip
                continue
        elif anchor is not None:
            parent = anchor
            roots[anchor.pk].append(item)
        else:
            if actor is not None and not actor.is_superuser:
                out.add(ORGS, row.number, header["parent_code"], "",
                        "上级组织编码为空：只有系统管理员可以导入顶层党组织；请填写上级组织编码，"
                        "或在导入时选择导入到哪个党组织之下。")  # fmt: skip
                continue
            parent = None
            roots[None].append(item)
        for message in placement_errors(
            kind=item.fields["kind"],
            parent=parent,
            has_approval_authority=item.fields["has_approval_authority"],
        ):
            out.add(ORGS, row.number, header["kind"], row.values.get("kind"), str(message))
    # Cycles among the new orgs: a chain of parents that never reaches an existing org.
    for code, item in new.items():
        seen = {code}
        parent_code = item.parent_code
        while parent_code in new:
            if parent_code in seen:
                out.add(
                    ORGS, item.row.number, header["parent_code"], item.parent_code, "上级组织编码形成了循环。"
                )
                break
            seen.add(parent_code)
            parent_code = new[parent_code].parent_code
    if actor is not None or anchor is not None:
        parents = Org.objects.in_bulk([pk for pk in roots if pk is not None])
        for pk, items in roots.items():
            if pk is None:
                continue
            parent = parents[pk]
            if anchor is not None and not parent.path.startswith(anchor.path):
                for item in items:
                    out.add(ORGS, item.row.number, header["parent_code"], item.parent_code,
                            f"上级组织“{parent.name}”不在“{anchor.name}”之下。")  # fmt: skip
            if actor is not None and not scope.can(actor, Action.CHANGE_ORG, parent):
                for item in items:
                    out.add(ORGS, item.row.number, header["parent_code"], item.parent_code or "",
                            f"您无权在“{parent.name}”下设立组织。")  # fmt: skip
    return existing, new, roots


def _orgs_by_code(codes) -> dict[str, Org]:
    codes = [c for c in codes if c]
    out: dict[str, Org] = {}
    for start in range(0, len(codes), CHUNK):
        out.update({o.code: o for o in Org.objects.filter(code__in=codes[start : start + CHUNK])})
    return out


def _nodes(items: list[_NewOrg]) -> list[dict]:
    return [{**item.fields, "children": _nodes(item.children)} for item in items]
