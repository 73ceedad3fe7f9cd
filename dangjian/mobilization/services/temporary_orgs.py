"""Temporary party organizations: what one may do (RULES.md §7.4), setting one up, its secretary,
secondments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.base.bulk import insert_rows
from dangjian.orgs.models import COMMITTEE_KINDS, TEMPORARY_KINDS, Org
from dangjian.people.membership import full_member_on
from dangjian.people.models import Person

from ..models import Campaign, Secondment, TemporaryOrg, TemporaryRole
from ._common import (
    BulkError,
    _bulk_records,
    _bulk_scope,
    _check_org,
    _check_period,
    _check_visible,
    _d,
    _err,
    _fresh,
    _is_member,
    _lock,
    _not_member,
    _raise,
    _require,
    _require_active,
    _today,
)

# ---- what a temporary org may do ---------------------------------------------------------------


@dataclass(frozen=True)
class Power:
    code: str
    label: str
    allowed: bool
    note: str = ""


POWERS: tuple[Power, ...] = (
    Power("study", "组织政治学习", True),
    Power("educate", "教育、管理、监督党员", True),
    Power("cultivate", "教育培养入党积极分子", True),
    Power("accept_applications", "接收入党申请", True, "材料转交申请人原单位党组织"),
    Power("recommend", "一线推荐入党", True, "由原单位党组织建立发展纪实"),
    Power("admit", "发展党员、接收预备党员", False, "2020年疫情防控一线经上级党委批准设立的除外"),
    Power("discipline", "处分处置党员", False),
    Power("dues", "收缴党费", False, "党员在原单位党组织交纳党费"),
    Power("elections", "选举代表、换届选举", False),
)


POWER_BY_CODE = {p.code: p for p in POWERS}


def frontline_window() -> tuple[dt.date, dt.date]:
    """The 2020 frontline exception's window, as the national rule set has it (R-FRONTLINE)."""
    from dangjian.development.rules import RULE_BY_ID

    params = RULE_BY_ID["R-FRONTLINE"].params
    return dt.date.fromisoformat(params["window_start"]), dt.date.fromisoformat(params["window_end"])


def frontline_applies(campaign: Campaign, on: dt.date) -> bool:
    start, end = frontline_window()
    return campaign.frontline and start <= on <= end


def temporary_org_may(org: Org, power: str, *, on: dt.date | None = None) -> bool:
    """Whether `org` may exercise `power` (a code of POWERS). Ordinary orgs are not limited here."""
    if power not in POWER_BY_CODE:
        raise ValueError(power)
    if org.kind not in TEMPORARY_KINDS:
        return True
    if power == "admit":
        link = TemporaryOrg.objects.filter(org=org).select_related("campaign").first()
        return link is not None and frontline_applies(link.campaign, on or _today())
    return POWER_BY_CODE[power].allowed


def temporary_org_powers(link: TemporaryOrg) -> list[tuple[Power, bool]]:
    on = min(_today(), link.org.dissolved_on or _today())
    return [
        (p, temporary_org_may(link.org, p.code, on=link.approved_on if p.code == "admit" else on))
        for p in POWERS
    ]


def require_temporary_org_may(org: Org, power: str, *, on: dt.date | None = None) -> None:
    if not temporary_org_may(org, power, on=on):
        p = POWER_BY_CODE[power]
        raise ValidationError(
            f"临时党组织“{org.name}”不能{p.label}（{p.note or '《中国共产党支部工作条例》'}）。"
        )


# ---- temporary party organizations -------------------------------------------------------------


