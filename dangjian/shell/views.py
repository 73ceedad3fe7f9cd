import re
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

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


# A run of six or more digits may be (part of) an ID number; such a query never goes into a URL.
ID_NUMBER_PART = re.compile(r"[0-9]{6,}")


def _url_safe(query: str) -> bool:
    return not any(ch.isdigit() for ch in query)


@login_required
@require_http_methods(["GET", "POST"])
def search(request):
    """The search forms POST, so ID numbers stay out of URLs and therefore out of access logs,
    proxies and browser history. GET serves links and bookmarks of name/pinyin searches only."""
    if request.method == "POST":
        query = request.POST.get("q", "").strip()
    else:
        query = request.GET.get("q", "").strip()
        if ID_NUMBER_PART.search(query):
            # Already in this request's URL, but never searched for or sent back (not even in the
            # language switch's return address): the page asks for the form instead, so no link or
            # bookmark with an ID number keeps working. A 200, not a 400: Django logs every 4xx
            # with the request, whose repr carries the query string.
            context = {"nav": "search", "search_query": "", "results": [], "refused": True,
                       "language_next": reverse("search")}  # fmt: skip
            return render(request, "core/search.html", context)
    results = list(search_people(request.user, query)) if query else []
    template = "core/_search_results.html" if request.htmx else "core/search.html"
    context = {"nav": "search", "search_query": query, "results": results, "refused": False}
    if _url_safe(query):
        context["language_next"] = reverse("search") + ("?" + urlencode({"q": query}) if query else "")
    else:
        context["language_next"] = reverse("search")
    response = render(request, template, context)
    if request.htmx:
        # The address bar follows the live search only for queries without digits.
        url = reverse("search")
        if query and _url_safe(query):
            url += "?" + urlencode({"q": query})
        response["HX-Push-Url"] = url
    return response
