"""Every write of the mobilization app. Keyword-only, validated, in a transaction, recorded.

Rights. Running a campaign, and setting up teams, posts, zones, grid roles, duty, volunteer service,
recommendations and bulletins for an org, need the right to manage that org's people and work
(`Action.CHANGE_PERSON`: 组织部管理员, 党委组织员 and 支部书记 on their subtree). A temporary party
org is an org of the tree, so setting one up goes through `orgs.services.org_create`, which needs
the right to change the tree under its parent (`Action.CHANGE_ORG`: a committee's organizer). Every
structure belongs to an org inside the campaign org's subtree. Viewers only read.

What a temporary org may do follows RULES.md §7.4 (`temporary_org_may`): study, educate members,
cultivate activists and accept applications (passed on to the home org); no admissions except
under the 2020 frontline exception, no discipline, no dues, no elections.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.middleware import current_request_id
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import SYSTEM_ACTOR, record_change, record_changes, snapshot
from dangjian.base.bulk import insert_rows
from dangjian.base.phone import normalize_phone
from dangjian.orgs.models import COMMITTEE_KINDS, TEMPORARY_KINDS, Org, OrgKind, subtree_q
from dangjian.people.models import MEMBER_STANDINGS, Person, Standing

from . import selectors
from .models import (
    PARTY_TEAM_KINDS,
    Bulletin,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Commendation,
    CommendationKind,
    CommunityRegistration,
    DutyDay,
    DutyService,
    DutyShift,
    FrontlineRecommendation,
    GridLevel,
    GridNode,
    Post,
    PostKind,
    Secondment,
    Team,
    TeamKind,
    TeamMember,
    TeamRole,
    TemporaryOrg,
    TemporaryRole,
    VolunteerEvent,
)

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
)
CAMPAIGN_EDITABLE = frozenset({"name", "kind", "starts_on", "ends_on", "frontline_basis", "description"})
TEAM_FIELDS = ("name", "kind", "org", "mission", "starts_on", "ends_on")
POST_FIELDS = ("name", "kind", "org", "place", "duties", "holder", "starts_on", "ends_on")
GRID_LEAD_FIELDS = ("lead_name", "lead_since")


def _today() -> dt.date:
    return timezone.localdate()


def _d(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "—"


def _require(actor, org: Org, message: str, action: str = Action.CHANGE_PERSON) -> None:
    if actor is not None:
        scope.require(actor, action, org, message)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _err(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _actor_user(actor):
    return actor if actor is not None and actor.pk else None


def _actor_name(actor) -> str:
    return (actor.get_full_name() or actor.username) if _actor_user(actor) else SYSTEM_ACTOR


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)


def _require_active(campaign: Campaign, what: str) -> None:
    if not campaign.is_active:
        raise ValidationError(f"“{campaign.name}”已于{_d(campaign.closed_on)}结束，不能再{what}。")


def _in_campaign(campaign: Campaign, org: Org) -> bool:
    return org.path.startswith(campaign.org.path)


def _check_org(
    errors, field: str, campaign: Campaign, org: Org | None, *, allow_temporary: bool = True
) -> None:
    if org is None:
        _err(errors, field, "请选择党组织。")
        return
    if not _in_campaign(campaign, org):
        _err(errors, field, f"“{org.name}”不在“{campaign.org.name}”的范围内，不能纳入本次动员。")
    elif not org.is_active:
        _err(errors, field, f"“{org.name}”已撤销。")
    elif org.is_temporary and not allow_temporary:
        _err(errors, field, f"“{org.name}”是临时党组织，不能承担此项工作。")


def _check_period(
    errors, field: str, campaign: Campaign, day: dt.date | None, label: str, *, future: bool = False
):
    """`day` must lie in the campaign (from its start to its planned or actual end)."""
    if day is None:
        _err(errors, field, f"请填写{label}。")
        return
    if day < campaign.starts_on:
        _err(
            errors,
            field,
            f"{label}（{_d(day)}）早于“{campaign.name}”的开始日期（{_d(campaign.starts_on)}）。",
        )
    end = campaign.closed_on or campaign.ends_on
    if end and day > end:
        _err(errors, field, f"{label}（{_d(day)}）晚于“{campaign.name}”的结束日期（{_d(end)}）。")
    if not future and day > _today():
        _err(errors, field, f"{label}不能晚于今天。")


def _check_visible(actor, campaign: Campaign, people: Iterable[Person]) -> None:
    """Every person named must be visible to the actor in this campaign (or they may not name them)."""
    if actor is None:
        return
    ids = {p.pk for p in people}
    if not ids:
        return
    seen = set(selectors.visible_people(actor, campaign).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - seen:
        raise PermissionDenied("所选人员不在您的管理范围内。")


def _is_member(person: Person) -> bool:
    return person.standing in MEMBER_STANDINGS and not person.reduction


def _fresh(person: Person) -> Person:
    return Person.objects.select_related("org").get(pk=person.pk)


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
    from dangjian.orgs.services import org_dissolve

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
        for org in active:
            on = max(closed_on, org.founded_on) if org.founded_on else closed_on
            by = actor if actor is not None and scope.can(actor, Action.CHANGE_ORG, org) else None
            org_dissolve(actor=by, org=org, dissolved_on=min(on, _today()), reason=reason)
            dissolved += 1
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


# ---- temporary party organizations -------------------------------------------------------------


def _temporary_org_errors(
    *,
    campaign: Campaign,
    parent: Org | None,
    kind: str,
    approved_by: Org | None,
    approved_on,
    secretary: Person | None,
) -> dict[str, list[str]]:
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
    elif secretary.reduction:
        _err(errors, "secretary", f"{secretary.name}已减少（不在册）。")
    elif secretary.standing != Standing.FULL:
        _err(
            errors,
            "secretary",
            f"{secretary.name}是{secretary.get_standing_display()}，书记应由正式党员担任。",
        )
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
    if not _is_member(person):
        _err(
            errors, "person", f"{person.name}不是在册党员；临时党组织成员应是党员（入党积极分子可编入队伍）。"
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
        approved_by=link.approved_by, approved_on=link.approved_on, secretary=person,
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


# ---- teams -------------------------------------------------------------------------------------


def _clean_other(name: str, phone: str, errors, field: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name or any(ch.isdigit() for ch in name) or len(name) > 40:
        _err(errors, field, f"姓名“{name}”无效（不能为空或含数字，不超过40个字）。")
    try:
        phone = normalize_phone(phone or "")
    except ValidationError as exc:
        _err(errors, field, f"{name}：{exc.messages[0]}")
    return name, phone


def _member_row(
    team: Team, person: Person | None, name: str, phone: str, role: str, joined_on, registration=None
):
    return TeamMember(
        team=team, person=person, name=person.name if person else name, phone="" if person else phone,
        is_party_member=bool(person and _is_member(person)), role=role, joined_on=joined_on,
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
    if kind in PARTY_TEAM_KINDS and (leader is None or not _is_member(leader)):
        label = TeamKind(kind).label if kind in TeamKind.values else ""
        _err(errors, "leader", f"{label}的队长应由在册党员担任。")
    for person in [p for p in [leader, *people] if p is not None]:
        if person.reduction:
            _err(errors, "members", f"{person.name}已减少（不在册）。")
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
        if person.reduction:
            _err(errors, "person", f"{person.name}已减少（不在册）。")
        elif TeamMember.objects.filter(team=team, person=person, left_on__isnull=True).exists():
            _err(errors, "person", f"{person.name}已在该队伍中。")
    else:
        name, phone = _clean_other(name, phone, errors, "name")
    if role not in TeamRole.values:
        _err(errors, "role", "职务无效。")
    elif (
        role == TeamRole.LEADER
        and team.kind in PARTY_TEAM_KINDS
        and (person is None or not _is_member(person))
    ):
        _err(errors, "role", f"{team.get_kind_display()}的队长应由在册党员担任。")
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


# ---- vanguard posts and responsibility zones ---------------------------------------------------


@transaction.atomic
def post_create(
    *,
    actor,
    campaign: Campaign,
    org: Org,
    kind: str,
    name: str,
    place: str,
    holder: Person,
    starts_on: dt.date,
    duties: str = "",
    ends_on: dt.date | None = None,
) -> Post:
    campaign = _lock(campaign)
    _require_active(campaign, "设岗定责")
    org = Org.objects.get(pk=org.pk) if org is not None else None
    if org is not None:
        _require(actor, org, "您无权为该党组织设立先锋岗或责任区。")
    errors: dict[str, list[str]] = {}
    _check_org(errors, "org", campaign, org)
    if kind not in PostKind.values:
        _err(errors, "kind", "请选择党员先锋岗或党员责任区。")
    name, place = (name or "").strip(), (place or "").strip()
    if not name:
        _err(errors, "name", "请填写名称。")
    if not place:
        _err(errors, "place", "请填写地点或责任范围。")
    holder = _fresh(holder) if holder is not None else None
    if holder is None:
        _err(errors, "holder", "请选择责任党员。")
    elif not _is_member(holder):
        _err(errors, "holder", f"{holder.name}不是在册党员；先锋岗、责任区由党员承担。")
    _check_period(errors, "starts_on", campaign, starts_on, "设立日期", future=True)
    if ends_on and starts_on and ends_on < starts_on:
        _err(errors, "ends_on", "结束日期不能早于设立日期。")
    _raise(errors)
    _check_visible(actor, campaign, [holder])
    post = Post.objects.create(
        campaign=campaign, org=org, kind=kind, name=name, place=place, duties=(duties or "").strip(),
        holder=holder, starts_on=starts_on, ends_on=ends_on,
    )  # fmt: skip
    record_change(actor=actor, action=ChangeAction.CREATE, obj=post, after=snapshot(post, POST_FIELDS))
    return post


@transaction.atomic
def post_end(*, actor, post: Post, ends_on: dt.date) -> Post:
    post = Post.objects.select_related("org").get(pk=post.pk)
    _require(actor, post.org, "您无权调整该先锋岗或责任区。")
    if ends_on is None or ends_on < post.starts_on:
        raise ValidationError({"ends_on": [f"结束日期不能早于设立日期（{_d(post.starts_on)}）。"]})
    before = snapshot(post, POST_FIELDS)
    post.ends_on = ends_on
    post.save(update_fields=["ends_on"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=post, before=before, after=snapshot(post, POST_FIELDS)
    )
    return post


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
    if not _is_member(person):
        _err(errors, "person", f"{person.name}不是在册党员。")
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


# ---- from the front line into the pipeline -----------------------------------------------------


def _link_case(actor, recommendation: FrontlineRecommendation) -> None:
    """Open (or find) the case at the person's home org, with the campaign as its source."""
    from dangjian.development.models import Case, CaseStatus
    from dangjian.development.services import case_open, case_set_special_basis

    campaign = recommendation.campaign
    special = campaign.frontline_basis if frontline_applies(campaign, recommendation.recommended_on) else ""
    case = Case.objects.filter(person_id=recommendation.person_id).first()
    if case is None:
        case = case_open(
            actor=actor,
            person=recommendation.person,
            special_basis=special,
            source=f"一线推荐：{campaign.name}",
        )
    elif special and not case.frontline and case.status == CaseStatus.OPEN:
        case = case_set_special_basis(actor=actor, case=case, special_basis=special)
    recommendation.case = case
    recommendation.save(update_fields=["case"])


