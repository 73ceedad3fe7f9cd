"""Import the development-record workbook (补录): orgs, members and cases, all or nothing.

Every problem in the file is collected first (sheet, row, column, value, message); if there is
any error nothing is written and `ImportFailed` carries all of them. Otherwise the rows go in
through the same services as the pages (org_tree_bulk_create, people_bulk_create, cases_backfill,
step_record), marked as back-filled with the importing user and the file name.

Keyed by 组织编码 and 公民身份号码: a row that is already in the database exactly as in the file
changes nothing, so importing the same workbook twice leaves the second run without effect. A
step that the file has and the database lacks is appended; a step recorded differently is an
error (correct it in the system, where corrections keep the old record).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.idnumber import mask_id_number
from dangjian.development.catalog import STEP_BY_NUMBER
from dangjian.development.models import Case, StepRecord
from dangjian.development.services import cases_backfill, milestones, step_record
from dangjian.interchange.cells import MASKED_ID, CellError, as_text, read_cell
from dangjian.interchange.layout import (
    MEMBERS,
    ORG_KIND_LABELS,
    ORGS,
    RECORDS,
    SIMPLE_STEPS,
    UNIT_TYPE_LABELS,
    VOTE_KEYS,
    YES_NO,
    Column,
    category_labels,
    columns_by_header,
)
from dangjian.interchange.reader import ERROR, WARNING, Problem, Workbook
from dangjian.orgs.models import Org, OrgKind
from dangjian.orgs.services import org_tree_bulk_create, placement_errors
from dangjian.people.models import Category, Person, Standing
from dangjian.people.services import BulkRowError, people_bulk_create

CHUNK = 900
OUT_OF_SCOPE = "不在您的管理范围内。"


def _org_known(actor, org: Org) -> bool:
    """May the report name this org? Only within the actor's scope or above it, never a sibling subtree."""
    return actor is None or scope.path_known(actor, org.path)


def _person_known(actor, person: Person) -> bool:
    return actor is None or scope.can(actor, Action.VIEW, person.org)


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem], filename: str = ""):
        self.problems = problems
        self.filename = filename
        errors = sum(1 for p in problems if p.is_error)
        super().__init__(f"导入未执行：发现 {errors} 处错误，数据库未作任何改动。")


@dataclass
class ImportResult:
    filename: str
    orgs_created: int = 0
    people_created: int = 0
    cases_created: int = 0
    steps_appended: int = 0
    unchanged: int = 0
    checked_rows: int = 0
    findings: int = 0
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.orgs_created or self.people_created or self.cases_created or self.steps_appended)

    def summary(self) -> str:
        verb = "检查通过（未写入）" if self.dry_run else "导入完成"
        return (
            f"{verb}：新建党组织 {self.orgs_created} 个、人员 {self.people_created} 人、"
            f"发展纪实 {self.cases_created} 份，补充步骤 {self.steps_appended} 条；"
            f"与系统一致未改动 {self.unchanged} 行；规则检查发现 {self.findings} 处问题"
            f"（见合规检查）；提醒 {len(self.warnings)} 条。"
        )


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]  # only the filled cells' values (blank ones are absent: use .get)
    remarks: str = ""


@dataclass(slots=True)
class _Step:
    """What `milestones` reads of a record, without building a model instance per step."""

    step: int
    on: dt.date
    data: dict
    pk: None = None


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, sheet, row, column, value, message, severity=ERROR) -> None:
        self.problems.append(Problem(sheet, row, column, _shown(column, value), message, severity))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def _shown(column: str, value: Any) -> str:
    """The cell as the report shows it: ID numbers masked (the row number finds the cell)."""
    text = as_text(value) if not isinstance(value, str) else value.strip()
    if column in ("公民身份号码", "培养联系人", "入党介绍人") and text:
        return "；".join(mask_id_number(part) if len(part) >= 10 else part for part in text.split(";"))
    return text[:200]


