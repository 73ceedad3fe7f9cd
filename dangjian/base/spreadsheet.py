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
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_FORMAT = "@"
BOLD = Font(bold=True)


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


def value_cell(sheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """A cell for an ordinary value: strings are escaped, numbers and dates are kept as they are."""
    cell = WriteOnlyCell(sheet, value=escape_formula(value) if isinstance(value, str) else value)
    if bold:
        cell.font = BOLD
    return cell


def header_row(sheet, titles: list[str]) -> list[WriteOnlyCell]:
    """A bold header row (append it with ``sheet.append``)."""
    return [value_cell(sheet, title, bold=True) for title in titles]
