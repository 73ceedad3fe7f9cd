"""Campaign pages: list, create, edit, close, the dashboard; suggestions for the datalists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base import panels
from dangjian.base.forms import apply_service_errors
from dangjian.people.models import Category

from .. import selectors, services
from ..forms import CampaignForm, CloseForm, resolve_org
from ..models import CampaignKind, TeamKind
from ._common import WIZARD_STEPS, _campaign_orgs, _context, _resolve, _today

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
                    description=data["description"], review_levels=data["review_levels"],
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
    initial["review_levels"] = services.review_chain(campaign)
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
    admitted_url = reverse("mobilization-frontline-admitted", args=[campaign.pk])
    context = _context(
        request, campaign, "dashboard", stats=stats, bars=bars,
        team_rows=[(label, stats.teams[value]) for value, label in TeamKind.choices],
        admitted_url=admitted_url,
        categories=[(Category(k).label, n, f"{admitted_url}?category={k}")
                    for k, n in stats.frontline["admitted_by_category"].items()],
    )  # fmt: skip
    # Apps above mobilization add their figures (the dues allocated under the campaign: base/panels.py).
    context["panels"] = panels.render("campaign", request, campaign, context)
    return render(request, "mobilization/dashboard.html", context)


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
