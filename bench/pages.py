"""Time the hot pages in-process on whatever database the environment selects.

Prints JSON: {name: {"median": ms, "p90": ms, "n": n}}. Requests go through the whole Django
stack (middleware, session auth, scope, templates) via the test client, without network noise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from dangjian.accounts.models import User  # noqa: E402
from dangjian.orgs.models import Org  # noqa: E402
from dangjian.people.models import Person  # noqa: E402


def timed(client: Client, url: str, repeat: int, **headers) -> dict:
    samples = []
    client.get(url, **headers)  # warm caches (templates, SQLite page cache)
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, **headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return {
        "median": round(statistics.median(samples), 1),
        "p90": round(samples[int(len(samples) * 0.9) - 1], 1),
        "n": repeat,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    client = Client()
    client.force_login(User.objects.get(username="zzb_admin"))
    root = Org.objects.get(depth=1)
    county = Org.objects.filter(depth=2).order_by("path").first()
    someone = Person.objects.order_by("id")[Person.objects.count() // 2]
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "members"}
    results = {
        "root_org_page": timed(client, f"/orgs/{root.pk}/", args.repeat),
        "member_list_first_page": timed(client, f"/orgs/{root.pk}/", args.repeat, **htmx),
        "member_list_first_page_api": timed(client, f"/api/people?org={root.pk}&limit=50", args.repeat),
        "county_org_page": timed(client, f"/orgs/{county.pk}/", args.repeat),
        "tree_children": timed(client, f"/orgs/{county.pk}/children/", args.repeat, HTTP_HX_REQUEST="true"),
        "home_page": timed(client, "/", args.repeat),
        "search_initials": timed(client, "/search/?q=wxm", args.repeat),
        "search_id_number": timed(client, f"/search/?q={someone.id_number}", args.repeat),
        "person_page": timed(client, f"/people/{someone.pk}/", args.repeat),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
