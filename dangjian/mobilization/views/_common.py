"""Helpers shared by the mobilization pages: the campaign context and tabs, paging, the chosen org."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import Org
from dangjian.people.models import MEMBER_STANDINGS, Person

from .. import selectors
from ..models import Campaign, CampaignKind

PAGE_SIZE = 100


GRID_PAGE_SIZE = 20


PEOPLE_LIMIT = 200


WIZARD_STEPS = (
    (1, "建立战时动员", ""),
    (2, "设立临时党组织", "setup-temporary-orgs"),
    (3, "组建队伍", "setup-teams"),
    (4, "设岗定责", "setup-posts"),
)


def _today() -> dt.date:
    return timezone.localdate()


def _urls(campaign: Campaign) -> dict[str, str]:
    return {
        "people_url": reverse("mobilization-suggest-people", args=[campaign.pk]),
        "org_url": reverse("mobilization-suggest-orgs", args=[campaign.pk]),
    }


def _page(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _context(request, campaign: Campaign, tab: str, **extra) -> dict:
    user = request.user
    manage_org = selectors.default_org(user, campaign)
    return {
        "nav": "mobilization",
        "campaign": campaign,
        "tab": tab,
        "can_run": campaign.is_active and selectors.covers(user, campaign, Action.CHANGE_PERSON),
        "can_manage": campaign.is_active and manage_org is not None,
        "whole": selectors.covers(user, campaign),
        "kinds": CampaignKind,
        **extra,
    }


def _require_manage(request, campaign: Campaign) -> None:
    if request.method == "POST" and selectors.default_org(request.user, campaign) is None:
        raise PermissionDenied("您只有查看权限，不能在本次动员中办理。")


def _chosen_org(request, campaign: Campaign) -> Org | None:
    """The org the user sets things up for (?org=CODE), among those they manage in the campaign."""
    code = (request.GET.get("org") or request.POST.get("for_org") or "").strip()
    managed = scope.orgs_for(request.user, Action.CHANGE_PERSON).filter(
        path__startswith=campaign.org.path, dissolved_on__isnull=True
    )
    if code:
        org = managed.filter(code=code).first()
        if org is not None:
            return org
    return selectors.default_org(request.user, campaign)


def _org_people(org: Org | None, *, members_only: bool = False) -> list[Person]:
    """The org's own people, or (for a committee without any) the people below it, capped."""
    if org is None:
        return []
    qs = Person.objects.filter(reduction="").select_related("org")
    if members_only:
        qs = qs.filter(standing__in=MEMBER_STANDINGS)
    own = list(qs.filter(org=org).order_by("name_sort_key", "id")[:PEOPLE_LIMIT])
    if own:
        return own
    return list(
        qs.filter(org__path__startswith=org.path).order_by("org__path", "name_sort_key", "id")[:PEOPLE_LIMIT]
    )


def _resolve(form, field: str, resolver, *args):
    try:
        return resolver(*args)
    except ValidationError as exc:
        form.add_error(field, exc.messages[0])
        return None


def _campaign_orgs(request, campaign: Campaign, action: str = Action.VIEW):
    return scope.orgs_for(request.user, action).filter(path__startswith=campaign.org.path)
