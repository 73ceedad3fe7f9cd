"""双报到: working members registered with the community where they live."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.orgs.models import Org, OrgKind
from dangjian.people.models import Person

from ..models import Campaign, CommunityRegistration
from ._common import (
    BulkError,
    _bulk_records,
    _bulk_scope,
    _check_org,
    _check_period,
    _err,
    _fresh,
    _is_member,
    _lock,
    _not_member,
    _raise,
    _require_active,
    _today,
)

# ---- 双报到 ------------------------------------------------------------------------------------


@transaction.atomic
def registration_create(
    *, actor, campaign: Campaign, person: Person, community: Org, registered_on: dt.date, address: str = ""
) -> CommunityRegistration:
    """A working member registers with the community where they live (recorded by either side)."""
    campaign = _lock(campaign)
    _require_active(campaign, "办理双报到")
    person = _fresh(person)
    community = Org.objects.get(pk=community.pk) if community is not None else None
    if actor is not None and not (
        scope.can(actor, Action.CHANGE_PERSON, person.org)
        or (community is not None and scope.can(actor, Action.CHANGE_PERSON, community))
    ):
        raise PermissionDenied("双报到由党员所在单位党组织或报到社区党组织办理，您无权办理。")
    errors: dict[str, list[str]] = {}
    _check_org(errors, "community", campaign, community, allow_temporary=False)
    if community is not None and community.kind in (OrgKind.PARTY_GROUP,):
        _err(errors, "community", "请选择社区（村）党组织，不能选择党小组。")
    if not _is_member(person, registered_on):
        _err(errors, "person", f"{_not_member(person, registered_on)}双报到的是党员。")
    elif CommunityRegistration.objects.filter(
        campaign=campaign, person=person, ended_on__isnull=True
    ).exists():
        _err(errors, "person", f"{person.name}已在本次动员中报到。")
    if community is not None and person.org.path.startswith(community.path):
        _err(errors, "community", f"{person.name}的组织关系就在“{community.name}”，无需双报到。")
    _check_period(errors, "registered_on", campaign, registered_on, "报到日期")
    _raise(errors)
    registration = CommunityRegistration.objects.create(
        campaign=campaign, person=person, community=community, registered_on=registered_on,
        address=(address or "").strip(),
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=registration,
        after=snapshot(registration, ("person", "community", "registered_on", "address")),
    )  # fmt: skip
    return registration


@transaction.atomic
def registration_end(
    *, actor, registration: CommunityRegistration, ended_on: dt.date
) -> CommunityRegistration:
    registration = CommunityRegistration.objects.select_related("person__org", "community").get(
        pk=registration.pk
    )
    if actor is not None and not (
        scope.can(actor, Action.CHANGE_PERSON, registration.person.org)
        or scope.can(actor, Action.CHANGE_PERSON, registration.community)
    ):
        raise PermissionDenied("您无权办理该报到记录。")
    if registration.ended_on is not None:
        raise ValidationError("该报到已经结束。")
    if ended_on is None or ended_on < registration.registered_on or ended_on > _today():
        raise ValidationError({"ended_on": ["结束日期应在报到日期之后，且不晚于今天。"]})
    registration.ended_on = ended_on
    registration.save(update_fields=["ended_on"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=registration, before={"结束日期": None},
        after={"结束日期": ended_on.isoformat()},
    )  # fmt: skip
    return registration


@transaction.atomic
def registrations_bulk_create(
    *, actor, campaign: Campaign, rows: list[dict[str, Any]]
) -> list[CommunityRegistration]:
    """Many 双报到 at once (demo data, back-fill). Row: person, community, registered_on, address?."""
    campaign = _lock(campaign)
    _require_active(campaign, "办理双报到")
    problems = _bulk_scope(actor, [r["community"] for r in rows])
    seen = set(
        CommunityRegistration.objects.filter(campaign=campaign, ended_on__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    for i, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        _check_org(errors, "community", campaign, row["community"], allow_temporary=False)
        if not _is_member(row["person"], row["registered_on"]):
            _err(errors, "person", _not_member(row["person"], row["registered_on"]))
        if row["person"].pk in seen:
            _err(errors, "person", f"{row['person'].name}重复报到。")
        seen.add(row["person"].pk)
        _check_period(errors, "registered_on", campaign, row["registered_on"], "报到日期")
        problems += [f"第{i}行：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    registrations = [
        CommunityRegistration(campaign=campaign, person=r["person"], community=r["community"],
                              registered_on=r["registered_on"], address=r.get("address", ""))
        for r in rows
    ]  # fmt: skip
    CommunityRegistration.objects.bulk_create(registrations, batch_size=2000)
    _bulk_records(actor, registrations, "mobilization.communityregistration", "批量办理双报到")
    return registrations
