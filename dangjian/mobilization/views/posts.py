"""Vanguard posts and responsibility zones: the list (and wizard step)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from dangjian.base.forms import apply_service_errors
from dangjian.people.models import Person

from .. import selectors, services
from ..forms import PostForm, resolve_person
from ..models import PostKind
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
