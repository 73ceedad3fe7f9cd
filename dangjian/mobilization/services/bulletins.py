"""Commendation bulletins (通报表扬) and the collectives and individuals they name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.orgs.models import Org

from ..models import Bulletin, Campaign, Commendation, CommendationKind
from ._common import _check_visible, _d, _err, _in_campaign, _raise, _require, _today

# ---- commendations -----------------------------------------------------------------------------


@transaction.atomic
def bulletin_record(
    *,
    actor,
    campaign: Campaign,
    number: str,
    issued_on: dt.date,
    issued_by: Org,
    title: str,
    collectives: Sequence[dict[str, Any]] = (),
    individuals: Sequence[dict[str, Any]] = (),
) -> Bulletin:
    """A commendation bulletin (通报表扬) with the collectives and individuals it names.

    collectives: {"name", "org"?, "team"?, "citation"?}; individuals: {"person"? or "name", "citation"?}.
    """
    campaign = Campaign.objects.select_related("org").get(pk=campaign.pk)
    issued_by = Org.objects.get(pk=issued_by.pk) if issued_by is not None else None
    if issued_by is not None:
        _require(actor, issued_by, "您无权以该党组织的名义通报表扬。")
    errors: dict[str, list[str]] = {}
    number, title = (number or "").strip(), (title or "").strip()
    if not number:
        _err(errors, "number", "请填写期号或文号。")
    elif Bulletin.objects.filter(campaign=campaign, number=number).exists():
        _err(errors, "number", f"本次动员已有“{number}”的通报。")
    if not title:
        _err(errors, "title", "请填写标题。")
    if issued_by is None:
        _err(errors, "issued_by", "请选择印发单位。")
    elif not (campaign.org.path.startswith(issued_by.path) or issued_by.path.startswith(campaign.org.path)):
        _err(errors, "issued_by", f"印发单位应是“{campaign.org.name}”、它的上级或下级党组织。")
    if issued_on is None:
        _err(errors, "issued_on", "请填写印发日期。")
    elif issued_on < campaign.starts_on or issued_on > _today():
        _err(errors, "issued_on", f"印发日期应在动员开始（{_d(campaign.starts_on)}）之后，且不晚于今天。")
    if not collectives and not individuals:
        _err(errors, "collectives", "请至少填写一个先进集体或一名先进个人。")
    rows: list[Commendation] = []
    for item in collectives:
        org, team = item.get("org"), item.get("team")
        name = (item.get("name") or (team.name if team else org.name if org else "")).strip()
        if not name:
            _err(errors, "collectives", "先进集体的名称不能为空。")
        if org is not None and not _in_campaign(campaign, org):
            _err(errors, "collectives", f"“{org.name}”不在本次动员的范围内。")
        if team is not None and team.campaign_id != campaign.pk:
            _err(errors, "collectives", f"“{team.name}”不是本次动员的队伍。")
        rows.append(Commendation(kind=CommendationKind.COLLECTIVE, name=name[:120], org=org, team=team,
                                 citation=(item.get("citation") or "").strip()[:300]))  # fmt: skip
    people = []
    for item in individuals:
        person = item.get("person")
        name = (person.name if person else item.get("name") or "").strip()
        if not name or any(ch.isdigit() for ch in name):
            _err(errors, "individuals", f"先进个人的姓名“{name}”无效。")
        if person is not None:
            people.append(person)
        rows.append(Commendation(kind=CommendationKind.INDIVIDUAL, name=name[:120], person=person,
                                 citation=(item.get("citation") or "").strip()[:300]))  # fmt: skip
    _raise(errors)
    _check_visible(actor, campaign, people)
    bulletin = Bulletin.objects.create(
        campaign=campaign, number=number, issued_on=issued_on, issued_by=issued_by, title=title
    )
    for row in rows:
        row.bulletin = bulletin
    Commendation.objects.bulk_create(rows)
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=bulletin,
        after=snapshot(bulletin, ("number", "issued_on", "issued_by", "title"))
        | {"先进集体": sum(1 for r in rows if r.kind == CommendationKind.COLLECTIVE),
           "先进个人": sum(1 for r in rows if r.kind == CommendationKind.INDIVIDUAL)},
    )  # fmt: skip
    return bulletin
