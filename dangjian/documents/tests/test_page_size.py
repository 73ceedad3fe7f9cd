"""Every generated document is A4: Word (section page size 11906 × 16838 twips, landscape for the
lists), PDF (595 × 842 pt) and Excel (paper size 9)."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from dangjian.base.spreadsheet import is_landscape
from dangjian.documents import word
from dangjian.documents.models import ExportKind, TemplateKind

pytestmark = pytest.mark.django_db
A4 = (11906, 16838)  # twips: 210 × 297 mm
LANDSCAPE = {TemplateKind.CANDIDATE_NOTICE, TemplateKind.ADMISSION_NOTICE, TemplateKind.APPROVAL_SUMMARY}


def _page_sizes(content: bytes) -> list[tuple[int, int, str]]:
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    sizes = []
    for tag in re.findall(r"<w:pgSz\b[^>]*>", xml):
        w, h = (int(re.search(rf'w:{a}="(\d+)"', tag).group(1)) for a in ("w", "h"))
        orient = re.search(r'w:orient="(\w+)"', tag)
        sizes.append((w, h, orient.group(1) if orient else "portrait"))
    return sizes


def _assert_a4(content: bytes, *, landscape: bool) -> None:
    sizes = _page_sizes(content)
    assert sizes, "no section properties"
    expected = (A4[1], A4[0], "landscape") if landscape else (A4[0], A4[1], "portrait")
    assert all(size == expected for size in sizes), sizes


@pytest.mark.parametrize("kind", TemplateKind.values)
def test_default_templates_are_a4(kind):
    _assert_a4(word.default_template(kind), landscape=kind in LANDSCAPE)


def test_every_generated_word_document_is_a4(docs, client_as):
    client = client_as(docs.admin)
    town = docs.town_a1.pk
    generated = {
        TemplateKind.CANDIDATE_NOTICE: client.get(
            f"/documents/notice/candidate_notice/?org={town}&start=2026-03-16&working_days=5&download=1"
        ),
        TemplateKind.APPROVAL_SUMMARY: client.get(f"/documents/word/approval_summary/?org={town}"),
    }
    case = docs.people["cand1"].case
    for kind in (TemplateKind.ACTIVIST_FILING, TemplateKind.CANDIDATE_FILING):
        generated[kind] = client.get(f"/documents/case/{case.pk}/{kind}/")
    for kind, response in generated.items():
        assert response.status_code == 200, kind
        _assert_a4(response.content, landscape=kind in LANDSCAPE)
    briefing = client.post(
        "/documents/briefing/", {"org": town, "from": "2026-01-01", "to": "2026-06-30", "format": "docx"}
    )
    _assert_a4(briefing.content, landscape=False)


def test_every_generated_pdf_is_a4(docs, client_as, tmp_path):
    client = client_as(docs.admin)
    pdfs = [
        client.get(f"/documents/statistics.pdf?org={docs.city.pk}").content,
        client.post(
            "/documents/briefing/",
            {"org": docs.city.pk, "from": "2026-01-01", "to": "2026-06-30", "format": "pdf"},
        ).content,
    ]
    for n, content in enumerate(pdfs):
        path = tmp_path / f"{n}.pdf"
        path.write_bytes(content)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert "(A4)" in info, info


@pytest.mark.parametrize("kind", ExportKind.values)
def test_every_excel_export_prints_on_a4(docs, client_as, kind):
    response = client_as(docs.admin).post("/documents/export/", {"org": docs.town_a1.pk, "kind": kind})
    assert response.status_code == 200
    for sheet in load_workbook(io.BytesIO(response.content)).worksheets:
        assert sheet.page_setup.paperSize in (9, "9"), sheet.title
        widths = [d.width for d in sheet.column_dimensions.values() for _ in range(d.min, d.max + 1)]
        expected = "landscape" if is_landscape(widths) else "portrait"  # wide sheets lie on their side
        assert sheet.page_setup.orientation == expected, sheet.title
