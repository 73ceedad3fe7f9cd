from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from dangjian.accounts import scope
from dangjian.development.selectors import due_for
from dangjian.orgs.selectors import suborg_counts
from dangjian.people.selectors import category_counts, search_people, standing_counts

HOME_DUE_ITEMS = 12


@login_required
def home(request):
    roots = list(scope.scope_roots(request.user).order_by("path"))
    return render(
        request,
        "core/home.html",
        {
            "nav": "home",
            "roots": roots,
            "standings": standing_counts(request.user),
            "categories": category_counts(request.user),
            "orgs": suborg_counts(request.user),
            "due_items": list(due_for(request.user)[:HOME_DUE_ITEMS]),
            "due_total": due_for(request.user).count(),
        },
    )


@login_required
def search(request):
    query = request.GET.get("q", "").strip()
    results = list(search_people(request.user, query)) if query else []
    template = "core/_search_results.html" if request.htmx else "core/search.html"
    return render(request, template, {"nav": "search", "search_query": query, "results": results})