@transaction.atomic
def frontline_recommend(
    *,
    actor,
    campaign: Campaign,
    person: Person,
    recommended_by: Org,
    recommended_on: dt.date,
    reason: str,
) -> FrontlineRecommendation:
    """一线推荐: recommend someone who stood out into the development pipeline.

    When the actor also manages the person's home org the case is opened at once; otherwise the
    recommendation waits for the home org to take it up (`frontline_accept`). A temporary org may
    recommend, never admit: the case is always the home branch's (RULES.md §7.4).
    """
    campaign = _lock(campaign)
    _require_active(campaign, "一线推荐")
    recommended_by = Org.objects.get(pk=recommended_by.pk) if recommended_by is not None else None
    if recommended_by is not None:
        _require(actor, recommended_by, "您无权以该党组织的名义推荐。")
    person = _fresh(person)
    errors: dict[str, list[str]] = {}
    _check_org(errors, "recommended_by", campaign, recommended_by)
    if person.reduction:
        _err(errors, "person", f"{person.name}已减少（不在册）。")
    elif person.standing in MEMBER_STANDINGS:
        _err(errors, "person", f"{person.name}已是{person.get_standing_display()}，不需要推荐入党。")
    elif FrontlineRecommendation.objects.filter(campaign=campaign, person=person).exists():
        _err(errors, "person", f"{person.name}在本次动员中已被推荐。")
    _check_period(errors, "recommended_on", campaign, recommended_on, "推荐日期")
    reason = (reason or "").strip()
    if not reason:
        _err(errors, "reason", "请填写一线表现（推荐理由）。")
    _raise(errors)
    _check_visible(actor, campaign, [person])
    recommendation = FrontlineRecommendation.objects.create(
        campaign=campaign, person=person, recommended_by=recommended_by, recommended_on=recommended_on,
        reason=reason, recorded_by=_actor_user(actor),
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=recommendation,
        after=snapshot(recommendation, ("campaign", "person", "recommended_by", "recommended_on", "reason")),
    )  # fmt: skip
    if actor is None or scope.can(actor, Action.CHANGE_PERSON, person.org):
        _link_case(actor, recommendation)
    return recommendation


