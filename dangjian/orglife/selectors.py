"""Reads of branch life, through the acting user's scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.development import due
from dangjian.orglife import reminders
from dangjian.orglife.models import Committee, Post
from dangjian.orgs.models import Org


def committees_of(user, org: Org) -> QuerySet[Committee]:
    """The org's committees, newest first, if the user may see the org."""
    if not scope.can(user, Action.VIEW, org):
        raise Http404("党组织不存在或不在您的管理范围内。")
    return (
        Committee.objects.filter(org=org)
        .prefetch_related("members__person")
        .select_related("election_meeting")
    )


def get_committee_for_user(user, pk: int, action: str = Action.VIEW) -> Committee:
    committee = Committee.objects.select_related("org").filter(pk=pk).first()
    if committee is None or not scope.can(user, Action.VIEW, committee.org):
        raise Http404("委员会记录不存在或不在您的管理范围内。")
    scope.require(user, action, committee.org, "您对该党组织没有此项操作权限。")
    return committee


def committee_on(org: Org, day: dt.date) -> Committee | None:
    return (
        Committee.objects.filter(org=org, elected_on__lte=day)
        .exclude(ended_on__lte=day)
        .order_by("-elected_on")
        .prefetch_related("members__person")
        .first()
    )


def committee_member_ids(org: Org, day: dt.date) -> list[int] | None:
    """The committee on `day` (the roster of a committee meeting), None when none is recorded."""
    committee = committee_on(org, day)
    if committee is None:
        return None
    return [m.person_id for m in committee.members.all()]


def secretary_of(committee: Committee | None):
    if committee is None:
        return None
    return next((m.person for m in committee.members.all() if m.post == Post.SECRETARY), None)


def refresh_reminders(org_id: int) -> None:
    due.refresh_orgs(reminders.SOURCE, [org_id], timezone.localdate())
