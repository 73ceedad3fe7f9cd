"""Every uploaded file is hostile until checked: size, expanded size, type sniffed from content.

The checks here run *before* any parser sees the bytes, so a file built to exhaust memory (a zip
bomb, a sheet whose one cell sits at XFD1048576, a 48 MB document packed into 200 KB) is refused
with a Chinese message that names the limit, and the process that received it carries on.

- `sniff(data)` names what the bytes are (pdf, png, jpeg, gif, webp, docx, xlsx, zip, ole …) from
  their content, through the `filetype` library plus the few checks it lacks (OOXML parts, text).
- `check_declared_type(data, filename, allowed)` refuses a file whose content is not what its name
  says (a PDF renamed .xlsx, HTML or an executable named .pdf, an SVG named .png).
- `check_zip(data, limits)` caps members, total expanded size and compression ratio by reading the
  central directory, then verifies the sizes while inflating (a forged header cannot lie past it).
- `scan_xlsx(data, limits)` inflates each worksheet in bounded chunks and finds its real extent
  (the `<dimension>` it claims and the cells it has) and its formula cells, before calamine builds
  the dense grid that a forged extent would make it allocate.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import filetype

MB = 1024 * 1024


class UploadRefused(Exception):
    """The file is refused before parsing; the message is Chinese and names the limit."""


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 2000
    max_total: int = 200 * MB  # inflated bytes of all members together
    max_member: int = 200 * MB
    max_ratio: int = 100  # inflated / compressed, for members above `ratio_floor`
    ratio_floor: int = 1 * MB


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int = 200_000
    max_columns: int = 200
    zip: ZipLimits = field(default_factory=ZipLimits)


# ---- sniffing ----------------------------------------------------------------------------------------

_OOXML_MAIN = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}
_OFD_MAIN = "OFD.xml"  # GB/T 33190, the Chinese fixed-layout format: a zip with OFD.xml at its root
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_MARKUP = re.compile(rb"^\s*<(\?xml|!doctype|html|svg|script|head|body)", re.IGNORECASE)

# What each extension may hold. Legacy Office (.doc/.xls) share the OLE container.
EXTENSION_KINDS: dict[str, frozenset[str]] = {
    ".pdf": frozenset({"pdf"}),
    ".png": frozenset({"png"}),
    ".jpg": frozenset({"jpeg"}),
    ".jpeg": frozenset({"jpeg"}),
    ".gif": frozenset({"gif"}),
    ".webp": frozenset({"webp"}),
    ".tif": frozenset({"tiff"}),
    ".tiff": frozenset({"tiff"}),
    ".docx": frozenset({"docx"}),
    ".xlsx": frozenset({"xlsx"}),
    ".pptx": frozenset({"pptx"}),
    ".ofd": frozenset({"ofd"}),
    ".wps": frozenset({"ole"}),
    ".doc": frozenset({"ole"}),
    ".xls": frozenset({"ole"}),
    ".ppt": frozenset({"ole"}),
    ".zip": frozenset({"zip", "docx", "xlsx", "pptx"}),
    ".csv": frozenset({"text"}),
    ".txt": frozenset({"text"}),
}
KIND_LABELS = {
    "pdf": "PDF 文档", "png": "PNG 图片", "jpeg": "JPEG 图片", "gif": "GIF 图片", "webp": "WebP 图片",
    "tiff": "TIFF 图片", "docx": "Word 文档（.docx）", "xlsx": "Excel 工作簿（.xlsx）",
    "pptx": "PowerPoint 演示文稿", "ofd": "OFD 版式文档", "ole": "旧版 Office 或 WPS 文档", "zip": "zip 压缩包", "text": "纯文本",
    "markup": "网页或 XML/SVG 文件", "executable": "可执行程序", "unknown": "无法识别的文件",
}  # fmt: skip


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            try:
                head.decode("gb18030")
            except UnicodeDecodeError:
                return False
    return True


def sniff(data: bytes) -> str:
    """The kind of file the bytes are, judged from content only."""
    head = data[:8192]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return "unknown"
        for part, kind in _OOXML_MAIN.items():
            if part in names and "[Content_Types].xml" in names:
                return kind
        return "ofd" if _OFD_MAIN in names else "zip"
    if head.startswith(_OLE):
        return "ole"
    if head.startswith((b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"#!")):
        return "executable"
    guessed = filetype.guess(head)
    if guessed is not None:
        return {"jpg": "jpeg", "tif": "tiff"}.get(guessed.extension, guessed.extension)
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _TEXT_MARKUP.match(stripped):
        return "markup"
    if _is_text(stripped):
        return "text"
    return "unknown"


def check_declared_type(data: bytes, filename: str, allowed: set[str] | frozenset[str]) -> str:
    """The file's kind, if its content matches its name and is one of `allowed` extensions.

    Raises UploadRefused (Chinese, naming what the content really is) otherwise."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if suffix not in allowed:
        names = "、".join(sorted(allowed))
        raise UploadRefused(f"不支持“{filename}”的文件类型，只能上传 {names} 文件。")
    actual = sniff(data)
    if actual not in EXTENSION_KINDS.get(suffix, frozenset()):
        raise UploadRefused(
            f"“{filename}”的内容是{KIND_LABELS.get(actual, actual)}，与扩展名 {suffix} 不符，已拒绝。"
            "请上传真实的文件，不要修改扩展名。"
        )
    return actual


