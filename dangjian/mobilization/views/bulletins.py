"""Commendation bulletins page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render

from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors
from dangjian.orgs.models import Org

from .. import selectors, services
from ..forms import BulletinForm, resolve_person
from ._common import _context, _resolve, _today, _urls


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
