"""Time the mobilization dashboard and the grid coverage report of a city-scale campaign.

    .venv/bin/python bench/mobilization.py [--db sqlite|postgres|both] [--repeat 20] [--skip-load]
    .venv/bin/python bench/mobilization.py --use-current [--repeat 20]   # the database DATABASE_URL selects

For each database: an empty database (SQLite file in /tmp/dangjian-bench-mobilization-sqlite,
PostgreSQL database `dangjian_bench_mobilization` at 127.0.0.1:5432), migrated, then loaded with the
city org tree (7,479 grassroots organizations, the demo's `build_tree`), 60,000 people, and the demo's
city campaign (`mobilization.demo`, all through the bulk services, which insert with COPY on
PostgreSQL): 753 temporary orgs, 3,896 teams, 12,000 vanguard posts and responsibility zones, a grid of
4,800 compounds, buildings and units with 4,300 leads, 30 days of duty by 1,100 people a day (33,000
person-days), 600 volunteer events, 242 front-line applications and 9 bulletins.

Then, through django.test.Client as the 组织部管理员 of the city (median of --repeat after a warm-up):
the campaign dashboard, the coverage report (every building and unit without a lead), the stats API,
the dashboard as a town committee's organizer (their part of the campaign), and the grid table.
Prints a summary and JSON (last line); results also go to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import bench_env, postgres_available, reset_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_DB = "dangjian_bench_mobilization"
SQLITE_DIR = Path("/tmp/dangjian-bench-mobilization-sqlite")
PEOPLE = 60_000
TARGET_MS = 500


# ---- the orchestrator (no Django here: each database is driven in a subprocess) -------------------


def env_for(db: str) -> dict[str, str]:
    return bench_env(db, sqlite_dir=SQLITE_DIR, pg_db=PG_DB, pg_var_dir="/tmp/dangjian-bench-mobilization-pg")


def reset(db: str, env: dict[str, str]) -> None:
    reset_database(db, env, pg_db=PG_DB)


def worker(env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", *args], env=env, check=True, capture_output=True, text=True
    )
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report_line(db: str, entry: dict) -> None:
    for name, t in entry["ms"].items():
        flag = "" if t["median"] <= TARGET_MS else f"  (over {TARGET_MS} ms)"
        print(f"[{db}] {name}: median {t['median']} ms (p90 {t['p90']} ms, n={t['n']}){flag}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-load", action="store_true", help="reuse the databases of the last run")
    parser.add_argument("--use-current", action="store_true", help="time the database DATABASE_URL selects")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return work(args)
    if args.use_current:
        entry = worker(
            dict(os.environ, DJANGO_SETTINGS_MODULE="dangjian.settings"), "--repeat", str(args.repeat)
        )
        report_line("current", entry)
        print(json.dumps(entry["ms"]))
        return None
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in dbs and not postgres_available():
        print("PostgreSQL 不可用，只测 SQLite。", flush=True)
        dbs.remove("postgres")
    report: dict[str, dict] = {}
    for db in dbs:
        entry: dict = {}
        if not args.skip_load:
            reset(db, env_for(db))
            entry["load"] = worker(env_for(db), "--load")
            print(f"[{db}] loaded in {entry['load']['seconds']} s (campaign {entry['load']['campaign_seconds']} s)",
                  flush=True)  # fmt: skip
        entry.update(worker(env_for(db), "--repeat", str(args.repeat)))
        print(f"[{db}] figures: {json.dumps(entry['figures'], ensure_ascii=False)}", flush=True)
        report_line(db, entry)
        report[db] = entry
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"mobilization-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2)
    )
    print(json.dumps(report, ensure_ascii=False))
    return None


# ---- the worker (Django set up on the database the environment selects) ---------------------------


def work(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result = load() if args.load else measure(args.repeat)
    print(json.dumps(result, ensure_ascii=False))


def load() -> dict:
    import random
    from dataclasses import replace

    from django.db import transaction

    from dangjian.accounts.models import Role
    from dangjian.accounts.services import role_grant, user_create
    from dangjian.mobilization.demo import load_mobilization_demo
    from dangjian.orgs.models import Org, OrgKind
    from dangjian.orgs.services import org_tree_bulk_create
    from dangjian.people.services import people_bulk_create
    from dangjian.shell.demo import REFERENCE_DATE, SCALES, analyze_tables, build_tree, person_rows

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    scale = replace(SCALES["city"], members=PEOPLE)
    rng = random.Random("bench-mobilization")
    with transaction.atomic():
        org_tree_bulk_create(actor=None, parent=None, nodes=[build_tree(scale, rng)])
        branches = list(Org.objects.filter(kind=OrgKind.BRANCH).order_by("path"))
        people_bulk_create(actor=None, rows=person_rows(branches, scale, rng))
        root = Org.objects.get(depth=1)
        admin = user_create(
            actor=None, username="bench_admin", password="bench-only-1", display_name="组织部"
        )
        role_grant(actor=None, user=admin, org=root, role=Role.ORG_ADMIN)
        town = Org.objects.filter(depth=3, kind=OrgKind.COMMITTEE, has_approval_authority=True).order_by(
            "path"
        )[0]
        organizer = user_create(actor=None, username="bench_organizer", password="bench-only-1")
        role_grant(actor=None, user=organizer, org=town, role=Role.COMMITTEE_ORGANIZER)
        log(f"tree and {PEOPLE:,} people in {time.perf_counter() - started:.1f} s; the campaign …")
        campaign_started = time.perf_counter()
        load_mobilization_demo("city", reference=REFERENCE_DATE, log=log)
        campaign_seconds = time.perf_counter() - campaign_started
    analyze_tables()
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "campaign_seconds": round(campaign_seconds, 1),
    }


def timed(client, url: str, repeat: int) -> dict:
    client.get(url)  # warm caches (templates, the database's page cache)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return {"median": round(statistics.median(samples), 1), "p90": round(samples[int(len(samples) * 0.9) - 1], 1),
            "n": repeat}  # fmt: skip


def measure(repeat: int) -> dict:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from dangjian.accounts.models import User
    from dangjian.mobilization import selectors
    from dangjian.mobilization.models import Campaign

    setup_test_environment()
    campaign = Campaign.objects.get(code="YQFK-2020")
    admin = User.objects.filter(username__in=["bench_admin", "zzb_admin"]).order_by("username").first()
    organizer = (
        User.objects.filter(username__in=["bench_organizer", "organizer"]).order_by("username").first()
    )
    client = Client()
    client.force_login(admin)
    local = Client()
    local.force_login(organizer)
    c = campaign.pk
    stats = selectors.campaign_stats(admin, campaign)
    ms = {
        "dashboard": timed(client, f"/mobilization/{c}/", repeat),
        "coverage_report": timed(client, f"/mobilization/{c}/grid/coverage/", repeat),
        "stats_api": timed(client, f"/api/mobilization/campaigns/{c}/stats", repeat),
        "dashboard_town_organizer": timed(local, f"/mobilization/{c}/", repeat),
        "grid_table": timed(client, f"/mobilization/{c}/grid/", repeat),
        "duty_page": timed(client, f"/mobilization/{c}/duty/", repeat),
    }
    figures = {
        "temporary_orgs": stats.temporary_orgs["total"], "teams": stats.teams["total"], "posts": stats.posts["total"],
        "grid_leads": stats.grid_leads, "grid_gaps": stats.grid_gaps, "duty_person_days": stats.duty["person_days"],
        "duty_days": stats.duty["days"], "daily_average": stats.duty["daily_average"],
        "applications": stats.frontline["applications"], "admitted": stats.frontline["admitted"],
    }  # fmt: skip
    return {"ms": ms, "figures": figures}


if __name__ == "__main__":
    main()