def _temporary_org_errors(
    *,
    campaign: Campaign,
    parent: Org | None,
    kind: str,
    approved_by: Org | None,
    approved_on,
    secretary: Person | None,
    on: dt.date | None = None,
) -> dict[str, list[str]]:
    """The checks of a temporary org; the secretary is judged as of `on` (default the approval date)."""
    on = on or approved_on
    errors: dict[str, list[str]] = {}
    if kind not in TEMPORARY_KINDS:
        _err(errors, "kind", "请选择临时党委、临时党支部或临时党小组。")
    _check_org(errors, "parent", campaign, parent)
    if approved_by is None:
        _err(errors, "approved_by", "请选择批准设立的党委。")
    elif approved_by.kind not in COMMITTEE_KINDS:
        _err(errors, "approved_by", f"“{approved_by.name}”不是党委，临时党组织须经上级党委批准设立。")
    elif not approved_by.is_active:
        _err(errors, "approved_by", f"“{approved_by.name}”已撤销。")
    elif parent is not None and not parent.path.startswith(approved_by.path):
        _err(errors, "approved_by", f"批准设立的党委应是“{parent.name}”或它的上级党委。")
    elif (
        approved_by.is_temporary
        and not TemporaryOrg.objects.filter(org=approved_by, campaign=campaign).exists()
    ):
        _err(errors, "approved_by", f"“{approved_by.name}”不是本次动员的临时党委。")
    _check_period(errors, "approved_on", campaign, approved_on, "批准日期")
    if secretary is None:
        _err(errors, "secretary", "请选择书记（由批准设立的党委任命）。")
    elif not full_member_on(secretary, on or _today()):
        _err(errors, "secretary", f"书记应由正式党员担任：{_not_member(secretary, on, full=True)}")
    elif secretary.on_probation_watch:
        _err(errors, "secretary", f"{secretary.name}在留党察看期间，不能担任书记。")
    return errors


def _next_temp_code(campaign: Campaign) -> str:
    prefix = f"LS{campaign.pk}-"
    taken = Org.objects.filter(code__startswith=prefix).count()
    n = taken + 1
    while Org.objects.filter(code=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"


@transaction.atomic
def temporary_org_create(
    *,
    actor,
    campaign: Campaign,
    parent: Org,
    kind: str,
    name: str,
    approved_by: Org,
    approved_on: dt.date,
    secretary: Person,
    code: str = "",
    approval_ref: str = "",
    mission: str = "",
) -> TemporaryOrg:
    """Set up a temporary party org: an org of the tree (org_create) plus its approval and secretary.

    The secretary is seconded to it; their home org does not change.
    """
    from dangjian.orgs.services import org_create

    campaign = _lock(campaign)
    _require_active(campaign, "设立临时党组织")
    parent = Org.objects.get(pk=parent.pk) if parent is not None else None
    approved_by = Org.objects.get(pk=approved_by.pk) if approved_by is not None else None
    secretary = _fresh(secretary) if secretary is not None else None
    if parent is not None:
        _require(
            actor, parent, "您无权在该党组织下设立临时党组织（须由上级党委的组织员办理）。", Action.CHANGE_ORG
        )
    errors = _temporary_org_errors(
        campaign=campaign, parent=parent, kind=kind, approved_by=approved_by, approved_on=approved_on,
        secretary=secretary,
    )  # fmt: skip
    if not (name or "").strip():
        _err(errors, "name", "请填写临时党组织名称。")
    _raise(errors)
    _check_visible(actor, campaign, [secretary])
    org = org_create(
        actor=actor, parent=parent, code=(code or "").strip() or _next_temp_code(campaign), name=name.strip(),
        kind=kind, unit_type=parent.unit_type, founded_on=approved_on,
    )  # fmt: skip
    link = TemporaryOrg.objects.create(
        campaign=campaign, org=org, approved_by=approved_by, approved_on=approved_on,
        approval_ref=(approval_ref or "").strip(), secretary=secretary, mission=(mission or "").strip(),
    )  # fmt: skip
    Secondment.objects.create(
        temporary_org=link, person=secretary, home_org=secretary.org, role=TemporaryRole.SECRETARY,
        joined_on=approved_on,
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=link,
        after=snapshot(link, ("campaign", "org", "approved_by", "approved_on", "approval_ref", "secretary", "mission")),
    )  # fmt: skip
    return link


@transaction.atomic
def secondment_add(
    *,
    actor,
    temporary_org: TemporaryOrg,
    person: Person,
    joined_on: dt.date,
    role: str = TemporaryRole.MEMBER,
) -> Secondment:
    """Second a party member to a temporary org. Their home org (组织关系) stays as it is."""
    link = TemporaryOrg.objects.select_related("org", "campaign", "campaign__org").get(pk=temporary_org.pk)
    campaign = _lock(link.campaign)
    _require(actor, link.org, "您无权调整该临时党组织的成员。")
    _require_active(campaign, "编入成员")
    person = _fresh(person)
    errors: dict[str, list[str]] = {}
    if not link.org.is_active:
        _err(errors, "person", f"“{link.org.name}”已撤销。")
    if role not in TemporaryRole.values or role == TemporaryRole.SECRETARY:
        _err(errors, "role", "请选择副书记、委员或党员；书记由批准设立的党委任命（见“任命书记”）。")
    if not _is_member(person, joined_on):
        _err(
            errors,
            "person",
            f"{_not_member(person, joined_on)}临时党组织成员应是党员（入党积极分子可编入队伍）。",
        )
    elif Secondment.objects.filter(temporary_org=link, person=person, left_on__isnull=True).exists():
        _err(errors, "person", f"{person.name}已是该临时党组织的成员。")
    _check_period(errors, "joined_on", campaign, joined_on, "编入日期")
    if joined_on and link.org.founded_on and joined_on < link.org.founded_on:
        _err(errors, "joined_on", f"编入日期不能早于临时党组织成立日期（{_d(link.org.founded_on)}）。")
    _raise(errors)
    _check_visible(actor, campaign, [person])
    secondment = Secondment.objects.create(
        temporary_org=link, person=person, home_org=person.org, role=role, joined_on=joined_on
    )
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=secondment,
        after=snapshot(secondment, ("temporary_org", "person", "home_org", "role", "joined_on")),
    )  # fmt: skip
    return secondment


