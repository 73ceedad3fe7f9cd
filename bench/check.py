"""Time `dangjian check` (the compliance report) over 100,000 synthetic cases, SQLite and PostgreSQL.

    .venv/bin/python bench/check.py [--db sqlite|postgres|both] [--cases 100000] [--repeat 5] [--skip-load]

For each database: an empty database (SQLite file in /tmp/dangjian-bench-check-sqlite, PostgreSQL
database `dangjian_bench_check` at 127.0.0.1:5432), migrated, then loaded with the `county` demo
(1,200 grassroots orgs, 20,000 members, 2,650 cases) topped up with synthetic people and their step
histories until it holds `--cases` cases. The histories are the demo's (`development.demo.history`):
applicants, activists, candidates, probationary members and complete conversions, 4 % with a
planted rule break (late talk, missing filing, late approval, short cultivation), and a 公示 on
about half of the admissions (R-NOTICE counts working days). They go in through the bulk services
(`people_bulk_create`, `cases_backfill`), so they are checked and chained as an import would be.

Then, median of `--repeat` runs each:
- check_function: `compliance.check(all cases)` + `json.dumps`, in process (query + facts + engine + output);
- check_command: `call_command("check", "--format", "json", "--output", os.devnull)`, in process;
- check_cli: `dangjian check --format json --output /dev/null` as a new process (interpreter start included);
- plain_loop: the same Facts, already in memory, evaluated by the engine in a Python loop.
cases/s for each and ratio = check_command cases/s ÷ plain_loop cases/s. Prints a summary and JSON
(last line); results also go to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import BIN, bench_env, postgres_available, reset_database

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_DB = "dangjian_bench_check"
SQLITE_DIR = Path("/tmp/dangjian-bench-check-sqlite")
BATCH = 10_000  # people (and cases) per bulk call
# Standing mix of the synthetic people (their histories follow from it).
MIX = [("applicant", 20), ("activist", 20), ("candidate", 15), ("probationary", 20), ("full", 25)]


# ---- the orchestrator (no Django here: each database is driven in a subprocess) -------------------


def env_for(db: str) -> dict[str, str]:
    return bench_env(db, sqlite_dir=SQLITE_DIR, pg_db=PG_DB, pg_var_dir="/tmp/dangjian-bench-check-pg")


def reset(db: str, env: dict[str, str]) -> None:
    reset_database(db, env, pg_db=PG_DB)


def worker(db: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", *args],
        env=env_for(db),
        check=True,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-load", action="store_true", help="reuse the databases of the last run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return work(args)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in dbs and not postgres_available():
        print("PostgreSQL 不可用，只测 SQLite。", flush=True)
        dbs.remove("postgres")
    report: dict[str, dict] = {}
    for db in dbs:
        entry: dict = {}
        if not args.skip_load:
            reset(db, env_for(db))
            entry["load"] = worker(db, "--load", "--cases", str(args.cases))
            print(f"[{db}] loaded {entry['load']['cases']:,} cases, {entry['load']['records']:,} step records "
                  f"in {entry['load']['seconds']} s", flush=True)  # fmt: skip
        entry.update(worker(db, "--repeat", str(args.repeat)))
        report[db] = entry
        n = entry["cases"]
        for name in ("check_function", "check_command", "check_cli", "plain_loop"):
            t = entry[name]
            print(
                f"[{db}] {name}: median {t['median_s']} s over {n:,} cases = {t['cases_per_s']:,} cases/s",
                flush=True,
            )
        print(f"[{db}] ratio check_command / plain_loop = {entry['ratio']}  "
              f"({entry['findings']:,} findings)", flush=True)  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"check-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report))


# ---- the worker (Django set up on the database the environment selects) ---------------------------


def work(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result = load(args.cases) if args.load else measure(args.repeat)
    print(json.dumps(result))


def load(total: int) -> dict:
    from dangjian.development import demo
    from dangjian.development.models import Case, StepRecord
    from dangjian.development.rulesets import ruleset_create
    from dangjian.development.services import cases_backfill
    from dangjian.orgs.models import Org, UnitType
    from dangjian.people.models import Person
    from dangjian.people.services import people_bulk_create
    from dangjian.shell.demo import REFERENCE_DATE, UNIT_CATEGORIES, _person, analyze_tables, load_demo

    started = time.perf_counter()
    load_demo("county", log=lambda m: print(m, file=sys.stderr, flush=True))
    county = Org.objects.get(depth=2)
    # A local profile for part of the county (公示 required, 7 working days), so rule sets differ.
    town = Org.objects.filter(depth=3, kind="committee").order_by("path")[3]
    ruleset_create(actor=None, code="bench-local", name="本地（基准测试）", org=town, effective_from=REFERENCE_DATE.replace(year=2022),
                   overrides={"R-NOTICE": {"required": True, "working_days": 7}})  # fmt: skip
    rng = random.Random("bench-check")
    branches = list(Org.objects.filter(kind="branch", path__startswith=county.path).order_by("path"))
    used = set(Person.objects.values_list("id_number", flat=True))
    standings = [s for s, weight in MIX for _ in range(weight)]
    need = total - Case.objects.count()
    while need > 0:
        size = min(BATCH, need)
        rows = []
        for _ in range(size):
            branch = rng.choice(branches)
            pairs = UNIT_CATEGORIES.get(branch.unit_type, UNIT_CATEGORIES[UnitType.OTHER])
            rows.append(_person(rng, branch, rng.choice(standings), "511602", pairs, used))
        people_bulk_create(actor=None, rows=rows, message="基准测试")
        ctx = demo._Context(REFERENCE_DATE)
        people = Person.objects.filter(id_number__in=[r["id_number"] for r in rows]).select_related("org")
        backfill = []
        for person in people.order_by("id"):
            flaw = (
                rng.choice(["late_talk", "no_filing", "late_approval", "short_cultivation"])
                if rng.random() < 0.04
                else ""
            )
            records = demo.history(person, ctx, rng, flaw=flaw)
            for record in records:
                if record["step"] == 13 and record["on"].year >= 2015 and rng.random() < 0.5:
                    start = record["on"] - dt_days(rng.choice([4, 6, 8, 9, 10]))
                    record["data"] = {
                        "notice_start": start.isoformat(),
                        "notice_end": record["on"].isoformat(),
                    }
            backfill.append({"person": person, "records": records})
        cases_backfill(actor=None, rows=backfill, source="基准测试")
        need -= size
        print(f"  {Case.objects.count():,} cases …", file=sys.stderr, flush=True)
    analyze_tables()
    return {"cases": Case.objects.count(), "records": StepRecord.objects.count(),
            "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip


def dt_days(n: int):
    import datetime as dt

    return dt.timedelta(days=n)


def _median(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(repeat: int) -> dict:
    import io

    from django.core.management import call_command
    from django.db import connection

    from dangjian.development import compliance
    from dangjian.development import rules as engine
    from dangjian.development.models import Case

    cases = Case.objects.all()
    n = cases.count()
    findings = len(compliance.run(cases).findings)  # also warms the caches of the database

    def function():
        json.dumps(compliance.check(cases), ensure_ascii=False, indent=1)

    def command():
        call_command("check", "--format", "json", "--output", os.devnull, stdout=io.StringIO())

    def cli():
        subprocess.run([BIN / "dangjian", "check", "--format", "json", "--output", os.devnull], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip

    batch = compliance.Batch()
    items = [(item.facts, item.rules) for item in batch.facts_of(cases)]
    calendar = batch.calendar

    def plain():  # under the same conditions as the check (one calendar snapshot, collector paused)
        with compliance.gc_paused():
            for facts, rules in items:
                engine.evaluate(facts, rules, calendar=calendar)

    timings = {
        "check_function": _median(function, repeat),
        "check_command": _median(command, repeat),
        "check_cli": _median(cli, repeat),
        "plain_loop": _median(plain, repeat),
    }
    out: dict = {"database": connection.vendor, "cases": n, "findings": findings, "repeat": repeat}
    for name, seconds in timings.items():
        out[name] = {"median_s": round(seconds, 2), "cases_per_s": round(n / seconds)}
    out["ratio"] = round(out["check_command"]["cases_per_s"] / out["plain_loop"]["cases_per_s"], 2)
    return out


if __name__ == "__main__":
    main()
