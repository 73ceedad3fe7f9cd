"""Issue 10: a 100,000-row workbook through the CLI must not need 2 GB, and through the page must
never hit the request timeout (it is queued for the worker).

For each database it builds the synthetic county workbook of bench/import_workbook.py at 100,000
people in development (plus a 2,000-member roster and 211 orgs), then:
- runs `dangjian import FILE` as a new process on an empty, migrated database and reads the
  process's peak resident memory (getrusage of the child) and its wall time;
- times the page's part of a large import: POST of the file to /import/ as the admin, answered
  with a redirect to the job page (the pre-parse checks, the row count, storing the upload,
  queueing), with no worker running, so the request's own time is what is measured.

    .venv/bin/python bench/import_large.py [--db sqlite|postgres|both] [--repeat 1] [--people 100000]

Prints a table and, last, one JSON line.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import BIN, bench_env, postgres_available, reset_database  # noqa: E402
from import_workbook import make_workbook  # noqa: E402

PG_DB = "dangjian_bench_import_large"
WORK = Path("/tmp/dangjian-bench-import-large")


def env_for(db: str) -> dict[str, str]:
    return bench_env(db, sqlite_dir=WORK / "sqlite", pg_db=PG_DB, pg_var_dir=WORK / "postgres")


def cli_run(env: dict[str, str], path: Path) -> tuple[float, float]:
    """(seconds, peak MB) of `dangjian import` in a process of its own (os.wait4: that child alone)."""
    log = WORK / "import.log"
    with log.open("w") as out:
        start = time.perf_counter()
        child = subprocess.Popen(
            [str(BIN / "dangjian"), "import", str(path)], env=env, stdout=out, stderr=out
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"import failed:\n{log.read_text()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


PAGE_SCRIPT = r"""
import os, sys, time, json
import django
django.setup()
from django.test import Client
from dangjian.accounts.models import User
from dangjian.interchange.models import ImportJob
from dangjian.orgs.models import Org
from django.core.files.uploadedfile import SimpleUploadedFile
admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin", "", "x")
client = Client()
client.force_login(admin)
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
response = client.post("/import/", {"file": SimpleUploadedFile("wb.xlsx", data), "mode": "import"})
seconds = time.perf_counter() - start
job = ImportJob.objects.order_by("-id").first()
print(json.dumps({"status": response.status_code, "location": response.get("Location", ""),
                  "seconds": seconds, "rows": job.rows if job else 0, "queued": bool(job)}))
"""


def page_run(env: dict[str, str], path: Path) -> dict:
    env = dict(env, ALLOWED_HOSTS="testserver,127.0.0.1")
    done = subprocess.run([str(BIN / "python"), "-c", PAGE_SCRIPT, str(path)], env=env, capture_output=True,
                          text=True, cwd=ROOT)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"page run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"发展纪实-{args.people}.xlsx"
    if not path.exists():
        make_workbook(args.people, path)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {}
    for db in dbs:
        if db == "postgres" and not postgres_available():
            print("PostgreSQL not reachable: skipped")
            continue
        env = env_for(db)
        runs = []
        for _ in range(args.repeat):
            reset_database(db, env, pg_db=PG_DB)
            runs.append(cli_run(env, path))
        reset_database(db, env, pg_db=PG_DB)
        page = page_run(env, path)
        results[db] = {
            "cli_seconds_median": round(statistics.median(r[0] for r in runs), 1),
            "cli_peak_mb_max": round(max(r[1] for r in runs)),
            "page_seconds": round(page["seconds"], 2),
            "page_status": page["status"],
            "page_queued_rows": page["rows"],
        }
        r = results[db]
        print(f"{db:9} CLI import of {args.people:,} people: {r['cli_seconds_median']} s (median of {args.repeat}), "
              f"peak {r['cli_peak_mb_max']} MB; page: HTTP {r['page_status']} in {r['page_seconds']} s, "
              f"queued {r['page_queued_rows']:,} rows")  # fmt: skip
    print(json.dumps({"people": args.people, "file_mb": round(os.path.getsize(path) / 2**20, 1), **results}))


if __name__ == "__main__":
    main()
