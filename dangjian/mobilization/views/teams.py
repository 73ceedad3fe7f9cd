"""Team pages: the list (and wizard step) and one team with its members."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.services import history_for
from dangjian.base.forms import apply_service_errors

from .. import selectors, services
from ..forms import DutyPlanForm, TeamForm, TeamMemberForm, resolve_person
from ..models import TeamKind
from ._common import (
    WIZARD_STEPS,
    _chosen_org,
    _context,
    _org_people,
    _page,
    _require_manage,
    _resolve,
    _today,
    _urls,
)

# ---- teams -------------------------------------------------------------------------------------


@login_required
def team_list(request, pk: int, wizard: bool = False):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    _require_manage(request, campaign)
    org = _chosen_org(request, campaign) if campaign.is_active else None
    form = None
    if org is not None:
        form = TeamForm(request.POST or None, initial={"starts_on": _today() if campaign.starts_on <= _today() else campaign.starts_on},
                        people=_org_people(org))  # fmt: skip
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        chosen = {p.pk: p for p in _org_people(org)}
        try:
            team = services.team_create(
                actor=user, campaign=campaign, org=org, kind=data["kind"], name=data["name"], mission=data["mission"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], leader=chosen.get(data["leader"]),
                leader_name=data["leader_name"], leader_phone=data["leader_phone"],
                members=[chosen[i] for i in data["members"] if i in chosen and i != data["leader"]],
                others=form.other_members(),
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已组建“{team.name}”。")
            return redirect(f"{request.path}?org={org.code}")
    kind = request.GET.get("kind", "")
    teams = _page(request, selectors.teams(user, campaign, kind=kind))
    leaders = selectors.team_leaders([t.pk for t in teams], serving=selectors.serving_q(campaign))
    for team in teams:
        team.leader_names = leaders.get(team.pk, "")
    return render(
        request, "mobilization/teams.html",
        _context(request, campaign, "teams", teams=teams, form=form, org=org, wizard=wizard, step=3,
                 steps=WIZARD_STEPS, team_kinds=TeamKind.choices, kind=kind),
    )  # fmt: skip


@login_required
def team_detail(request, pk: int):
    user = request.user
    team = selectors.get_team_for_user(user, pk)
    campaign = team.campaign
    can_change = campaign.is_active and scope.can(user, Action.CHANGE_PERSON, team.org)
    members = list(selectors.team_members(team, active=False))  # everyone who served, with dates
    serving = [m for m in members if m.left_on is None]
    registrations = list(selectors.registrations(user, campaign).filter(community__path__in=[
        team.org.path[:i] for i in range(4, len(team.org.path) + 1, 4)]))  # fmt: skip
    member_form = plan_form = None
    if can_change:
        member_form = TeamMemberForm(
            request.POST if request.POST.get("form") == "member" else None, initial={"joined_on": _today()},
            registrations=registrations, **{"people_url": _urls(campaign)["people_url"]},
        )  # fmt: skip
        plan_form = DutyPlanForm(
            request.POST if request.POST.get("form") == "plan" else None,
            initial={"first_day": _today(), "periods": "08:00-14:00、14:00-20:00"}, members=serving,
        )  # fmt: skip
    elif request.method == "POST":
        raise PermissionDenied("您无权调整该队伍。")
    if request.method == "POST" and request.POST.get("form") == "member" and member_form.is_valid():
        data = member_form.cleaned_data
        person = _resolve(
            member_form, "person", resolve_person, selectors.visible_people(user, campaign), data["person"]
        )
        registration = next((r for r in registrations if r.pk == data.get("registration")), None)
        if not member_form.errors:
            try:
                added = services.team_member_add(
                    actor=user, team=team, person=person, name=data["name"], phone=data["phone"], role=data["role"],
                    joined_on=data["joined_on"], registration=registration,
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(member_form, exc)
            else:
                messages.success(request, f"已编入{added.name}。")
                return redirect(request.path)
    if request.method == "POST" and request.POST.get("form") == "plan" and plan_form.is_valid():
        data = plan_form.cleaned_data
        lead = next((m for m in serving if m.pk == data["lead"]), None)
        try:
            shifts = services.duty_plan(
                actor=user, team=team, first_day=data["first_day"], last_day=data["last_day"], place=data["place"],
                periods=plan_form.period_list(), lead=lead, planned=data["planned"] or 0,
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(plan_form, exc)
        else:
            messages.success(request, f"已排班{len(shifts)}个班次。")
            return redirect(request.path)
    shifts = list(
        selectors.shifts(user, campaign, team=team).filter(on__gte=_today() - dt.timedelta(days=14))[:200]
    )
    return render(
        request, "mobilization/team.html",
        _context(request, campaign, "teams", team=team, members=members, member_form=member_form,
                 plan_form=plan_form, shifts=shifts, history=history_for(team)[:30]),
    )  # fmt: skip