@transaction.atomic
def frontline_accept(*, actor, recommendation: FrontlineRecommendation) -> FrontlineRecommendation:
    """The home org takes up a recommendation: the case is opened (or found) there."""
    rec = (
        FrontlineRecommendation.objects.select_for_update(of=("self",))
        .select_related("campaign", "person", "person__org")
        .get(pk=recommendation.pk)
    )
    _require(actor, rec.person.org, "接收推荐、建立发展纪实由被推荐人所在党组织办理。")
    if rec.case_id is not None:
        raise ValidationError(f"{rec.person.name}的推荐已转入发展程序。")
    _link_case(actor, rec)
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=rec, message="原单位党组织接收推荐，建立发展纪实"
    )
    return rec


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


# ---- bulk entry (demo data, benchmarks, imports) -----------------------------------------------


class BulkError(ValidationError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[:100])


def _bulk_records(actor, objects: Sequence[Any], object_type: str, message: str) -> None:
    """One creation record per object, as the other bulk services write them."""
    actor_user, actor_name, request_id = _actor_user(actor), _actor_name(actor), current_request_id.get()
    record_changes(
        records=[
            ChangeRecord(
                actor=actor_user, actor_name=actor_name, action=ChangeAction.CREATE, object_type=object_type,
                object_id=obj.pk, object_repr=str(obj)[:200], request_id=request_id, message=message,
            )
            for obj in objects
        ],
    )  # fmt: skip


