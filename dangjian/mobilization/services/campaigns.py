"""Campaign writes: create, update, close (which dissolves its temporary orgs and ends every structure)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.orgs.models import TEMPORARY_KINDS, Org, OrgKind, subtree_q

from ..models import (
    Campaign,
    CampaignKind,
    CampaignStatus,
    CommunityRegistration,
    DutyShift,
    Post,
    Secondment,
    Team,
    TeamMember,
    TemporaryOrg,
)
from ._common import _actor_user, _d, _err, _lock, _raise, _require, _require_active, _today
from .frontline import clean_review_levels
from .temporary_orgs import frontline_window

CAMPAIGN_FIELDS = (
    "code",
    "name",
    "kind",
    "org",
    "starts_on",
    "ends_on",
    "closed_on",
    "status",
    "frontline_basis",
    "review_levels",
)


CAMPAIGN_EDITABLE = frozenset(
    {"name", "kind", "starts_on", "ends_on", "frontline_basis", "description", "review_levels"}
)


# ---- campaigns ---------------------------------------------------------------------------------


def _campaign_errors(
    *,
    code: str,
    name: str,
    kind: str,
    org: Org | None,
    starts_on,
    ends_on,
    frontline_basis: str,
    exclude_pk=None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        _err(errors, "name", "请填写动员名称（如“新冠肺炎疫情防控”）。")
    elif len(name) > 100:
        _err(errors, "name", "名称不超过100个字。")
    if kind not in CampaignKind.values:
        _err(errors, "kind", "请选择类别。")
    if not code:
        _err(errors, "code", "请填写编号。")
    elif not all(ch.isalnum() or ch in "-_" for ch in code) or len(code) > 40:
        _err(errors, "code", "编号只能包含字母、数字、“-”和“_”，不超过40个字符。")
    elif Campaign.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        _err(errors, "code", f"编号“{code}”已被使用。")
    if org is None:
        _err(errors, "org", "请选择组织领导的党组织。")
    elif not org.is_active:
        _err(errors, "org", f"“{org.name}”已撤销。")
    elif org.kind in (OrgKind.PARTY_GROUP, OrgKind.TEMP_GROUP):
        _err(errors, "org", "党小组不能组织战时动员。")
    if starts_on is None:
        _err(errors, "starts_on", "请填写开始日期。")
    elif ends_on is not None and ends_on < starts_on:
        _err(errors, "ends_on", "计划结束日期不能早于开始日期。")
    if frontline_basis:
        start, end = frontline_window()
        if kind != CampaignKind.EPIDEMIC:
            _err(
                errors,
                "frontline_basis",
                "火线入党特殊规定只适用于疫情防控一线，其他类别的动员不能填写火线入党依据。",
            )
        elif starts_on is not None and (starts_on > end or (ends_on or starts_on) < start):
            _err(
                errors,
                "frontline_basis",
                f"火线入党特殊规定只适用于{_d(start)}至{_d(end)}的疫情防控一线；本次动员不在此期间，不能填写火线入党依据。",
            )
    return errors


def _new_code(org: Org, starts_on: dt.date) -> str:
    base = f"{org.code[:24]}-{starts_on:%Y%m%d}"
    code, n = base, 1
    while Campaign.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic
def campaign_create(
    *,
    actor,
    org: Org,
    name: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    code: str = "",
    frontline_basis: str = "",
    description: str = "",
    review_levels: str | list[str] = "",
) -> Campaign:
    org = Org.objects.get(pk=org.pk)
    _require(actor, org, "您无权为该党组织组织战时动员。")
    name, code, frontline_basis = (name or "").strip(), (code or "").strip(), (frontline_basis or "").strip()
    if not code and starts_on is not None:
        code = _new_code(org, starts_on)
    errors = _campaign_errors(
        code=code,
        name=name,
        kind=kind,
        org=org,
        starts_on=starts_on,
        ends_on=ends_on,
        frontline_basis=frontline_basis,
    )
    if starts_on is not None and starts_on > _today():
        _err(errors, "starts_on", "开始日期不能晚于今天（动员开始后再建立）。")
    _raise(errors)
    campaign = Campaign.objects.create(
        code=code, name=name, kind=kind, org=org, starts_on=starts_on, ends_on=ends_on,
        frontline_basis=frontline_basis, description=(description or "").strip(), created_by=_actor_user(actor),
        review_levels=clean_review_levels(review_levels),
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=campaign, after=snapshot(campaign, CAMPAIGN_FIELDS)
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **changes) -> Campaign:
    unknown = set(changes) - CAMPAIGN_EDITABLE
    if unknown:
        raise ValidationError(f"不能直接修改这些字段：{'、'.join(sorted(unknown))}。")
    campaign = _lock(campaign)
    _require(actor, campaign.org, "您无权修改该战时动员。")
    _require_active(campaign, "修改")
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    if "review_levels" in changes:
        changes["review_levels"] = clean_review_levels(changes["review_levels"])
    for key, value in changes.items():
        setattr(campaign, key, value.strip() if isinstance(value, str) else value)
    errors = _campaign_errors(
        code=campaign.code, name=campaign.name, kind=campaign.kind, org=campaign.org, starts_on=campaign.starts_on,
        ends_on=campaign.ends_on, frontline_basis=campaign.frontline_basis, exclude_pk=campaign.pk,
    )  # fmt: skip
    if "starts_on" in changes and campaign.starts_on:
        earliest = _earliest_structure(campaign)
        if earliest and earliest < campaign.starts_on:
            _err(errors, "starts_on", f"已有{_d(earliest)}开始的工作记录，开始日期不能晚于该日。")
    _raise(errors)
    campaign.save()
    after = snapshot(campaign, CAMPAIGN_FIELDS)
    if after != before:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=campaign, before=before, after=after)
    return campaign


def _earliest_structure(campaign: Campaign) -> dt.date | None:
    dates = [
        TemporaryOrg.objects.filter(campaign=campaign)
        .order_by("approved_on")
        .values_list("approved_on", flat=True)
        .first(),
        Team.objects.filter(campaign=campaign)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first(),
        Post.objects.filter(campaign=campaign)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first(),
        DutyShift.objects.filter(campaign=campaign).order_by("on").values_list("on", flat=True).first(),
    ]
    found = [d for d in dates if d]
    return min(found) if found else None


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign, closed_on: dt.date, note: str = "") -> Campaign:
    """End the campaign and everything under it, keeping the history.

    Its temporary orgs (and any temporary orgs under them) are dissolved through the org services,
    deepest first; secondments, team memberships, teams, posts and registrations get their end date;
    shifts after the end are cancelled. Grid leads stay as they were, as the record of the coverage.
    """
    from dangjian.orgs.services import orgs_dissolve

    campaign = _lock(campaign)
    _require(actor, campaign.org, "您无权结束该战时动员。")
    _require_active(campaign, "结束")
    errors: dict[str, list[str]] = {}
    if closed_on is None:
        _err(errors, "closed_on", "请填写结束日期。")
    else:
        if closed_on < campaign.starts_on:
            _err(errors, "closed_on", f"结束日期不能早于开始日期（{_d(campaign.starts_on)}）。")
        if closed_on > _today():
            _err(errors, "closed_on", "结束日期不能晚于今天。")
    _raise(errors)
    before = snapshot(campaign, CAMPAIGN_FIELDS)
    reason = f"随“{campaign.name}”结束撤销"
    roots = list(TemporaryOrg.objects.filter(campaign=campaign).values_list("org__path", flat=True))
    dissolved = 0
    if roots:
        subtree = Q()
        for path in roots:
            subtree |= subtree_q(path)
        active = list(
            Org.objects.filter(subtree, dissolved_on__isnull=True, kind__in=TEMPORARY_KINDS).order_by(
                "-depth", "path"
            )
        )
        plans = [
            (org, min(max(closed_on, org.founded_on) if org.founded_on else closed_on, _today()))
            for org in active
        ]
        # Closing the campaign is the decision: its orgs are dissolved in the actor's name where the
        # actor may change them all, else in the system's (a campaign can span more than one scope).
        by = (
            actor
            if actor is not None and all(scope.can(actor, Action.CHANGE_ORG, o) for o in active)
            else None
        )
        dissolved = orgs_dissolve(actor=by, plans=plans, reason=reason)
    ended = {
        "secondments": Secondment.objects.filter(
            temporary_org__campaign=campaign, left_on__isnull=True
        ).update(left_on=closed_on),
        "members": TeamMember.objects.filter(team__campaign=campaign, left_on__isnull=True).update(
            left_on=closed_on
        ),
        "teams": Team.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=closed_on), campaign=campaign
        ).update(ends_on=closed_on),
        "posts": Post.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=closed_on), campaign=campaign
        ).update(ends_on=closed_on),
        "registrations": CommunityRegistration.objects.filter(
            campaign=campaign, ended_on__isnull=True
        ).update(ended_on=closed_on),
        "shifts": DutyShift.objects.filter(campaign=campaign, on__gt=closed_on, cancelled=False).update(
            cancelled=True
        ),
    }
    # Someone who joined after the closing date (entered late) left the day they joined.
    Secondment.objects.filter(temporary_org__campaign=campaign, left_on__lt=F("joined_on")).update(
        left_on=F("joined_on")
    )
    TeamMember.objects.filter(team__campaign=campaign, left_on__lt=F("joined_on")).update(
        left_on=F("joined_on")
    )
    Team.objects.filter(campaign=campaign, ends_on__lt=F("starts_on")).update(ends_on=F("starts_on"))
    Post.objects.filter(campaign=campaign, ends_on__lt=F("starts_on")).update(ends_on=F("starts_on"))
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_on = closed_on
    campaign.save(update_fields=["status", "closed_on", "updated_at"])
    summary = (
        f"撤销临时党组织{dissolved}个，结束队伍{ended['teams']}支、先锋岗和责任区{ended['posts']}个，"
        f"临时党组织成员{ended['secondments']}人次、队员{ended['members']}人次、双报到{ended['registrations']}人次，"
        f"取消结束后的班次{ended['shifts']}个。"
    )
    if note.strip():
        summary = f"{note.strip()}。{summary}"
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=campaign, before=before,
        after=snapshot(campaign, CAMPAIGN_FIELDS), message=summary,
    )  # fmt: skip
    return campaign
