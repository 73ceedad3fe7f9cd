"""Duty pages: the plan and one shift."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.services import history_for
from dangjian.base.forms import apply_service_errors

from .. import selectors, services
from ..forms import ServedForm
from ..models import TeamMember
from ..services.duty import _active_on
from ._common import _context, _page, _today

# ---- duty --------------------------------------------------------------------------------------


@login_required
def duty(request, pk: int):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    days = selectors.duty_days_of_plan(user, campaign)
    try:
        day = dt.date.fromisoformat(request.GET["day"]) if request.GET.get("day") else None
    except ValueError:
        day = None
    if day is None:
        today = _today()
        past = [d for d in days if d <= today]
        day = past[-1] if past else (days[0] if days else today)
    shifts = _page(request, selectors.shifts(user, campaign, on=day))
    daily = selectors.duty_daily(user, campaign)
    return render(
        request, "mobilization/duty.html",
        _context(request, campaign, "duty", day=day, days=days, shifts=shifts, daily=daily,
                 by_org=selectors.duty_by_org(user, campaign, day), total=sum(n for _, n in daily),
                 previous=max((d for d in days if d < day), default=None), following=min((d for d in days if d > day), default=None)),
    )  # fmt: skip


@login_required
def shift_detail(request, pk: int):
    user = request.user
    shift = selectors.get_shift_for_user(user, pk)
    campaign = shift.campaign
    can_record = scope.can(user, Action.CHANGE_PERSON, shift.team.org) and not shift.cancelled
    members = [
        m
        for m in TeamMember.objects.filter(team=shift.team).order_by("-role", "id")
        if _active_on(m, shift.on)
    ]
    served = set(shift.services.values_list("member_id", flat=True))
    form = (
        ServedForm(request.POST or None, initial={"members": list(served)}, members=members)
        if can_record
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您无权记录该班次的值守人员。")
        if form.is_valid():
            chosen = [m for m in members if m.pk in set(form.cleaned_data["members"])]
            try:
                services.duty_record_served(actor=user, shift=shift, members=chosen)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已记录{shift}的值守人员（{len(chosen)}人）。")
                return redirect(
                    f"{reverse('mobilization-duty', args=[campaign.pk])}?day={shift.on.isoformat()}"
                )
    return render(
        request, "mobilization/shift.html",
        _context(request, campaign, "duty", shift=shift, form=form, members=members, served=served,
                 history=history_for(shift)[:20]),
    )  # fmt: skip
