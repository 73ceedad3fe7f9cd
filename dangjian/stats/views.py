"""统计分析 pages: thin views over stats.selectors (out-of-scope org = 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.base import panels
from dangjian.orgs.fields import OrgPickerForm
from dangjian.stats import charts, selectors


@login_required
@require_GET
def dashboard(request):
    # The org picker (`code`: a name, code or pinyin typed, "名称（代码）" chosen); a bad value is the
    # picker's error and the page stays on the org it showed (`org`).
    picker = OrgPickerForm(request.user, request.GET, name="code", label=_("党组织"), small=True)
    picked = picker.org
    org = selectors.stats_org(request.user, picked.pk if picked else request.GET.get("org"))
    if not picker.is_bound or picked is not None:
        picker = OrgPickerForm(request.user, name="code", initial=org, label=_("党组织"), small=True)
    period = selectors.parse_period(request.GET.get("from"), request.GET.get("to"))
    stats = selectors.subtree_stats(request.user, org, period)
    context = {"nav": "stats", "org": org, "stats": stats, "period": period, "charts": charts.options(stats),
               "org_picker": picker}  # fmt: skip
    context["panels"] = panels.render("stats", request, org, context)
    return render(request, "stats/dashboard.html", context)


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
