"""Temporary party organization pages: the list (and wizard step) and one org with its secondments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.services import history_for
from dangjian.base.forms import apply_service_errors
from dangjian.orgs.models import Org

from .. import selectors, services
from ..forms import SecondmentForm, TemporaryOrgForm, resolve_org, resolve_person
from ._common import WIZARD_STEPS, _campaign_orgs, _context, _page, _require_manage, _resolve, _today, _urls

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
