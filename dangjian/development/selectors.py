"""Reads of development cases, always through the acting user's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Q, QuerySet, When
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.development import compliance
from dangjian.development.models import CASE_STAGE_CHOICES, Case, CaseStatus, DueItem, RuleSet
from dangjian.orgs.models import Org, subtree_q

BOARD_LIMIT_PER_STAGE = 200


def cases_for(user, org: Org | None = None) -> QuerySet[Case]:
    qs = Case.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    return qs


def rulesets_for(user) -> QuerySet[RuleSet]:
    """The national sets and the local sets that can apply to the user's scope: those of an org above
    it (in force there) or inside it, never a sibling jurisdiction's profile."""
    return RuleSet.objects.filter(Q(org__isnull=True) | scope.known_q(user, Action.VIEW, prefix="org__path"))


def get_ruleset_for_user(user, pk) -> RuleSet:
    ruleset = rulesets_for(user).select_related("org", "parent").filter(pk=pk).first()
    if ruleset is None:
        raise Http404("规则集不存在或不在您的管理范围内。")
    return ruleset


def members_out_of_choice(user, case: Case, ids) -> set[int]:
    """The ids steps 5 and 9 may not name for `case`: not in the case's branch, nor in the user's scope.

    Whether they were full members on the step's date is the rule engine's question (R-CONTACT,
    R-SPONSOR); this one keeps anyone the user may not see out of the record and its messages."""
    from dangjian.people.models import Person

    wanted = {int(i) for i in ids if str(i).isdigit()}
    visible = Q(subtree_q(case.org.path, "org__path")) | scope.scope_q(user, Action.VIEW, prefix="org__path")
    return wanted - set(Person.objects.filter(visible, pk__in=wanted).values_list("pk", flat=True))


def get_case_for_user(user, pk, action: str = Action.VIEW) -> Case:
    case = cases_for(user).select_related("person", "org").filter(pk=pk).first()
    if case is None:
        raise Http404("发展纪实不存在或不在您的管理范围内。")
    if action != Action.VIEW and not scope.can(user, action, case.org):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您对该发展纪实没有此项操作权限。")
    return case


def due_for(user, org: Org | None = None) -> QuerySet[DueItem]:
    qs = DueItem.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    order = SqlCase(
        When(status="overdue", then=0), When(status="soon", then=1), When(status="ready", then=2), default=3
    )
    return qs.select_related("org", "case", "case__person").order_by(order, "due_on", "id")


def board(user, org: Org) -> list[dict]:
    """One column per stage with the open cases of `org`'s subtree (capped per column)."""
    columns = []
    base = cases_for(user, org).filter(status=CaseStatus.OPEN).select_related("person", "org")
    for value, label in CASE_STAGE_CHOICES[:5]:
        qs = base.filter(stage=value).order_by("person__name_sort_key", "id")
        cards = list(qs[:BOARD_LIMIT_PER_STAGE])
        total = len(cards) if len(cards) < BOARD_LIMIT_PER_STAGE else qs.count()
        columns.append({"stage": value, "label": label, "cases": cards, "total": total})
    return columns


def case_timeline(case: Case):
    return (
        case.records.select_related("org", "meeting", "resolution", "supersedes")
        .prefetch_related("evidence")
        .order_by("step", "on", "id")
    )


def board_totals(user, org: Org) -> dict[str, int]:
    """Counts shown above the board: frontline admissions are counted apart, as the reports do."""
    from django.db.models import Count, Q

    qs = cases_for(user, org)
    return qs.aggregate(
        open=Count("id", filter=Q(status=CaseStatus.OPEN)),
        frontline=Count("id", filter=~Q(special_basis="") & Q(stage__gte=5)),
        blocking=Count("id", filter=Q(blocking__gt=0, status=CaseStatus.OPEN)),
        converted=Count("id", filter=Q(status__in=[CaseStatus.CONVERTED, CaseStatus.ARCHIVED])),
    )


# ---- the compliance check page -----------------------------------------------------------------


@dataclass
class ComplianceResult:
    """The findings of the cases in the user's scope, filtered, with the summary counts."""

    report: compliance.Report  # every finding of the cases matching the org and person filters
    findings: list[compliance.FindingRow]  # … that also match the rule, severity and step filters
    by_rule: list[compliance.Count]  # counts per rule under every filter except the rule
    by_org: list[compliance.Count]  # counts per org under every filter
    people: int  # people with at least one of `findings`


def compliance_for(
    user,
    *,
    org: Org | None = None,
    query: str = "",
    rule: str = "",
    severity: str = "",
    step: int | None = None,
) -> ComplianceResult:
    """Check every case in the user's scope (within `org`'s subtree) and filter the findings.

    `query`: a person's name (or part of it) or full ID number. Rule, severity and step filter the
    findings; the org and the person filter the cases, so only those are checked.
    """
    cases = cases_for(user, org)
    query = query.strip()
    if query:
        cases = cases.filter(Q(person__name__contains=query) | Q(person__id_number=query.upper()))
    report = compliance.run(cases)

    def keep(f: compliance.FindingRow, *, by_rule: bool = True) -> bool:
        return (
            (not by_rule or not rule or f.rule == rule)
            and (not severity or f.severity == severity)
            and (step is None or f.step == step)
        )

    findings = [f for f in report.findings if keep(f)]
    facet = [f for f in report.findings if keep(f, by_rule=False)] if rule else findings
    return ComplianceResult(
        report=report, findings=findings, by_rule=compliance.counts_by_rule(facet),
        by_org=compliance.counts_by_org(findings), people=compliance.people_count(findings),
    )  # fmt: skip
