"""The compliance check (INTERCHANGE.md §The compliance report): every case in scope, same engine.

`run(cases)` checks every case of a (scoped) queryset with the rule engine of step recording and
returns a `Report`; `as_dict` / `as_text` / `write_xlsx` turn it into the three output formats.

Speed (≥ 5,000 cases/s, see bench/check.py): the cases are read as plain rows in report order, and
their current step records as plain rows a chunk of 2,000 cases at a time (one query per chunk,
written out with the ids as parameters); `facts.assemble_facts` builds the same `Facts` as
`build_facts` does from model objects; contacts/introducers, approving orgs and resolution votes
are read in bulk per chunk and cached, the rule set in force is resolved per org path and merged
once per set, and one working-day calendar snapshot serves every R-NOTICE count of the run.

Rule set: each case is checked under the rule set in force for its org on the date of its latest
current step, exactly as `services.case_findings` (the case page, the board's violation count)
does, unless a rule set is forced (`--ruleset`). Each step, when it was recorded, was checked under
the set in force on its own date; that check is stored on the record.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.base.idnumber import mask_id_number
from dangjian.base.spreadsheet import header_row, text_cell, value_cell
from dangjian.development import rules as engine
from dangjian.development.facts import (
    MISSING_MEMBER,
    assemble_facts,
    data_votes,
    member_info,
    org_info,
    resolution_votes,
)
from dangjian.development.models import Case, RuleSet, StepRecord
from dangjian.orgs.models import Org
from dangjian.people.models import Person
from dangjian.workcal.calendar import WorkCalendar

CHUNK = 2000  # cases per records query (and the most ids in one IN list)
BUILT_IN = "built-in"  # the engine's defaults, when no rule set covers an org on a date

CASE_COLUMNS = (
    "id", "special_basis", "org__path", "org__code", "org__name", "person__name", "person__id_number",
    "person__birth_date",
)  # fmt: skip
REPORT_ORDER = ("org__path", "person__name_sort_key", "id")


# A current step record as a plain row, in the order `facts.assemble_facts` reads (on, step, pk,
# data); then what the lookups need. `data` is None when empty, decoded JSON otherwise.
RECORD_COLUMNS = ("on", "step", "pk", "data", "org", "resolution", "meeting", "case")
ORG, RESOLUTION, MEETING, CASE = 4, 5, 6, 7
_LOOKUP_STEPS = frozenset({5, 9, 15, 17, 23, 24})  # contacts, introducers, votes, approving orgs
MEMBER_COLUMNS = ("pk", "name", "standing", "converted_on", "reduction", "on_probation_watch")


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One finding of one person, with what the outputs need (ID number unmasked: mask on output)."""

    case_id: int
    org_code: str
    org_name: str
    org_path: str
    name: str
    id_number: str
    rule: str
    step: int
    severity: str
    article: str
    message: str

    def as_dict(self, *, unmask: bool = False) -> dict[str, Any]:
        """The finding in INTERCHANGE.md's shape, keys in its order."""
        return {
            "id_number": self.id_number if unmask else mask_id_number(self.id_number),
            "name": self.name, "org_code": self.org_code, "rule": self.rule, "step": self.step,
            "severity": self.severity, "article": self.article, "message": self.message,
        }  # fmt: skip

    @property
    def severity_label(self) -> str:
        return engine.SEVERITY_LABELS[self.severity]

    @property
    def step_name(self) -> str:
        return engine.STEP_NAMES.get(self.step, "")

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


@dataclass
class Report:
    ruleset: str  # the forced rule set's code, or the codes of the sets in force that were used
    checked: int
    findings: list[FindingRow]