def _parse_sheet(book: Workbook, name: str, out: _Collector, today: dt.date) -> list[_Row]:
    sheet = book.sheets.get(name)
    if sheet is None:
        return []
    columns = columns_by_header(name)
    if name == RECORDS:
        labels = category_labels()
        category = columns["人员类别"]
        columns["人员类别"] = Column(category.header, category.key, "choice", choices=tuple(labels))
    rows = []
    masked = 0
    known = [(h, columns[h]) for h in dict.fromkeys(sheet.headers) if h in columns]
    for number, cells in sheet.rows:
        values: dict[str, Any] = {}
        for header, column in known:
            raw = cells.get(header)  # the reader keeps only non-blank cells
            if raw is None:
                # A blank cell: nothing to read, and nothing kept (100,000 rows of mostly blank
                # columns would otherwise hold millions of empty values).
                if column.required:
                    out.add(name, number, header, "", f"请填写“{header}”。")
                    values.setdefault("_bad", set()).add(column.key)
                continue
            try:
                values[column.key] = read_cell(column, raw, today=today)
            except CellError as exc:
                masked += MASKED_ID in str(exc)
                if masked <= 1 or MASKED_ID not in str(exc):  # a masked export: say it once per sheet
                    out.add(name, number, header, raw, str(exc))
                values[column.key] = None
                values.setdefault("_bad", set()).add(column.key)
            else:
                if column.required and values[column.key] in ("", None):
                    out.add(name, number, header, raw, f"请填写“{header}”。")
                    values.setdefault("_bad", set()).add(column.key)
        extra = [f"{h}：{as_text(cells[h])}" for h in sheet.extra_headers if as_text(cells.get(h))]
        rows.append(_Row(name, number, values, "；".join(extra)))
    if masked > 1:
        out.add(name, None, "公民身份号码", "", f"本表共有 {masked} 个隐去了部分数字的公民身份号码。")
    return rows


def _ok(row: _Row, *keys: str) -> bool:
    return not (row.values.get("_bad", set()) & set(keys))


# ---- orgs --------------------------------------------------------------------------------------


@dataclass
class _NewOrg:
    row: _Row
    code: str
    fields: dict[str, Any]
    parent_code: str
    children: list[_NewOrg] = field(default_factory=list)
    probe: Org | None = None  # an unsaved Org standing in as parent for the placement rules


