"""A minimal streaming .xlsx writer for very large single-sheet exports (the 134,000-row roster).

openpyxl's write-only mode spends most of its time creating and serialising a cell object per
value (about 80 % of a roster export in a profile); this writer formats each row as a string of
SpreadsheetML and streams it into the zip. It knows just what a roster needs:

- ``Text(value)``: a string stored as text with the text number format ``@`` (ID numbers, phones);
- ``str``: a string (inline string); ``int``/``float``: a number; ``datetime.date``: a date serial
  with the format ``yyyy-mm-dd``; ``None``: an empty cell;
- a bold, white-on-red header row, column widths, the header frozen;
- printed on A4 landscape, the header row repeated on every page.

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

EPOCH = dt.date(1899, 12, 30)
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
STYLE_TEXT, STYLE_DATE, STYLE_HEADER = 1, 2, 3


class Text(str):
    """A value to store as a text cell (format ``@``), whatever it looks like."""


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
<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'{quoted}'!$1:$1</definedName></definedNames>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="等线"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFB71C1C"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

# A4 (paperSize 9), landscape, narrow margins (inches), as every generated document is A4.
PAGE_SETUP = (
    '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
    '<pageSetup paperSize="9" orientation="landscape"/>'
)


def write_sheet(
    out: IO[bytes] | Path | str,
    sheet_name: str,
    headers: Iterable[tuple[str, float]],
    rows: Iterable[Iterable[Any]],
) -> int:
    """Write one sheet (header row, then `rows`) as a complete .xlsx; returns the number of rows."""
    headers = list(headers)
    letters = [get_column_letter(i + 1) for i in range(len(headers))]
    n = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            WORKBOOK.format(
                name=_xml(sheet_name).replace('"', "&quot;"), quoted=_xml(sheet_name).replace("'", "''")
            ),
        )
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as raw:
            buffer: list[str] = []
            buffer.append(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/><cols>'
            )
            for i, (_, width) in enumerate(headers, start=1):
                buffer.append(f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>')
            buffer.append('</cols><sheetData><row r="1">')
            for letter, (title, _) in zip(letters, headers, strict=True):
                buffer.append(
                    f'<c r="{letter}1" s="{STYLE_HEADER}" t="inlineStr"><is><t>{_xml(title)}</t></is></c>'
                )
            buffer.append("</row>")
            for index, values in enumerate(rows, start=2):
                n += 1
                buffer.append(f'<row r="{index}">')
                for letter, value in zip(letters, values, strict=False):
                    if value is None or value == "":
                        continue
                    ref = f"{letter}{index}"
                    if isinstance(value, Text):
                        buffer.append(
                            f'<c r="{ref}" s="{STYLE_TEXT}" t="inlineStr"><is><t xml:space="preserve">'
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
            buffer.append(f"</sheetData>{PAGE_SETUP}</worksheet>")
            raw.write("".join(buffer).encode("utf-8"))
    return n
