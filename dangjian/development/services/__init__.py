"""Every write to development cases. Each step is checked against the rules as it is recorded.

A violation blocks the step (ValidationError with the rule id, article and a plain message); a
warning blocks until the caller acknowledges that rule id, and the acknowledgement is stored on the
record. The person's standing and milestone dates are derived from the records, never set by hand.

The modules, each importing only those before it: `inforce` (rule sets in force, current records
and findings), `state` (derived state, milestones), `cases`, `steps` (recording, and 保存前检查
through the same `check_step`), `backfill` (补录). Which org records a step, and who may:
`dangjian.development.acting`.
"""

from django.core.exceptions import ValidationError  # what the services raise, as callers catch it

from dangjian.development.catalog import SUPERIOR_STEPS
from dangjian.development.services.backfill import BACKFILL_CHUNK, cases_backfill
from dangjian.development.services.cases import (
    case_open,
    case_set_special_basis,
    case_set_status,
    cases_set_status,
)
from dangjian.development.services.inforce import (
    APPROVAL_STEPS,
    CONVERSION_RESULTS,
    NeedsAcknowledgement,
    RuleViolation,
    case_findings,
    current_records,
    rule_in_force,
    rules_in_force,
    ruleset_for,
)
from dangjian.development.services.mentors import mentor_assign
from dangjian.development.services.state import derive_state, milestones
from dangjian.development.services.steps import (
    Preview,
    StepCheck,
    check_step,
    step_correct,
    step_preview,
    step_record,
    step_return,
)

__all__ = [
    "APPROVAL_STEPS",
    "BACKFILL_CHUNK",
    "CONVERSION_RESULTS",
    "SUPERIOR_STEPS",
    "NeedsAcknowledgement",
    "Preview",
    "RuleViolation",
    "StepCheck",
    "ValidationError",
    "case_findings",
    "case_open",
    "case_set_special_basis",
    "case_set_status",
    "cases_backfill",
    "cases_set_status",
    "check_step",
    "current_records",
    "derive_state",
    "mentor_assign",
    "milestones",
    "rule_in_force",
    "rules_in_force",
    "ruleset_for",
    "step_correct",
    "step_preview",
    "step_record",
    "step_return",
]
