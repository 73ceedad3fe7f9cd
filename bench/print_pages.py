"""How the documents of one town print: each generated workbook and Word document converted to PDF with
LibreOffice (as a clerk's office suite prints it), its page size and page count against its rows.

    .venv/bin/python bench/print_pages.py [--org CODE] [--out DIR]   # DANGJIAN_VAR_DIR / DATABASE_URL select

Run it on a demo database (`dangjian demo --scale county`). Without --org it takes the town committee
with the most members. Writes the PDFs and a PNG of each first page to --out (default
/tmp/dangjian-print); prints one line per document and JSON (last line). Needs soffice, pdfinfo and
pdftoppm (libreoffice-writer-nogui, libreoffice-calc-nogui, poppler-utils).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")


def to_pdf(content: bytes, suffix: str, out: Path, name: str) -> tuple[int, bool]:
    """(pages, every page A4) of the document printed by LibreOffice; keeps the PDF and a first-page PNG."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{name}{suffix}"
        source.write_bytes(content)
        subprocess.run(
            ["soffice", f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--convert-to",
             "pdf", "--outdir", tmp, str(source)], check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        pdf = out / f"{name}.pdf"
        shutil.copy(Path(tmp) / f"{name}.pdf", pdf)
    info = subprocess.run(
        ["pdfinfo", "-l", "100000", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    a4 = all(sorted((round(float(w)), round(float(h)))) == [595, 842] for w, h in sizes)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(out / name)], check=True)  # fmt: skip
    return len(sizes), a4


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--org", help="组织代码（默认：党员最多的乡镇党委）")
    parser.add_argument("--out", default="/tmp/dangjian-print")
    args = parser.parse_args()
    import django

    django.setup()
    from django.utils import timezone

    from dangjian.documents import selectors, spreadsheets, word
    from dangjian.documents.selectors import Period
    from dangjian.documents.views import briefing_docx
    from dangjian.orgs.models import Org, OrgKind
    from dangjian.people.models import Person

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.org:
        org = Org.objects.get(code=args.org)
    else:
        towns = Org.objects.filter(kind=OrgKind.COMMITTEE, depth=3)
        org = max(towns, key=lambda t: Person.objects.filter(org__path__startswith=t.path).count())
    today = timezone.localdate()
    results = []

    def workbook(name, writer, **kwargs):
        buffer = io.BytesIO()
        rows = writer(buffer, org, **kwargs)
        pages, a4 = to_pdf(buffer.getvalue(), ".xlsx", out, name)
        results.append({"document": name, "rows": rows, "pages": pages, "a4": a4})

    workbook("roster", spreadsheets.write_roster, unmask=False)
    workbook("development_roster", spreadsheets.write_development_roster, unmask=False)
    workbook("statistics", spreadsheets.write_statistics)
    workbook("due", spreadsheets.write_due)
    cases = selectors.cases_at(org, stage=4, min_step=15)
    summary = word.render("approval_summary", word.list_context(org, cases, today=today))
    pages, a4 = to_pdf(summary, ".docx", out, "approval_summary")
    results.append({"document": "approval_summary", "rows": cases.count(), "pages": pages, "a4": a4})
    figures = selectors.briefing_figures(org, Period(today.replace(month=1, day=1), today))
    from dangjian.documents import briefing

    pages, a4 = to_pdf(briefing_docx(briefing.compose(figures), org.name, today), ".docx", out, "briefing")
    results.append({"document": "briefing", "rows": 0, "pages": pages, "a4": a4})
    print(f"{org.name}（{org.code}）：")
    for r in results:
        print(f"  {r['document']:<20} {r['rows']:>6} 行 → {r['pages']:>3} 页  A4={'是' if r['a4'] else '否'}")
    print(f"PDF 和首页截图：{out}")
    print(json.dumps({"org": org.code, "documents": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
