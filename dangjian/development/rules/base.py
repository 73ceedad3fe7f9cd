"""The rule engine's vocabulary: severities, the step dates, the `Facts` a check reads, findings and rule
definitions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from dangjian.workcal.calendar import (
    WorkCalendar,
)

VIOLATION = "violation"
WARNING = "warning"
SEVERITY_LABELS = {VIOLATION: "违规", WARNING: "提醒"}

# The date that stands for each step (repeatable steps use their latest record).
STEP_DATE = {
    1: "applied_on", 2: "talked_on", 3: "activist_on", 4: "activist_filed_on", 5: "contacts_on",
    6: "last_assessment_on", 7: "candidate_on", 8: "candidate_filed_on", 9: "introducers_on",
    10: "political_review_on", 11: "training_end", 12: "committee_review_on", 13: "prereview_on",
    14: "form_on", 15: "admission_meeting_on", 16: "committee_talk_on", 17: "approved_on",
    18: "approval_filed_on", 19: "assigned_on", 20: "oath_on", 21: "last_probation_assessment_on",
    22: "conversion_applied_on", 23: "conversion_meeting_on", 24: "conversion_approved_on", 25: "archived_on",
}  # fmt: skip

# A later step needs these earlier steps to have been recorded (R-MISSING) on or before it (R-ORDER).
DEPENDS: dict[int, tuple[int, ...]] = {
    2: (1,), 3: (1,), 4: (3,), 5: (3,), 6: (3,), 7: (3,), 8: (7,), 9: (7,), 10: (7,), 11: (7,), 12: (7,),
    13: (12,), 14: (13,), 15: (9, 10, 11, 14), 16: (15,), 17: (15,), 18: (17,), 19: (17,), 20: (17,), 21: (17,),
    22: (17,), 23: (22,), 24: (23,), 25: (23,),
}  # fmt: skip
# Work of stage III (steps 8–14) lies on or before the admission meeting (15).
BEFORE_ADMISSION = (8, 9, 10, 11, 12, 13, 14)
# The same, keyed by the Facts.dates keys (R-ORDER and R-MISSING run on every case of a check).
_DEPENDS_KEYS = tuple(
    (step, STEP_DATE[step], tuple((dep, STEP_DATE[dep]) for dep in deps)) for step, deps in DEPENDS.items()
)
_BEFORE_ADMISSION_KEYS = tuple((step, STEP_DATE[step]) for step in BEFORE_ADMISSION)

# The working-day calendar R-NOTICE counts with: a fresh snapshot per count unless `evaluate` was
# given one (a batch such as the compliance check shares one, so the calendar is read once).
_calendar: ContextVar[WorkCalendar | None] = ContextVar("dangjian_rules_calendar", default=None)


@dataclass(frozen=True)
class MemberInfo:
    """A contact or introducer as the rules see them."""

    name: str
    converted_on: dt.date | None  # None: not a full member (probationary or not a member at all)
    on_probation_watch: bool = False  # 留党察看 without restored rights


@dataclass(frozen=True)
class OrgInfo:
    name: str
    path: str
    kind: str
    has_approval_authority: bool
    is_temporary: bool


@dataclass
class Facts:
    """One person's development record as the rules read it (INTERCHANGE.md keys)."""

    name: str = ""
    birth_date: dt.date | None = None
    org_path: str = ""
    special_basis: str = ""
    dates: dict[str, dt.date] = field(default_factory=dict)
    assessments: list[dt.date] = field(default_factory=list)
    contacts: list[MemberInfo] = field(default_factory=list)
    introducers: list[MemberInfo] = field(default_factory=list)
    political_review_result: str = ""
    training_start: dt.date | None = None
    training_hours: float | None = None
    notice_start: dt.date | None = None
    notice_end: dt.date | None = None
    joint_review: dict[str, dict[str, str]] = field(default_factory=dict)  # body → {on, conclusion}
    admission: dict[str, int] = field(default_factory=dict)  # expected, present, yes, no, abstain
    conversion: dict[str, int] = field(default_factory=dict)
    conversion_result: str = ""  # 按期转正 / 延长预备期 / 取消预备党员资格
    extension_months: int | None = None
    extensions: int = 0  # probation extensions decided so far, this one included
    prior_extension_months: int = 0  # months of an extension decided at an earlier conversion meeting
    approving_org: OrgInfo | None = None
    conversion_approving_org: OrgInfo | None = None

    def on(self, step: int) -> dt.date | None:
        return self.dates.get(STEP_DATE[step])

    @property
    def frontline(self) -> bool:
        return bool(self.special_basis.strip())


@dataclass(frozen=True)
class Finding:
    rule: str
    step: int
    severity: str
    article: str
    message: str

    @property
    def blocks(self) -> bool:
        return self.severity == VIOLATION

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "step": self.step, "severity": self.severity, "article": self.article,
                "message": self.message}  # fmt: skip


# A check yields (step, message) with the rule's severity, or (step, message, severity) to escalate.
Check = Callable[[Facts, dict[str, Any]], Iterable[tuple]]


@dataclass(frozen=True)
class RuleDef:
    id: str
    title: str
    severity: str
    article: str
    steps: tuple[int, ...]
    params: dict[str, Any]
    check: Check
    frontline_exempt: bool = False


def d(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "（未记录）"
