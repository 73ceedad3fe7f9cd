"""The rule sets in force, a case's current records and findings; the errors a step can raise."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.development import rules as engine
from dangjian.development.facts import build_facts
from dangjian.development.models import Case, RuleSet, StepRecord
from dangjian.orgs.models import Org

APPROVAL_STEPS = (17, 24)
CONVERSION_RESULTS = ("按期转正", "延长预备期", "取消预备党员资格")


class NeedsAcknowledgement(ValidationError):
    """The step raises warnings that the user has to acknowledge (by rule id) before saving."""

    def __init__(self, findings: list[engine.Finding]):
        self.findings = findings
        super().__init__([f"【{f.rule}】{f.message}（{f.article}）" for f in findings], code="needs_ack")


class RuleViolation(ValidationError):
    def __init__(self, findings: list[engine.Finding]):
        self.findings = findings
        super().__init__([f"【{f.rule}】{f.message}（{f.article}）" for f in findings], code="violation")


def ruleset_for(org: Org, on: dt.date, active: list[RuleSet] | None = None) -> RuleSet | None:
    """The rule set in force for `org` on `on`: the most specific active profile covering both."""
    if active is None:
        active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
    candidates = [
        rs
        for rs in active
        if rs.effective_from <= on
        if (rs.effective_to is None or rs.effective_to >= on)
        and (rs.org is None or org.path.startswith(rs.org.path))
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda rs: (rs.org.depth if rs.org else 0, rs.effective_from))


def rules_in_force(org: Org, on: dt.date, active: list[RuleSet] | None = None) -> list[engine.EffectiveRule]:
    ruleset = ruleset_for(org, on, active)
    return engine.effective_rules(ruleset.merged_overrides() if ruleset else None)


def rule_in_force(
    org: Org, rule_id: str, on: dt.date, active: list[RuleSet] | None = None
) -> engine.EffectiveRule:
    """One rule as the rule set in force for `org` on `on` has it (enabled, severity, parameters).

    Branch life (cadences, 民主评议, terms, branch size, 学时) reads its parameters here, so a local
    profile changes them exactly as it changes the development rules."""
    ruleset = ruleset_for(org, on, active)
    overrides = ruleset.merged_overrides() if ruleset else {}
    rule = engine.RULE_BY_ID[rule_id]
    return engine.effective_rule(rule, overrides)


def current_records(case: Case) -> list[StepRecord]:
    return list(
        case.records.filter(is_current=True).select_related(
            "org", "meeting", "resolution", "resolution__meeting"
        )
    )


def case_findings(case: Case, on: dt.date | None = None) -> list[engine.Finding]:
    """All current findings of a case, under the rules in force on its latest step (or `on`)."""
    records = current_records(case)
    day = on or max((r.on for r in records), default=timezone.localdate())
    return engine.evaluate(build_facts(case, records), rules_in_force(case.org, day))
