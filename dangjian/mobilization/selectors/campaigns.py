"""Campaigns a user may see, and the scope helpers every other read uses: the orgs and people
of a campaign in the user's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import STEPLEN, Org, OrgKind
from dangjian.people.models import Person

from ..models import Campaign, CommunityRegistration, Secondment, TeamMember

# ---- campaigns ---------------------------------------------------------------------------------


def campaigns_for(user) -> QuerySet[Campaign]:
    """user None: the system itself (commands run without --user), which sees everything."""
    if user is None:
        return Campaign.objects.all()
    paths = scope.scope_paths(user, Action.VIEW)
    if paths is scope.EVERYTHING:
        return Campaign.objects.all()
    if not paths:
        return Campaign.objects.none()
    above = {p[:i] for p in paths for i in range(STEPLEN, len(p) + 1, STEPLEN)}
    return Campaign.objects.filter(scope.scope_q(user, Action.VIEW, "org__path") | Q(org__path__in=above))


def campaign_list(user) -> QuerySet[Campaign]:
    return campaigns_for(user).select_related("org").order_by("status", "-starts_on", "-id")


def get_campaign_for_user(user, pk=None, *, code: str | None = None) -> Campaign:
    qs = campaigns_for(user).select_related("org")
    campaign = qs.filter(code=code).first() if code is not None else qs.filter(pk=pk).first()
    if campaign is None:
        raise Http404("战时动员不存在或不在您的管理范围内。")
    return campaign


def covers(user, campaign: Campaign, action: str = Action.VIEW) -> bool:
    """Whether the user's scope holds the whole campaign (its org and so everything under it)."""
    return user is None or scope.can(user, action, campaign.org)


def org_q(user, campaign: Campaign, prefix: str) -> Q:
    """The filter that keeps the rows of orgs in the user's scope (none needed when it covers all)."""
    if covers(user, campaign):
        return Q()
    return scope.scope_q(user, Action.VIEW, prefix=prefix)


def serving_q(campaign: Campaign, field: str = "left_on") -> Q:
    """Who counts on a roster: while the campaign runs, those serving now (no end date in `field`);
    once it is closed, everyone who served (closing gives every assignment its end date). The
    dashboard's figures and the roster pages count with this same filter."""
    return Q(**{f"{field}__isnull": True}) if campaign.is_active else Q()


def managed_orgs(user, campaign: Campaign, action: str = Action.CHANGE_PERSON, limit: int = 300) -> list[Org]:
    """Orgs of the campaign the user may set things up for (tree order, party groups left out)."""
    qs = (
        scope.orgs_for(user, action)
        .filter(path__startswith=campaign.org.path, dissolved_on__isnull=True)
        .exclude(kind=OrgKind.PARTY_GROUP)
    )
    return list(qs.order_by("path")[:limit])


def default_org(user, campaign: Campaign, action: str = Action.CHANGE_PERSON) -> Org | None:
    if scope.can(user, action, campaign.org):
        return campaign.org
    orgs = managed_orgs(user, campaign, action, limit=1)
    return orgs[0] if orgs else None


def visible_people(user, campaign: Campaign) -> QuerySet[Person]:
    """People the user may name in this campaign: their scope, plus those who joined its structures
    in the user's scope (seconded members, team members, members registered with their community)."""
    if user is None or scope.scope_paths(user, Action.VIEW) is scope.EVERYTHING:
        return Person.objects.all()
    in_scope = scope.scope_q(user, Action.VIEW, prefix="org__path")
    registered = CommunityRegistration.objects.filter(
        scope.scope_q(user, Action.VIEW, prefix="community__path"), campaign=campaign, ended_on__isnull=True
    ).values("person_id")
    seconded = Secondment.objects.filter(
        scope.scope_q(user, Action.VIEW, prefix="temporary_org__org__path"),
        temporary_org__campaign=campaign,
    ).values("person_id")
    teamed = TeamMember.objects.filter(
        scope.scope_q(user, Action.VIEW, prefix="team__org__path"),
        team__campaign=campaign,
        person__isnull=False,
    ).values("person_id")
    return Person.objects.filter(in_scope | Q(pk__in=registered) | Q(pk__in=seconded) | Q(pk__in=teamed))


def suggest_people(user, campaign: Campaign, query: str, limit: int = 20) -> list[Person]:
    from dangjian.people.selectors import ID_LIKE, search_people

    query = (query or "").strip()
    if not query:
        return []
    found = list(search_people(user, query, limit=limit))
    if len(found) < limit:
        extra = visible_people(user, campaign).filter(reduction="").select_related("org")
        if ID_LIKE.match(query):
            extra = extra.filter(id_number=query.upper()) if len(query) == 18 else extra.none()
        else:
            extra = extra.filter(name__contains=query)
        seen = {p.pk for p in found}
        found += [p for p in extra.order_by("name_sort_key", "id")[:limit] if p.pk not in seen]
    return found[:limit]