def check_uploaded_file(upload, allowed: set[str] | frozenset[str], *, max_bytes: int) -> str:
    """An uploaded file (Django's UploadedFile) checked for size and for content matching its name;
    the file is rewound for whoever stores it. Raises UploadRefused."""
    if upload.size is not None and upload.size > max_bytes:
        raise UploadRefused(f"“{upload.name}”超过 {_size(max_bytes)}，请压缩或拆分后上传。")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    if len(data) > max_bytes:
        raise UploadRefused(f"“{upload.name}”超过 {_size(max_bytes)}，请压缩或拆分后上传。")
    return check_declared_type(data, upload.name, allowed)


# ---- archives ----------------------------------------------------------------------------------------


def _size(n: int) -> str:
    return f"{n / MB:.0f}MB" if n >= MB else f"{n // 1024}KB"


def check_zip(data: bytes, limits: ZipLimits, *, label: str = "文件") -> None:
    """Refuse an archive whose central directory promises too much (members, size, ratio)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(f"{label}已损坏，无法读取（不是有效的压缩格式）。") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise UploadRefused(f"{label}包含 {len(infos)} 个部件，超过上限 {limits.max_members} 个。")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > limits.max_member:
                raise UploadRefused(
                    f"{label}中的“{info.filename}”解压后为 {_size(info.file_size)}，"
                    f"超过单个部件上限 {_size(limits.max_member)}。"
                )
            if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise UploadRefused(
                    f"{label}中的“{info.filename}”压缩比超过 {limits.max_ratio}:1"
                    f"（{_size(info.compress_size)} 解压为 {_size(info.file_size)}），疑似压缩炸弹，已拒绝。"
                )
        if total > limits.max_total:
            raise UploadRefused(f"{label}解压后共 {_size(total)}，超过上限 {_size(limits.max_total)}。")


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, *, label: str) -> bytes:
    """Inflate one member, stopping at the cap even if its header understated the size."""
    cap = min(limits.max_member, max(info.file_size, 0) + 1)
    with archive.open(info) as stream:
        out = stream.read(cap + 1)
    if len(out) > info.file_size or len(out) > limits.max_member:
        raise UploadRefused(f"{label}中的“{info.filename}”实际解压大小与声明不符，已拒绝。")
    return out


def iter_member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits, *, label: str):
    """Inflate a member in 1 MB chunks, refusing it past its declared size or the cap."""
    seen = 0
    with archive.open(info) as stream:
        while chunk := stream.read(MB):
            seen += len(chunk)
            if seen > info.file_size or seen > limits.max_member:
                raise UploadRefused(f"{label}中的“{info.filename}”实际解压大小与声明不符，已拒绝。")
            yield chunk


# ---- workbooks -------------------------------------------------------------------------------------

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
# Cheap passes over the inflated XML: only references that could break a limit are looked at in
# Python (rows of six or more digits, columns of two or more letters). The common spelling
# (` r="A1"`) has a literal prefix the regex engine searches fast (100,000 rows in about a second);
# any other legal spelling (tab or newline before it, single quotes) takes the general, slower pass.
_LONG_ROW = re.compile(rb' r="[A-Z]{0,3}(\d{6,})"')
_WIDE_COLUMN = re.compile(rb' r="([A-Z]{2,})\d')
_LONG_ROW_ANY = re.compile(rb"\sr\s*=\s*[\"'][A-Z]{0,3}(\d{6,})[\"']")
_WIDE_COLUMN_ANY = re.compile(rb"\sr\s*=\s*[\"']([A-Z]{2,})\d")
_ODD_SPELLINGS = (b"\tr", b"\nr", b"\rr", b"r='", b"r =", b"r= ", b"r\t", b"r\n")
# A cell whose first child is a formula (<f> precedes <v> in OOXML), with its reference.
_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\s[^>]*?\br\s*=\s*[\"']([A-Z]{1,3})(\d{1,7})[\"'][^>/]*>\s*<(?:\w+:)?f[\s/>]"
)
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*?>")
_ATTR = re.compile(rb'\b(name|r:id|(?:\w+:)?id)="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*?>")
_REL_ATTR = re.compile(rb'\b(Id|Target)="([^"]*)"')


def column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


@dataclass
class SheetExtent:
    """What the scan found: the largest row and column references that could break a limit (rows
    below 100,000 and single-letter columns are not tracked), and formula cells."""

    name: str
    rows: int = 0
    columns: int = 0
    formulas: list[str] = field(default_factory=list)  # cell references, e.g. "C7"
    row_elements: int = 0  # <row> elements, i.e. rows with any content or format


def _sheet_names(archive: zipfile.ZipFile, limits: ZipLimits) -> dict[str, str]:
    """worksheet part path → sheet name, from workbook.xml and its relationships."""
    try:
        book = read_member(archive, archive.getinfo("xl/workbook.xml"), limits, label="工作簿")
        rels = read_member(archive, archive.getinfo("xl/_rels/workbook.xml.rels"), limits, label="工作簿")
    except KeyError:
        return {}
    targets = {}
    for rel in _REL.findall(rels):
        attrs = dict(_REL_ATTR.findall(rel))
        if b"Id" in attrs and b"Target" in attrs:
            target = attrs[b"Target"].decode("utf-8", "replace").lstrip("/")
            targets[attrs[b"Id"]] = target if target.startswith("xl/") else f"xl/{target}"
    out = {}
    for tag in _SHEET.findall(book):
        attrs = {k.split(b":")[-1] if k != b"r:id" else k: v for k, v in _ATTR.findall(tag)}
        rid = attrs.get(b"r:id") or attrs.get(b"id")
        if rid in targets and b"name" in attrs:
            out[targets[rid]] = attrs[b"name"].decode("utf-8", "replace")
    return out


def scan_xlsx(data: bytes, limits: SheetLimits, *, label: str = "工作簿") -> list[SheetExtent]:
    """Every worksheet's real extent and formula cells; refuses absurd extents before parsing."""
    check_zip(data, limits.zip, label=label)
    extents = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = _sheet_names(archive, limits.zip)
        for info in archive.infolist():
            # Every part a relationship names as a sheet, and anything that looks like one.
            if info.filename not in names and not info.filename.startswith("xl/worksheets/"):
                continue
            extent = SheetExtent(names.get(info.filename, PurePosixPath(info.filename).stem))
            tail = b""
            for chunk in iter_member_chunks(archive, info, limits.zip, label=label):
                text = tail + chunk
                # Judge only whole tags: cut before the last closing tag and carry the rest over.
                # No closing tag sits between a cell's start and its <f>, so none is split.
                cut = text.rfind(b"</")
                if cut <= 0 or len(text) - cut > 4 * MB:
                    cut = len(text)
                _scan_chunk(text[:cut], extent, limits, label)
                tail = text[cut:]
            if tail:
                _scan_chunk(tail, extent, limits, label)
            extents.append(extent)
    return extents


