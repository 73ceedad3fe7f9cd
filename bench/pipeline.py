"""Time the development pipeline on the loaded demo database (whatever DATABASE_URL selects).

- the due list of the committee with the most open cases, topped up to at least 2,000 open cases
  (new applicant cases entered through `cases_backfill`, as an import would);
- a case page with a complete 25-step history;
- recording a step through the whole HTTP stack (POST of the step form, a different case each time).

Prints JSON: {name: {"median": ms, "p90": ms, "n": n, ...}}.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from dangjian.accounts.models import User  # noqa: E402
from dangjian.development import due  # noqa: E402
from dangjian.development.models import Case, CaseStatus  # noqa: E402
from dangjian.development.services import cases_backfill  # noqa: E402
from dangjian.orgs.models import Org, subtree_q  # noqa: E402
from dangjian.people.models import Person, Standing  # noqa: E402
from dangjian.people.services import people_bulk_create  # noqa: E402

TARGET_OPEN = 2000


def stats(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"median": round(statistics.median(samples), 1), "p90": round(samples[int(len(samples) * 0.9) - 1], 1),
            "n": len(samples)}  # fmt: skip


def busiest_committee() -> tuple[Org, int]:
    counties = list(Org.objects.filter(depth=2))
    best = max(
        counties, key=lambda c: Case.objects.filter(subtree_q(c.path, "org__path"), status="open").count()
    )
    return best, Case.objects.filter(subtree_q(best.path, "org__path"), status="open").count()


def top_up(committee: Org, have: int) -> int:
    """Add applicant cases under `committee` until it holds TARGET_OPEN open cases."""
    import random

    from dangjian.shell.demo import _person  # the demo's person generator, for realistic rows

    need = TARGET_OPEN - have
    if need <= 0:
        return 0
    rng = random.Random("bench-top-up")
    branches = list(Org.objects.filter(subtree_q(committee.path), kind="branch").order_by("path"))
    used = set(Person.objects.values_list("id_number", flat=True))
    rows = [_person(rng, branches[i % len(branches)], Standing.APPLICANT, "511602", [("other", 1)], used)
            for i in range(need)]  # fmt: skip
    people_bulk_create(actor=None, rows=rows, message="基准测试补充")
    new = Person.objects.filter(id_number__in=[r["id_number"] for r in rows]).select_related("org")
    cases_backfill(actor=None, rows=[{"person": p, "records": [{"step": 1, "on": p.applied_on}]} for p in new],
                   source="基准测试")  # fmt: skip
    return need


def timed_get(client: Client, url: str, repeat: int, **headers) -> dict:
    client.get(url, **headers)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, **headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return stats(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_test_environment()
    committee, open_cases = busiest_committee()
    added = top_up(committee, open_cases)
    due.refresh()
    open_cases = Case.objects.filter(subtree_q(committee.path, "org__path"), status="open").count()
    client = Client()
    client.force_login(User.objects.get(username="zzb_admin"))
    results: dict = {}
    results["due_list_committee"] = {
        **timed_get(client, f"/development/due/?org={committee.pk}", args.repeat),
        "open_cases": open_cases, "added_for_bench": added, "committee": committee.name,
    }  # fmt: skip
    results["due_list_committee_api"] = timed_get(
        client, f"/api/development/due?org={committee.pk}&limit=100", args.repeat
    )
    full = (
        Case.objects.filter(status=CaseStatus.ARCHIVED)
        .annotate(n=Count("records"))
        .order_by("-n", "id")
        .first()
    )
    results["case_page"] = {
        **timed_get(client, f"/development/case/{full.pk}/", args.repeat),
        "records": full.n,
    }
    results["board_committee"] = timed_get(client, f"/development/org/{committee.pk}/", args.repeat)
    # Recording a step: talk (step 2) for applicants who have none, each POST on a different case.
    waiting = list(
        Case.objects.filter(status="open", last_step=1, org__path__startswith=committee.path)
        .select_related("person")
        .order_by("id")[: args.repeat + 1]
    )
    samples = []
    for i, case in enumerate(waiting):
        talk_on = min(case.person.applied_on + dt.timedelta(days=10), timezone.localdate())
        started = time.perf_counter()
        response = client.post(
            f"/development/case/{case.pk}/step/2/", {"on": talk_on.isoformat(), "note": "基准"}
        )
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 302, response.content.decode()[-500:]
        if i:  # the first request warms caches
            samples.append(elapsed)
    results["record_step_http"] = stats(samples)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
