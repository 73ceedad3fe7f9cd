"""The demo's 民主评议: last year's, for every branch with a full member, through the bulk service.

Grades are spread plausibly under the ⅓ limit (around a fifth 优秀, a few 基本合格); in the whole
demo two members are graded 不合格, one whose 限期改正 is done (已改正) and one still open.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from dangjian.appraisal import rules
from dangjian.appraisal.models import Grade, Measure, Outcome
from dangjian.appraisal.services import BulkAppraisal, appraisals_bulk_record
from dangjian.development.models import RuleSet
from dangjian.orgs.models import BRANCH_KINDS, Org

CHUNK = 500


def load_appraisal_demo(
    rng: random.Random, today: dt.date, *, log: Callable[[str], None] = lambda _m: None
) -> int:
    """Last year's 民主评议 of every active branch with at least one full member; returns how many."""
    year = today.year - 1
    branches = list(Org.objects.filter(kind__in=BRANCH_KINDS, dissolved_on__isnull=True).order_by("path"))
    days = {b.pk: dt.date(year, 12, rng.randint(8, 28)) for b in branches}
    rosters = rules.rosters([(b, days[b.pk]) for b in branches])
    active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
    graded = [b for b in branches if any(m.is_full for m in rosters[b.pk])]
    bigger = [b for b in graded if sum(m.is_full for m in rosters[b.pk]) >= 5]
    failing = set(b.pk for b in rng.sample(bigger, k=min(2, len(bigger))))
    rows: list[BulkAppraisal] = []
    failed = 0
    for branch in graded:
        held_on = days[branch.pk]
        full = [m for m in rosters[branch.pk] if m.is_full]
        allowed = rules.limit_for(branch, held_on, active).allowed(len(full))
        order = list(full)
        rng.shuffle(order)
        excellent = min(allowed, round(len(full) * rng.uniform(0.1, 0.3)))
        grades = {m.id: Grade.QUALIFIED.value for m in full}
        for m in order[:excellent]:
            grades[m.id] = Grade.EXCELLENT.value
        rest = order[excellent:]
        if rest and rng.random() < 0.2:
            grades[rest[-1].id] = Grade.BASIC.value
        followups = {}
        if branch.pk in failing and len(rest) > 1:
            person = rest[0]
            grades[person.id] = Grade.UNQUALIFIED.value
            decided = held_on + dt.timedelta(days=12)
            if failed == 0 and decided + dt.timedelta(days=80) <= today:  # corrected in time: closed
                followups[person.id] = {
                    "measure": Measure.CORRECT, "decided_on": decided, "deadline": decided + dt.timedelta(days=90),
                    "outcome": Outcome.CORRECTED, "outcome_on": decided + dt.timedelta(days=80),
                    "outcome_note": "按期改正，支部委员会审议认可",
                }  # fmt: skip
            else:  # still within the deadline: open
                followups[person.id] = {
                    "measure": Measure.CORRECT, "decided_on": min(decided, today),
                    "deadline": max(decided, today) + dt.timedelta(days=30),
                }  # fmt: skip
            failed += 1
        rows.append(BulkAppraisal(org=branch, year=year, held_on=held_on, grades=grades, followups=followups))
    total = 0
    for start in range(0, len(rows), CHUNK):
        total += appraisals_bulk_record(actor=None, rows=rows[start : start + CHUNK])
    log(f"已记录 {total} 个党支部{year}年度的民主评议党员。")
    return total
