"""Front-line recommendation pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors
from dangjian.people.models import Category

from .. import selectors, services
from ..forms import RecommendationForm, resolve_org, resolve_person
from ..models import ReviewDecision, ReviewLevel
from ._common import _context, _page, _require_manage, _resolve, _today, _urls

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
    reviewers: dict[tuple[int, str], bool] = {}  # (home org, level) → may this user review there
    for rec in page:
        rec.campaign = campaign
        reviews = list(rec.reviews.all())
        rec.review_state, level = services.review_status(rec, reviews)
        rec.review_level = ReviewLevel(level).label if level else ""
        rec.review_trail = reviews
        if rec.review_state == "pending" and (rec.person.org_id, level) not in reviewers:
            org = services.level_org(rec, level)
            reviewers[(rec.person.org_id, level)] = org is not None and scope.can(
                user, Action.CHANGE_PERSON, org
            )
        rec.can_review = rec.review_state == "pending" and reviewers[(rec.person.org_id, level)]
        rec.can_accept = (
            rec.review_state == "none"
            and rec.case_id is None
            and scope.can(user, Action.CHANGE_PERSON, rec.person.org)
        )
    return render(
        request, "mobilization/frontline.html",
        _context(request, campaign, "frontline", page=page, form=form, stats=selectors.campaign_stats(user, campaign)),
    )  # fmt: skip


@login_required
def frontline_admitted(request, pk: int):
    """The people behind the dashboard's 火线发展党员 figure (and its category and 一线推荐 rows)."""
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    qs = selectors.frontline_admitted(user, campaign).select_related("org", "case")
    category = request.GET.get("category", "")
    if category in Category.values:
        qs = qs.filter(category=category)
    else:
        category = ""
    recommended = request.GET.get("recommended") == "1"
    if recommended:
        qs = qs.filter(recommended=True)
    start, end = selectors.campaign_period(campaign)
    extra = "&".join(
        p for p in (f"category={category}" if category else "", "recommended=1" if recommended else "") if p
    )
    return render(
        request, "mobilization/frontline_admitted.html",
        _context(request, campaign, "frontline", page=_page(request, qs.order_by("admitted_on", "name_sort_key", "id")),
                 total=qs.count(), start=start, end=end, category=Category(category).label if category else "",
                 recommended=recommended, extra=extra),
    )  # fmt: skip


@login_required
@require_POST
def frontline_review(request, pk: int):
    rec = selectors.get_recommendation_for_user(request.user, pk)
    decision = request.POST.get("decision", "")
    try:
        services.frontline_review(
            actor=request.user,
            recommendation=rec,
            decision=decision,
            reason=request.POST.get("reason", "")[:300],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        word = "同意" if decision == ReviewDecision.AGREE else "退回"
        messages.success(request, f"已{word}{rec.person.name}的一线推荐。")
    return redirect("mobilization-frontline", rec.campaign_id)


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
