"""Who records a step, and as which org: the person's branch, or the superior committee.

The superior steps (catalog.SUPERIOR_STEPS: 13 预审, 16 上级党委派人谈话, 17 审批, 18 审批备案,
24 转正审批) are done by the committee above the branch that has the authority to approve admissions
(RULES.md §2, §2a): the nearest ancestor org with `has_approval_authority`. It is the acting org of
those records, and only a user whose role on that committee (or above) grants the change right may
record them; a 支部书记 has that right on her branch only, so she is told the step is the committee's.
"""

from __future__ import annotations

from collections.abc import Iterable

from dangjian.development.catalog import STEP_BY_NUMBER, SUPERIOR_STEPS
from dangjian.orgs.models import Org

__all__ = [
    "SUPERIOR_STEPS",
    "acting_org",
    "refusal",
    "superior_committee",
    "superior_committees",
]


def _ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(Org.steplen, len(path), Org.steplen)]


def superior_committee(org: Org) -> Org | None:
    """The nearest org above `org` with the authority to approve admissions, or None."""
    return (
        Org.objects.filter(path__in=_ancestor_paths(org.path), has_approval_authority=True)
        .order_by("-depth")
        .first()
    )


def superior_committees(orgs: Iterable[Org]) -> dict[int, Org | None]:
    """superior_committee for many orgs at once (one query), keyed by org id."""
    orgs = list({o.pk: o for o in orgs}.values())
    paths = {p for o in orgs for p in _ancestor_paths(o.path)}
    committees = {c.path: c for c in Org.objects.filter(path__in=sorted(paths), has_approval_authority=True)}
    out: dict[int, Org | None] = {}
    for o in orgs:
        found = [committees[p] for p in _ancestor_paths(o.path) if p in committees]
        out[o.pk] = found[-1] if found else None
    return out


def acting_org(case_org: Org, step: int, committee: Org | None = None) -> Org:
    """The org a step is recorded as when none is named: the branch, or for a superior step the
    superior committee (the parent when no org above has the authority, so the check names it)."""
    if step not in SUPERIOR_STEPS:
        return case_org
    committee = committee or superior_committee(case_org)
    if committee is not None:
        return committee
    return Org.objects.filter(path=case_org.path[: -Org.steplen]).first() or case_org


def refusal(step: int, org: Org) -> str:
    """The refusal a user without the right on the superior committee gets, in plain words."""
    return f"{STEP_BY_NUMBER[step].label}由上级党委（{org.name}）的组织员记录，党支部不能代为记录。"
