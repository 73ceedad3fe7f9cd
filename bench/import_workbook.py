"""Time the import of a 10,000-person development-record workbook (issue 4: ≤ 60 s), SQLite and PostgreSQL.

The workbook is what a county organization department would bring: 1 county committee, 10 town
committees, 200 branches; a roster of 2,000 members (contacts and introducers); 10,000 people in
development at every stage, a few hundred with rule breaks. Each run starts from an empty, migrated
database and times `dangjian import FILE` end to end (process start, reading, checking, writing,
the rule check of every case). Then it imports the same file again (nothing may change) and times
that too.

    .venv/bin/python bench/import_workbook.py [--db sqlite|postgres|both] [--repeat 3] [--people 10000]

Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import BIN, bench_env, postgres_available, reset_database  # noqa: E402

PG_DB = "dangjian_bench_import"
FILE = Path("/tmp/dangjian-bench-import/发展纪实-10000.xlsx")


def env_for(db: str) -> dict[str, str]:
    return bench_env(db, sqlite_dir="/tmp/dangjian-bench-import/sqlite", pg_db=PG_DB,
                     pg_var_dir="/tmp/dangjian-bench-import/postgres")  # fmt: skip


def reset(db: str, env: dict[str, str]) -> None:
    reset_database(db, env, pg_db=PG_DB)


def make_workbook(people: int, path: Path) -> None:
    """Deterministic synthetic workbook written with openpyxl (write-only)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    from openpyxl import Workbook

    from dangjian.base.idnumber import make_id_number
    from dangjian.interchange.layout import COLUMNS, MEMBERS, ORGS, RECORDS
    from dangjian.workcal.calendar import add_months, add_years

    rng = random.Random(20261122)
    book = Workbook(write_only=True)
    sheets = {name: book.create_sheet(name) for name in (ORGS, MEMBERS, RECORDS)}
    for name, sheet in sheets.items():
        sheet.append([c.header for c in COLUMNS[name]])

    def org(code, name, parent, kind, authority):
        sheets[ORGS].append([code, name, parent, kind, authority, "其他"])

    org("XW", "样例县委", "", "党委", "是")
    branches = []
    for t in range(10):
        town = f"XW-T{t:02d}"
        org(town, f"样例第{t + 1}镇党委", "XW", "党委", "是")
        for b in range(20):
            code = f"{town}-B{b:02d}"
            org(code, f"样例第{t + 1}镇第{b + 1}党支部", town, "党支部", "否")
            branches.append((code, town))
    sequence = iter(range(10**7))
    surnames = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
    )
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华志国红梅海燕文斌宇浩"

    def person_id(birth: dt.date) -> str:
        n = next(sequence)
        region = f"51{(n // 500) % 10000:04d}"  # 5 million distinct numbers before a repeat
        return make_id_number(region, birth, n % 500, rng.choice("MF"))

    def name() -> str:
        return rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.randint(1, 2)))

    roster: dict[str, list[str]] = {}
    for code, _town in branches:
        for _ in range(10):
            number = person_id(dt.date(rng.randint(1960, 1985), rng.randint(1, 12), rng.randint(1, 28)))
            admitted = dt.date(rng.randint(1990, 2010), rng.randint(1, 12), rng.randint(1, 28))
            sheets[MEMBERS].append(
                [name(), number, code, admitted.isoformat(), add_years(admitted, 1).isoformat(), "正常"]
            )
            roster.setdefault(code, []).append(number)

    headers = [c.key for c in COLUMNS[RECORDS]]
    today = dt.date(2026, 11, 1)
    for i in range(people):
        code, town = branches[i % len(branches)]
        applied = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
        birth = dt.date(applied.year - rng.randint(20, 40), rng.randint(1, 12), rng.randint(1, 28))
        row: dict = {"name": name(), "id_number": person_id(birth), "org_code": code, "category": "企业职工",
                     "applied_on": applied}  # fmt: skip
        broken = i % 40 == 0

        def at(base: dt.date, low: int, high: int) -> dt.date | None:
            day = base + dt.timedelta(days=rng.randint(low, high))
            return day if day <= today else None

        talked = at(applied, 5, 25)
        if talked:
            row["talked_on"] = talked
        activist = at(applied, 60, 200) if talked else None
        if activist:
            row.update(activist_on=activist, activist_filed_on=activist + dt.timedelta(days=7),
                       contacts=";".join(rng.sample(roster[code], 2)), contacts_on=activist + dt.timedelta(days=3))  # fmt: skip
            checks = [add_months(activist, 5 * k) for k in (1, 2) if add_months(activist, 5 * k) <= today]
            row["assessments"] = ";".join(d.isoformat() for d in checks)
        candidate = None
        if activist:
            candidate = at(add_years(activist, 1), -60 if broken else 5, 90)
        if candidate and len(checks) == 2 and candidate + dt.timedelta(days=60) <= today:
            row.update(candidate_on=candidate, candidate_filed_on=candidate + dt.timedelta(days=5),
                       introducers=";".join(rng.sample(roster[code], 2)), introducers_on=candidate + dt.timedelta(days=3),
                       political_review_on=candidate + dt.timedelta(days=20), political_review_result="合格",
                       training_start=candidate + dt.timedelta(days=25), training_end=candidate + dt.timedelta(days=27),
                       training_hours=24, committee_review_on=candidate + dt.timedelta(days=35),
                       prereview_on=candidate + dt.timedelta(days=45), form_on=candidate + dt.timedelta(days=55))  # fmt: skip
            meeting = at(candidate, 60, 80)
            if meeting:
                expected = rng.randint(7, 30)
                present = expected - rng.randint(0, 3)
                row.update(admission_meeting_on=meeting, admission_expected=expected, admission_present=present,
                           admission_yes=present, admission_no=0, admission_abstain=0)  # fmt: skip
                approved = at(meeting, 20, 80 if not broken else 120)
                if approved:
                    row.update(committee_talk_on=approved - dt.timedelta(days=10), approving_org_code=town,
                               approved_on=approved, approval_filed_on=approved + dt.timedelta(days=5),
                               oath_on=approved + dt.timedelta(days=15))  # fmt: skip
                    conversion = at(add_years(meeting, 1), 1, 40)
                    if conversion:
                        row.update(conversion_applied_on=conversion - dt.timedelta(days=20), conversion_meeting_on=conversion,
                                   conversion_expected=expected, conversion_present=present, conversion_yes=present,
                                   conversion_no=0, conversion_abstain=0, conversion_result="按期转正")  # fmt: skip
                        final = at(conversion, 20, 60)
                        if final:
                            row["conversion_approved_on"] = final
        sheets[RECORDS].append([row.get(k) for k in headers])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def timed(args: list, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(args, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in dbs and not postgres_available():
        print("PostgreSQL 不可用，只测 SQLite。")
        dbs.remove("postgres")
    started = time.perf_counter()
    make_workbook(args.people, FILE)
    print(
        f"workbook: {FILE} ({FILE.stat().st_size // 1024} KB, {args.people} people) in {time.perf_counter() - started:.1f} s"
    )
    report: dict[str, dict] = {}
    for db in dbs:
        env = env_for(db)
        first, again, summary = [], [], ""
        for _ in range(args.repeat):
            reset(db, env)
            seconds, summary = timed([BIN / "dangjian", "import", str(FILE)], env)
            first.append(seconds)
            seconds, again_summary = timed([BIN / "dangjian", "import", str(FILE)], env)
            again.append(seconds)
            assert "发展纪实 0 份" in again_summary and "补充步骤 0 条" in again_summary, again_summary
        report[db] = {"import_s": statistics.median(first), "reimport_s": statistics.median(again),
                      "runs": [round(s, 1) for s in first], "summary": summary}  # fmt: skip
        print(f"{db:9s} import {statistics.median(first):6.1f} s (runs {report[db]['runs']}), "
              f"re-import (no change) {statistics.median(again):6.1f} s")  # fmt: skip
        print(f"          {summary}")
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