def _fetch(qs: QuerySet) -> list[tuple]:
    """The rows of a `values_list` queryset straight from the database cursor.

    Skips Django's per-value converters: on both databases dates already arrive as `date` objects
    (SQLite through the "date" column-type converter Django registers, PostgreSQL natively).
    """
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # e.g. a user without any scope
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _select_in(
    model,
    columns: tuple[str, ...],
    key: str,
    ids: list[int],
    *,
    where: dict[str, Any] | None = None,
    json_or_null: tuple[str, ...] = (),
) -> list[tuple]:
    """SELECT `columns` FROM model's table WHERE `key` IN ids [AND field = value …], as plain rows.

    Written out rather than compiled by the ORM: building an IN list of 2,000 ids through the
    lookup machinery (and, on PostgreSQL, psycopg splitting a query with 2,000 placeholders) costs
    about as much as evaluating the rules of those cases. PostgreSQL gets `= ANY(%s)` with one
    array parameter, SQLite an IN list. Column names come from the model's fields; the ids are
    parameters. The JSON columns named in `json_or_null` come back as None when they hold `{}`.
    """
    if not ids:
        return []
    connection = connections[model.objects.db]
    quote = connection.ops.quote_name
    meta = model._meta

    def column(name: str) -> str:
        return quote(meta.pk.column if name == "pk" else meta.get_field(name).column)

    selected = [f"NULLIF({column(c)}, '{{}}')" if c in json_or_null else column(c) for c in columns]
    if connection.vendor == "postgresql":
        conditions, params = [f"{column(key)} = ANY(%s)"], [list(ids)]
    else:
        conditions, params = [f"{column(key)} IN ({', '.join(['%s'] * len(ids))})"], list(ids)
    for name, value in (where or {}).items():
        conditions.append(f"{column(name)} = %s")
        params.append(value)
    sql = f"SELECT {', '.join(selected)} FROM {quote(meta.db_table)} WHERE {' AND '.join(conditions)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# ---- the rule set in force ---------------------------------------------------------------------


class InForce:
    """The rule set in force for an org on a day, as `services.ruleset_for` decides it, for a batch.

    The active rule sets are read once; per org path the covering sets are sorted by specificity
    (depth of their org, then effective_from, ties in `ruleset_for`'s order), so a lookup is a
    short scan for the first one in force on the day. Effective rules are merged once per set.
    """

    def __init__(self, forced: RuleSet | None = None) -> None:
        self.forced = forced
        self.active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
        self._by_path: dict[str, list[RuleSet]] = {}
        self._rules: dict[int | None, list[engine.EffectiveRule]] = {}
        self.used: set[str] = set()

    def ruleset(self, org_path: str, on: dt.date) -> RuleSet | None:
        if self.forced is not None:
            return self.forced
        candidates = self._by_path.get(org_path)
        if candidates is None:
            covering = [rs for rs in self.active if rs.org is None or org_path.startswith(rs.org.path)]
            candidates = sorted(
                covering, key=lambda rs: (rs.org.depth if rs.org else 0, rs.effective_from), reverse=True
            )
            self._by_path[org_path] = candidates
        for rs in candidates:
            if rs.effective_from <= on and (rs.effective_to is None or rs.effective_to >= on):
                return rs
        return None

    def rules(self, org_path: str, on: dt.date) -> list[engine.EffectiveRule]:
        ruleset = self.ruleset(org_path, on)
        key = ruleset.pk if ruleset is not None else None
        rules = self._rules.get(key)
        if rules is None:
            rules = engine.effective_rules(ruleset.merged_overrides() if ruleset is not None else None)
            self._rules[key] = rules
            self.used.add(ruleset.code if ruleset is not None else BUILT_IN)
        return rules

    def label(self) -> str:
        if self.forced is not None:
            return self.forced.code
        return ",".join(sorted(self.used)) or "in-force"


# ---- lookups shared by the whole run -----------------------------------------------------------


