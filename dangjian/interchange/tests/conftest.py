"""Workbooks for the import tests, built the way a clerk's spreadsheet would be."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from dangjian.conftest import valid_id_number
from dangjian.development.rulesets import ensure_national
from dangjian.interchange import reader
from dangjian.interchange.layout import COLUMNS, MEMBERS, ORGS, RECORDS


@pytest.fixture(autouse=True)
def _national_ruleset(db):
    ensure_national()


def xlsx_bytes(sheets: dict[str, list[dict]], *, headers: dict[str, list[str]] | None = None) -> bytes:
    """One row dict per row, keyed by header; missing keys are empty cells."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in (ORGS, MEMBERS, RECORDS):
        if name not in sheets:
            continue
        sheet = book.create_sheet(name)
        titles = (headers or {}).get(name) or [c.header for c in COLUMNS[name]]
        sheet.append(titles)
        for row in sheets[name]:
            sheet.append([row.get(t) for t in titles])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook(sheets: dict[str, list[dict]], name: str = "台账.xlsx", **kwargs) -> reader.Workbook:
    return reader.read_upload({name: xlsx_bytes(sheets, **kwargs)})


def member_row(
    name: str, org_code: str, *, admitted: str = "2005-06-01", converted: str = "2006-06-01", **kw
):
    return {"姓名": name, "公民身份号码": kw.pop("id_number", None) or valid_id_number(dt.date(1970, 1, 5)),
            "所在党组织编码": org_code, "入党日期": admitted, "转正日期": converted, **kw}  # fmt: skip


def full_record(name: str, org_code: str, contacts: list[str], introducers: list[str], **overrides) -> dict:
    """A clean whole history: applied 2019-03-01 … converted 2022-07-15, archived."""
    row = {
        "姓名": name, "公民身份号码": valid_id_number(dt.date(1995, 4, 3), "F"), "所在党组织编码": org_code,
        "人员类别": "教师", "递交入党申请书日期": "2019-03-01", "谈话日期": "2019-03-20",
        "确定入党积极分子日期": "2019-06-10", "积极分子备案日期": "2019-06-20", "培养联系人": ";".join(contacts),
        "指定培养联系人日期": "2019-06-15", "培养考察日期": "2019-12-10;2020-06-10",
        "确定发展对象日期": "2020-07-01", "发展对象备案日期": "2020-07-10", "入党介绍人": ";".join(introducers),
        "确定入党介绍人日期": "2020-07-05", "政审结论日期": "2020-08-01", "政审结论": "合格",
        "集中培训开始日期": "2020-08-10", "集中培训结束日期": "2020-08-12", "培训学时": 24,
        "支委会审查日期": "2020-08-20", "预审日期": "2020-09-01", "公示开始日期": "2020-09-02",
        "公示结束日期": "2020-09-08", "填写入党志愿书日期": "2020-09-15", "支部大会日期": "2020-09-20",
        "应到会有表决权人数": 9, "实到会有表决权人数": 8, "赞成票": 8, "反对票": 0, "弃权票": 0,
        "上级党委谈话日期": "2020-10-10", "审批党组织编码": "TOWN-A1", "审批日期": "2020-11-15",
        "审批备案日期": "2020-11-20", "入党宣誓日期": "2020-12-01", "转正申请日期": "2021-09-01",
        "转正支部大会日期": "2021-09-25", "转正应到会有表决权人数": 9, "转正实到会有表决权人数": 9,
        "转正赞成票": 9, "转正反对票": 0, "转正弃权票": 0, "转正结论": "按期转正", "转正审批日期": "2021-11-01",
        "归档日期": "2021-12-01",
    }  # fmt: skip
    row.update(overrides)
    return row