def _scan_chunk(body: bytes, extent: SheetExtent, limits: SheetLimits, label: str) -> None:
    extent.row_elements += body.count(b"<row ") + body.count(b"<row>") + body.count(b":row ")
    if (m := _DIMENSION.search(body)) and m.group(4):
        _grow(extent, column_number(m.group(3)), int(m.group(4)), limits, label, claimed=True)
    odd = any(spelling in body for spelling in _ODD_SPELLINGS)
    for row in (_LONG_ROW_ANY if odd else _LONG_ROW).findall(body):
        _grow(extent, 0, int(row), limits, label)
    for letters in set((_WIDE_COLUMN_ANY if odd else _WIDE_COLUMN).findall(body)):
        _grow(extent, column_number(letters), 1, limits, label)
    if b"<f" in body or b":f" in body:
        for m in _FORMULA_CELL.finditer(body):
            if len(extent.formulas) >= 50:
                break
            extent.formulas.append(f"{m.group(1).decode()}{int(m.group(2))}")


def _grow(extent: SheetExtent, column: int, row: int, limits: SheetLimits, label: str, *, claimed=False):
    if row > limits.max_rows or column > limits.max_columns:
        where = f"{column_letters(column)}{row}" if column else f"第{row}行"
        what = "声明的范围延伸到" if claimed else "有内容的单元格位于"
        raise UploadRefused(
            f"{label}的工作表“{extent.name}”{what} {where}，超过上限"
            f"（每个工作表最多 {limits.max_rows:,} 行、{limits.max_columns} 列），已拒绝。"
            "请删除多余的行列或分批导入。"
        )
    extent.rows = max(extent.rows, row)
    extent.columns = max(extent.columns, column)


def refuse_formulas(extents: list[SheetExtent], *, label: str = "工作簿") -> None:
    """Formula cells read back as empty or stale values: name them and ask for plain values."""
    found = [(e.name, cell) for e in extents for cell in e.formulas]
    if found:
        shown = "、".join(f"“{sheet}”{cell}" for sheet, cell in found[:10])
        more = f"等 {len(found)} 处" if len(found) > 10 else ""
        raise UploadRefused(
            f"{label}中含有公式单元格：{shown}{more}。公式不会被导入，请复制后“选择性粘贴为数值”再上传。"
        )


def check_csv_rows(text: str, *, name: str, max_rows: int) -> None:
    rows = text.count("\n") + 1
    if rows > max_rows + 1:
        raise UploadRefused(f"“{name}”有 {rows:,} 行，超过上限 {max_rows:,} 行，请分批导入。")
