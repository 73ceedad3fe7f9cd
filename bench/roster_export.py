"""Time the roster (花名册) export of the whole jurisdiction: 134,000 people on the city demo.

    .venv/bin/python bench/roster_export.py [--repeat 3]     # the database DANGJIAN_VAR_DIR / DATABASE_URL select

Loads nothing: run it on a database holding `dangjian demo --scale city` (bench/run_all.py loads
one, or see bench/README.md). Writes the .xlsx of the root org (masked, as a user who did not ask
for full numbers gets it) to a temporary file, `--repeat` times; prints the median and JSON (last
line). Target: ≤ 30 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
TARGET_S = 30


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--org", help="组织代码（默认：最上级组织）")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    from dangjian.documents import spreadsheets
    from dangjian.orgs.models import Org

    org = Org.objects.get(code=args.org) if args.org else Org.objects.filter(depth=1).order_by("path").first()
    times, rows, size = [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "roster.xlsx"
        for _ in range(max(1, min(args.repeat, 5))):
            started = time.perf_counter()
            rows = spreadsheets.write_roster(target, org, unmask=False)
            times.append(time.perf_counter() - started)
            size = target.stat().st_size
    result = {
        "roster_export": {
            "median": round(statistics.median(times), 2), "runs": [round(t, 2) for t in times], "rows": rows,
            "mb": round(size / 1e6, 1), "db": connection.vendor, "target_s": TARGET_S,
        }
    }  # fmt: skip
    print(f"[{connection.vendor}] roster export of {org.name}: {rows} rows, median {result['roster_export']['median']} s "
          f"(runs {result['roster_export']['runs']}), {result['roster_export']['mb']} MB")  # fmt: skip
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
