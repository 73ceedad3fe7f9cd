"""Time the statistics (统计分析) on the loaded demo, on whatever database the environment selects.

Prints JSON: {name: {"median": ms, "p90": ms, "n": n, ...}}. `stats_selector_root` is
stats.selectors.subtree_stats for the whole jurisdiction (every figure of the dashboard: composition
from the pre-aggregated counts, the funnel and 12 months of trends from the milestone dates, the
sub-org breakdown); `stats_dashboard_root` is the whole page through the Django stack.
`composition_check` is one direct recount over the base tables compared with the stored counts
(what `dangjian counts check` does), timed once.
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
from dangjian.stats import counts as composition  # noqa: E402
from dangjian.stats import selectors  # noqa: E402


def _summary(samples: list[float], **extra) -> dict:
    samples.sort()
    return {
        "median": round(statistics.median(samples), 1),
        "p90": round(samples[max(int(len(samples) * 0.9) - 1, 0)], 1),
        "n": len(samples),
        **extra,
    }


def timed_call(fn, repeat: int) -> dict:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return _summary(samples)


def timed_get(client: Client, url: str, repeat: int) -> dict:
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return timed_call(get, repeat)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    user = User.objects.get(username="zzb_admin")
    client = Client()
    client.force_login(user)
    root = Org.objects.get(depth=1)
    county = Org.objects.filter(depth=2).order_by("path").first()
    period = selectors.parse_period()
    stats = selectors.subtree_stats(user, root, period)
    results = {
        "stats_selector_root": timed_call(lambda: selectors.subtree_stats(user, root, period), args.repeat),
        "stats_dashboard_root": timed_get(client, f"/stats/?org={root.pk}", args.repeat),
        "stats_dashboard_county": timed_get(client, f"/stats/?org={county.pk}", args.repeat),
        "stats_drilldown_members_root": timed_get(client, stats.members.url, args.repeat),
    }
    results["stats_selector_root"].update(members=stats.members.n, suborgs=len(stats.suborgs))
    started = time.perf_counter()
    exact = composition.recompute() == composition.stored()
    results["composition_check"] = _summary([(time.perf_counter() - started) * 1000], exact=exact)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