def _plan_orgs(rows: list[_Row], anchor: Org | None, actor, out: _Collector):
    """Match orgs by code, validate the new ones; return (code → Org, new roots by parent)."""
    header = {c.key: c.header for c in columns_by_header(ORGS).values()}
    codes: dict[str, _Row] = {}
    for row in rows:
        code = row.values.get("code") or ""
        if not code:
            continue
        if code in codes:
            out.add(ORGS, row.number, header["code"], code, f"组织编码与第{codes[code].number}行重复。")
            continue
        codes[code] = row
    wanted = set(codes) | {r.values.get("parent_code") for r in rows if r.values.get("parent_code")}
    existing = _orgs_by_code(wanted)
    parent_paths = {o.path[: -Org.steplen] for o in existing.values() if o.depth > 1}
    parent_codes = dict(Org.objects.filter(path__in=parent_paths).values_list("path", "code"))
    new: dict[str, _NewOrg] = {}
    for code, row in codes.items():
        v = row.values
        kind = ORG_KIND_LABELS.get(v.get("kind") or "", "")
        parent_code = v.get("parent_code") or ""
        if code in existing:
            org = existing[code]
            if not _org_known(actor, org):
                # Neither its name nor its parent: the row only learns that it may not touch it.
                out.add(ORGS, row.number, header["code"], code, f"组织编码“{code}”{OUT_OF_SCOPE}")
                continue
            actual = parent_codes.get(org.path[: -Org.steplen], "")
            if parent_code and actual != parent_code:
                out.add(ORGS, row.number, header["parent_code"], parent_code,
                        f"组织“{code}”在系统中已存在，上级为“{actual or '（无）'}”，与表中不一致；"
                        "调整隶属关系请在系统中办理“组织调整”。")  # fmt: skip
            if kind and org.kind != kind:
                out.add(ORGS, row.number, header["kind"], v.get("kind"),
                        f"组织“{code}”在系统中为“{org.get_kind_display()}”，与表中不一致。")  # fmt: skip
            if v.get("name") and v["name"] != org.name:
                out.add(ORGS, row.number, header["name"], v["name"],
                        f"系统中该组织名称为“{org.name}”，保留系统中的名称。", WARNING)  # fmt: skip
            if anchor is not None and not org.path.startswith(anchor.path):
                out.add(ORGS, row.number, header["code"], code, f"组织“{code}”不在“{anchor.name}”之下。")
            continue
        authority = v.get("approval_authority") or ""
        fields = {
            "code": code, "name": v.get("name") or "", "kind": kind,
            "unit_type": UNIT_TYPE_LABELS.get(v.get("unit_type") or "", "other"),
            "has_approval_authority": YES_NO.get(authority, False),
        }  # fmt: skip
        if len(code) > 32:
            out.add(ORGS, row.number, header["code"], code, "组织编码不能超过32个字符。")
        if len(fields["name"]) > 120:
            out.add(ORGS, row.number, header["name"], fields["name"], "组织名称不能超过120个字。")
        new[code] = _NewOrg(row, code, fields, parent_code)
    # Parents and placement, walking each new org up to something that exists.
    roots: dict[int | None, list[_NewOrg]] = defaultdict(list)
    for item in new.values():
        item.probe = Org(code=item.code, name=item.fields["name"], kind=item.fields["kind"] or OrgKind.BRANCH)
    for item in new.values():
        row = item.row
        if not _ok(row, "kind"):
            continue
        if item.parent_code:
            if item.parent_code in new:
                parent_item = new[item.parent_code]
                parent_item.children.append(item)
                parent: Org | None = parent_item.probe
            elif item.parent_code in existing:
                parent = existing[item.parent_code]
                if not _org_known(actor, parent):
                    out.add(ORGS, row.number, header["parent_code"], item.parent_code,
                            f"上级组织编码“{item.parent_code}”{OUT_OF_SCOPE}")  # fmt: skip
                    continue
                roots[parent.pk].append(item)
            else:
                out.add(ORGS, row.number, header["parent_code"], item.parent_code,
                        f"上级组织编码“{item.parent_code}”既不在本表中，也不在系统中。")  # fmt: skip
                continue
        elif anchor is not None:
            parent = anchor
            roots[anchor.pk].append(item)
        else:
            if actor is not None and not actor.is_superuser:
                out.add(ORGS, row.number, header["parent_code"], "",
                        "上级组织编码为空：只有系统管理员可以导入顶层党组织；请填写上级组织编码，"
                        "或在导入时选择导入到哪个党组织之下。")  # fmt: skip
                continue
            parent = None
            roots[None].append(item)
        for message in placement_errors(
            kind=item.fields["kind"],
            parent=parent,
            has_approval_authority=item.fields["has_approval_authority"],
        ):
            out.add(ORGS, row.number, header["kind"], row.values.get("kind"), str(message))
    # Cycles among the new orgs: a chain of parents that never reaches an existing org.
    for code, item in new.items():
        seen = {code}
        parent_code = item.parent_code
        while parent_code in new:
            if parent_code in seen:
                out.add(
                    ORGS, item.row.number, header["parent_code"], item.parent_code, "上级组织编码形成了循环。"
                )
                break
            seen.add(parent_code)
            parent_code = new[parent_code].parent_code
    if actor is not None or anchor is not None:
        parents = Org.objects.in_bulk([pk for pk in roots if pk is not None])
        for pk, items in roots.items():
            if pk is None:
                continue
            parent = parents[pk]
            if anchor is not None and not parent.path.startswith(anchor.path):
                for item in items:
                    out.add(ORGS, item.row.number, header["parent_code"], item.parent_code,
                            f"上级组织“{parent.name}”不在“{anchor.name}”之下。")  # fmt: skip
            if actor is not None and not scope.can(actor, Action.CHANGE_ORG, parent):
                for item in items:
                    out.add(ORGS, item.row.number, header["parent_code"], item.parent_code or "",
                            f"您无权在“{parent.name}”下设立组织。")  # fmt: skip
    return existing, new, roots


def _orgs_by_code(codes) -> dict[str, Org]:
    codes = [c for c in codes if c]
    out: dict[str, Org] = {}
    for start in range(0, len(codes), CHUNK):
        out.update({o.code: o for o in Org.objects.filter(code__in=codes[start : start + CHUNK])})
    return out


def _nodes(items: list[_NewOrg]) -> list[dict]:
    return [{**item.fields, "children": _nodes(item.children)} for item in items]


# ---- people ------------------------------------------------------------------------------------


def _people_by_id(numbers) -> dict[str, Person]:
    numbers = [n for n in numbers if n]
    out: dict[str, Person] = {}
    for start in range(0, len(numbers), CHUNK):
        out.update(
            {
                p.id_number: p
                for p in Person.objects.filter(id_number__in=numbers[start : start + CHUNK]).select_related(
                    "org"
                )
            }
        )
    return out


