"""A town big enough that its workbooks print on several pages, and the workbooks a person prints.

On top of the `docs` world (conftest.py): 24 more branches in 东城镇党委 (its 统计表 then has 27 rows,
as the town that printed on 18 pages), 150 party members spread over them with work units short
and long, 40 applicants whose 谈话 came late (findings of the 合规检查报告), 60 待办事项 (every
fifth with a long 说明).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from dangjian.conftest import valid_id_number
from dangjian.development import compliance
from dangjian.development.models import Case, DueItem, DueKind, DueStatus
from dangjian.development.rulesets import ensure_national
from dangjian.development.services.backfill import cases_backfill
from dangjian.documents import spreadsheets
from dangjian.orgs.models import Org, subtree_q
from dangjian.orgs.services import org_create
from dangjian.people.models import Person
from dangjian.people.services import people_bulk_create

D = dt.date
MEMBERS = 150
APPLICANTS = 40
DUE = 60
UNITS = (
    "东城镇人民政府",
    "东城镇中心卫生院内科主治医师",
    "",
    "东城镇第一小学教师",
    "广安市东城镇第一社区居民委员会党支部书记、主任兼网格员",  # wraps
)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[i // len(SURNAMES) % len(GIVEN)] + GIVEN[i % len(GIVEN)]


@dataclass
class Workbook:
    kind: str
    content: bytes
    title: str  # the start of every sheet's title row (the document's name)
    headers: tuple[str, str]  # the first and the last header, found on every printed page of the list
    org_name: str
    summary: str = ""  # in the title of a sheet that is not a list (合规检查报告（汇总）): no header


def build_town(docs) -> list[Org]:
    """The extra branches, the members, the late applicants and the due items (returns the branches)."""
    town = docs.town_a1
    branches = [docs.branch_a1_1, docs.branch_a1_2]
    for i in range(3, 27):
        branches.append(
            org_create(
                actor=None,
                parent=town,
                code=f"BR-A1-{i}",
                name=f"东城镇第{i}村党支部",
                kind="branch",
                unit_type="village",
                founded_on=D(2001, 7, 1),
            )
        )
    rows = []
    for i in range(MEMBERS):
        birth = D(1940 + i % 40, 1 + i % 12, 1 + i % 28)
        gender = "MF"[i % 2]
        rows.append(
            {
                "org": branches[i % len(branches)], "name": _name(i),
                "gender": gender, "birth_date": birth, "id_number": valid_id_number(birth, gender),
                "standing": "full", "applied_on": D(2000, 3, 1), "activist_on": D(2000, 9, 1),
                "candidate_on": D(2001, 9, 1), "admitted_on": D(2002, 1, 1), "converted_on": D(2003, 1, 1),
                "work_unit": UNITS[i % len(UNITS)], "phone": f"139{i:08d}", "backfill_reason": "测试",
            }
        )  # fmt: skip
    for i in range(APPLICANTS):
        birth = D(1995, 1 + i % 12, 1 + i % 28)
        rows.append(
            {
                "org": branches[i % len(branches)], "name": "申请人" + _name(i)[1:], "gender": "M",
                "birth_date": birth, "id_number": valid_id_number(birth, "M"), "standing": "applicant",
                "applied_on": D(2023, 3, 1), "work_unit": UNITS[i % len(UNITS)],
            }
        )  # fmt: skip
    people_bulk_create(actor=None, rows=rows)
    ensure_national()
    applicants = Person.objects.filter(name__startswith="申请人").order_by("id")
    cases_backfill(
        actor=None, source="测试",
        rows=[{"person": p, "records": [{"step": 1, "on": D(2023, 3, 1)}, {"step": 2, "on": D(2023, 5, 1)}]}
              for p in applicants],
    )  # fmt: skip
    DueItem.objects.bulk_create(
        DueItem(
            org=branches[i % len(branches)],
            kind=DueKind.TALK,
            status=DueStatus.OVERDUE,
            due_on=D(2026, 1, 1) + dt.timedelta(days=i),
            message=f"申请人{_name(i)[1:]}：递交申请后一个月内谈话（2023-04-01前）"
            + ("；已多次提醒支部书记，仍未记录谈话，请尽快安排并在系统中补录谈话记录" if i % 5 == 0 else ""),
        )
        for i in range(DUE)
    )
    return branches


def _bytes(write, *args, **kwargs) -> bytes:
    out = io.BytesIO()
    write(out, *args, **kwargs)
    return out.getvalue()


def workbooks(docs) -> dict[str, Workbook]:
    """The printable workbooks of the town, by kind."""
    town = docs.town_a1
    report = compliance.run(Case.objects.filter(subtree_q(town.path, "org__path")))

    def write_report(out):
        compliance.write_xlsx(report, out, scope=town.name)

    books = [
        ("roster", _bytes(spreadsheets.write_roster, town, unmask=False), "党员花名册", ("序号", "联系电话")),
        (
            "development",
            _bytes(spreadsheets.write_development_roster, town, unmask=False),
            "入党申请人、入党积极分子、发展对象名册",
            ("序号", "联系电话"),
        ),
        ("statistics", _bytes(spreadsheets.write_statistics, town), "统计表（", ("党组织", "合计")),
        ("due", _bytes(spreadsheets.write_due, town), "待办事项清单", ("期限", "说明")),
        ("compliance", _bytes(write_report), "合规检查报告", ("组织编码", "说明")),
    ]
    summaries = {"compliance": "（汇总）"}
    return {
        kind: Workbook(kind, content, title, headers, town.name, summaries.get(kind, ""))
        for kind, content, title, headers in books
    }
