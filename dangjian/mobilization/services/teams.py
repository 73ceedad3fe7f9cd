"""Teams (突击队、先锋队、应急队、志愿服务队) and their members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.base.bulk import insert_rows
from dangjian.orgs.models import Org
from dangjian.people.models import Person

from ..models import PARTY_TEAM_KINDS, Campaign, CommunityRegistration, Team, TeamKind, TeamMember, TeamRole
from ._common import (
    BulkError,
    _bulk_records,
    _bulk_scope,
    _check_org,
    _check_period,
    _check_visible,
    _clean_other,
    _d,
    _err,
    _fresh,
    _insert_with_ids,
    _is_member,
    _lock,
    _not_member,
    _off_books,
    _raise,
    _require,
    _require_active,
    _today,
)

TEAM_FIELDS = ("name", "kind", "org", "mission", "starts_on", "ends_on")


def _member_row(
    team: Team, person: Person | None, name: str, phone: str, role: str, joined_on, registration=None
):
    return TeamMember(
        team=team, person=person, name=person.name if person else name, phone="" if person else phone,
        is_party_member=bool(person and _is_member(person, joined_on)), role=role, joined_on=joined_on,
        registration=registration,
    )  # fmt: skip


@transaction.atomic
def team_create(
    *,
    actor,
    campaign: Campaign,
    org: Org,
    kind: str,
    name: str,
    starts_on: dt.date,
    mission: str = "",
    ends_on: dt.date | None = None,
    leader: Person | None = None,
    leader_name: str = "",
    leader_phone: str = "",
    members: Sequence[Person] = (),
    others: Sequence[tuple[str, str]] = (),
) -> Team:
    """A team with its leader, its members who have files, and others (name and phone)."""
    campaign = _lock(campaign)
    _require_active(campaign, "组建队伍")
    org = Org.objects.get(pk=org.pk) if org is not None else None
    if org is not None:
        _require(actor, org, "您无权为该党组织组建队伍。")
    errors: dict[str, list[str]] = {}
    _check_org(errors, "org", campaign, org)
    if kind not in TeamKind.values:
        _err(errors, "kind", "请选择队伍类别。")
    name = (name or "").strip()
    if not name:
        _err(errors, "name", "请填写队伍名称。")
    elif org is not None and Team.objects.filter(campaign=campaign, org=org, name=name).exists():
        _err(errors, "name", f"“{org.name}”已有名为“{name}”的队伍。")
    _check_period(errors, "starts_on", campaign, starts_on, "组建日期", future=True)
    if ends_on and starts_on and ends_on < starts_on:
        _err(errors, "ends_on", "结束日期不能早于组建日期。")
    leader = _fresh(leader) if leader is not None else None
    people = [_fresh(p) for p in members]
    if leader is None and not (leader_name or "").strip():
        _err(errors, "leader", "请确定队长。")
    if kind in PARTY_TEAM_KINDS and (leader is None or not _is_member(leader, starts_on)):
        label = TeamKind(kind).label if kind in TeamKind.values else ""
        _err(errors, "leader", f"{label}的队长应由在册党员担任。")
        if leader is not None:
            _err(errors, "leader", _not_member(leader, starts_on))
    for person in [p for p in [leader, *people] if p is not None]:
        if _off_books(person, starts_on):
            _err(errors, "members", _not_member(person, starts_on))
    ids = [p.pk for p in people] + ([leader.pk] if leader else [])
    if len(ids) != len(set(ids)):
        _err(errors, "members", "同一人不能重复编入。")
    cleaned_others = [_clean_other(n, ph, errors, "others") for n, ph in others]
    lead_other = (
        _clean_other(leader_name, leader_phone, errors, "leader") if leader is None and leader_name else None
    )
    _raise(errors)
    _check_visible(actor, campaign, [p for p in [leader, *people] if p is not None])
    team = Team.objects.create(
        campaign=campaign, org=org, kind=kind, name=name, mission=(mission or "").strip(), starts_on=starts_on,
        ends_on=ends_on,
    )  # fmt: skip
    rows = []
    if leader is not None:
        rows.append(_member_row(team, leader, "", "", TeamRole.LEADER, starts_on))
    elif lead_other is not None:
        rows.append(_member_row(team, None, lead_other[0], lead_other[1], TeamRole.LEADER, starts_on))
    rows += [_member_row(team, p, "", "", TeamRole.MEMBER, starts_on) for p in people]
    rows += [_member_row(team, None, n, ph, TeamRole.MEMBER, starts_on) for n, ph in cleaned_others]
    TeamMember.objects.bulk_create(rows)
    after = snapshot(team, TEAM_FIELDS) | {"队长": rows[0].name, "队员人数": len(rows)}
    record_change(actor=actor, action=ChangeAction.CREATE, obj=team, after=after)
    return team


@transaction.atomic
def team_member_add(
    *,
    actor,
    team: Team,
    person: Person | None = None,
    name: str = "",
    phone: str = "",
    role: str = TeamRole.MEMBER,
    joined_on: dt.date | None = None,
    registration: CommunityRegistration | None = None,
) -> TeamMember:
    """Add someone to a team: a person with a file, someone without one, or a registered member (双报到)."""
    team = Team.objects.select_related("org", "campaign").get(pk=team.pk)
    campaign = _lock(team.campaign)
    _require(actor, team.org, "您无权调整该队伍的成员。")
    _require_active(campaign, "编入队员")
    errors: dict[str, list[str]] = {}
    joined_on = joined_on or _today()
    if registration is not None:
        registration = CommunityRegistration.objects.select_related("person", "community").get(
            pk=registration.pk
        )
        person = registration.person
        if registration.campaign_id != campaign.pk or registration.ended_on is not None:
            _err(errors, "registration", "该报到记录已结束或不属于本次动员。")
        elif not team.org.path.startswith(registration.community.path):
            _err(
                errors,
                "registration",
                f"{person.name}报到的是“{registration.community.name}”，只能编入该社区组建的队伍。",
            )
    if person is not None:
        person = _fresh(person)
        if _off_books(person, joined_on):
            _err(errors, "person", _not_member(person, joined_on))
        elif TeamMember.objects.filter(team=team, person=person, left_on__isnull=True).exists():
            _err(errors, "person", f"{person.name}已在该队伍中。")
    else:
        name, phone = _clean_other(name, phone, errors, "name")
    if role not in TeamRole.values:
        _err(errors, "role", "职务无效。")
    elif (
        role == TeamRole.LEADER
        and team.kind in PARTY_TEAM_KINDS
        and (person is None or not _is_member(person, joined_on))
    ):
        _err(errors, "role", f"{team.get_kind_display()}的队长应由在册党员担任。")
        if person is not None:
            _err(errors, "role", _not_member(person, joined_on))
    if team.ends_on and team.ends_on < _today():
        _err(errors, "person", f"“{team.name}”已于{_d(team.ends_on)}结束。")
    if joined_on < team.starts_on:
        _err(errors, "joined_on", f"加入日期不能早于队伍组建日期（{_d(team.starts_on)}）。")
    _raise(errors)
    if person is not None and registration is None:
        _check_visible(actor, campaign, [person])
    member = _member_row(team, person, name, phone, role, joined_on, registration)
    member.save()
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=member,
        after=snapshot(member, ("team", "name", "role", "is_party_member", "joined_on")),
    )  # fmt: skip
    return member


@transaction.atomic
def team_member_end(*, actor, member: TeamMember, left_on: dt.date) -> TeamMember:
    member = TeamMember.objects.select_related("team", "team__org").get(pk=member.pk)
    _require(actor, member.team.org, "您无权调整该队伍的成员。")
    if member.left_on is not None:
        raise ValidationError(f"{member.name}已于{_d(member.left_on)}离队。")
    if left_on is None or left_on < member.joined_on or left_on > _today():
        raise ValidationError({"left_on": ["离队日期应在加入日期之后，且不晚于今天。"]})
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=member, before={"离队日期": None},
        after={"离队日期": left_on.isoformat()},
    )  # fmt: skip
    return member


@transaction.atomic
def teams_bulk_create(*, actor, campaign: Campaign, rows: list[dict[str, Any]]) -> int:
    """Many teams with their members at once. Row: org, kind, name, starts_on, mission?, members:
    [{"person": Person} or {"name", "phone"}, …], the first being the leader."""
    campaign = _lock(campaign)
    _require_active(campaign, "组建队伍")
    problems = _bulk_scope(actor, [r["org"] for r in rows])
    for i, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        _check_org(errors, "org", campaign, row["org"])
        if row["kind"] not in TeamKind.values:
            _err(errors, "kind", "队伍类别无效。")
        if not row.get("members"):
            _err(errors, "members", "队伍至少要有队长。")
        elif row["kind"] in PARTY_TEAM_KINDS:
            first = row["members"][0].get("person")
            if first is None or not _is_member(first, row["starts_on"]):
                why = _not_member(first, row["starts_on"]) if first is not None else ""
                _err(errors, "leader", f"党员队伍的队长应由在册党员担任。{why}")
        _check_period(errors, "starts_on", campaign, row["starts_on"], "组建日期", future=True)
        problems += [f"第{i}行（{row['name']}）：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    teams = [
        Team(campaign=campaign, org=r["org"], kind=r["kind"], name=r["name"], mission=r.get("mission", ""),
             starts_on=r["starts_on"], ends_on=r.get("ends_on"))
        for r in rows
    ]  # fmt: skip
    _insert_with_ids(Team, teams, campaign=campaign)
    members = []
    for team, row in zip(teams, rows, strict=True):
        for i, m in enumerate(row["members"]):
            person = m.get("person")
            members.append(
                TeamMember(team_id=team.pk, person=person, name=person.name if person else m["name"],
                           phone="" if person else m.get("phone", ""), is_party_member=bool(person and _is_member(person, team.starts_on)),
                           role=TeamRole.LEADER if i == 0 else TeamRole.MEMBER, joined_on=team.starts_on,
                           registration=m.get("registration"))
            )  # fmt: skip
    insert_rows(TeamMember, members)
    _bulk_records(actor, teams, "mobilization.team", "批量组建队伍")
    return len(teams)
