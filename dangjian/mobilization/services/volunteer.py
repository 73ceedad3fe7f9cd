"""Volunteer service events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.orgs.models import Org

from ..models import Campaign, Team, VolunteerEvent
from ._common import (
    BulkError,
    _bulk_records,
    _bulk_scope,
    _check_org,
    _check_period,
    _err,
    _insert_with_ids,
    _lock,
    _raise,
    _require,
)

# ---- volunteer service -------------------------------------------------------------------------


@transaction.atomic
def volunteer_event_record(
    *,
    actor,
    campaign: Campaign,
    org: Org,
    on: dt.date,
    place: str,
    title: str,
    participants: int,
    people_served: int = 0,
    team: Team | None = None,
    note: str = "",
) -> VolunteerEvent:
    campaign = Campaign.objects.select_related("org").get(pk=campaign.pk)
    org = Org.objects.get(pk=org.pk) if org is not None else None
    if org is not None:
        _require(actor, org, "您无权为该党组织记录志愿服务。")
    errors: dict[str, list[str]] = {}
    _check_org(errors, "org", campaign, org)
    _check_period(errors, "on", campaign, on, "服务日期")
    place, title = (place or "").strip(), (title or "").strip()
    if not place:
        _err(errors, "place", "请填写地点。")
    if not title:
        _err(errors, "title", "请填写服务内容。")
    if participants is None or participants < 1:
        _err(errors, "participants", "参与人数至少为1。")
    if people_served is None or people_served < 0:
        _err(errors, "people_served", "服务群众人次不能为负数。")
    if team is not None:
        team = Team.objects.get(pk=team.pk)
        if team.campaign_id != campaign.pk or (org is not None and not Org.objects.filter(
            pk=team.org_id, path__startswith=org.path
        ).exists()):  # fmt: skip
            _err(errors, "team", "服务队应是本次动员中该党组织组建的队伍。")
    _raise(errors)
    event = VolunteerEvent.objects.create(
        campaign=campaign, org=org, team=team, on=on, place=place, title=title, participants=participants,
        people_served=people_served or 0, note=(note or "").strip(),
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=event,
        after=snapshot(event, ("org", "team", "on", "place", "title", "participants", "people_served")),
    )  # fmt: skip
    return event


@transaction.atomic
def volunteer_events_bulk_create(*, actor, campaign: Campaign, rows: list[dict[str, Any]]) -> int:
    """Many volunteer service events at once (demo data, back-fill). Row: org, on, place, title,
    participants, people_served, team?."""
    campaign = _lock(campaign)
    orgs = Org.objects.in_bulk({r["org"].pk for r in rows})
    problems = _bulk_scope(actor, list(orgs.values()))
    for i, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        _check_org(errors, "org", campaign, orgs[row["org"].pk])
        _check_period(errors, "on", campaign, row["on"], "服务日期")
        if row["participants"] < 1 or row.get("people_served", 0) < 0:
            _err(errors, "participants", "参与人数至少为1，服务人次不能为负数。")
        problems += [f"第{i}行：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    events = [
        VolunteerEvent(campaign=campaign, org=r["org"], team=r.get("team"), on=r["on"], place=r["place"],
                       title=r["title"], participants=r["participants"], people_served=r.get("people_served", 0),
                       note=r.get("note", ""))
        for r in rows
    ]  # fmt: skip
    _insert_with_ids(VolunteerEvent, events, campaign=campaign)
    _bulk_records(actor, events, "mobilization.volunteerevent", "批量记录志愿服务")
    return len(events)
