"""Every Excel list a person prints, printed as a clerk's office suite would (LibreOffice → PDF): A4,
one page wide (the last column on every page, a page count that follows the rows, not the columns),
the title row (document, org, date) and the header row on every page.

Before the shared page setup (dangjian.base.spreadsheet.print_setup) the town's 统计表 printed on 20
pages and its 花名册 on 10, each row split from its last columns. Marked `office`: skipped where
LibreOffice is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import io
import math

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.base.spreadsheet import LINE_HEIGHT, chinese_date
from dangjian.documents.tests import printable
from dangjian.documents.tests.office import needs_office, to_pdf

pytestmark = [pytest.mark.office, needs_office, pytest.mark.django_db]
LINES_PER_PAGE = 25  # conservative: a landscape A4 page fitted to one page wide holds 35 to 45
STATISTICS_PAGES = 8  # three sheets of 27 orgs (the third a row per org and standing): 5 pages


def _lines(sheet) -> int:
    """The lines of text of the data rows (below the title and header rows): a wrapped row is taller."""
    lines = 0
    for r in range(3, sheet.max_row + 1):
        height = sheet.row_dimensions[r].height if r in sheet.row_dimensions else None
        lines += math.ceil(height / LINE_HEIGHT) if height else 1
    return lines


def _most_pages(content: bytes) -> int:
    """How many pages the workbook takes at most when every sheet is one page wide."""
    book = load_workbook(io.BytesIO(content))
    return sum(math.ceil(_lines(sheet) / LINES_PER_PAGE) for sheet in book.worksheets)


@pytest.fixture
def town(docs):
    printable.build_town(docs)
    return printable.workbooks(docs)


@pytest.mark.parametrize("kind", ["roster", "development", "statistics", "due", "compliance"])
def test_prints_one_page_wide_with_title_and_header_on_every_page(town, kind):
    book = town[kind]
    printed = to_pdf(book.content, ".xlsx")
    pages = len(printed.pages)
    assert printed.is_a4(), printed.pages
    assert pages <= _most_pages(book.content), f"{kind}: {pages} pages, columns split from their rows?"
    if kind == "roster":
        assert pages >= 2  # long enough to show that the title and header come back on every page
    if kind == "statistics":
        assert pages <= STATISTICS_PAGES
    today = chinese_date(timezone.localdate())
    listed = 0
    for n, text in enumerate(printed.texts, start=1):
        headers = () if book.summary and book.summary in text else book.headers
        listed += bool(headers)
        for expected in (book.title, book.org_name, today, *headers, f"第 {n} 页"):
            assert expected in text, f"{kind}: “{expected}” missing on page {n} of {pages}"
    assert listed, "no page of the list"
