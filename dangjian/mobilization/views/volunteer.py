"""Volunteer service page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors

from .. import selectors, services
from ..forms import VolunteerForm, resolve_org
from ._common import _context, _page, _require_manage, _resolve, _today, _urls

# ---- volunteer service -------------------------------------------------------------------------


@login_required
def volunteer(request, pk: int):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    _require_manage(request, campaign)
    org = selectors.default_org(user, campaign)
    form = None
    if org is not None:
        teams = list(selectors.teams(user, campaign, kind="volunteer")[:200])
        form = VolunteerForm(request.POST or None, initial={"on": min(_today(), campaign.closed_on or _today()), "org_code": org.code},
                             teams=teams, org_url=_urls(campaign)["org_url"])  # fmt: skip
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        managed = scope.orgs_for(user, Action.CHANGE_PERSON).filter(path__startswith=campaign.org.path)
        chosen = _resolve(form, "org_code", resolve_org, managed, data["org_code"])
        team = next((t for t in teams if t.pk == data["team"]), None)
        if not form.errors:
            try:
                services.volunteer_event_record(
                    actor=user, campaign=campaign, org=chosen, team=team, on=data["on"], place=data["place"],
                    title=data["title"], participants=data["participants"], people_served=data["people_served"] or 0,
                    note=data["note"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc, {"org": "org_code"})
            else:
                messages.success(request, "已记录志愿服务。")
                return redirect(request.path)
    events = selectors.volunteer_events(user, campaign)
    from django.db.models import Count, Sum

    totals = events.aggregate(
        events=Count("id"), participants=Sum("participants"), people_served=Sum("people_served")
    )
    return render(
        request, "mobilization/volunteer.html",
        _context(request, campaign, "volunteer", page=_page(request, events), totals=totals, form=form),
    )  # fmt: skip
