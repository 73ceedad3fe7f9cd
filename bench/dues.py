"""Time 党费 (dues) on the loaded demo, on whatever database the environment selects.

Prints JSON: {name: {"median": ms, "p90": ms, "n": n, ...}}.
- `dues_collection_page`: a branch's monthly collection page (the covered branch with the most
  members, this month, as the 组织部管理员) through the Django stack — target ≤ 150 ms;
- `dues_record_month_50`: recording a month of payments for that branch's members (up to 50) through
  the collection page's POST (the month is opened, every member ticked), each in a transaction rolled
  back afterwards; the month's payments are taken out first, outside the timing — target ≤ 1 s;
- `dues_figures_city`: dues.selectors.dues_figures for the whole jurisdiction and the last twelve
  months — target ≤ 500 ms; `dues_stats_page_city`: the same page through the Django stack;
- `dues_check_city`: aggregates.check() (what `dangjian dues check` runs), timed `--check-repeat`
  times — target ≤ 30 s.

`--fill-city` first loads twelve months of ledgers for every town the demo left without one (at city
scale the demo keeps the full ledger for the first county's first towns only, up to 12,000
members), through the same bulk service, so the figures and the check run over the whole city.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.stats import _summary, timed_call, timed_get  # noqa: E402
from dangjian.accounts.models import User  # noqa: E402
from dangjian.dues import aggregates, selectors  # noqa: E402
from dangjian.dues.demo import load_ledger  # noqa: E402
from dangjian.dues.models import DuesMonth, DuesPayment  # noqa: E402
from dangjian.dues.months import month_label, month_of  # noqa: E402
from dangjian.orgs.models import Org  # noqa: E402


class Rollback(Exception):
    pass


def fill_city(today) -> float:
    """Ledgers for the towns (the orgs below each county) without one, a county at a time; returns
    the seconds it took."""
    root = Org.objects.get(depth=1)
    started = time.perf_counter()
    for county in Org.objects.filter(path__startswith=root.path, depth=2).order_by("path"):
        towns = [
            t for t in Org.objects.filter(path__startswith=county.path, depth=3).order_by("path")
            if not DuesMonth.objects.filter(org__path__startswith=t.path).exists()
        ]  # fmt: skip
        if towns:
            load_ledger(random.Random(f"bench-{county.code}"), today, towns)
    return time.perf_counter() - started


def record_month(client: Client, branch: Org, month: int, people: list[int]) -> None:
    """The collection page's POST for `people`, after taking the month's payments out (untimed)."""
    try:
        with transaction.atomic():
            DuesPayment.objects.filter(org=branch, month=month).delete()
            DuesMonth.objects.filter(org=branch, month=month).update(paid_fen=0, settled=False)
            aggregates.rebuild({branch.pk})
            started = time.perf_counter()
            response = client.post(
                f"/dues/org/{branch.pk}/collection/?month={month_label(month)}",
                {"pick": people, "paid_on": timezone.localdate().isoformat(), "way": "wechat"},
            )
            record_month.samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.content.decode()[-2000:]
            raise Rollback
    except Rollback:
        pass


record_month.samples = []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--check-repeat", type=int, default=3)
    parser.add_argument("--fill-city", action="store_true")
    args = parser.parse_args()
    setup_test_environment()
    today = timezone.localdate()
    extra: dict = {}
    if args.fill_city:
        extra["fill_city_seconds"] = round(fill_city(today), 1)
    user = User.objects.get(username="zzb_admin")
    client = Client()
    client.force_login(user)
    root = Org.objects.get(depth=1)
    month = month_of(today)
    branch_id, members = (
        DuesMonth.objects.filter(month=month)
        .values_list("org")
        .annotate(n=Count("id"))
        .order_by("-n", "org")[0]
    )
    branch = Org.objects.get(pk=branch_id)
    people = list(
        DuesMonth.objects.filter(org=branch, month=month)
        .order_by("person_id")
        .values_list("person_id", flat=True)[:50]
    )
    first, last = month - 11, month
    results = {
        "dues_collection_page": timed_get(
            client, f"/dues/org/{branch.pk}/collection/?month={month_label(month)}", args.repeat
        ),
        "dues_figures_city": timed_call(lambda: selectors.dues_figures(user, root, first, last), args.repeat),
        "dues_stats_page_city": timed_get(
            client,
            f"/dues/org/{root.pk}/stats/?from={month_label(first)}&to={month_label(last)}",
            args.repeat,
        ),
    }
    record_month(client, branch, month, people)  # warm
    record_month.samples.clear()
    for _ in range(max(3, args.repeat // 4)):
        record_month(client, branch, month, people)
    results["dues_record_month_50"] = _summary(record_month.samples, members=len(people), branch=branch.name)
    results["dues_collection_page"].update(members=members, branch=branch.name)
    ledger_rows = DuesMonth.objects.count()
    check = []
    for _ in range(args.check_repeat):
        started = time.perf_counter()
        problems = aggregates.check()
        check.append((time.perf_counter() - started) * 1000)
        assert not problems, aggregates.describe(problems)[:5]
    results["dues_check_city"] = _summary(
        check, ledger_rows=ledger_rows, payments=DuesPayment.objects.count()
    )
    results["dues_figures_city"].update(ledger_rows=ledger_rows, **extra)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
