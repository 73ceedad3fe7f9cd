"""Duty: the plan of shifts, who served, cancelled shifts; the per-org, per-day tally."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.base.bulk import insert_rows
from dangjian.orgs.models import Org

from ..models import Campaign, DutyDay, DutyService, DutyShift, Team, TeamMember
from ._common import (
    BulkError,
    _actor_user,
    _bulk_records,
    _bulk_scope,
    _check_period,
    _d,
    _err,
    _insert_with_ids,
    _lock,
    _raise,
    _require,
    _require_active,
    _today,
)

# ---- duty --------------------------------------------------------------------------------------


def _active_on(member: TeamMember, day: dt.date) -> bool:
    return member.joined_on <= day and (member.left_on is None or member.left_on >= day)


@transaction.atomic
def duty_plan(
    *,
    actor,
    team: Team,
    first_day: dt.date,
    last_day: dt.date | None = None,
    place: str,
    periods: Sequence[str],
    lead: TeamMember | None = None,
    planned: int = 0,
) -> list[DutyShift]:
    """Plan a team's shifts (定点分组值班): one place, each day from first to last, each period."""
    team = Team.objects.select_related("org", "campaign").get(pk=team.pk)
    campaign = _lock(team.campaign)
    _require(actor, team.org, "您无权为该队伍排班。")
    _require_active(campaign, "排班")
    last_day = last_day or first_day
    errors: dict[str, list[str]] = {}
    place = (place or "").strip()
    periods = [p.strip() for p in periods if p and p.strip()]
    if not place:
        _err(errors, "place", "请填写值守地点。")
    if not periods:
        _err(errors, "periods", "请填写至少一个班次（如 08:00-12:00）。")
    if any(len(p) > 40 for p in periods) or len(set(periods)) != len(periods):
        _err(errors, "periods", "班次不能重复，每个不超过40个字。")
    _check_period(errors, "first_day", campaign, first_day, "开始日期", future=True)
    _check_period(errors, "last_day", campaign, last_day, "结束日期", future=True)
    if first_day and last_day and last_day < first_day:
        _err(errors, "last_day", "结束日期不能早于开始日期。")
    elif first_day and last_day and (last_day - first_day).days > 92:
        _err(errors, "last_day", "一次最多排92天的班。")
    if first_day and first_day < team.starts_on:
        _err(errors, "first_day", f"开始日期不能早于队伍组建日期（{_d(team.starts_on)}）。")
    if team.ends_on and last_day and last_day > team.ends_on:
        _err(errors, "last_day", f"结束日期不能晚于队伍结束日期（{_d(team.ends_on)}）。")
    if lead is not None:
        lead = TeamMember.objects.get(pk=lead.pk)
        if lead.team_id != team.pk or lead.left_on is not None:
            _err(errors, "lead", "带班人应是该队伍的在队队员。")
    if planned < 0:
        _err(errors, "planned", "计划人数不能为负数。")
    _raise(errors)
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    taken = set(
        DutyShift.objects.filter(
            team=team, on__in=days, place=place, period__in=periods, cancelled=False
        ).values_list("on", "period")
    )
    if taken:
        day, period = min(taken)
        raise ValidationError(f"{_d(day)} {place} {period} 已有班次，不能重复安排。")
    shifts = [
        DutyShift(
            campaign=campaign, team=team, on=day, place=place, period=period, lead=lead, planned=planned
        )
        for day in days
        for period in periods
    ]
    DutyShift.objects.bulk_create(shifts)
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=team,
        message=f"排班：{place}，{_d(first_day)}至{_d(last_day)}，{'、'.join(periods)}，共{len(shifts)}个班次",
    )  # fmt: skip
    return shifts


def _refresh_duty_days(campaign_id: int, keys: Iterable[tuple[int, dt.date]]) -> None:
    """Recount distinct people on duty for each (org, day): services of non-cancelled shifts."""
    keys = set(keys)
    if not keys:
        return
    orgs = {k[0] for k in keys}
    days = {k[1] for k in keys}
    rows = DutyService.objects.filter(
        shift__campaign_id=campaign_id,
        shift__team__org_id__in=orgs,
        shift__on__in=days,
        shift__cancelled=False,
    ).values_list("shift__team__org_id", "shift__on", "member__person_id", "member_id")
    people: dict[tuple[int, dt.date], set] = defaultdict(set)
    for org_id, on, person_id, member_id in rows:
        if (org_id, on) in keys:
            people[(org_id, on)].add(("p", person_id) if person_id else ("m", member_id))
    for org_id, on in keys:
        n = len(people.get((org_id, on), ()))
        if n:
            DutyDay.objects.update_or_create(
                campaign_id=campaign_id, org_id=org_id, on=on, defaults={"people": n}
            )
        else:
            DutyDay.objects.filter(campaign_id=campaign_id, org_id=org_id, on=on).delete()


