"""Read one cell by its column's kind. Each reader returns the value or raises CellError (Chinese)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError

from dangjian.base.idnumber import parse_id_number
from dangjian.base.spreadsheet import FORMULA_PREFIXES
from dangjian.interchange.layout import Column


class CellError(ValueError):
    pass


LIST_SEPARATORS = re.compile(r"[;；、,，\s]+")
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code such as 1001 typed into a number cell
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        return text[1:]  # escaped on export (core.spreadsheet.escape_formula): read back as written
    return text


def read_date(value: Any) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | int | float):
        raise CellError("日期单元格是数字，请填写“YYYY-MM-DD”格式的日期或将单元格设为日期格式。")
    text = str(value).strip()
    match = DATE_TEXT.match(text) or DATE_COMPACT.match(text)
    if not match:
        raise CellError(f"“{text}”不是日期，请按“YYYY-MM-DD”填写。")
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError(f"日期“{text}”不存在。") from None


MASKED_ID = (
    "公民身份号码中含有“*”：这是隐去了部分号码的导出文件，不能用于导入；请导出时选择“包含完整公民身份号码”。"
)


def parse_id(text: str, *, today: dt.date | None = None) -> str:
    if "*" in text:
        raise CellError(MASKED_ID)
    try:
        return parse_id_number(text, today=today).number
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from None


def read_id(value: Any, *, today: dt.date | None = None) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, bool | int | float):
        raise CellError(
            "公民身份号码存成了数字单元格，后几位已丢失（Excel 数字只保留15位）；"
            "请把该列设为“文本”格式后重新填写。"
        )
    return parse_id(str(value), today=today)


def read_int(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"\d+", text):
            raise CellError(f"“{text}”不是整数。")
        number = int(text)
    if number < 0:
        raise CellError("人数、月数不能为负数。")
    return number


def read_number(value: Any) -> float | None:
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise CellError(f"“{as_text(value)}”不是数字。") from None
    if number < 0:
        raise CellError("不能为负数。")
    return number


def read_list(value: Any) -> list[str]:
    if is_blank(value):
        return []
    if isinstance(value, bool | int | float):
        raise CellError(
            "公民身份号码存成了数字单元格，后几位已丢失（Excel 数字只保留15位）；"
            "请把该列设为“文本”格式，多个号码用“;”分隔。"
        )
    return [part for part in LIST_SEPARATORS.split(as_text(value)) if part]


def read_cell(column: Column, value: Any, *, today: dt.date | None = None) -> Any:
    """The cell's value by the column's kind; "" / None / [] when blank."""
    kind = column.kind
    if kind == "date":
        return read_date(value)
    if kind == "id":
        return read_id(value, today=today)
    if kind == "int":
        return read_int(value)
    if kind == "number":
        return read_number(value)
    if kind == "ids":
        out = []
        for part in read_list(value):
            try:
                out.append(parse_id(part, today=today))
            except CellError as exc:
                raise CellError(f"第{len(out) + 1}个号码：{exc}") from None
        return out
    if kind == "dates":
        return [read_date(part) for part in read_list(value)]
    text = as_text(value)
    if kind == "choice" and text and column.choices and text not in column.choices:
        raise CellError(f"“{text}”不是可选值（{'、'.join(column.choices)}）。")
    return text
