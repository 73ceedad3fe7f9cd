"""Print a generated document as a clerk's office suite would: LibreOffice converts it to PDF
(`soffice --headless --convert-to pdf`), poppler reads the pages back (pdfinfo, pdftotext, pdftoppm).

Tests that use it are marked `office` and skipped where soffice is not installed; `.ci/run` installs
libreoffice-writer-nogui and libreoffice-calc-nogui.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
A4_PT = (595, 842)  # 210 × 297 mm in points, rounded as pdfinfo prints them


@dataclass
class Printed:
    pdf: bytes
    pages: list[tuple[float, float]]  # (width, height) in points, one per page
    texts: list[str]  # the text of each page (pdftotext -layout)

    def is_a4(self) -> bool:
        return all(sorted((round(w), round(h))) == list(A4_PT) for w, h in self.pages)


def to_pdf(content: bytes, suffix: str) -> Printed:
    """Convert a .docx or .xlsx to PDF with LibreOffice and read its pages back."""
    with tempfile.TemporaryDirectory(prefix="dangjian-office-") as tmp:
        folder = Path(tmp)
        source = folder / f"document{suffix}"
        source.write_bytes(content)
        # A profile of its own: parallel test workers must not share LibreOffice's user profile.
        profile = (folder / "profile").as_uri()
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
             "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        pdf = folder / "document.pdf"
        info = subprocess.run(
            ["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], check=True, capture_output=True, text=True
        ).stdout
        pages = [
            (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
        ]
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        texts = text.split("\f")[: len(pages)]
        return Printed(pdf.read_bytes(), pages, texts)


def first_page_png(printed: Printed, path: Path, *, dpi: int = 60) -> Path:
    """The first page as a PNG (pdftoppm), for looking at."""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "p.pdf"
        pdf.write_bytes(printed.pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf),
             str(path.with_suffix(""))], check=True, capture_output=True,
        )  # fmt: skip
    return path