@transaction.atomic
def duty_record_served(*, actor, shift: DutyShift, members: Sequence[TeamMember]) -> DutyShift:
    """The shift lead's record of who served the shift (it replaces an earlier record of it).

    Nobody checks themselves in: the lead (or whoever keeps the team's records) ticks the names.
    """
    shift = (
        DutyShift.objects.select_for_update(of=("self",))
        .select_related("team", "team__org", "campaign")
        .get(pk=shift.pk)
    )
    campaign = shift.campaign
    _require(actor, shift.team.org, "您无权记录该班次的值守人员。")
    errors: dict[str, list[str]] = {}
    if shift.cancelled:
        _err(errors, "members", "该班次已取消。")
    if shift.on > _today():
        _err(errors, "members", "班次还未到，不能记录值守人员。")
    if not campaign.is_active and campaign.closed_on and shift.on > campaign.closed_on:
        _err(errors, "members", "该班次在动员结束之后。")
    ids = [m.pk for m in members]
    if len(ids) != len(set(ids)):
        _err(errors, "members", "同一人不能重复记录。")
    found = {m.pk: m for m in TeamMember.objects.filter(pk__in=ids)}
    for pk in ids:
        member = found.get(pk)
        if member is None or member.team_id != shift.team_id:
            _err(errors, "members", "只能记录本队队员。")
            break
        if not _active_on(member, shift.on):
            _err(errors, "members", f"{member.name}在{_d(shift.on)}不在队。")
    _raise(errors)
    before_names = sorted(DutyService.objects.filter(shift=shift).values_list("member__name", flat=True))
    DutyService.objects.filter(shift=shift).delete()
    DutyService.objects.bulk_create([DutyService(shift=shift, member_id=pk) for pk in ids])
    shift.served = len(ids)
    shift.recorded_at = timezone.now()
    shift.recorded_by = _actor_user(actor)
    shift.save(update_fields=["served", "recorded_at", "recorded_by"])
    _refresh_duty_days(campaign.pk, [(shift.team.org_id, shift.on)])
    after_names = sorted(found[pk].name for pk in ids)
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=shift,
        before={"值守人员": "、".join(before_names)} if before_names else None,
        after={"值守人员": "、".join(after_names), "实际值守人数": len(ids)}, message="记录值守人员",
    )  # fmt: skip
    return shift


@transaction.atomic
def duty_shift_cancel(*, actor, shift: DutyShift, reason: str) -> DutyShift:
    shift = DutyShift.objects.select_related("team", "team__org").get(pk=shift.pk)
    _require(actor, shift.team.org, "您无权调整该班次。")
    if shift.cancelled:
        raise ValidationError("该班次已经取消。")
    if shift.served:
        raise ValidationError("已记录值守人员的班次不能取消。")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请填写取消原因。"]})
    shift.cancelled = True
    shift.save(update_fields=["cancelled"])
    record_change(actor=actor, action=ChangeAction.UPDATE, obj=shift, message=f"取消班次：{reason.strip()}")
    return shift


@transaction.atomic
def duty_bulk_record(*, actor, campaign: Campaign, rows: list[dict[str, Any]]) -> int:
    """Shifts with the people who served them, at once (demo data, benchmarks, back-fill).

    Row: team, on, place, period, lead (TeamMember or None), served (TeamMember ids). The daily
    counts are rebuilt for every (org, day) touched.
    """
    campaign = _lock(campaign)
    orgs = Org.objects.in_bulk({r["team"].org_id for r in rows})
    problems = _bulk_scope(actor, list(orgs.values()))
    for i, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        _check_period(errors, "on", campaign, row["on"], "值班日期")
        if row["team"].campaign_id != campaign.pk:
            _err(errors, "team", "队伍不属于本次动员。")
        problems += [f"第{i}行：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    now = timezone.now()
    shifts = [
        DutyShift(campaign=campaign, team=r["team"], on=r["on"], place=r["place"], period=r["period"],
                  lead=r.get("lead"), planned=len(r["served"]), served=len(r["served"]),
                  recorded_at=now if r["served"] else None, recorded_by=_actor_user(actor))
        for r in rows
    ]  # fmt: skip
    _insert_with_ids(DutyShift, shifts, campaign=campaign)
    services = [
        DutyService(shift_id=s.pk, member_id=m)
        for s, r in zip(shifts, rows, strict=True)
        for m in r["served"]
    ]
    insert_rows(DutyService, services)
    persons = dict(
        TeamMember.objects.filter(pk__in={m for r in rows for m in r["served"]}).values_list(
            "pk", "person_id"
        )
    )
    people: dict[tuple[int, dt.date], set] = defaultdict(set)
    for row in rows:
        for m in row["served"]:
            people[(row["team"].org_id, row["on"])].add(("p", persons[m]) if persons.get(m) else ("m", m))
    existing = set(
        DutyDay.objects.filter(campaign=campaign, on__in={k[1] for k in people}).values_list("org_id", "on")
    )
    fresh = [DutyDay(campaign=campaign, org_id=o, on=d, people=len(p)) for (o, d), p in people.items()
             if (o, d) not in existing]  # fmt: skip
    insert_rows(DutyDay, fresh)
    _refresh_duty_days(campaign.pk, [k for k in people if k in existing])
    _bulk_records(actor, [s for s in shifts if s.served], "mobilization.dutyshift", "批量记录值守人员")
    return len(shifts)


def last_duty_day(campaign: Campaign) -> dt.date | None:
    return DutyShift.objects.filter(campaign=campaign).aggregate(d=Max("on"))["d"]
