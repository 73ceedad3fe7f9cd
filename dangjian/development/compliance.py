"""The compliance check (INTERCHANGE.md §The compliance report): every case in scope, same engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from dangjian.core.idnumber import mask_id_number
from dangjian.development import rules as engine
from dangjian.development.facts import build_facts
from dangjian.development.models import Case, RuleSet, StepRecord
from dangjian.development.services import rules_in_force
from dangjian.people.models import Person

CHUNK = 2000


def check(cases: QuerySet[Case], *, ruleset: RuleSet | None = None, unmask: bool = False) -> dict[str, Any]:
    """Findings for every case, one per broken rule per person, in the report's shape."""
    forced = engine.effective_rules(ruleset.merged_overrides()) if ruleset is not None else None
    active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
    findings: list[dict[str, Any]] = []
    checked = 0
    ids = list(cases.order_by("org__path", "person__name_sort_key", "id").values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            Case.objects.filter(pk__in=ids[start : start + CHUNK])
            .select_related("person", "org")
            .order_by("org__path", "person__name_sort_key", "id")
        )
        records = _records(c.pk for c in chunk)
        members = _members(records)
        for case in chunk:
            own = records.get(case.pk, [])
            facts = build_facts(case, own, members=members)
            on = max((r.on for r in own), default=None)
            in_force = forced or (rules_in_force(case.org, on, active) if on else engine.effective_rules())
            for f in engine.evaluate(facts, in_force):
                findings.append({
                    "id_number": case.person.id_number if unmask else mask_id_number(case.person.id_number),
                    "name": case.person.name, "org_code": case.org.code, "rule": f.rule, "step": f.step,
                    "severity": f.severity, "article": f.article, "message": f.message,
                })  # fmt: skip
            checked += 1
    name = ruleset.code if ruleset is not None else "in-force"
    return {"ruleset": name, "checked": checked, "findings": findings}


def _records(case_ids: Iterable[int]) -> dict[int, list[StepRecord]]:
    out: dict[int, list[StepRecord]] = defaultdict(list)
    qs = StepRecord.objects.filter(case_id__in=list(case_ids), is_current=True).select_related(
        "org", "meeting", "resolution", "resolution__meeting"
    )
    for record in qs:
        out[record.case_id].append(record)
    return out


def _members(records: dict[int, list[StepRecord]]) -> dict[int, Person]:
    wanted = {
        int(i) for rs in records.values() for r in rs if r.step in (5, 9)
        for i in (r.data or {}).get("contacts" if r.step == 5 else "introducers", [])
    }  # fmt: skip
    return Person.objects.in_bulk(list(wanted)) if wanted else {}


def as_text(report: dict[str, Any]) -> str:
    lines = [
        f"规则集：{report['ruleset']}　检查 {report['checked']} 份发展纪实，发现 {len(report['findings'])} 处问题。"
    ]
    by_org: dict[str, list[dict]] = defaultdict(list)
    for f in report["findings"]:
        by_org[f["org_code"]].append(f)
    for org_code, items in by_org.items():
        lines.append(f"\n[{org_code}]")
        for f in items:
            level = engine.SEVERITY_LABELS[f["severity"]]
            lines.append(
                f"  {f['name']}（{f['id_number']}） {f['rule']} 第{f['step']}步 {level}：{f['message']}（{f['article']}）"
            )
    return "\n".join(lines)
