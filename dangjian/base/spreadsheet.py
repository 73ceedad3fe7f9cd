"""Small helpers for writing spreadsheets people open in Excel/WPS (reports, exports, templates).

Two dangers when user-entered text goes into a cell:

- **Formula injection** (OWASP "CSV Injection"): text that begins with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return may be run as a formula by the spreadsheet program; openpyxl itself
  stores a string that begins with ``=`` as a formula. `escape_formula` prefixes such text with a
  single quote (``'``), as OWASP advises, so it is shown as text. Apply it to every cell whose text
  came from users or imported files (names, messages, remarks), in .xlsx and .csv alike.
- **Numbers that are not numbers**: an 18-digit 公民身份号码 stored as a number loses its last
  digits (Excel keeps 15 significant digits) and a leading-zero code loses its zeros. Write such
  values with `text_cell`: always a string, with the text number format ``@`` so that a user who
  edits the cell keeps it as text.

The cell helpers work with openpyxl's write-only worksheets (``Workbook(write_only=True)``), which
stream rows and are the only mode fast enough for 100,000-row sheets; they also work in normal
worksheets when the returned cells are appended with ``sheet.append``.

**Printing.** A list a person may print gets one page setup (`print_setup`, or `page_setup` for a
sheet that is not a list): A4 (paper size 9), landscape when wide (`is_landscape`), scaled to one
page wide and as many pages tall as needed, narrow margins, "第 1 页，共 5 页" centred in the
footer; a title row (`document_title`: 党员花名册　中共某某党支部　2026年12月7日) above the header
row, both repeated on every printed page and frozen on screen. A workbook that is read back by an
importer has no title row (``title=None``): its header stays in row 1. The streaming writer
(`dangjian.documents.xlsxstream`) writes the same setup from the constants here.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_FORMAT = "@"
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="center")
MIDDLE = Alignment(vertical="center")  # the cells of a row taller than one line


def escape_formula(text: str) -> str:
    """`text` made safe to put in a spreadsheet cell: a leading ``'`` when it could start a formula.

    ``=1+2`` → ``'=1+2``, ``-1`` → ``'-1``, ``@SUM(A1)`` → ``'@SUM(A1)``, ``张三`` → ``张三``.

    Only strings are changed; the caller converts other values first (or uses `value_cell`).
    """
    if text and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def text_cell(sheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """A cell that is text whatever `value` looks like (ID numbers, codes): a string, escaped,
    with the text number format ``@``. None becomes an empty string."""
    cell = WriteOnlyCell(sheet, value=escape_formula("" if value is None else str(value)))
    cell.number_format = TEXT_FORMAT
    if bold:
        cell.font = BOLD
    return cell


def value_cell(sheet, value: Any, *, bold: bool = False, wrap: bool = False) -> WriteOnlyCell:
    """A cell for an ordinary value: strings are escaped, numbers and dates are kept as they are.
    `wrap`: long text wraps within the column (说明, 工作单位及职务) instead of running over."""
    cell = WriteOnlyCell(sheet, value=escape_formula(value) if isinstance(value, str) else value)
    if bold:
        cell.font = BOLD
    if wrap:
        cell.alignment = WRAP
    return cell


def header_row(sheet, titles: list[str]) -> list[WriteOnlyCell]:
    """A bold header row (append it with ``sheet.append``)."""
    return [value_cell(sheet, title, bold=True) for title in titles]


# ---- print setup, shared with dangjian.documents.xlsxstream ------------------------------------

PAPER_A4 = 9  # the paperSize code of A4
LANDSCAPE_COLUMNS = 8  # more columns than this: landscape
LANDSCAPE_WIDTH = 110  # or wider than this (column widths, in characters): landscape
# Wider than this, one page wide would print below ~60 % (an 11-point font under 7 points): such a
# sheet (the 49 columns of 发展纪实) is printed across several pages, its first columns repeated.
MAX_FIT_WIDTH = 250
# Margins in inches (left, right, top, bottom, header, footer): narrow, room for the footer.
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6, "header": 0.3, "footer": 0.3}
PAGE_NUMBERS = "第 &P 页，共 &N 页"  # &P the page, &N the number of pages
FOOTER = "&C" + PAGE_NUMBERS  # the footer's code: centred page numbers
TITLE_SIZE = 14  # points; the other cells are 11
TITLE_HEIGHT = 22  # points: the title row's height
LINE_HEIGHT = 15  # points: a line of 11-point text (the default row height)
TITLE_SEPARATOR = "\u3000"  # an ideographic space between title, org and date
FONT_NAME = "等线"  # Excel's default font for Chinese (LibreOffice substitutes a sans font)
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=TITLE_SIZE)

Headers = Sequence[tuple[str, float]]


def chinese_date(day: dt.date) -> str:
    """2026年12月7日 (no leading zeros, as on printed documents)."""
    return f"{day.year}年{day.month}月{day.day}日"


def document_title(name: str, org_name: str, day: dt.date | None = None) -> str:
    """The title row of a printed list: ``党员花名册　中共某某党支部　2026年12月7日`` (today by default)."""
    parts = [name, org_name, chinese_date(day or timezone.localdate())]
    return TITLE_SEPARATOR.join(p for p in parts if p)


def is_landscape(widths: Sequence[float]) -> bool:
    """Landscape for a wide sheet: more than 8 columns or wider than 110 characters."""
    return len(widths) > LANDSCAPE_COLUMNS or sum(widths) > LANDSCAPE_WIDTH


def units(text: str) -> int:
    """How many column-width units `text` takes in 11 points: 2 for a CJK character, as Excel's fonts
    draw them (LibreOffice's are narrower, so estimates err on the wide side), 1 for the others."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_width(text: str, size: float = 11) -> float:
    """About how wide a column must be for `text` in a font of `size` points."""
    return units(text) * size / 11 + 1


def fit_title(widths: Sequence[float], title: str | None) -> list[float]:
    """The column widths, widened in proportion when the title row would be wider than the table
    (the title overflows into the empty cells to its right, but not beyond the last column)."""
    widths = [float(w) for w in widths]
    if title:
        needed = text_width(title, TITLE_SIZE)
        total = sum(widths)
        if total and needed > total:
            widths = [round(w * needed / total, 1) for w in widths]
    return widths


def line_count(text: str, width: float) -> int:
    """About how many lines `text` wraps to in a column `width` characters wide (see `units`)."""
    room = max(width - 1, 1)  # the cell's padding
    if len(text) * 2 <= room and "\n" not in text:
        return 1  # the common case, without measuring
    lines = 0
    for part in text.split("\n"):
        lines += max(1, -(-units(part) // int(room)))
    return lines


def row_height(cells: Iterable[tuple[str, float]]) -> float | None:
    """The height (points) of a row whose wrapped cells hold (text, column width): None when every
    text fits on one line (the row keeps the default height)."""
    lines = max((line_count(text, width) for text, width in cells), default=1)
    return LINE_HEIGHT * lines if lines > 1 else None


def fits_one_page_wide(widths: Sequence[float]) -> bool:
    """Whether the sheet is printed scaled to one page wide (not when that would be too small)."""
    return sum(widths) <= MAX_FIT_WIDTH


def page_setup(
    sheet,
    widths: Sequence[float],
    *,
    landscape: bool | None = None,
    repeat_rows: str | None = None,
    repeat_columns: str | None = None,
) -> None:
    """Print `sheet` on A4, one page wide, page numbers in the footer; set the column widths.

    For a write-only sheet call it before the first ``append`` (the widths are written first).
    `repeat_rows`: rows printed at the top of every page ("1:2"); `landscape`: None decides by
    `is_landscape`. A sheet too wide to fit (`fits_one_page_wide`) is printed at full size across
    pages, `repeat_columns` ("A:B") at the left of each.
    """
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if landscape is None:
        landscape = is_landscape(widths)
    sheet.page_setup.paperSize = str(PAPER_A4)
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    if fits_one_page_wide(widths):
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages tall as needed
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    elif repeat_columns:
        sheet.print_title_cols = repeat_columns
    for side, inches in MARGINS.items():
        setattr(sheet.page_margins, side, inches)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = PAGE_NUMBERS
    if repeat_rows:
        sheet.print_title_rows = repeat_rows


def append_title(sheet, title: str) -> None:
    """Append the title row (`document_title`) as the write-only sheet's first row: bold, larger,
    alone in A1 (it runs over the empty cells to its right)."""
    sheet.row_dimensions[1].height = TITLE_HEIGHT
    cell = WriteOnlyCell(sheet, value=escape_formula(title))
    cell.font = TITLE_FONT
    sheet.append([cell])


class PrintedList:
    """A write-only list sheet set up by `print_setup`: append its rows through `append`, which gives
    a row with wrapped text the height of its lines (LibreOffice does not grow a row to fit wrapped
    text when it opens an .xlsx; Excel only when the row has no height)."""

    def __init__(self, sheet, widths: Sequence[float], last_row: int) -> None:
        self.sheet = sheet
        self.widths = list(widths)
        self.last_row = last_row

    def append(self, cells: Sequence[Any]) -> None:
        self.last_row += 1
        wrapped = []
        for cell, width in zip(cells, self.widths, strict=False):
            if isinstance(cell, Cell) and isinstance(cell.value, str) and cell.alignment.wrap_text:
                wrapped.append((cell.value, width))
        height = row_height(wrapped)
        if height is not None:
            self.sheet.row_dimensions[self.last_row].height = height
            cells = [self._middle(cell) for cell in cells]
        self.sheet.append(cells)

    def _middle(self, cell: Any) -> Any:
        """`cell` centred vertically (in a row of several lines), keeping its other style."""
        if not isinstance(cell, Cell):
            if cell is None:
                return None
            cell = WriteOnlyCell(self.sheet, value=cell)  # already escaped by the caller
        elif cell.alignment.wrap_text:
            return cell  # WRAP is centred
        cell.alignment = Alignment(horizontal=cell.alignment.horizontal, vertical="center")
        return cell


def print_setup(
    sheet,
    *,
    title: str | None,
    headers: Headers,
    landscape: bool | None = None,
    repeat_columns: str | None = None,
) -> PrintedList:
    """Set up a write-only list sheet for printing and append its title row and header row.

    `title` (see `document_title`) goes in A1, bold and larger, the rest of its row empty; the
    header row (bold, white on red, wrapped) follows; both are printed on every page and frozen on
    screen. ``title=None`` (a workbook an importer reads back): no title row, the header is row 1.
    `headers`: (text, column width in characters); `repeat_columns`: see `page_setup`. Append the
    rows through the returned `PrintedList` when some cells wrap (``value_cell(..., wrap=True)``).
    """
    widths = fit_title([w for _, w in headers], title)
    header_rows = 2 if title else 1
    page_setup(
        sheet, widths, landscape=landscape, repeat_rows=f"1:{header_rows}", repeat_columns=repeat_columns
    )
    sheet.freeze_panes = f"A{header_rows + 1}"
    if title:
        append_title(sheet, title)
    height = row_height(zip((text for text, _ in headers), widths, strict=True))
    if height is not None:
        sheet.row_dimensions[header_rows].height = height
    cells = []
    for text, _ in headers:
        cell = WriteOnlyCell(sheet, value=escape_formula(text))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        cells.append(cell)
    sheet.append(cells)
    return PrintedList(sheet, widths, header_rows)
