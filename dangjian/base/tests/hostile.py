"""Hostile files, built small in memory, for the upload tests of every app."""

from __future__ import annotations

import io
import zipfile

import openpyxl


def far_cell_xlsx(sheet: str = "党组织", cell: str = "XFD1048576") -> bytes:
    """9 KB that make calamine allocate 512 GiB (and abort the process) when it builds the grid."""
    book = openpyxl.Workbook()
    book.active.title = sheet
    book.active["A1"] = "组织编码"
    book.active[cell] = "boom"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def formula_xlsx(sheet: str, rows: list[list], formula_cell: str, formula: str = "=1+1") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for row in rows:
        book.active.append(row)
    book.active[formula_cell] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_zip_bomb(
    names: tuple[str, ...] = ("党组织.csv", "党员名册.csv", "发展纪实.csv"), mb: int = 16
) -> bytes:
    """About 50 KB per 16 MB of inflated CSV (the reported file: 145 KB → 48 MB)."""
    buffer = io.BytesIO()
    row = "组织编码,组织名称\n" + "X0001,某某党支部\n" * (mb * 1024 * 1024 // 24)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in names:
            archive.writestr(name, row.encode())
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64