class _Lookups:
    """Members (contacts, introducers), approving orgs and resolution votes, read in bulk."""

    def __init__(self) -> None:
        self.members: dict[int, engine.MemberInfo] = {}
        self.orgs: dict[int, engine.OrgInfo] = {}
        self.votes: dict[int, dict[str, int]] = {}  # record id → votes of its linked resolution

    def records(self, case_ids: list[int]) -> dict[int, list[tuple]]:
        """The current records of these cases, grouped by case; preloads what they refer to."""
        out: dict[int, list[tuple]] = {}
        member_ids: set[int] = set()
        org_ids: set[int] = set()
        linked: list[tuple] = []
        rows = _select_in(StepRecord, RECORD_COLUMNS, "case", case_ids, where={"is_current": True},
                          json_or_null=("data",))  # fmt: skip
        loads = json.loads
        for row in rows:
            data = row[3]
            if data is not None:  # most records have none; both drivers hand JSON over as text
                row = (row[0], row[1], row[2], loads(data) if isinstance(data, str) else data, *row[4:])
            case_id = row[CASE]
            own = out.get(case_id)
            if own is None:
                out[case_id] = [row]
            else:
                own.append(row)
            step = row[1]
            if step in _LOOKUP_STEPS:
                if step == 5 or step == 9:
                    member_ids.update(
                        int(i) for i in (row[3] or {}).get("contacts" if step == 5 else "introducers", ())
                    )
                elif step == 17 or step == 24:
                    org_ids.add(row[ORG])
                elif row[RESOLUTION]:  # 15, 23
                    linked.append(row)
        self._load_members(member_ids - self.members.keys())
        self._load_orgs(org_ids - self.orgs.keys())
        self._load_votes(linked)
        return out

    def _load_members(self, ids: set[int]) -> None:
        ids_list = sorted(ids)
        for start in range(0, len(ids_list), CHUNK):
            rows = _select_in(Person, MEMBER_COLUMNS, "pk", ids_list[start : start + CHUNK])
            for pk, name, standing, converted_on, reduction, watch in rows:
                self.members[pk] = member_info(name, standing, converted_on, not reduction, bool(watch))

    def _load_orgs(self, ids: set[int]) -> None:
        if ids:
            for pk, org in Org.objects.in_bulk(sorted(ids)).items():
                self.orgs[pk] = org_info(org)

    def _load_votes(self, records: list[tuple]) -> None:
        if not records:
            return
        from dangjian.meetings.models import Meeting, Resolution

        resolutions = {
            row[0]: row
            for row in Resolution.objects.filter(pk__in={r[RESOLUTION] for r in records}).values_list(
                "id", "meeting_id", "yes", "no", "abstain", "written_yes", "written_no", "written_abstain"
            )
        }
        meeting_ids = {r[MEETING] for r in records if r[MEETING]} | {row[1] for row in resolutions.values()}
        meetings = {
            pk: (expected, present)
            for pk, expected, present in Meeting.objects.filter(pk__in=meeting_ids).values_list(
                "id", "expected_voters", "present_voters"
            )
        }
        for record in records:
            _, res_meeting, yes, no, abstain, w_yes, w_no, w_abstain = resolutions[record[RESOLUTION]]
            expected, present = meetings[record[MEETING] or res_meeting]
            self.votes[record[2]] = resolution_votes(
                expected, present, yes, no, abstain, w_yes, w_no, w_abstain
            )

    # the three callbacks of assemble_facts

    def member_list(self, ids) -> list[engine.MemberInfo]:
        members = self.members
        return [members.get(int(i), MISSING_MEMBER) for i in ids]

    def votes_of(self, record: tuple) -> dict[str, int]:
        if record[RESOLUTION]:
            return self.votes[record[2]]
        return data_votes(record[3] or {})

    def approver(self, record: tuple) -> engine.OrgInfo:
        return self.orgs[record[ORG]]


# ---- the check ---------------------------------------------------------------------------------


class CaseRow(NamedTuple):
    id: int
    special_basis: str
    org_path: str
    org_code: str
    org_name: str
    name: str
    id_number: str
    birth_date: dt.date


@dataclass
class Checking:
    """What `facts_of` yields per case: the case, its Facts and the rules in force for it."""

    case: CaseRow
    facts: engine.Facts
    rules: list[engine.EffectiveRule]


