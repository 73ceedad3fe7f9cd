"""Branch life pages: the overview and figures of a subtree, committees and 换届."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.appraisal.selectors import appraisal_figures
from dangjian.base.forms import apply_service_errors
from dangjian.base.params import BadParameter, date_param, year_param
from dangjian.meetings.models import MeetingKind
from dangjian.orglife import figures, services
from dangjian.orglife.cadence import CADENCE_BY_KEY
from dangjian.orglife.forms import CommitteeForm
from dangjian.orglife.selectors import committees_of, get_committee_for_user
from dangjian.orgs.models import subtree_q
from dangjian.orgs.selectors import ancestors_in_scope
from dangjian.people.membership import full_member_on_q
from dangjian.people.models import Person
from dangjian.training.selectors import training_figures


def _crumbs(user, org) -> list[tuple[str, str]]:
    return [(a.name, reverse("org-detail", args=[a.pk])) for a in [*ancestors_in_scope(user, org), org]]


def _period(request) -> tuple[int, dt.date, dt.date, dt.date]:
    today = timezone.localdate()
    year = year_param(request.GET.get("year"), "year", label=_("年度")) or today.year
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today) if year >= today.year else dt.date(year, 12, 31)
    if start > today:
        raise BadParameter("year", _("年度不能晚于今年。"))
    return year, start, end, today


@login_required
@require_GET
def overview(request, org_pk: int):
    """The figures of branch life for the org's subtree and a year, each linking to its records."""
    org = scope.get_org_for_user(request.user, org_pk)
    year, start, end, today = _period(request)
    data = figures.org_life_figures(org, start, end, today)
    meetings_url = reverse("meeting-list", args=[org.pk])
    kinds = [
        (value, label, data.meetings_by_kind.get(value, 0),
         f"{meetings_url}?{urlencode({'subtree': 1, 'kind': value, 'from': start, 'to': end})}")
        for value, label in MeetingKind.choices
    ]  # fmt: skip
    return render(
        request,
        "orglife/overview.html",
        {
            "nav": "orgs", "org": org, "crumbs": _crumbs(request.user, org), "year": year, "start": start,
            "end": end, "figures": data, "kinds": kinds, "years": range(today.year, today.year - 5, -1),
            # The 民主评议 of a year is held at its end or early the next: this year shows last year's.
            "appraisal": appraisal_figures(request.user, org, year - 1 if year == today.year else year),
            "training": training_figures(request.user, org, start, end),
        },
    )  # fmt: skip


@login_required
@require_GET
def missing(request, org_pk: int, cadence: str):
    """The orgs and periods behind a cadence's 未按期 figure."""
    org = scope.get_org_for_user(request.user, org_pk)
    if cadence not in CADENCE_BY_KEY:
        raise BadParameter("cadence", _("未知的组织生活类别。"))
    year, start, end, today = _period(request)
    orgs = figures.subtree_orgs(org)
    (figure,) = [
        f
        for f in figures.cadence_figures(orgs, start, end, today, root=org, with_missing=True)
        if f.cadence.key == cadence
    ]
    return render(
        request,
        "orglife/missing.html",
        {
            "nav": "orgs", "org": org, "crumbs": _crumbs(request.user, org), "year": year, "figure": figure,
            "rows": sorted(figures.missing_by_org(figure).items(), key=lambda kv: kv[0].path),
        },
    )  # fmt: skip


@login_required
@require_GET
def committee_list(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    return render(
        request,
        "orglife/committees.html",
        {
            "nav": "orgs", "org": org, "crumbs": _crumbs(request.user, org),
            "committees": list(committees_of(request.user, org)),
            "can_change": org.is_active and scope.can(request.user, Action.CHANGE_PERSON, org),
        },
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def committee_elect(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.CHANGE_PERSON)
    today = timezone.localdate()
    meetings = org.meetings.filter(kind=MeetingKind.BRANCH_GENERAL).order_by("-held_on")[:50]
    people = Person.objects.filter(subtree_q(org.path, "org__path"), full_member_on_q(today)).order_by(
        "name_sort_key", "id"
    )
    form = CommitteeForm(
        request.POST or None, meetings=org.meetings.filter(pk__in=[m.pk for m in meetings]).order_by("-held_on"),
        people=people, initial={"elected_on": today},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_elect(
                actor=request.user, org=org, elected_on=form.cleaned_data["elected_on"],
                members=form.members(), election_meeting=form.cleaned_data["election_meeting"],
                term_years=form.cleaned_data["term_years"], notes=form.cleaned_data["notes"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("换届选举已登记。"))
            return redirect("org-detail", org.pk)
    return render(
        request,
        "orglife/elect.html",
        {"nav": "orgs", "org": org, "form": form, "crumbs": _crumbs(request.user, org)},
    )


@login_required
@require_POST
def committee_delete(request, pk: int):
    committee = get_committee_for_user(request.user, pk, Action.CHANGE_PERSON)
    try:
        services.committee_delete(actor=request.user, committee=committee)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除误录的委员会记录。"))
    return redirect("committee-list", committee.org_id)


@login_required
@require_GET
def stats_card(request, org_pk: int):
    """The branch-life card of the statistics page, for its org and period (?from=&to=)."""
    org = scope.get_org_for_user(request.user, org_pk)
    today = timezone.localdate()
    start = date_param(request.GET.get("from"), "from", label=_("起始日期")) or dt.date(today.year, 1, 1)
    end = min(date_param(request.GET.get("to"), "to", label=_("截止日期")) or today, today)
    if start > end:
        raise BadParameter("from", _("起始日期不能晚于截止日期。"))
    data = figures.org_life_figures(org, start, end, today)
    return render(request, "orglife/_stats_card.html", {"org": org, "figures": data, "year": end.year})
