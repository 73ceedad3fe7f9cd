"""Read the workbook's three sheets from `.xlsx` (python-calamine) or three UTF-8 `.csv` files.

The reader only finds sheets, headers and rows; it knows nothing of what the cells mean (that is
`cells.py` and the importer). Every problem is a `Problem` with sheet, row, column and value, so
the importer can report all of them at once.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dangjian.base import uploads
from dangjian.interchange.layout import COLUMNS, SHEETS, columns_by_header

ERROR = "error"
WARNING = "warning"

# What a jurisdiction's workbook may hold: 100,000 people inflate to about 200 MB of sheet XML.
MAX_ROWS = 200_000
LIMITS = uploads.SheetLimits(
    max_rows=MAX_ROWS,
    max_columns=100,
    zip=uploads.ZipLimits(max_members=200, max_total=400 * uploads.MB, max_member=300 * uploads.MB),
)
MAX_CSV_BYTES = 200 * uploads.MB


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None  # the spreadsheet's row number (the header is row 1)
    column: str
    value: str
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row number, header → cell)
    extra_headers: list[str] = field(default_factory=list)


@dataclass
class Workbook:
    sheets: dict[str, Sheet]
    problems: list[Problem]
    filename: str


class UnreadableFile(Exception):
    """The file is not a workbook we can read at all (message in Chinese)."""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet(name: str, table: Iterable[list[Any]], problems: list[Problem]) -> Sheet:
    """Headers and rows of one sheet. `table` is consumed once, row by row, and each row keeps only
    its non-blank cells: 100,000 rows of 49 columns, mostly empty, then fit in a few hundred MB."""
    rows = iter(table)
    first = next((r for r in rows if not all(_is_blank(c) for c in r)), None)  # skip leading empty rows
    if first is None:
        problems.append(Problem(name, None, "", "", f"工作表“{name}”没有表头行。"))
        return Sheet(name, [])
    headers = [str(h).strip() if not _is_blank(h) else "" for h in first]
    known = columns_by_header(name)
    sheet = Sheet(name, headers)
    seen: set[str] = set()
    for header in headers:
        if not header:
            continue
        if header in seen:
            problems.append(Problem(name, 1, header, header, f"表头“{header}”出现了两次。"))
        seen.add(header)
        if header not in known:
            sheet.extra_headers.append(header)
    for header in sheet.extra_headers:
        problems.append(
            Problem(name, 1, header, header, f"“{header}”不是标准列，内容将作为备注保留。", WARNING)
        )
    missing = [c.header for c in COLUMNS[name] if c.required and c.header not in seen]
    for header in missing:
        problems.append(Problem(name, 1, header, "", f"缺少必填列“{header}”。"))
    named = [(i, h) for i, h in enumerate(headers) if h]
    for offset, raw in enumerate(rows, start=2):
        cells = {h: raw[i] for i, h in named if i < len(raw) and not _is_blank(raw[i])}
        if cells:
            sheet.rows.append((offset, cells))
    return sheet


def read_xlsx(data: bytes, filename: str) -> Workbook:
    from python_calamine import CalamineWorkbook

    # Before calamine: it sizes a dense grid from the cells' references, so one cell at XFD1048576
    # in a 9 KB file asks for 512 GiB and aborts the process.
    if (kind := uploads.sniff(data)) != "xlsx":
        raise UnreadableFile(
            f"无法读取“{filename}”：不是有效的 Excel 工作簿（其内容是{uploads.KIND_LABELS.get(kind, kind)}）。"
        )
    try:
        uploads.refuse_formulas(uploads.scan_xlsx(data, LIMITS, label=f"“{filename}”"), label=f"“{filename}”")
    except uploads.UploadRefused as exc:
        raise UnreadableFile(str(exc)) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for every kind of broken file
        raise UnreadableFile(
            f"无法读取“{filename}”：不是有效的 Excel 工作簿（{type(exc).__name__}）。"
        ) from None
    problems: list[Problem] = []
    sheets: dict[str, Sheet] = {}
    names = {n.strip(): n for n in book.sheet_names}
    for name in SHEETS:
        if name not in names:
            problems.append(Problem(name, None, "", "", f"工作簿中缺少工作表“{name}”。"))
            continue
        sheets[name] = _sheet(name, book.get_sheet_by_name(names[name]).iter_rows(), problems)
    return Workbook(sheets, problems, filename)


def _decode_csv(data: bytes, name: str) -> list[list[str]]:
    if len(data) > MAX_CSV_BYTES:
        raise UnreadableFile(f"“{name}”超过 {MAX_CSV_BYTES // uploads.MB}MB，请分批导入。")
    if uploads.sniff(data) != "text":
        raise UnreadableFile(f"“{name}”不是文本格式的 CSV 文件（内容与扩展名不符），已拒绝。")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(f"“{name}”不是 UTF-8 编码的文本；请在 Excel 中另存为“CSV UTF-8”。") from None
    try:
        uploads.check_csv_rows(text, name=name, max_rows=MAX_ROWS)
        rows = list(csv.reader(io.StringIO(text)))
    except uploads.UploadRefused as exc:
        raise UnreadableFile(str(exc)) from None
    except csv.Error as exc:
        raise UnreadableFile(f"“{name}”不是有效的 CSV 文件：{exc}") from None
    if rows and max(len(r) for r in rows) > LIMITS.max_columns:
        raise UnreadableFile(f"“{name}”有超过 {LIMITS.max_columns} 列的行，已拒绝。")
    return rows


def read_csv_files(files: dict[str, bytes], filename: str) -> Workbook:
    """`files`: file name → bytes; the names must be 党组织.csv, 党员名册.csv, 发展纪实.csv."""
    problems: list[Problem] = []
    sheets: dict[str, Sheet] = {}
    by_stem = {Path(n).stem.strip(): (n, data) for n, data in files.items() if n.lower().endswith(".csv")}
    for name in SHEETS:
        if name not in by_stem:
            problems.append(Problem(name, None, "", "", f"缺少文件“{name}.csv”。"))
            continue
        file_name, data = by_stem[name]
        sheets[name] = _sheet(name, _decode_csv(data, file_name), problems)
    return Workbook(sheets, problems, filename)


def read_upload(files: dict[str, bytes]) -> Workbook:
    """One `.xlsx`, one `.zip` of the three `.csv` files, or the three `.csv` files themselves."""
    if not files:
        raise UnreadableFile("请选择要导入的文件。")
    names = list(files)
    if len(files) == 1:
        name = names[0]
        data = files[name]
        lower = name.lower()
        if lower.endswith((".xls", ".xlsm", ".ods", ".et")):
            raise UnreadableFile(
                f"“{name}”不是 .xlsx 格式：请在 Excel 或 WPS 中“另存为” .xlsx 工作簿后再导入。"
            )
        if lower.endswith(".xlsx"):
            return read_xlsx(data, name)
        if lower.endswith(".zip"):
            return read_csv_files(_unzip_csv(data, name), name)
    if all(n.lower().endswith(".csv") for n in names):
        return read_csv_files(files, "、".join(sorted(names)))
    raise UnreadableFile(
        "只能导入 .xlsx 工作簿，或“党组织.csv”“党员名册.csv”“发展纪实.csv”三个文件（可打包为 .zip）。"
    )


def _unzip_csv(data: bytes, name: str) -> dict[str, bytes]:
    """The .csv members of a zip, each inflated only after the archive's promises were checked."""
    try:
        uploads.check_declared_type(data, name, {".zip"})
        limits = uploads.ZipLimits(max_members=50, max_total=MAX_CSV_BYTES, max_member=MAX_CSV_BYTES)
        uploads.check_zip(data, limits, label=f"压缩包“{name}”")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {
                Path(_zip_name(info)).name: uploads.read_member(
                    archive, info, limits, label=f"压缩包“{name}”"
                )
                for info in archive.infolist()
                if not info.is_dir() and info.filename.lower().endswith(".csv")
            }
    except uploads.UploadRefused as exc:
        raise UnreadableFile(str(exc)) from None
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise UnreadableFile(f"无法读取“{name}”：不是有效的 zip 压缩包。") from None


