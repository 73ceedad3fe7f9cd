"""What every bench script needs to drive a database in a subprocess: its environment and a reset.

Each script keeps its own databases (a SQLite folder under /tmp and a PostgreSQL database), so one
bench never spoils another's data.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def bench_env(
    db: str, *, sqlite_dir: Path | str, pg_db: str, pg_var_dir: Path | str | None = None
) -> dict[str, str]:
    """The environment of a `dangjian` process on the bench's SQLite folder or PostgreSQL database."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="dangjian.settings", DEBUG="false", SECRET_KEY="bench-only")
    env.pop("DATABASE_URL", None)
    if db == "sqlite":
        env["DANGJIAN_VAR_DIR"] = str(sqlite_dir)
    else:
        env["DANGJIAN_VAR_DIR"] = str(pg_var_dir or f"{sqlite_dir}-pg")
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_db}"
    return env


def postgres_available() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0


def reset_database(db: str, env: dict[str, str], *, pg_db: str, migrate: bool = True) -> None:
    """Empty the bench's database (delete the SQLite file, or drop and create the PostgreSQL one)."""
    if db == "sqlite":
        var = Path(env["DANGJIAN_VAR_DIR"])
        var.mkdir(parents=True, exist_ok=True)
        for f in var.glob("dangjian.sqlite3*"):
            f.unlink()
    else:
        for sql in (f"DROP DATABASE IF EXISTS {pg_db} WITH (FORCE)", f"CREATE DATABASE {pg_db}"):
            subprocess.run(["psql", PG_ADMIN_URL, "-q", "-c", sql], check=True)
    if migrate:
        subprocess.run([BIN / "dangjian", "migrate", "--noinput", "-v0"], env=env, check=True)
