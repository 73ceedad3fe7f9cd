"""Pages of the mobilization app: thin views over the selectors (reads) and services (writes).

Reads go through the selectors (out of scope is a 404); a POST from someone who may only read is a
403; a service's ValidationError comes back as form errors, nothing written.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.services import history_for
from dangjian.base.forms import apply_service_errors
from dangjian.orgs.models import Org
from dangjian.people.models import MEMBER_STANDINGS, Category, Person

from . import gridfile, selectors, services
from .forms import (
    BulletinForm,
    CampaignForm,
    CloseForm,
    DutyPlanForm,
    GridImportForm,
    GridLeadForm,
    GridNodeForm,
    PostForm,
    RecommendationForm,
    RegistrationForm,
    SecondmentForm,
    ServedForm,
    TeamForm,
    TeamMemberForm,
    TemporaryOrgForm,
    VolunteerForm,
    person_label,
    resolve_org,
    resolve_person,
)
from .models import Campaign, CampaignKind, PostKind, TeamKind, TeamMember

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


# ---- campaigns ---------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    campaigns = list(selectors.campaign_list(request.user)[:200])
    paths = scope.scope_paths(request.user, Action.CHANGE_PERSON)
    return render(
        request,
        "mobilization/list.html",
        {
            "nav": "mobilization",
            "campaigns": campaigns,
            "can_create": paths is scope.EVERYTHING or bool(paths),
        },
    )


@login_required
def campaign_create(request):
    """Wizard step 1: the campaign itself (or go on setting up one already running)."""
    user = request.user
    runnable = scope.orgs_for(user, Action.CHANGE_PERSON)
    roots = list(scope.scope_roots(user).order_by("path")[:1])
    paths = scope.scope_paths(user, Action.CHANGE_PERSON)
    if paths is not scope.EVERYTHING and not paths:
        raise PermissionDenied("您只有查看权限，不能组织战时动员。")
    initial = {"starts_on": _today(), "kind": CampaignKind.EPIDEMIC}
    if roots and scope.can(user, Action.CHANGE_PERSON, roots[0]):
        initial["org_code"] = roots[0].code
    form = CampaignForm(
        request.POST or None, initial=initial, org_url=reverse("mobilization-suggest-run-orgs")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = _resolve(form, "org_code", resolve_org, runnable, data["org_code"])
        if org is not None:
            try:
                campaign = services.campaign_create(
                    actor=user, org=org, name=data["name"], kind=data["kind"], starts_on=data["starts_on"],
                    ends_on=data["ends_on"], code=data["code"], frontline_basis=data["frontline_basis"],
                    description=data["description"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc, {"org": "org_code"})
            else:
                messages.success(
                    request, f"已建立“{campaign.name}”（编号 {campaign.code}）。下一步：设立临时党组织。"
                )
                return redirect("setup-temporary-orgs", campaign.pk)
    ongoing = [c for c in selectors.campaign_list(user).filter(status="active")[:20]]
    return render(
        request,
        "mobilization/campaign_form.html",
        {"nav": "mobilization", "form": form, "step": 1, "steps": WIZARD_STEPS, "ongoing": ongoing},
    )


@login_required
def campaign_edit(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    if not selectors.covers(request.user, campaign, Action.CHANGE_PERSON):
        raise PermissionDenied("您无权修改该战时动员。")
    initial = {
        f: getattr(campaign, f)
        for f in ("name", "kind", "starts_on", "ends_on", "frontline_basis", "description")
    }
    form = CampaignForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("campaign-dashboard", campaign.pk)
    return render(
        request, "core/form_page.html",
        {"nav": "mobilization", "form": form, "title": f"修改：{campaign.name}",
         "cancel_url": reverse("campaign-dashboard", args=[campaign.pk]),
         "crumbs": [("战时动员", reverse("campaign-list")), (campaign.name, reverse("campaign-dashboard", args=[campaign.pk]))]},
    )  # fmt: skip


@login_required
def campaign_close(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    if not selectors.covers(request.user, campaign, Action.CHANGE_PERSON):
        raise PermissionDenied("您无权结束该战时动员。")
    form = CloseForm(request.POST or None, initial={"closed_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_close(
                actor=request.user, campaign=campaign, closed_on=form.cleaned_data["closed_on"],
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"“{campaign.name}”已结束，临时党组织已撤销（保留历史记录）。")
            return redirect("campaign-dashboard", campaign.pk)
    return render(
        request, "core/form_page.html",
        {"nav": "mobilization", "form": form, "title": f"结束：{campaign.name}", "submit_label": "结束动员",
         "intro": "结束后，本次动员的临时党组织随之撤销（保留历史），队伍、先锋岗和责任区、双报到同日结束，之后的班次取消。",
         "cancel_url": reverse("campaign-dashboard", args=[campaign.pk]),
         "crumbs": [("战时动员", reverse("campaign-list")), (campaign.name, reverse("campaign-dashboard", args=[campaign.pk]))]},
    )  # fmt: skip


@login_required
def dashboard(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    stats = selectors.campaign_stats(request.user, campaign)
    series = stats.duty["series"][-31:]
    peak = max((n for _, n in series), default=0)
    bars = [(day, n, round(100 * n / peak) if peak else 0) for day, n in series]
    return render(
        request, "mobilization/dashboard.html",
        _context(
            request, campaign, "dashboard", stats=stats, bars=bars,
            team_rows=[(label, stats.teams[value]) for value, label in TeamKind.choices],
            categories=[(Category(k).label, n) for k, n in stats.frontline["admitted_by_category"].items()],
        ),
    )  # fmt: skip


# ---- temporary orgs ----------------------------------------------------------------------------


def _nearest_committee(org: Org) -> Org | None:
    paths = [org.path[:i] for i in range(len(org.path), 0, -Org.steplen)]
    return (
        Org.objects.filter(path__in=paths, has_approval_authority=True, dissolved_on__isnull=True)
        .order_by("-depth")
        .first()
    )


@login_required
def temporary_org_list(request, pk: int, wizard: bool = False):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    _require_manage(request, campaign)
    can_create = campaign.is_active and bool(
        selectors.managed_orgs(user, campaign, Action.CHANGE_ORG, limit=1)
    )
    form = None
    if can_create:
        parent = selectors.default_org(user, campaign, Action.CHANGE_ORG)
        committee = _nearest_committee(parent) if parent else None
        initial = {"approved_on": max(campaign.starts_on, min(_today(), campaign.ends_on or _today())),
                   "parent_code": parent.code if parent else "", "approved_by_code": committee.code if committee else ""}  # fmt: skip
        form = TemporaryOrgForm(request.POST or None, initial=initial, **_urls(campaign))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("设立临时党组织须由上级党委的组织员办理。")
        if form.is_valid():
            data = form.cleaned_data
            orgs = _campaign_orgs(request, campaign)
            parent = _resolve(form, "parent_code", resolve_org, orgs, data["parent_code"])
            ancestors = [
                campaign.org.path[:i] for i in range(Org.steplen, len(campaign.org.path), Org.steplen)
            ]
            approvers = Org.objects.filter(scope.scope_q(user, Action.VIEW) | Q(path__in=ancestors))
            approver = _resolve(form, "approved_by_code", resolve_org, approvers, data["approved_by_code"])
            secretary = _resolve(
                form, "secretary", resolve_person, selectors.visible_people(user, campaign), data["secretary"]
            )
            if not form.errors:
                try:
                    link = services.temporary_org_create(
                        actor=user, campaign=campaign, parent=parent, kind=data["kind"], name=data["name"],
                        approved_by=approver, approved_on=data["approved_on"], secretary=secretary,
                        approval_ref=data["approval_ref"], mission=data["mission"],
                    )  # fmt: skip
                except ValidationError as exc:
                    apply_service_errors(
                        form,
                        exc,
                        {"parent": "parent_code", "approved_by": "approved_by_code", "code": "name"},
                    )
                else:
                    messages.success(request, f"已设立“{link.org.name}”，书记：{link.secretary.name}。")
                    return redirect(request.path)
    links = _page(request, selectors.temporary_orgs(user, campaign))
    return render(
        request, "mobilization/temporary_orgs.html",
        _context(request, campaign, "temporary", links=links, form=form, wizard=wizard, step=2, steps=WIZARD_STEPS),
    )  # fmt: skip


@login_required
def temporary_org_detail(request, pk: int):
    user = request.user
    link = selectors.get_temporary_org_for_user(user, pk)
    campaign = link.campaign
    can_change = campaign.is_active and link.org.is_active and scope.can(user, Action.CHANGE_PERSON, link.org)
    form = (
        SecondmentForm(request.POST or None, initial={"joined_on": _today()}, **_urls(campaign))
        if can_change
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您无权调整该临时党组织的成员。")
        if form.is_valid():
            person = _resolve(
                form,
                "person",
                resolve_person,
                selectors.visible_people(user, campaign),
                form.cleaned_data["person"],
            )
            if not form.errors:
                try:
                    services.secondment_add(
                        actor=user, temporary_org=link, person=person, role=form.cleaned_data["role"],
                        joined_on=form.cleaned_data["joined_on"],
                    )  # fmt: skip
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    messages.success(request, f"已编入{person.name}（组织关系不变）。")
                    return redirect(request.path)
    return render(
        request, "mobilization/temporary_org.html",
        _context(request, campaign, "temporary", link=link, secondments=list(selectors.secondments(link)), form=form,
                 powers=services.temporary_org_powers(link), history=history_for(link)[:50]),
    )  # fmt: skip


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
    leaders = selectors.team_leaders([t.pk for t in teams])
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
    members = list(selectors.team_members(team))
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
            initial={"first_day": _today(), "periods": "08:00-14:00、14:00-20:00"}, members=members,
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
        lead = next((m for m in members if m.pk == data["lead"]), None)
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


# ---- posts and zones ---------------------------------------------------------------------------


@login_required
def post_list(request, pk: int, wizard: bool = False):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    _require_manage(request, campaign)
    org = _chosen_org(request, campaign) if campaign.is_active else None
    form = None
    if org is not None:
        form = PostForm(request.POST or None, initial={"starts_on": _today() if campaign.starts_on <= _today() else campaign.starts_on},
                        members=_org_people(org, members_only=True), **{"people_url": _urls(campaign)["people_url"]})  # fmt: skip
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        holder = (
            Person.objects.filter(pk=data["holder"]).select_related("org").first() if data["holder"] else None
        )
        if holder is not None and holder.pk not in {p.pk for p in _org_people(org, members_only=True)}:
            holder = None
        if holder is None and data["holder_ref"]:
            holder = _resolve(
                form,
                "holder_ref",
                resolve_person,
                selectors.visible_people(user, campaign),
                data["holder_ref"],
            )
        if not form.errors:
            try:
                post = services.post_create(
                    actor=user, campaign=campaign, org=org, kind=data["kind"], name=data["name"], place=data["place"],
                    duties=data["duties"], holder=holder, starts_on=data["starts_on"], ends_on=data["ends_on"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已设立“{post.name}”，责任党员：{post.holder.name}。")
                return redirect(f"{request.path}?org={org.code}")
    kind = request.GET.get("kind", "")
    posts = _page(request, selectors.posts(user, campaign, kind=kind))
    return render(
        request, "mobilization/posts.html",
        _context(request, campaign, "posts", posts=posts, form=form, org=org, wizard=wizard, step=4,
                 steps=WIZARD_STEPS, post_kinds=PostKind.choices, kind=kind),
    )  # fmt: skip


# ---- grid coverage -----------------------------------------------------------------------------


def _lead_from(form, user, campaign, registrations=()):
    data = form.cleaned_data
    if data.get("registration"):
        reg = next((r for r in registrations if r.pk == data["registration"]), None)
        return services.GridLead(registration=reg)
    if data.get("lead_ref"):
        person = _resolve(
            form, "lead_ref", resolve_person, selectors.visible_people(user, campaign), data["lead_ref"]
        )
        return services.GridLead(person=person)
    return services.GridLead(name=data.get("lead_name", ""), phone=data.get("lead_phone", ""))


@login_required
def grid(request, pk: int):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    _require_manage(request, campaign)
    org = _chosen_org(request, campaign) if campaign.is_active else None
    form = (
        GridNodeForm(request.POST or None, people_url=_urls(campaign)["people_url"])
        if org is not None
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        lead = _lead_from(form, user, campaign)
        data = form.cleaned_data
        if not form.errors:
            try:
                node = services.grid_node_save(
                    actor=user, campaign=campaign, org=org, compound=data["compound"], building=data["building"],
                    unit=data["unit"], lead=lead,
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已保存“{node.key}”。")
                return redirect(f"{request.path}?org={org.code}")
    gaps_only = request.GET.get("gaps") == "1"
    compounds_qs = selectors.grid_compounds(user, campaign)
    if gaps_only:
        from .models import GridNode

        gap_roots = GridNode.objects.filter(campaign=campaign, lead_name="").values_list("key", flat=True)
        names = {k.split("/")[0] for k in gap_roots}
        compounds_qs = compounds_qs.filter(key__in=names)
    page = _page(request, compounds_qs, GRID_PAGE_SIZE)
    rows = selectors.grid_rows(list(page))
    return render(
        request, "mobilization/grid.html",
        _context(request, campaign, "grid", page=page, rows=rows, form=form, org=org, gaps_only=gaps_only,
                 levels=selectors.coverage_counts(user, campaign)),
    )  # fmt: skip


@login_required
def grid_lead(request, pk: int):
    user = request.user
    node = selectors.get_grid_node_for_user(user, pk)
    campaign = node.campaign
    if not (campaign.is_active and scope.can(user, Action.CHANGE_PERSON, node.org)):
        raise PermissionDenied("您无权调整该网格的包保负责人。")
    registrations = list(selectors.registrations(user, campaign).filter(community__path__in=[
        node.org.path[:i] for i in range(4, len(node.org.path) + 1, 4)]))  # fmt: skip
    initial = {"lead_name": node.lead_name if not node.lead_person_id else "", "lead_phone": node.lead_phone}
    if node.lead_person_id:
        initial["lead_ref"] = person_label(node.lead_person)
    form = GridLeadForm(request.POST or None, initial=initial, registrations=registrations,
                        people_url=_urls(campaign)["people_url"])  # fmt: skip
    if request.method == "POST" and form.is_valid():
        lead = (
            services.GridLead()
            if form.cleaned_data["clear"]
            else _lead_from(form, user, campaign, registrations)
        )
        if not form.errors:
            try:
                services.grid_lead_set(actor=user, node=node, lead=lead)
            except ValidationError as exc:
                apply_service_errors(form, exc, {"lead": "lead_name"})
            else:
                messages.success(request, f"已保存“{node.key}”的{node.lead_title}。")
                return redirect(f"{reverse('mobilization-grid', args=[campaign.pk])}?org={node.org.code}")
    return render(
        request, "core/form_page.html",
        {"nav": "mobilization", "form": form, "title": f"{node.key}：{node.lead_title}",
         "cancel_url": reverse("mobilization-grid", args=[campaign.pk]),
         "crumbs": [("战时动员", reverse("campaign-list")), (campaign.name, reverse("campaign-dashboard", args=[campaign.pk])),
                    ("网格包保", reverse("mobilization-grid", args=[campaign.pk]))]},
    )  # fmt: skip


@login_required
def coverage(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    report = selectors.coverage(request.user, campaign)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            gridfile.coverage_xlsx(report, campaign),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''coverage-{campaign.code}.xlsx"
        return response
    return render(request, "mobilization/coverage.html", _context(request, campaign, "grid", report=report))


@login_required
def grid_import(request, pk: int):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    if not campaign.is_active or selectors.default_org(user, campaign) is None:
        raise PermissionDenied("您无权为本次动员导入网格包保。")
    org = _chosen_org(request, campaign)
    form = GridImportForm(request.POST or None, request.FILES or None, initial={"org_code": org.code if org else ""},
                          org_url=_urls(campaign)["org_url"])  # fmt: skip
    problems: list = []
    result = None
    if request.method == "POST" and form.is_valid():
        managed = scope.orgs_for(user, Action.CHANGE_PERSON).filter(path__startswith=campaign.org.path)
        default = _resolve(form, "org_code", resolve_org, managed, form.cleaned_data["org_code"])
        upload = form.cleaned_data["file"]
        if not form.errors:
            try:
                table = gridfile.read_table(upload.read(), upload.name)
            except gridfile.UnreadableGrid as exc:
                form.add_error("file", str(exc))
            else:
                rows, found = gridfile.parse(user, campaign, table, default_org=default)
                problems = [(p.row, p.column, p.message) for p in found]
                if not problems:
                    try:
                        result = services.grid_import(
                            actor=user,
                            campaign=campaign,
                            rows=rows,
                            dry_run=bool(request.POST.get("dry_run")),
                        )
                    except services.GridImportError as exc:
                        problems = exc.problems
                if result is not None and not result.dry_run:
                    messages.success(
                        request,
                        f"已导入：新增网格{result.created}个，确定负责人{result.leads_set}名，未变化{result.unchanged}行。",
                    )
                    return redirect("mobilization-coverage", campaign.pk)
    return render(
        request, "mobilization/grid_import.html",
        _context(request, campaign, "grid", form=form, problems=problems, result=result),
    )  # fmt: skip


@login_required
def grid_template(request, pk: int):
    selectors.get_campaign_for_user(request.user, pk)
    response = HttpResponse(
        gridfile.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename=grid-template.xlsx"
    return response


# ---- 双报到 ------------------------------------------------------------------------------------


@login_required
def registrations(request, pk: int):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    _require_manage(request, campaign)
    org = selectors.default_org(user, campaign) if campaign.is_active else None
    form = None
    if org is not None:
        form = RegistrationForm(request.POST or None, initial={"registered_on": _today(), "community_code": org.code},
                                org_url=_urls(campaign)["org_url"])  # fmt: skip
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        community = _resolve(form, "community_code", resolve_org, Org.objects.filter(path__startswith=campaign.org.path),
                             data["community_code"])  # fmt: skip
        # The member is identified by their ID number and name together (they may work outside the
        # community's scope: the community cannot browse them, only find the one they name).
        number = data["id_number"].strip().upper()
        person = (
            Person.objects.select_related("org").filter(id_number=number, name=data["name"].strip()).first()
        )
        if person is None:
            form.add_error("id_number", "没有找到公民身份号码和姓名都一致的人员档案。")
        if not form.errors:
            try:
                services.registration_create(
                    actor=user, campaign=campaign, person=person, community=community,
                    registered_on=data["registered_on"], address=data["address"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc, {"person": "id_number", "community": "community_code"})
            else:
                messages.success(request, f"{person.name}已到“{community.name}”报到。")
                return redirect(request.path)
    page = _page(request, selectors.registrations(user, campaign))
    places = selectors.placements([r.pk for r in page])
    for reg in page:
        reg.placed = places.get(reg.pk, [])
    return render(
        request,
        "mobilization/registrations.html",
        _context(request, campaign, "registrations", page=page, form=form),
    )


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
        if services._active_on(m, shift.on)
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


# ---- front line and commendations --------------------------------------------------------------


@login_required
def frontline(request, pk: int):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    _require_manage(request, campaign)
    org = selectors.default_org(user, campaign) if campaign.is_active else None
    form = None
    if org is not None:
        form = RecommendationForm(request.POST or None, initial={"recommended_on": _today(), "recommended_by_code": org.code},
                                  **_urls(campaign))  # fmt: skip
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        managed = scope.orgs_for(user, Action.CHANGE_PERSON).filter(path__startswith=campaign.org.path)
        by = _resolve(form, "recommended_by_code", resolve_org, managed, data["recommended_by_code"])
        person = _resolve(
            form, "person", resolve_person, selectors.visible_people(user, campaign), data["person"]
        )
        if not form.errors:
            try:
                rec = services.frontline_recommend(
                    actor=user, campaign=campaign, person=person, recommended_by=by,
                    recommended_on=data["recommended_on"], reason=data["reason"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc, {"recommended_by": "recommended_by_code"})
            else:
                if rec.case_id:
                    messages.success(request, f"已推荐{person.name}，发展纪实已在“{person.org.name}”建立。")
                else:
                    messages.success(
                        request, f"已推荐{person.name}，待“{person.org.name}”接收后建立发展纪实。"
                    )
                return redirect(request.path)
    page = _page(request, selectors.recommendations(user, campaign))
    for rec in page:
        rec.can_accept = rec.case_id is None and scope.can(user, Action.CHANGE_PERSON, rec.person.org)
    return render(
        request, "mobilization/frontline.html",
        _context(request, campaign, "frontline", page=page, form=form, stats=selectors.campaign_stats(user, campaign)),
    )  # fmt: skip


@login_required
@require_POST
def frontline_accept(request, pk: int):
    rec = selectors.get_recommendation_for_user(request.user, pk)
    try:
        services.frontline_accept(actor=request.user, recommendation=rec)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已接收{rec.person.name}的推荐，建立发展纪实。")
    return redirect("mobilization-frontline", rec.campaign_id)


@login_required
def commendations(request, pk: int):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    can_issue = selectors.covers(user, campaign, Action.CHANGE_PERSON)
    form = None
    if can_issue:
        form = BulletinForm(request.POST or None, initial={"issued_on": _today(), "issued_by_code": campaign.org.code},
                            org_url=_urls(campaign)["org_url"])  # fmt: skip
    elif request.method == "POST":
        raise PermissionDenied("通报表扬由组织领导本次动员的党组织印发。")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ancestors = [campaign.org.path[:i] for i in range(4, len(campaign.org.path) + 1, 4)]
        issuer = Org.objects.filter(Q(code=data["issued_by_code"].strip()) & (Q(path__in=ancestors) | Q(
            path__startswith=campaign.org.path))).first()  # fmt: skip
        if issuer is None:
            form.add_error("issued_by_code", "找不到该印发单位。")
        campaign_orgs = Org.objects.filter(path__startswith=campaign.org.path)
        people = selectors.visible_people(user, campaign)
        collectives, individuals = [], []
        for name, citation in form.lines(data["collectives"]):
            org = campaign_orgs.filter(code=name).first()
            collectives.append({"name": org.name if org else name, "org": org, "citation": citation})
        for name, citation in form.lines(data["individuals"]):
            person = None
            if name.startswith("#") or len(name) == 18:
                person = _resolve(form, "individuals", resolve_person, people, name)
            individuals.append({"name": name, "person": person, "citation": citation})
        if not form.errors:
            try:
                bulletin = services.bulletin_record(
                    actor=user, campaign=campaign, number=data["number"], issued_on=data["issued_on"],
                    issued_by=issuer, title=data["title"], collectives=collectives, individuals=individuals,
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc, {"issued_by": "issued_by_code"})
            else:
                messages.success(request, f"已记录通报表扬“{bulletin.number}”。")
                return redirect(request.path)
    bulletins = list(selectors.bulletins(campaign))
    named = selectors.commendations_of([b.pk for b in bulletins])
    for b in bulletins:
        b.named = named.get(b.pk, [])
    return render(
        request,
        "mobilization/commendations.html",
        _context(request, campaign, "commendations", bulletins=bulletins, form=form),
    )


# ---- suggestions (datalists) -------------------------------------------------------------------


def _query(request) -> str:
    return next((v for k, v in request.GET.items() if v and k != "for"), "").strip()


@login_required
def suggest_people(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    people = selectors.suggest_people(request.user, campaign, _query(request))
    return render(request, "mobilization/_people_options.html", {"people": people})


@login_required
def suggest_orgs(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    query = _query(request)
    qs = _campaign_orgs(request, campaign).filter(dissolved_on__isnull=True)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(code__startswith=query))
    return render(request, "orgs/_suggest.html", {"orgs": qs.order_by("path")[:20]})


@login_required
def suggest_run_orgs(request):
    """Orgs the user may run a campaign for (wizard step 1)."""
    query = _query(request)
    qs = scope.orgs_for(request.user, Action.CHANGE_PERSON).filter(dissolved_on__isnull=True)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(code__startswith=query))
    return render(request, "orgs/_suggest.html", {"orgs": qs.order_by("path")[:20]})
