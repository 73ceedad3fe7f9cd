"""Mobilization in the HTTP API: campaigns, their statistics and grid coverage, teams, duty records.

Same scope and services as the pages: a campaign outside the caller's scope is a 404, a write
without the right a 403, invalid input a 422 with Chinese messages.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.api import BodyIn, Error, Id, Pagination, ValidationErrorOut
from dangjian.mobilization import selectors, services
from dangjian.mobilization.models import TeamMember

router = Router(tags=["战时动员"])


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    org_id: int
    org_name: str
    starts_on: dt.date
    ends_on: dt.date | None
    closed_on: dt.date | None
    status: str
    frontline_basis: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class CampaignIn(BodyIn):
    org_code: str
    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    code: str = ""
    frontline_basis: str = ""
    description: str = ""


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    org_id: int
    org_name: str
    mission: str
    starts_on: dt.date
    ends_on: dt.date | None
    size: int
    party: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class OtherIn(BodyIn):
    name: str
    phone: str = ""


class TeamIn(BodyIn):
    org_code: str
    kind: str
    name: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    mission: str = ""
    leader_id: Id | None = None
    leader_name: str = ""
    leader_phone: str = ""
    member_ids: list[Id] = []
    others: list[OtherIn] = []


class ServedIn(BodyIn):
    member_ids: list[Id]


class ShiftOut(Schema):
    id: int
    team_id: int
    on: dt.date
    place: str
    period: str
    planned: int
    served: int
    cancelled: bool


class TeamFilter(Schema):
    kind: str = ""


def _org(user, campaign, code: str, action: str = Action.CHANGE_PERSON):
    org = (
        scope.orgs_for(user, action)
        .filter(code=(code or "").strip(), path__startswith=campaign.org.path)
        .first()
    )
    if org is None:
        raise ValidationError({"org_code": ["找不到该组织代码，或该组织不在您的管理范围内。"]})
    return org


def _people(user, campaign, ids: list[int]) -> dict[int, Any]:
    found = {
        p.pk: p for p in selectors.visible_people(user, campaign).filter(pk__in=ids).select_related("org")
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"member_ids": [f"人员{missing[0]}不存在或不在您的管理范围内。"]})
    return found


@router.get("/campaigns", response=list[CampaignOut], summary="战时动员列表（按授权范围）")
def list_campaigns(request):
    return list(selectors.campaign_list(request.user)[:500])


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, 404: Error}, summary="战时动员")
def get_campaign(request, campaign_id: int):
    return selectors.get_campaign_for_user(request.user, campaign_id)


@router.post("/campaigns", response={201: CampaignOut, 403: Error, 422: Error}, summary="建立战时动员")
def create_campaign(request, payload: CampaignIn):
    org = scope.orgs_for(request.user, Action.CHANGE_PERSON).filter(code=payload.org_code.strip()).first()
    if org is None:
        raise ValidationError({"org_code": ["找不到该组织代码，或您无权为该组织组织战时动员。"]})
    data = payload.dict(exclude={"org_code"})
    campaign = services.campaign_create(actor=request.user, org=org, **data)
    return Status(201, selectors.get_campaign_for_user(request.user, campaign.pk))


@router.get(
    "/campaigns/{campaign_id}/stats",
    response={200: dict[str, Any], 404: Error},
    summary="动员统计（临时党组织、队伍、先锋岗责任区、网格、值守、志愿服务、一线推荐、表扬）",
)
def campaign_stats(request, campaign_id: int):
    campaign = selectors.get_campaign_for_user(request.user, campaign_id)
    return selectors.campaign_stats(request.user, campaign).as_dict()


@router.get(
    "/campaigns/{campaign_id}/coverage",
    response={200: dict[str, Any], 404: Error},
    summary="网格包保覆盖情况：各层级数量和未落实负责人的网格",
)
def campaign_coverage(request, campaign_id: int):
    campaign = selectors.get_campaign_for_user(request.user, campaign_id)
    report = selectors.coverage(request.user, campaign)
    return {
        "levels": {
            lv.level: {"nodes": lv.nodes, "leads": lv.led, "gaps": lv.gaps, "percent": lv.percent}
            for lv in report.levels
        },
        "gaps": [
            {k: g[k] for k in ("id", "level", "compound", "building", "unit", "org")} for g in report.gaps
        ],
    }


@router.get(
    "/campaigns/{campaign_id}/teams",
    response={200: list[TeamOut], 404: Error, 422: ValidationErrorOut},
    summary="队伍（按授权范围）",
)
@paginate(Pagination)
def list_teams(request, campaign_id: int, filters: Query[TeamFilter]):
    campaign = selectors.get_campaign_for_user(request.user, campaign_id)
    return selectors.teams(request.user, campaign, kind=filters.kind)


@router.post(
    "/campaigns/{campaign_id}/teams",
    response={201: TeamOut, 403: Error, 404: Error, 422: Error},
    summary="组建队伍（队长、党员队员、其他队员）",
)
def create_team(request, campaign_id: int, payload: TeamIn):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, campaign_id)
    org = _org(user, campaign, payload.org_code)
    ids = [*payload.member_ids, *([payload.leader_id] if payload.leader_id else [])]
    people = _people(user, campaign, ids)
    team = services.team_create(
        actor=user, campaign=campaign, org=org, kind=payload.kind, name=payload.name, starts_on=payload.starts_on,
        ends_on=payload.ends_on, mission=payload.mission,
        leader=people[payload.leader_id] if payload.leader_id else None, leader_name=payload.leader_name,
        leader_phone=payload.leader_phone, members=[people[i] for i in payload.member_ids],
        others=[(o.name, o.phone) for o in payload.others],
    )  # fmt: skip
    return Status(201, selectors.teams(user, campaign).get(pk=team.pk))


@router.post(
    "/shifts/{shift_id}/served",
    response={200: ShiftOut, 403: Error, 404: Error, 422: Error},
    summary="带班人记录班次的实际在岗人员（替换之前的记录）",
)
def record_served(request, shift_id: int, payload: ServedIn):
    shift = selectors.get_shift_for_user(request.user, shift_id)
    members = list(TeamMember.objects.filter(pk__in=payload.member_ids))
    if len(members) != len(set(payload.member_ids)):
        raise ValidationError({"member_ids": ["只能记录本队队员。"]})
    return services.duty_record_served(actor=request.user, shift=shift, members=members)
