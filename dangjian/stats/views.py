"""统计分析 pages: thin views over stats.selectors (out-of-scope org = 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangjian.stats import charts, selectors


@login_required
@require_GET
def dashboard(request):
    org = selectors.stats_org(request.user, request.GET.get("org"), request.GET.get("code", ""))
    period = selectors.parse_period(request.GET.get("from"), request.GET.get("to"))
    stats = selectors.subtree_stats(request.user, org, period)
    return render(
        request,
        "stats/dashboard.html",
        {"nav": "stats", "org": org, "stats": stats, "period": period, "charts": charts.options(stats)},
    )


@login_required
@require_GET
def people(request):
    org = selectors.stats_org(request.user, request.GET.get("org") or "0")
    qs = selectors.drill_people(request.user, org, request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "stats/people.html",
        {
            "nav": "stats",
            "org": org,
            "page": page,
            "people": page.object_list,
            "filters": selectors.drill_description(request.GET),
            "query": params.urlencode(),
        },
    )
