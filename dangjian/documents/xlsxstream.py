"""A minimal streaming .xlsx writer for very large single-sheet exports (the 134,000-row roster).

openpyxl's write-only mode spends most of its time creating and serialising a cell object per
value (about 80 % of a roster export in a profile); this writer formats each row as a string of
SpreadsheetML and streams it into the zip. It knows just what a roster needs:

- ``Text(value)``: a string stored as text with the text number format ``@`` (ID numbers, phones);
- ``str``: a string (inline string); ``int``/``float``: a number; ``datetime.date``: a date serial
  with the format ``yyyy-mm-dd``; ``None``: an empty cell;
- ``Wrapped(value)``: a string that wraps within its column (工作单位及职务, 所在党组织); its row
  is given the height of its lines (`line_count`: LibreOffice does not grow a row to fit);
- an optional title row (bold, larger), a bold, white-on-red header row, column widths, both rows
  frozen;
- the print setup of every printed list (`dangjian.base.spreadsheet`, from whose constants it is
  written): A4, landscape when wide, one page wide, title and header rows repeated on every page,
  page numbers in the footer.

Callers still run user text through `escape_formula` (this writer never writes formulas: every
string is an inline string, so nothing is evaluated, but a user who edits the cell would be).
The files open in Excel, WPS and LibreOffice and read back with openpyxl and python-calamine.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from openpyxl.utils import get_column_letter

from dangjian.base import spreadsheet as printing

EPOCH = dt.date(1899, 12, 30)
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
STYLE_TEXT, STYLE_DATE, STYLE_HEADER, STYLE_TITLE, STYLE_WRAP = 1, 2, 3, 4, 5


class Text(str):
    """A value to store as a text cell (format ``@``), whatever it looks like."""


class Wrapped(str):
    """A string that wraps within its column (long text: 工作单位及职务, 说明)."""


def _xml(text: str) -> str:
    return ILLEGAL.sub("", text).translate(ESCAPES)


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'{quoted}'!$1:${header_row}</definedName></definedNames>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="3"><font><sz val="11"/><name val="{font}"/></font><font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="{font}"/></font>
<font><b/><sz val="{title_size}"/><name val="{font}"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFB71C1C"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" applyAlignment="1"><alignment vertical="center"/></xf></cellStyleXfs>
<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="center"/></xf>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="center"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="center"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>""".replace("{title_size}", str(printing.TITLE_SIZE)).replace("{font}", printing.FONT_NAME)


def _height(points: float | None) -> str:
    """A row's height attributes: none for the default height, else the height of its wrapped lines
    (LibreOffice does not grow a row to fit wrapped text)."""
    return "" if points is None else f' ht="{points}"'


def _page_setup(landscape: bool, fit: bool) -> str:
    """printOptions, pageMargins, pageSetup and headerFooter, in the schema's order: A4, one page
    wide (`fit`) and as many pages tall as needed, page numbers centred in the footer."""
    margins = " ".join(f'{side}="{inches}"' for side, inches in printing.MARGINS.items())
    orientation = "landscape" if landscape else "portrait"
    scale = ' fitToWidth="1" fitToHeight="0"' if fit else ""
    return (
        '<printOptions horizontalCentered="1"/>'
        f"<pageMargins {margins}/>"
        f'<pageSetup paperSize="{printing.PAPER_A4}" orientation="{orientation}"{scale}/>'
        f"<headerFooter><oddFooter>{_xml(printing.FOOTER)}</oddFooter></headerFooter>"
    )


def write_sheet(
    out: IO[bytes] | Path | str,
    sheet_name: str,
    headers: Iterable[tuple[str, float]],
    rows: Iterable[Iterable[Any]],
    *,
    title: str | None = None,
    landscape: bool | None = None,
) -> int:
    """Write one sheet (title row, header row, then `rows`) as a complete .xlsx, set up for printing
    as `dangjian.base.spreadsheet.print_setup` sets up a list; returns the number of rows.

    `title` (`document_title`): the first row, repeated on every printed page with the header;
    None: no title row, the header is row 1. `landscape`: None decides by the column widths."""
    headers = list(headers)
    letters = [get_column_letter(i + 1) for i in range(len(headers))]
    widths = printing.fit_title([w for _, w in headers], title)
    if landscape is None:
        landscape = printing.is_landscape(widths)
    fit = printing.fits_one_page_wide(widths)
    header_row = 2 if title else 1
    n = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            WORKBOOK.format(
                name=_xml(sheet_name).replace('"', "&quot;"),
                quoted=_xml(sheet_name).replace("'", "''"),
                header_row=header_row,
            ),
        )
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            buffer: list[str] = []
            buffer.append(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            if fit:
                buffer.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
            buffer.append(
                f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{header_row}" '
                f'topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/><cols>'
            )
            for i, width in enumerate(widths, start=1):
                buffer.append(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>')
            buffer.append("</cols><sheetData>")
            if title:
                buffer.append(
                    f'<row r="1" ht="{printing.TITLE_HEIGHT}" customHeight="1"><c r="A1" s="{STYLE_TITLE}" '
                    f't="inlineStr"><is><t xml:space="preserve">{_xml(printing.escape_formula(title))}</t></is></c></row>'
                )
            height = printing.row_height(zip((text for text, _ in headers), widths, strict=True))
            buffer.append(f'<row r="{header_row}"{_height(height)}>')
            for letter, (text, _) in zip(letters, headers, strict=True):
                buffer.append(
                    f'<c r="{letter}{header_row}" s="{STYLE_HEADER}" t="inlineStr"><is><t>{_xml(text)}</t></is></c>'
                )
            buffer.append("</row>")
            for index, values in enumerate(rows, start=header_row + 1):
                n += 1
                values = tuple(values)
                lines = 1
                for value, width in zip(values, widths, strict=False):
                    if isinstance(value, Wrapped) and len(value) * 2 > width - 1:
                        lines = max(lines, printing.line_count(value, width))
                buffer.append(
                    f'<row r="{index}"{_height(printing.LINE_HEIGHT * lines if lines > 1 else None)}>'
                )
                for letter, value in zip(letters, values, strict=False):
                    if value is None or value == "":
                        continue
                    ref = f"{letter}{index}"
                    if isinstance(value, Text):
                        buffer.append(
                            f'<c r="{ref}" s="{STYLE_TEXT}" t="inlineStr"><is><t xml:space="preserve">'
                            f"{_xml(value)}</t></is></c>"
                        )
                    elif isinstance(value, Wrapped):
                        buffer.append(
                            f'<c r="{ref}" s="{STYLE_WRAP}" t="inlineStr"><is><t xml:space="preserve">'
                            f"{_xml(value)}</t></is></c>"
                        )
                    elif isinstance(value, str):
                        buffer.append(
                            f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml(value)}</t></is></c>'
                        )
                    elif isinstance(value, dt.date):
                        buffer.append(f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - EPOCH).days}</v></c>')
                    elif isinstance(value, bool):
                        buffer.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
                    else:
                        buffer.append(f'<c r="{ref}"><v>{value}</v></c>')
                buffer.append("</row>")
                if len(buffer) > 20000:
                    raw.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            buffer.append(f"</sheetData>{_page_setup(landscape, fit)}</worksheet>")
            raw.write("".join(buffer).encode("utf-8"))
    return n