def _insert_with_ids(model, objects: list, **owner) -> None:
    """insert_rows (a COPY / executemany) and give the objects their ids.

    The caller holds the campaign's lock, so the newest rows of `owner` (e.g. campaign=…) are these.
    """
    if not objects:
        return
    insert_rows(model, objects)
    ids = list(model.objects.filter(**owner).order_by("-id").values_list("id", flat=True)[: len(objects)])
    for obj, pk in zip(objects, reversed(ids), strict=True):
        obj.pk = pk


def _bulk_scope(actor, orgs: Iterable[Org], action: str = Action.CHANGE_PERSON) -> list[str]:
    if actor is None:
        return []
    return [
        f"“{o.name}”不在您的管理范围内。"
        for o in {o.pk: o for o in orgs}.values()
        if not scope.can(actor, action, o)
    ]


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
            if not _is_member(member):
                _err(errors, "members", f"{member.name}不是在册党员。")
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
            if first is None or not _is_member(first):
                _err(errors, "leader", "党员队伍的队长应由在册党员担任。")
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
                           phone="" if person else m.get("phone", ""), is_party_member=bool(person and _is_member(person)),
                           role=TeamRole.LEADER if i == 0 else TeamRole.MEMBER, joined_on=team.starts_on,
                           registration=m.get("registration"))
            )  # fmt: skip
    insert_rows(TeamMember, members)
    _bulk_records(actor, teams, "mobilization.team", "批量组建队伍")
    return len(teams)


