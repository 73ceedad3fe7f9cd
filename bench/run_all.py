"""Load the demo jurisdiction and time the hot pages, on SQLite and on PostgreSQL."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import common
from common import BIN, bench_env, postgres_available

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_BENCH_DB = "dangjian_bench"


def env_for(db: str) -> dict[str, str]:
    return bench_env(
        db, sqlite_dir="/tmp/dangjian-bench-sqlite", pg_db=PG_BENCH_DB, pg_var_dir="/tmp/dangjian-bench-pg"
    )


def reset_database(db: str, env: dict[str, str]) -> None:
    common.reset_database(db, env, pg_db=PG_BENCH_DB, migrate=False)


def load(db: str, scale: str) -> float:
    env = env_for(db)
    reset_database(db, env)
    subprocess.run([BIN / "dangjian", "migrate", "--noinput", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [BIN / "dangjian", "demo", "--scale", scale], env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def run_script(name: str, db: str, repeat: int, *extra: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / name), "--repeat", str(repeat), *extra],
        env=env_for(db), check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--scale", default="city")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--skip-check", action="store_true", help="skip bench/check.py (100,000 cases)")
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in dbs and not postgres_available():
        print("PostgreSQL 不可用，只测 SQLite。")
        dbs.remove("postgres")
    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict[str, dict] = {}
    for db in dbs:
        entry: dict = {}
        if not args.skip_load:
            entry["demo_load_seconds"] = round(load(db, args.scale), 1)
            print(f"[{db}] demo --scale {args.scale}: {entry['demo_load_seconds']} s", flush=True)
        entry["pages_ms"] = run_script("pages.py", db, args.repeat)
        entry["pipeline_ms"] = run_script("pipeline.py", db, args.repeat)
        entry["mobilization_ms"] = run_script("mobilization.py", db, args.repeat, "--use-current")
        entry["stats_ms"] = run_script("stats.py", db, 20)
        entry["orglife_ms"] = run_script("orglife.py", db, 20)
        entry["dues_ms"] = run_script("dues.py", db, 20)
        entry["roster_export_s"] = run_script("roster_export.py", db, 3)["roster_export"]  # 134,000 people
        print(f"[{db}] roster export: median {entry['roster_export_s']['median']} s, {entry['roster_export_s']['rows']} rows",
              flush=True)  # fmt: skip
        timings = {
            **entry["pages_ms"],
            **entry["pipeline_ms"],
            **entry["mobilization_ms"],
            **entry["stats_ms"],
            **entry["orglife_ms"],
            **entry["dues_ms"],
        }
        for name, stats in timings.items():
            extra = {k: v for k, v in stats.items() if k not in ("median", "p90", "n")}
            print(f"[{db}] {name}: median {stats['median']} ms (p90 {stats['p90']} ms, n={stats['n']}) {extra or ''}",
                  flush=True)  # fmt: skip
        report[db] = entry
    if not args.skip_check:
        # The compliance check on its own databases of 100,000 synthetic cases (see bench/check.py).
        command = [sys.executable, str(ROOT / "bench" / "check.py"), "--db", args.db]
        out = subprocess.run(
            [*command, *(["--skip-load"] if args.skip_load else [])],
            check=True,
            capture_output=True,
            text=True,
        )
        *lines, last = out.stdout.strip().splitlines()
        print("\n".join(lines), flush=True)
        report["check"] = json.loads(last)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