def _records_for(
    row: _Row,
    orgs: dict[str, Org],
    people: dict[str, Person],
    out: _Collector,
    hidden: frozenset[str] = frozenset(),
) -> list[dict]:
    """The step records a 发展纪实 row stands for (unsaved dicts for cases_backfill).

    `hidden` holds the ID numbers and org codes on file outside the actor's scope: reported as
    such, never named, and never used.
    """
    v, n = row.values, row.number
    header = {c.key: c.header for c in columns_by_header(RECORDS).values()}
    records: list[dict] = []

    def add(step: int, on: dt.date | None, **data) -> None:
        if on is not None:
            records.append({"step": step, "on": on, "data": data})

    def need(date_key: str, *others: str) -> None:
        filled = [k for k in others if v.get(k) not in (None, "", [])]
        if filled and v.get(date_key) is None and _ok(row, date_key):
            names = "、".join(header[k] for k in filled)
            out.add(RECORDS, n, header[date_key], "", f"填写了{names}，但缺少“{header[date_key]}”。")

    for step, key in SIMPLE_STEPS.items():
        add(step, v.get(key))

    def member_ids(key: str) -> list[str]:
        """ID numbers now; _bind swaps them for person ids once everyone is saved."""
        numbers: list[str] = []
        for number in v.get(key) or []:
            if number in hidden:
                out.add(RECORDS, n, header[key], number, f"该{header[key]}{OUT_OF_SCOPE}")
            elif number not in people:
                out.add(RECORDS, n, header[key], number,
                        f"{mask_id_number(number)}不在“党员名册”中，系统中也没有该党员。")  # fmt: skip
            elif number == v.get("id_number"):
                out.add(RECORDS, n, header[key], number, "本人不能担任自己的培养联系人或入党介绍人。")
            elif number in numbers:
                out.add(RECORDS, n, header[key], number, "同一名党员不能重复列出。")
            else:
                numbers.append(number)
        return numbers

    need("contacts_on", "contacts")
    if v.get("contacts_on") and not v.get("contacts") and _ok(row, "contacts"):
        out.add(
            RECORDS,
            n,
            header["contacts"],
            "",
            "填写了指定培养联系人日期，但没有列出培养联系人的公民身份号码。",
        )
    add(5, v.get("contacts_on"), contacts=member_ids("contacts"))
    for on in v.get("assessments") or []:
        add(6, on)
    need("introducers_on", "introducers")
    if v.get("introducers_on") and not v.get("introducers") and _ok(row, "introducers"):
        out.add(
            RECORDS,
            n,
            header["introducers"],
            "",
            "填写了确定入党介绍人日期，但没有列出入党介绍人的公民身份号码。",
        )
    add(9, v.get("introducers_on"), introducers=member_ids("introducers"))
    need("political_review_on", "political_review_result")
    if (
        v.get("political_review_on")
        and not v.get("political_review_result")
        and _ok(row, "political_review_result")
    ):
        out.add(RECORDS, n, header["political_review_result"], "", "请填写政审结论（合格/不合格）。")
    add(10, v.get("political_review_on"), result=v.get("political_review_result") or "")
    need("training_end", "training_start", "training_hours")
    start, end = v.get("training_start"), v.get("training_end")
    if start and end and start > end:
        out.add(RECORDS, n, header["training_start"], start.isoformat(), "集中培训开始日期晚于结束日期。")
    training: dict[str, Any] = {"start": start.isoformat() if start else ""}
    if v.get("training_hours") is not None:
        training["hours"] = v["training_hours"]
    add(11, end, **training)
    need("prereview_on", "notice_start", "notice_end")
    if bool(v.get("notice_start")) != bool(v.get("notice_end")):
        missing = "notice_end" if v.get("notice_start") else "notice_start"
        out.add(RECORDS, n, header[missing], "", "公示开始日期和结束日期须同时填写。")
    elif v.get("notice_start") and v["notice_start"] > v["notice_end"]:
        out.add(
            RECORDS, n, header["notice_start"], v["notice_start"].isoformat(), "公示开始日期晚于结束日期。"
        )
    notice = {}
    if v.get("notice_start") and v.get("notice_end"):
        notice = {"notice_start": v["notice_start"].isoformat(), "notice_end": v["notice_end"].isoformat()}
    add(13, v.get("prereview_on"), **notice)
    for step, prefix, date_key in (
        (15, "admission", "admission_meeting_on"),
        (23, "conversion", "conversion_meeting_on"),
    ):
        votes = {k: v.get(f"{prefix}_{k}") for k in VOTE_KEYS}
        need(date_key, *[f"{prefix}_{k}" for k in VOTE_KEYS])
        if v.get(date_key) and any(votes[k] is None for k in ("expected", "present", "yes")):
            lacking = [header[f"{prefix}_{k}"] for k in ("expected", "present", "yes") if votes[k] is None]
            out.add(RECORDS, n, lacking[0], "", f"记录了{header[date_key]}，须同时填写{'、'.join(lacking)}。")
        if (
            votes["present"] is not None
            and votes["expected"] is not None
            and votes["present"] > votes["expected"]
        ):
            out.add(
                RECORDS, n, header[f"{prefix}_present"], str(votes["present"]), "实到会人数多于应到会人数。"
            )
        cast = sum(votes[k] or 0 for k in ("yes", "no", "abstain"))
        if votes["expected"] is not None and cast > votes["expected"]:
            out.add(
                RECORDS,
                n,
                header[f"{prefix}_yes"],
                str(votes["yes"]),
                "赞成、反对、弃权票合计多于应到会有表决权人数。",
            )
        data = {k: value for k, value in votes.items() if value is not None}
        if step == 23:
            result = v.get("conversion_result") or ""
            need("conversion_meeting_on", "conversion_result", "extension_months")
            if v.get(date_key) and not result and _ok(row, "conversion_result"):
                out.add(
                    RECORDS,
                    n,
                    header["conversion_result"],
                    "",
                    "请填写转正结论（按期转正/延长预备期/取消预备党员资格）。",
                )
            months = v.get("extension_months")
            if result == "延长预备期" and months is None and _ok(row, "extension_months"):
                out.add(
                    RECORDS, n, header["extension_months"], "", "转正结论为延长预备期时须填写延长预备期月数。"
                )
            if months is not None and result != "延长预备期":
                out.add(
                    RECORDS,
                    n,
                    header["extension_months"],
                    str(months),
                    "只有延长预备期时才填写延长预备期月数。",
                )
            data["result"] = result
            if months is not None:
                data["extension_months"] = months
        add(step, v.get(date_key), **data)
    approving = v.get("approving_org_code") or ""
    approver = orgs.get(approving) if approving else None
    if approving in hidden:
        out.add(
            RECORDS, n, header["approving_org_code"], approving, f"审批党组织编码“{approving}”{OUT_OF_SCOPE}"
        )
    elif approving and approver is None:
        out.add(
            RECORDS,
            n,
            header["approving_org_code"],
            approving,
            f"审批党组织编码“{approving}”既不在“党组织”表中，也不在系统中。",
        )
    for step, key in ((17, "approved_on"), (24, "conversion_approved_on")):
        if v.get(key) is None:
            continue
        if not approving:
            out.add(
                RECORDS, n, header["approving_org_code"], "", f"记录了{header[key]}，须填写审批党组织编码。"
            )
        records.append({"step": step, "on": v[key], "data": {}, "org": approver})
    today = timezone.localdate()
    for record in records:
        if record["on"] > today:
            step = STEP_BY_NUMBER[record["step"]]
            out.add(RECORDS, n, _date_header(record["step"]), record["on"].isoformat(),
                    f"{step.name}的日期晚于今天。")  # fmt: skip
    return records


