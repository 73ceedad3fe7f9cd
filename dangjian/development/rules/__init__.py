"""The rule engine: every rule of RULES.md §3 / INTERCHANGE.md as data plus a small check.

A rule has an id (R-AGE …), a default severity ("violation" blocks, "warning" asks for an
acknowledgement), default parameters, the steps it concerns and an article citation. Rule sets
(models.RuleSet) override severities and parameters; the engine itself only knows `Facts`, the flat
record of INTERCHANGE.md's 发展纪实 row, so recorded cases and imported workbooks are checked by
the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dangjian.development.rules.base import (
    DEPENDS,
    SEVERITY_LABELS,
    STEP_DATE,
    VIOLATION,
    WARNING,
    Facts,
    Finding,
    MemberInfo,
    OrgInfo,
    RuleDef,
    _calendar,
)
from dangjian.development.rules.checks import (
    JOINT_AGREED,
    JOINT_OBJECTED,
    RULES,
    STEP_NAMES,
    joint_bodies,
    name_list,
)
from dangjian.development.rules.local import (
    DUES_RULES,
    ORG_LIFE_RULES,
    PARAM_CHOICES,
    TALENT_RULES,
    TRANSFER_RULES,
)
from dangjian.workcal.calendar import WorkCalendar

CASE_RULES = RULES
RULES = RULES + ORG_LIFE_RULES + DUES_RULES + TRANSFER_RULES + TALENT_RULES

RULE_BY_ID = {r.id: r for r in RULES}


@dataclass(frozen=True)
class EffectiveRule:
    rule: RuleDef
    severity: str
    params: dict[str, Any]
    enabled: bool = True
    article: str = ""


def effective_rule(rule: RuleDef, overrides: dict[str, dict[str, Any]] | None = None) -> EffectiveRule:
    """One rule with a rule set's overrides ({rule id: {"severity", "enabled", "article", param…}})."""
    o = dict((overrides or {}).get(rule.id, {}))
    severity = o.pop("severity", rule.severity)
    enabled = o.pop("enabled", True)
    article = o.pop("article", rule.article)
    return EffectiveRule(rule, severity, {**rule.params, **o}, enabled, article)


def effective_rules(overrides: dict[str, dict[str, Any]] | None = None) -> list[EffectiveRule]:
    """Every rule with a rule set's overrides merged in."""
    return [effective_rule(rule, overrides) for rule in RULES]


def evaluate(
    facts: Facts, rules: list[EffectiveRule], *, calendar: WorkCalendar | None = None
) -> list[Finding]:
    """Every finding on `facts` under the given (effective) rules.

    `calendar`: a WorkCalendar snapshot to count working days with (batch work shares one);
    without it each count reads the calendar afresh.
    """
    token = _calendar.set(calendar) if calendar is not None else None
    try:
        findings: list[Finding] = []
        frontline = facts.frontline
        for eff in rules:
            rule = eff.rule
            if not eff.enabled or (frontline and rule.frontline_exempt):
                continue
            for step, message, *severity in rule.check(facts, eff.params):
                findings.append(
                    Finding(rule.id, step, severity[0] if severity else eff.severity, eff.article, message)
                )
        return findings
    finally:
        if token is not None:
            _calendar.reset(token)


def new_findings(before: list[Finding], after: list[Finding]) -> list[Finding]:
    """What a new record breaks: findings present after it that were not there before."""
    seen = set(before)
    return [f for f in after if f not in seen]


# What the engine's users read (import the submodules for the rest).
__all__ = [
    "CASE_RULES",
    "DEPENDS",
    "DUES_RULES",
    "JOINT_AGREED",
    "JOINT_OBJECTED",
    "ORG_LIFE_RULES",
    "PARAM_CHOICES",
    "RULES",
    "RULE_BY_ID",
    "SEVERITY_LABELS",
    "STEP_DATE",
    "STEP_NAMES",
    "TALENT_RULES",
    "TRANSFER_RULES",
    "VIOLATION",
    "WARNING",
    "EffectiveRule",
    "Facts",
    "Finding",
    "MemberInfo",
    "OrgInfo",
    "RuleDef",
    "_calendar",
    "effective_rule",
    "effective_rules",
    "evaluate",
    "joint_bodies",
    "name_list",
    "new_findings",
]
