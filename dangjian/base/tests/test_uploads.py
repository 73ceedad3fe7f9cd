"""core.uploads: content sniffing and the caps that run before any parser."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from dangjian.base import uploads
from dangjian.base.tests import hostile


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (hostile.PDF, "pdf"),
        (hostile.PNG, "png"),
        (hostile.HTML, "markup"),
        (hostile.SVG, "markup"),
        (hostile.ELF, "executable"),
        (hostile.EXE, "executable"),
        ("小区,楼栋\n阳光,1栋\n".encode(), "text"),
        (_xlsx([["a"]]), "xlsx"),
    ],
)
def test_sniff_judges_content_not_name(data, kind):
    assert uploads.sniff(data) == kind


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (hostile.PDF, "名册.xlsx", "PDF 文档"),
        (hostile.HTML, "证明.pdf", "网页或 XML/SVG 文件"),
        (hostile.ELF, "证明.pdf", "可执行程序"),
        (hostile.EXE, "证明.pdf", "可执行程序"),
        (hostile.SVG, "照片.png", "网页或 XML/SVG 文件"),
    ],
)
def test_declared_type_must_match_content(data, name, says):
    with pytest.raises(uploads.UploadRefused, match=says):
        uploads.check_declared_type(data, name, {".pdf", ".png", ".xlsx"})


def test_unlisted_extension_refused():
    with pytest.raises(uploads.UploadRefused, match="只能上传"):
        uploads.check_declared_type(hostile.PDF, "x.exe", {".pdf"})


def test_far_cell_refused_naming_the_cell_and_the_limit():
    limits = uploads.SheetLimits(max_rows=1000, max_columns=50)
    with pytest.raises(uploads.UploadRefused, match=r"XFD1048576.*1,000 行、50 列"):
        uploads.scan_xlsx(hostile.far_cell_xlsx(), limits)


@pytest.mark.parametrize("cell", ["A1048576", "CZ1", "AAA7"])
def test_other_far_cells_refused(cell):
    with pytest.raises(uploads.UploadRefused, match=cell):
        uploads.scan_xlsx(
            hostile.far_cell_xlsx(cell=cell), uploads.SheetLimits(max_rows=1000, max_columns=50)
        )


def test_odd_attribute_spelling_is_still_scanned():
    data = hostile.far_cell_xlsx(cell="B2")
    src = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                body = body.replace(b'<c r="B2"', b"<c\tr='XFD900000'").replace(b'ref="A1:B2"', b'ref="A1"')
            out.writestr(info, body)
    with pytest.raises(uploads.UploadRefused, match="900000"):
        uploads.scan_xlsx(buffer.getvalue(), uploads.SheetLimits(max_rows=1000, max_columns=50))


def test_formula_cells_are_named():
    data = hostile.formula_xlsx("发展纪实", [["姓名"], ["张三"]], "C7")
    extents = uploads.scan_xlsx(data, uploads.SheetLimits())
    with pytest.raises(uploads.UploadRefused, match="“发展纪实”C7"):
        uploads.refuse_formulas(extents)


def test_ordinary_workbook_passes():
    extents = uploads.scan_xlsx(_xlsx([["a", "b"]] * 50), uploads.SheetLimits(max_rows=100, max_columns=5))
    assert [e.formulas for e in extents] == [[]]


def test_zip_bomb_refused_by_ratio_before_inflating():
    data = hostile.csv_zip_bomb(mb=16)
    assert len(data) < 200 * 1024
    with pytest.raises(uploads.UploadRefused, match="压缩比超过 100:1"):
        uploads.check_zip(data, uploads.ZipLimits())


def test_zip_total_and_member_caps():
    data = hostile.csv_zip_bomb(mb=2)
    with pytest.raises(uploads.UploadRefused, match="超过上限 4MB"):
        uploads.check_zip(data, uploads.ZipLimits(max_total=4 * uploads.MB, max_ratio=10_000))
    with pytest.raises(uploads.UploadRefused, match="超过单个部件上限 1MB"):
        uploads.check_zip(data, uploads.ZipLimits(max_member=1 * uploads.MB, max_ratio=10_000))


def test_a_header_that_understates_the_size_is_caught_while_inflating():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.csv", b"x" * 100_000)
    data = bytearray(buffer.getvalue())
    # Forge the declared size (local header and central directory) down to 10 bytes.
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(sig)
        data[at + offset : at + offset + 4] = (10).to_bytes(4, "little")
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.infolist()[0]
        with pytest.raises((uploads.UploadRefused, zipfile.BadZipFile)):
            uploads.read_member(archive, info, uploads.ZipLimits(), label="x")