def _date_header(step: int) -> str:
    for column in columns_by_header(RECORDS).values():
        if column.step == step and column.kind in ("date", "dates"):
            return column.header
    return ""


# ---- the import --------------------------------------------------------------------------------


def workbook_import(
    *, actor, workbook: Workbook, org: Org | None = None, dry_run: bool = False, progress=None
) -> ImportResult:
    """Import `workbook` (read by reader.read_*), under `org` when given. All or nothing.

    `progress(phase)`, if given, is told each phase as it starts (IMPORT_PHASES)."""
    try:
        if actor is not None and org is not None:
            scope.require(actor, Action.CHANGE_PERSON, org, "您无权向该党组织导入数据。")
        with _temporary_tables_on_disk(), transaction.atomic():
            result = _import(actor=actor, workbook=workbook, anchor=org, progress=progress or _silent)
            result.dry_run = dry_run
            if dry_run:
                transaction.set_rollback(True)
            return result
    except PermissionDenied as exc:
        problem = Problem("", None, "", "", str(exc) or "您无权执行该导入。")
        raise ImportFailed([problem], workbook.filename) from None


@contextlib.contextmanager
def _temporary_tables_on_disk():
    """SQLite keeps temporary tables and sort space in memory here (settings: temp_store=MEMORY),
    which a 100,000-row import grows by hundreds of MB; during an import they go to disk."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:  # SQLite allows it only outside
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA temp_store=FILE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA temp_store=MEMORY")


CASE_CHUNK = 2000
IMPORT_PHASES = ("检查表格", "写入人员", "写入发展纪实", "核对规则")


def _silent(phase: str) -> None:
    pass


def _import(*, actor, workbook: Workbook, anchor: Org | None, progress) -> ImportResult:
    progress(IMPORT_PHASES[0])
    today = timezone.localdate()
    out = _Collector()
    out.problems.extend(workbook.problems)
    result = ImportResult(filename=workbook.filename)
    org_rows = _parse_sheet(workbook, ORGS, out, today)
    member_rows = _parse_sheet(workbook, MEMBERS, out, today)
    record_rows = _parse_sheet(workbook, RECORDS, out, today)
    for sheet in workbook.sheets.values():
        sheet.rows = []  # parsed: the raw cells of a 100,000-row workbook are released here
    result.checked_rows = len(org_rows) + len(member_rows) + len(record_rows)
    if any(MASKED_ID in p.message for p in out.problems):
        raise ImportFailed(out.problems, workbook.filename)  # everything else would follow from it

    existing_orgs, new_orgs, roots = _plan_orgs(org_rows, anchor, actor, out)
    members_header = {c.key: c.header for c in columns_by_header(MEMBERS).values()}
    records_header = {c.key: c.header for c in columns_by_header(RECORDS).values()}
    org_codes = {r.values.get("org_code") for r in member_rows + record_rows}
    org_codes |= {r.values.get("approving_org_code") for r in record_rows}
    lookup = {**_orgs_by_code(org_codes - set(existing_orgs) - set(new_orgs)), **existing_orgs}
    hidden_codes = {code for code, org in lookup.items() if not _org_known(actor, org)}
    lookup = {code: org for code, org in lookup.items() if code not in hidden_codes}

    # Identity: the same ID twice in a sheet, or a name that differs from the system's.
    all_ids = [r.values.get("id_number") for r in member_rows + record_rows]
    for r in record_rows:
        all_ids.extend(r.values.get("contacts") or [])
        all_ids.extend(r.values.get("introducers") or [])
    known_people = _people_by_id(set(all_ids))
    hidden_ids = {number for number, person in known_people.items() if not _person_known(actor, person)}
    hidden = frozenset(hidden_ids | hidden_codes)
    for sheet, rows, header in (
        (MEMBERS, member_rows, members_header),
        (RECORDS, record_rows, records_header),
    ):
        first: dict[str, int] = {}
        for row in rows:
            number = row.values.get("id_number")
            if not number:
                continue
            if number in first:
                out.add(
                    sheet,
                    row.number,
                    header["id_number"],
                    number,
                    f"与第{first[number]}行是同一人（公民身份号码相同）。",
                )
                row.values.setdefault("_bad", set()).add("id_number")
                continue
            first[number] = row.number
            if number in hidden_ids:
                out.add(sheet, row.number, header["id_number"], number, f"该同志{OUT_OF_SCOPE}")
                continue
            person = known_people.get(number)
            if person is not None and row.values.get("name") and person.name != row.values["name"]:
                out.add(sheet, row.number, header["name"], row.values["name"],
                        f"该公民身份号码在系统中属于“{person.name}”，与表中姓名不一致。")  # fmt: skip

    def org_of(sheet: str, row: _Row, header: dict[str, str]) -> Org | None:
        code = row.values.get("org_code") or ""
        if not code:
            return None
        if code in new_orgs:
            return None
        if code in hidden_codes:
            out.add(sheet, row.number, header["org_code"], code, f"组织编码“{code}”{OUT_OF_SCOPE}")
            return None
        found = lookup.get(code)
        if found is None:
            out.add(
                sheet,
                row.number,
                header["org_code"],
                code,
                f"组织编码“{code}”既不在“党组织”表中，也不在系统中。",
            )
            return None
        if anchor is not None and not found.path.startswith(anchor.path):
            out.add(
                sheet, row.number, header["org_code"], code, f"组织“{found.name}”不在“{anchor.name}”之下。"
            )
        return found

    # Rows about people already on file must agree with the file; the rest are planned.
    development_ids = {r.values.get("id_number") for r in record_rows}
    member_plan: list[_Row] = []
    for row in member_rows:
        if row.values.get("id_number") in hidden_ids:
            continue  # reported above, anonymously
        org = org_of(MEMBERS, row, members_header)
        v = row.values
        if v.get("admitted_on") and v.get("converted_on") and v["converted_on"] < v["admitted_on"]:
            out.add(
                MEMBERS,
                row.number,
                members_header["converted_on"],
                v["converted_on"].isoformat(),
                "转正日期早于入党日期。",
            )
        for key in ("admitted_on", "converted_on"):
            if v.get(key) and v[key] > today:
                out.add(MEMBERS, row.number, members_header[key], v[key].isoformat(), "日期晚于今天。")
        person = known_people.get(v.get("id_number"))
        if person is not None:
            if org is not None and person.org_id != org.pk:
                out.add(MEMBERS, row.number, members_header["org_code"], v.get("org_code"),
                        f"该同志在系统中属于“{person.org.name}”，与表中不一致；组织关系转接请在系统中办理。")  # fmt: skip
            continue
        if v.get("id_number") in development_ids:
            continue  # created from the 发展纪实 row, whose steps make the standing
        member_plan.append(row)

    # Contacts and introducers may be in the roster, in the development sheet, or on file.
    placeholders: dict[str, Person] = {}
    for row in member_rows + record_rows:
        number = row.values.get("id_number")
        if number and number not in known_people:
            placeholders[number] = Person(name=row.values.get("name") or "", id_number=number)
    referable = {**placeholders, **known_people}

    # New cases keep only their row: the records are rebuilt chunk by chunk when written, so a
    # 100,000-row import never holds 1.5 million record dicts at once.
    new_cases: list[_Row] = []
    appends: list[tuple[_Row, Case, list[dict]]] = []
    cases_by_person: dict[int, Case] = {}
    person_pks = [p.pk for p in known_people.values()]
    for start in range(0, len(person_pks), CHUNK):
        chunk = Case.objects.filter(person_id__in=person_pks[start : start + CHUNK]).select_related("org")
        cases_by_person.update({c.person_id: c for c in chunk})
    recorded = _recorded_dates([c.pk for c in cases_by_person.values()])
    lookup_all = {**lookup, **{code: item.probe for code, item in new_orgs.items()}}
    for row in record_rows:
        if row.values.get("id_number") in hidden_ids:
            continue  # reported above, anonymously
        org = org_of(RECORDS, row, records_header)
        records = _records_for(row, lookup_all, referable, out, hidden)
        person = known_people.get(row.values.get("id_number"))
        if person is not None:
            if org is not None and person.org_id != org.pk:
                out.add(RECORDS, row.number, records_header["org_code"], row.values.get("org_code"),
                        f"该同志在系统中属于“{person.org.name}”，与表中不一致；组织关系转接请在系统中办理。")  # fmt: skip
            if actor is not None and not scope.can(actor, Action.CHANGE_PERSON, person.org):
                out.add(RECORDS, row.number, records_header["org_code"], row.values.get("org_code"),
                        f"“{person.org.name}”不在您的管理范围内。")  # fmt: skip
                continue
            case = cases_by_person.get(person.pk)
            if case is not None:
                missing = _compare(row, recorded.get(case.pk, {}), records, out, records_header)
                if missing:
                    appends.append((row, case, missing))
                else:
                    result.unchanged += 1
                continue
        elif org is not None and actor is not None and not scope.can(actor, Action.CHANGE_PERSON, org):
            out.add(RECORDS, row.number, records_header["org_code"], row.values.get("org_code"),
                    f"“{org.name}”不在您的管理范围内。")  # fmt: skip
        new_cases.append(row)

    if out.has_errors:
        raise ImportFailed(out.problems, workbook.filename)

    # ---- write: orgs, then people, then cases and appended steps ----
    source = f"补录：{workbook.filename}"[:100]
    parents = Org.objects.in_bulk([pk for pk in roots if pk is not None])
    for pk, items in roots.items():
        result.orgs_created += org_tree_bulk_create(
            actor=actor, parent=parents.get(pk) if pk is not None else None, nodes=_nodes(items)
        )
    lookup = {**lookup, **_orgs_by_code(list(new_orgs))}
    categories = category_labels()
    person_rows: list[dict] = []
    origin: list[tuple[str, int, str]] = []
    for row in member_plan:
        v = row.values
        standing = Standing.FULL if v.get("converted_on") else Standing.PROBATIONARY
        person_rows.append({
            "name": v["name"], "id_number": v["id_number"], "org": lookup[v["org_code"]], "standing": standing,
            "admitted_on": v.get("admitted_on"), "converted_on": v.get("converted_on"),
            "on_probation_watch": v.get("standing") == "留党察看",
        })  # fmt: skip
        origin.append((MEMBERS, row.number, v["name"]))
    roster_watch = {r.values.get("id_number") for r in member_rows if r.values.get("standing") == "留党察看"}

    def rebuilt(row: _Row) -> list[dict]:  # checked already: any problem found again is dropped
        return _records_for(row, lookup, referable, _Collector(), hidden)

    for row in new_cases:
        v = row.values
        if v["id_number"] in known_people:
            continue
        wanted = milestones([_Step(r["step"], r["on"], r["data"]) for r in rebuilt(row)])
        person_rows.append({
            "name": v["name"], "id_number": v["id_number"], "org": lookup[v["org_code"]],
            "category": categories.get(v.get("category") or "", Category.OTHER),
            "on_probation_watch": v["id_number"] in roster_watch, **wanted,
        })  # fmt: skip
        origin.append((RECORDS, row.number, v["name"]))
    progress(IMPORT_PHASES[1])
    if person_rows:
        try:
            result.people_created = people_bulk_create(
                actor=actor, rows=person_rows, message=source, history=True
            )
        except BulkRowError as exc:
            for number, column, message in exc.row_errors:
                sheet, row_number, name = origin[number - 1]
                out.add(sheet, row_number, column, "", f"{name}：{message}")
            raise ImportFailed(out.problems, workbook.filename) from None
    created_ids = [r["id_number"] for r in person_rows]
    del person_rows, origin
    people = {**known_people, **_people_by_id(created_ids)}
    progress(IMPORT_PHASES[2])
    for begin in range(0, len(new_cases), CASE_CHUNK):
        chunk = new_cases[begin : begin + CASE_CHUNK]
        backfill_rows = []
        for row in chunk:
            records = rebuilt(row)
            _bind(records, people, lookup)
            backfill_rows.append({
                "person": people[row.values["id_number"]], "special_basis": row.values.get("special_basis") or "",
                "remarks": _remarks(row), "records": records,
            })  # fmt: skip
        try:
            result.cases_created += cases_backfill(actor=actor, rows=backfill_rows, source=source)
        except BulkRowError as exc:
            for number, column, message in exc.row_errors:
                out.add(RECORDS, chunk[number - 1].number, column, "", message)
            raise ImportFailed(out.problems, workbook.filename) from None
        except ValidationError as exc:
            out.problems.extend(Problem(RECORDS, None, "", "", m) for m in exc.messages)
            raise ImportFailed(out.problems, workbook.filename) from None
    for row, case, missing in appends:
        _bind(missing, people, lookup)
        for record in sorted(missing, key=lambda r: (r["on"], r["step"])):
            try:
                step_record(
                    actor=actor, case=case, step=record["step"], on=record["on"], data=record["data"],
                    org=record.get("org"), is_backfill=True, note=source,
                )  # fmt: skip
            except ValidationError as exc:
                for message in exc.messages:
                    out.add(
                        RECORDS, row.number, _date_header(record["step"]), record["on"].isoformat(), message
                    )
            else:
                result.steps_appended += 1
    if out.has_errors:
        raise ImportFailed(out.problems, workbook.filename)
    ids = [people[row.values["id_number"]].pk for row in new_cases] + [
        case.person_id for _, case, _ in appends
    ]
    progress(IMPORT_PHASES[3])
    result.findings = _count_findings(ids)
    result.warnings = [p for p in out.problems if not p.is_error]
    return result


def _remarks(row: _Row) -> str:
    parts = [row.values.get("remarks") or "", row.remarks]
    return "；".join(p for p in parts if p)


def _bind(records: list[dict], people: dict[str, Person], orgs: dict[str, Org]) -> None:
    """Swap the ID numbers and unsaved orgs used while checking for the saved people and orgs."""
    for record in records:
        data = record["data"]
        for key in ("contacts", "introducers"):
            if key in data:
                data[key] = [people[number].pk for number in data[key]]
        org = record.get("org")
        if org is not None and org.pk is None:
            record["org"] = orgs[org.code]


def _recorded_dates(case_ids: list[int]) -> dict[int, dict[int, set[dt.date]]]:
    """case id → step → the dates of its current records."""
    out: dict[int, dict[int, set[dt.date]]] = defaultdict(lambda: defaultdict(set))
    for start in range(0, len(case_ids), CHUNK):
        rows = StepRecord.objects.filter(case_id__in=case_ids[start : start + CHUNK], is_current=True)
        for case_id, step, on in rows.values_list("case_id", "step", "on"):
            out[case_id][step].add(on)
    return out


def _compare(
    row: _Row, current: dict[int, set[dt.date]], records: list[dict], out: _Collector, header: dict[str, str]
) -> list[dict]:
    """Steps of the file missing from the case; differences with recorded steps are errors."""
    missing = []
    for record in records:
        step = record["step"]
        have = current.get(step)
        if not have:
            missing.append(record)
            continue
        dates = have
        if record["on"] in dates:
            continue
        if step == 6:
            missing.append(record)  # one more assessment
            continue
        shown = "、".join(sorted(d.isoformat() for d in dates))
        out.add(RECORDS, row.number, _date_header(step), record["on"].isoformat(),
                f"系统中已记录{STEP_BY_NUMBER[step].name}为{shown}，与表中不一致；如需更正请在系统中办理（保留原记录）。")  # fmt: skip
    return missing


def _count_findings(person_ids: list[int]) -> int:
    if not person_ids:
        return 0
    total = 0
    for start in range(0, len(person_ids), CHUNK):
        for findings in StepRecord.objects.filter(
            case__person_id__in=person_ids[start : start + CHUNK], is_current=True
        ).values_list("findings", flat=True):
            total += len(findings or [])
    return total