def count_rows(files: dict[str, bytes]) -> int:
    """About how many data rows an upload holds, judged without parsing it (every check that runs
    before parsing runs here too), so a large import can be sent to the worker."""
    try:
        if len(files) == 1:
            name, data = next(iter(files.items()))
            if name.lower().endswith(".xlsx") and uploads.sniff(data) == "xlsx":
                extents = uploads.scan_xlsx(data, LIMITS, label=f"“{name}”")
                return max(sum(e.row_elements for e in extents) - len(extents), 0)
            if name.lower().endswith(".zip"):
                files = _unzip_csv(data, name)
        return sum(max(data.count(b"\n") - 1, 0) for n, data in files.items() if n.lower().endswith(".csv"))
    except uploads.UploadRefused as exc:
        raise UnreadableFile(str(exc)) from None


def _zip_name(info: zipfile.ZipInfo) -> str:
    # Zips made on Chinese Windows store GBK names without the UTF-8 flag.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def read_path(path: Path) -> Workbook:
    """A file (.xlsx, .zip, .csv: its two sibling .csv files are read too) or a folder of .csv files."""
    if not path.exists():
        raise UnreadableFile(f"文件“{path}”不存在。")
    if path.is_dir():
        return read_csv_files({p.name: p.read_bytes() for p in path.glob("*.csv")}, path.name)
    if path.suffix.lower() == ".csv":
        return read_csv_files({p.name: p.read_bytes() for p in path.parent.glob("*.csv")}, path.parent.name)
    return read_upload({path.name: path.read_bytes()})
