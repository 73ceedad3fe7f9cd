"""`dangjian compilecatalogs`: compile dangjian/locale/*/LC_MESSAGES/django.po into django.mo.

Pure Python (polib), so GNU gettext need not be installed. The .mo files are generated and never
committed; `make install`, `make run`, `make test` and the test suite's conftest compile them.
A catalog is rewritten only when its .po changed, and atomically, so parallel test workers that
compile at the same time never see a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polib
from django.core.management.base import BaseCommand

LOCALE_DIR = Path(__file__).resolve().parents[3] / "locale"


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every django.po under `locale_dir`; return the .mo files that were (re)written."""
    written: list[Path] = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
        mo_path = po_path.with_suffix(".mo")
        data = polib.pofile(str(po_path), encoding="utf-8").to_binary()
        if mo_path.exists() and mo_path.read_bytes() == data:
            continue
        fd, tmp = tempfile.mkstemp(dir=po_path.parent, prefix=".django-", suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the server may run as another user
            os.replace(tmp, mo_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "Compile the project's translation catalogs (.po → .mo) with polib."

    def handle(self, *args, **options):
        written = compile_catalogs()
        for path in written:
            self.stdout.write(f"compiled {path.relative_to(LOCALE_DIR.parent.parent)}")
        if not written and options["verbosity"] > 1:
            self.stdout.write("catalogs are up to date")
