"""双报到 page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from dangjian.base.forms import apply_service_errors
from dangjian.orgs.models import Org
from dangjian.people.models import Person

from .. import selectors, services
from ..forms import RegistrationForm, resolve_org
from ._common import _context, _page, _require_manage, _resolve, _today, _urls

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
    places = selectors.placements([r.pk for r in page], active=campaign.is_active)
    for reg in page:
        reg.placed = places.get(reg.pk, [])
    return render(
        request,
        "mobilization/registrations.html",
        _context(request, campaign, "registrations", page=page, form=form),
    )