@transaction.atomic
def posts_bulk_create(*, actor, campaign: Campaign, rows: list[dict[str, Any]]) -> int:
    """Many posts and zones at once. Row: org, kind, name, place, holder, starts_on, duties?."""
    campaign = _lock(campaign)
    _require_active(campaign, "设岗定责")
    problems = _bulk_scope(actor, [r["org"] for r in rows])
    for i, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        _check_org(errors, "org", campaign, row["org"])
        if row["kind"] not in PostKind.values:
            _err(errors, "kind", "类别无效。")
        if not _is_member(row["holder"]):
            _err(errors, "holder", f"{row['holder'].name}不是在册党员。")
        _check_period(errors, "starts_on", campaign, row["starts_on"], "设立日期", future=True)
        problems += [f"第{i}行（{row['name']}）：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    posts = [
        Post(campaign=campaign, org=r["org"], kind=r["kind"], name=r["name"], place=r["place"],
             duties=r.get("duties", ""), holder=r["holder"], starts_on=r["starts_on"], ends_on=r.get("ends_on"))
        for r in rows
    ]  # fmt: skip
    _insert_with_ids(Post, posts, campaign=campaign)
    _bulk_records(actor, posts, "mobilization.post", "批量设岗定责")
    return len(posts)


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


@transaction.atomic
def frontline_recommendations_bulk_create(*, actor, campaign: Campaign, rows: list[dict[str, Any]]) -> int:
    """Recommendations entered after the fact (补录, demo data): each linked to the person's case if
    there is one, none is opened. Row: person, recommended_by, recommended_on, reason."""
    from dangjian.development.models import Case

    campaign = Campaign.objects.select_related("org").get(pk=campaign.pk)
    problems = _bulk_scope(actor, [r["recommended_by"] for r in rows])
    seen = set(FrontlineRecommendation.objects.filter(campaign=campaign).values_list("person_id", flat=True))
    for i, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        _check_org(errors, "recommended_by", campaign, row["recommended_by"])
        _check_period(errors, "recommended_on", campaign, row["recommended_on"], "推荐日期")
        if row["person"].pk in seen:
            _err(errors, "person", f"{row['person'].name}重复推荐。")
        seen.add(row["person"].pk)
        problems += [f"第{i}行（{row['person'].name}）：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    cases = dict(
        Case.objects.filter(person_id__in=[r["person"].pk for r in rows]).values_list("person_id", "pk")
    )
    recs = [
        FrontlineRecommendation(
            campaign=campaign, person=r["person"], recommended_by=r["recommended_by"],
            recommended_on=r["recommended_on"], reason=r.get("reason") or "一线表现突出",
            case_id=cases.get(r["person"].pk), recorded_by=_actor_user(actor),
        )
        for r in rows
    ]  # fmt: skip
    FrontlineRecommendation.objects.bulk_create(recs, batch_size=2000)
    _bulk_records(actor, recs, "mobilization.frontlinerecommendation", "补录一线推荐")
    return len(recs)


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
        if not _is_member(row["person"]):
            _err(errors, "person", f"{row['person'].name}不是在册党员。")
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


def last_duty_day(campaign: Campaign) -> dt.date | None:
    return DutyShift.objects.filter(campaign=campaign).aggregate(d=Max("on"))["d"]