class Batch:
    """One run's shared state: the rule sets in force, the calendar snapshot, the lookups."""

    def __init__(self, ruleset: RuleSet | None = None, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        self.in_force = InForce(ruleset)
        self.calendar = WorkCalendar()
        self.lookups = _Lookups()
        self.checked = 0

    def facts_of(self, cases: QuerySet[Case]) -> Iterator[Checking]:
        """Every case of `cases` in report order (org path, person's name, case) with its Facts,
        built from plain rows a chunk at a time, and the rules in force on its latest step."""
        lookups, in_force, today = self.lookups, self.in_force, self.today
        member_list, votes_of, approver = lookups.member_list, lookups.votes_of, lookups.approver
        rows = _fetch(cases.order_by(*REPORT_ORDER).values_list(*CASE_COLUMNS))
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            records = lookups.records([row[0] for row in chunk])
            for row in chunk:
                case = CaseRow._make(row)
                own = records.get(case.id, ())
                facts = assemble_facts(
                    name=case.name, birth_date=case.birth_date, org_path=case.org_path,
                    special_basis=case.special_basis, records=own, members=member_list, votes=votes_of,
                    approver=approver,
                )  # fmt: skip
                on = max((r[0] for r in own), default=today)
                self.checked += 1
                yield Checking(case, facts, in_force.rules(case.org_path, on))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around a batch that allocates millions of short-lived,
    acyclic objects (rows, dicts, Facts): reference counting frees them all the same, and the
    collector's repeated passes over the growing heap would cost a fifth of the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run(cases: QuerySet[Case], *, ruleset: RuleSet | None = None, today: dt.date | None = None) -> Report:
    """Check every case of `cases` (already limited to the caller's scope); findings in report order
    (org path, person's name, case), within a case in the engine's rule order."""
    batch = Batch(ruleset, today)
    evaluate, calendar = engine.evaluate, batch.calendar
    findings: list[FindingRow] = []
    with gc_paused():
        for item in batch.facts_of(cases):
            c = item.case
            for f in evaluate(item.facts, item.rules, calendar=calendar):
                row = (c.id, c.org_code, c.org_name, c.org_path, c.name, c.id_number)
                findings.append(FindingRow(*row, f.rule, f.step, f.severity, f.article, f.message))
    return Report(ruleset=batch.in_force.label(), checked=batch.checked, findings=findings)


def check(cases: QuerySet[Case], *, ruleset: RuleSet | None = None, unmask: bool = False) -> dict[str, Any]:
    """The report as INTERCHANGE.md's JSON object (ID numbers masked unless `unmask`)."""
    return as_dict(run(cases, ruleset=ruleset), unmask=unmask)


def as_dict(report: Report, *, unmask: bool = False) -> dict[str, Any]:
    return {
        "ruleset": report.ruleset,
        "checked": report.checked,
        "findings": [f.as_dict(unmask=unmask) for f in report.findings],
    }


def as_text(report: Report | dict[str, Any], *, unmask: bool = False) -> str:
    data = report if isinstance(report, dict) else as_dict(report, unmask=unmask)
    lines = [
        f"规则集：{data['ruleset']}　检查 {data['checked']} 份发展纪实，发现 {len(data['findings'])} 处问题。"
    ]
    by_org: dict[str, list[dict]] = defaultdict(list)
    for f in data["findings"]:
        by_org[f["org_code"]].append(f)
    for org_code, items in by_org.items():
        lines.append(f"\n[{org_code}]")
        for f in items:
            level = engine.SEVERITY_LABELS[f["severity"]]
            lines.append(
                f"  {f['name']}（{f['id_number']}） {f['rule']} 第{f['step']}步 {level}：{f['message']}（{f['article']}）"
            )
    return "\n".join(lines)


# ---- summaries and the workbook ----------------------------------------------------------------


@dataclass
class Count:
    key: str
    label: str
    violations: int = 0
    warnings: int = 0

    @property
    def total(self) -> int:
        return self.violations + self.warnings


def _count(findings: Iterable[FindingRow], key, label) -> list[Count]:
    counts: dict[str, Count] = {}
    for f in findings:
        k = key(f)
        c = counts.get(k)
        if c is None:
            c = counts[k] = Count(k, label(f))
        if f.severity == engine.VIOLATION:
            c.violations += 1
        else:
            c.warnings += 1
    return list(counts.values())


def counts_by_rule(findings: Iterable[FindingRow]) -> list[Count]:
    """Per rule, in the engine's rule order."""
    order = {r.id: i for i, r in enumerate(engine.RULES)}
    counts = _count(findings, lambda f: f.rule, lambda f: engine.RULE_BY_ID[f.rule].title)
    return sorted(counts, key=lambda c: order.get(c.key, len(order)))


def counts_by_org(findings: Iterable[FindingRow]) -> list[Count]:
    """Per org (code), most findings first, then in tree order."""
    paths: dict[str, str] = {}
    for f in findings:
        paths.setdefault(f.org_code, f.org_path)
    counts = _count(findings, lambda f: f.org_code, lambda f: f.org_name)
    return sorted(counts, key=lambda c: (-c.total, paths[c.key]))


def people_count(findings: Iterable[FindingRow]) -> int:
    return len({f.case_id for f in findings})


FINDING_HEADERS = [
    "组织编码",
    "组织名称",
    "姓名",
    "公民身份号码",
    "规则",
    "步骤",
    "严重程度",
    "依据条款",
    "说明",
]
FINDING_WIDTHS = [16, 30, 10, 22, 16, 6, 10, 26, 90]


def write_xlsx(report: Report, target, *, unmask: bool = False, title: str = "") -> None:
    """The report as a workbook: sheet 问题清单 (one row per finding) and 汇总 (counts).

    `target`: a path or a binary file object. Written in openpyxl's streaming (write-only) mode;
    ID numbers are text cells (masked unless `unmask`), user text is escaped against formulas.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("问题清单")
    for i, width in enumerate(FINDING_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_HEADERS))}{len(report.findings) + 1}"
    sheet.append(header_row(sheet, FINDING_HEADERS))
    labels = engine.SEVERITY_LABELS
    for f in report.findings:
        sheet.append([
            text_cell(sheet, f.org_code), value_cell(sheet, f.org_name), value_cell(sheet, f.name),
            text_cell(sheet, f.id_number if unmask else mask_id_number(f.id_number)), value_cell(sheet, f.rule),
            f.step, labels[f.severity], value_cell(sheet, f.article), value_cell(sheet, f.message),
        ])  # fmt: skip

    summary = workbook.create_sheet("汇总")
    for column, width in zip("ABCDE", (22, 30, 8, 8, 8), strict=True):
        summary.column_dimensions[column].width = width
    if title:
        summary.append([value_cell(summary, title, bold=True)])
    summary.append([value_cell(summary, "规则集"), text_cell(summary, report.ruleset)])
    summary.append([value_cell(summary, "检查发展纪实（份）"), report.checked])
    summary.append([value_cell(summary, "发现问题（处）"), len(report.findings)])
    summary.append([value_cell(summary, "涉及人员（人）"), people_count(report.findings)])
    summary.append([value_cell(summary, "生成时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"])
    summary.append([])
    summary.append(header_row(summary, ["规则", "名称", "违规", "提醒", "合计"]))
    for c in counts_by_rule(report.findings):
        summary.append([c.key, c.label, c.violations, c.warnings, c.total])
    summary.append([])
    summary.append(header_row(summary, ["组织编码", "组织名称", "违规", "提醒", "合计"]))
    for c in counts_by_org(report.findings):
        summary.append(
            [text_cell(summary, c.key), value_cell(summary, c.label), c.violations, c.warnings, c.total]
        )
    workbook.save(target)


def default_xlsx_name(today: dt.date | None = None) -> str:
    return f"合规检查报告-{(today or timezone.localdate()):%Y%m%d}.xlsx"