@transaction.atomic
def secondment_end(*, actor, secondment: Secondment, left_on: dt.date) -> Secondment:
    secondment = Secondment.objects.select_related(
        "temporary_org__org", "temporary_org__campaign", "person"
    ).get(pk=secondment.pk)
    link = secondment.temporary_org
    _require(actor, link.org, "您无权调整该临时党组织的成员。")
    errors: dict[str, list[str]] = {}
    if secondment.left_on is not None:
        _err(errors, "left_on", f"{secondment.person.name}已于{_d(secondment.left_on)}离开。")
    if secondment.role == TemporaryRole.SECRETARY:
        _err(errors, "left_on", "书记不能直接离开，请先任命新的书记。")
    if left_on is None or left_on < secondment.joined_on or left_on > _today():
        _err(errors, "left_on", "离开日期应在编入日期之后，且不晚于今天。")
    _raise(errors)
    secondment.left_on = left_on
    secondment.save(update_fields=["left_on"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=secondment, before={"离开日期": None},
        after={"离开日期": left_on.isoformat()},
    )  # fmt: skip
    return secondment


@transaction.atomic
def temporary_org_appoint_secretary(
    *, actor, temporary_org: TemporaryOrg, person: Person, on: dt.date
) -> TemporaryOrg:
    """The approving committee appoints a new secretary; the former one stays on as a member."""
    link = TemporaryOrg.objects.select_related("org", "campaign", "secretary").get(pk=temporary_org.pk)
    campaign = _lock(link.campaign)
    _require(actor, link.org, "您无权任命该临时党组织的书记。", Action.CHANGE_ORG)
    _require_active(campaign, "任命书记")
    person = _fresh(person)
    errors = _temporary_org_errors(
        campaign=campaign, parent=Org.objects.get_parent(link.org), kind=link.org.kind,
        approved_by=link.approved_by, approved_on=link.approved_on, secretary=person, on=on,
    )  # fmt: skip
    errors = {k: v for k, v in errors.items() if k == "secretary"}
    if person.pk == link.secretary_id:
        _err(errors, "secretary", f"{person.name}已是书记。")
    _check_period(errors, "on", campaign, on, "任命日期")
    _raise(errors)
    _check_visible(actor, campaign, [person])
    before = {"书记": link.secretary.name}
    Secondment.objects.filter(temporary_org=link, role=TemporaryRole.SECRETARY, left_on__isnull=True).update(
        role=TemporaryRole.MEMBER
    )
    current = Secondment.objects.filter(temporary_org=link, person=person, left_on__isnull=True).first()
    if current is None:
        Secondment.objects.create(
            temporary_org=link, person=person, home_org=person.org, role=TemporaryRole.SECRETARY, joined_on=on
        )
    else:
        current.role = TemporaryRole.SECRETARY
        current.save(update_fields=["role"])
    link.secretary = person
    link.save(update_fields=["secretary"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=link, before=before, after={"书记": person.name}
    )
    return link


@transaction.atomic
def temporary_orgs_bulk_create(*, actor, campaign: Campaign, rows: list[dict[str, Any]]) -> int:
    """Many temporary orgs at once (demo data, benchmarks): the same rules, one tree insert per parent.

    Each row: parent, kind, name, approved_by, approved_on, secretary, optional code, mission,
    approval_ref, members (people seconded as 党员).
    """
    from dangjian.orgs.services import org_tree_bulk_create

    campaign = _lock(campaign)
    _require_active(campaign, "设立临时党组织")
    problems = _bulk_scope(actor, [r["parent"] for r in rows], Action.CHANGE_ORG)
    start = TemporaryOrg.objects.filter(campaign=campaign).count()
    for i, row in enumerate(rows, start=1):
        row.setdefault("code", f"LS{campaign.pk}-{start + i:05d}")
        errors = _temporary_org_errors(
            campaign=campaign, parent=row["parent"], kind=row["kind"], approved_by=row["approved_by"],
            approved_on=row["approved_on"], secretary=row["secretary"],
        )  # fmt: skip
        for member in row.get("members", ()):
            if not _is_member(member, row["approved_on"]):
                _err(errors, "members", _not_member(member, row["approved_on"]))
        problems += [f"第{i}行（{row['name']}）：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    by_parent: dict[int, list[dict]] = defaultdict(list)
    parents = {}
    for row in rows:
        by_parent[row["parent"].pk].append(row)
        parents[row["parent"].pk] = row["parent"]
    for parent_id, group in by_parent.items():
        parent = parents[parent_id]
        org_tree_bulk_create(
            actor=actor, parent=parent,
            nodes=[{"code": r["code"], "name": r["name"], "kind": r["kind"], "unit_type": parent.unit_type,
                    "founded_on": r["approved_on"]} for r in group],
        )  # fmt: skip
    orgs = {o.code: o for o in Org.objects.filter(code__in=[r["code"] for r in rows])}
    links = [
        TemporaryOrg(
            campaign=campaign, org=orgs[r["code"]], approved_by=r["approved_by"], approved_on=r["approved_on"],
            approval_ref=r.get("approval_ref", ""), secretary=r["secretary"], mission=r.get("mission", ""),
        )
        for r in rows
    ]  # fmt: skip
    TemporaryOrg.objects.bulk_create(links, batch_size=2000)
    secondments = []
    for link, row in zip(links, rows, strict=True):
        secondments.append(Secondment(temporary_org=link, person=row["secretary"], home_org_id=row["secretary"].org_id,
                                      role=TemporaryRole.SECRETARY, joined_on=row["approved_on"]))  # fmt: skip
        secondments += [
            Secondment(temporary_org=link, person=m, home_org_id=m.org_id, role=TemporaryRole.MEMBER,
                       joined_on=row["approved_on"])
            for m in row.get("members", ()) if m.pk != row["secretary"].pk
        ]  # fmt: skip
    insert_rows(Secondment, secondments)
    _bulk_records(actor, links, "mobilization.temporaryorg", "批量设立临时党组织")
    return len(links)
