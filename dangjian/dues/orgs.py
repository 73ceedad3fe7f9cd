"""Where dues live in the tree: who collects a member's dues, who an org hands up to, which 党委
approves a branch's reliefs, and which hand-up proportion an org's level takes."""

from __future__ import annotations

from dangjian.orgs.models import BRANCH_KINDS, COMMITTEE_KINDS, GROUP_KINDS, TEMPORARY_KINDS, Org, OrgKind

STEP = Org.steplen


def holds_funds(org: Org) -> bool:
    """An org with its own dues account: every org but party groups (their branch collects) and
    temporary orgs (they collect no dues, RULES.md §7.4)."""
    return org.kind not in GROUP_KINDS and org.kind not in TEMPORARY_KINDS


def ancestor_paths(path: str) -> list[str]:
    """The paths above `path`, nearest first."""
    return [path[:end] for end in range(len(path) - STEP, 0, -STEP)]


def _ancestors(org: Org) -> list[Org]:
    paths = ancestor_paths(org.path)
    by_path = {o.path: o for o in Org.objects.filter(path__in=paths)}
    return [by_path[p] for p in paths if p in by_path]


def collecting_org(org: Org) -> Org:
    """The org whose account a member of `org` pays into: the org itself, or for a party group the
    nearest org above it that holds an account (its branch)."""
    if org.kind not in GROUP_KINDS:
        return org
    return next((a for a in _ancestors(org) if holds_funds(a)), org)


def fund_parent(org: Org) -> Org | None:
    """The next-higher org that holds an account: where `org` hands up and asks for funds."""
    return next((a for a in _ancestors(org) if holds_funds(a)), None)


def approving_committee(org: Org) -> Org | None:
    """The next-higher 党委 (not temporary) above `org`: it approves the branch's reliefs."""
    return next(
        (a for a in _ancestors(org) if a.kind in COMMITTEE_KINDS and a.kind not in TEMPORARY_KINDS), None
    )


def handup_level(org: Org) -> str:
    """The R-DUES-HANDUP parameter of `org`'s level."""
    if org.kind in BRANCH_KINDS or org.kind == OrgKind.GENERAL_BRANCH:
        return "branch_percent"
    if org.is_local_committee:
        return "city_percent" if org.depth == 1 else "county_percent"
    return "grassroots_percent"
