"""The compliance check itself: `run` over a queryset of cases in report order, and the report as a
dict (`check`, `as_dict`) or text (`as_text`).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.utils import timezone

from dangjian.base.idnumber import mask_id_number
from dangjian.development import rules as engine
from dangjian.development.compliance.lookups import (
    CASE_COLUMNS,
    CHUNK,
    REPORT_ORDER,
    InForce,
    _fetch,
    _Lookups,
)
from dangjian.development.facts import (
    assemble_facts,
)
from dangjian.development.models import Case, RuleSet
from dangjian.workcal.calendar import WorkCalendar


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
