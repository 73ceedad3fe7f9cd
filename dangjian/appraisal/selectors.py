"""Reads of the 民主评议 records, always through the acting user's scope (out of scope: 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.appraisal.models import Appraisal, AppraisalEntry, FollowUp, Grade
from dangjian.audit.models import ChangeRecord
from dangjian.orgs.models import BRANCH_KINDS, Org, subtree_q
from dangjian.people.membership import full_member_on_q
from dangjian.people.models import Person


def appraisals_for(user, org: Org | None = None, *, include_subtree: bool = False) -> QuerySet[Appraisal]:
    """The 民主评议 records the user may see, newest year first, with their counts."""
    qs = Appraisal.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path")) if include_subtree else qs.filter(org=org)
    counts = {f"n_{grade}": Count("entries", filter=Q(entries__grade=grade)) for grade in Grade.values}
    return (
        qs.select_related("org")
        .annotate(n_probationary=Count("entries", filter=Q(entries__is_probationary=True)), **counts)
        .order_by("-year", "org__path", "id")
    )


def get_appraisal_for_user(user, pk, action: str = Action.VIEW) -> Appraisal:
    """404 outside the view scope (the caller cannot learn it exists), 403 without the right."""
    appraisal = appraisals_for(user).select_related("meeting", "created_by").filter(pk=pk).first()
    if appraisal is None:
        raise Http404(_("民主评议记录不存在或不在您的管理范围内。"))
    if action != Action.VIEW and not scope.can(user, action, appraisal.org):
        raise PermissionDenied(_("您对该民主评议记录没有此项操作权限。"))
    return appraisal


def get_followup_for_user(user, pk, action: str = Action.VIEW) -> FollowUp:
    followup = (
        FollowUp.objects.filter(scope.scope_q(user, Action.VIEW, prefix="entry__appraisal__org__path"), pk=pk)
        .select_related("entry__appraisal__org", "entry__person")
        .first()
    )
    if followup is None:
        raise Http404(_("组织处置记录不存在或不在您的管理范围内。"))
    if action != Action.VIEW and not scope.can(user, action, followup.entry.appraisal.org):
        raise PermissionDenied(_("您对该组织处置记录没有此项操作权限。"))
    return followup


def entries_of(appraisal: Appraisal) -> QuerySet[AppraisalEntry]:
    """The entries of a 民主评议: full members first, then by name (never by grade: no ranking)."""
    return appraisal.entries.select_related("person", "followup").order_by(
        "is_probationary", "person__name_sort_key", "id"
    )


def entries_for_person(user, person: Person) -> QuerySet[AppraisalEntry]:
    """A person's part in every 民主评议, by year, if the user may see the person."""
    if not scope.can(user, Action.VIEW, person.org):
        return AppraisalEntry.objects.none()
    return (
        AppraisalEntry.objects.filter(person=person)
        .select_related("appraisal__org", "followup")
        .order_by("-appraisal__year", "id")
    )


def appraisal_history(appraisal: Appraisal) -> QuerySet[ChangeRecord]:
    followups = list(FollowUp.objects.filter(entry__appraisal=appraisal).values_list("pk", flat=True))
    return ChangeRecord.objects.filter(
        Q(object_type="appraisal.appraisal", object_id=appraisal.pk)
        | Q(object_type="appraisal.followup", object_id__in=followups)
    ).select_related("actor")


# ---- figures ---------------------------------------------------------------------------------------


@dataclass
class AppraisalFigures:
    """The 民主评议 of an org's subtree in one year. Counts only: nobody is ranked."""

    org: Org
    year: int
    branches_due: int = 0  # branches with at least one full member at the end of the year
    branches_held: int = 0  # of those (or any branch), the ones that recorded it
    grades: dict[str, int] = field(default_factory=dict)  # grade → number of members
    probationary: int = 0  # probationary members who took part, not graded
    followups_pending: int = 0  # 不合格 without a measure yet
    followups_open: int = 0  # measure decided, outcome not yet recorded
    followups_closed: int = 0

    @property
    def branches_missing(self) -> int:
        return max(self.branches_due - self.branches_held, 0)

    @property
    def graded(self) -> int:
        return sum(self.grades.values())

    def grade_rows(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.grades.get(value, 0)) for value, label in Grade.choices]


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def branches_due(user, org: Org, year: int) -> tuple[list[Org], set[int]]:
    """The branches of `org`'s subtree (in the user's scope) that should have held the 民主评议 of
    `year` (active in that year, with a full member at its end), and the ids of those that held it."""
    end = year_end(year)
    branches = list(
        scope.orgs_for(user, Action.VIEW)
        .filter(subtree_q(org.path), kind__in=BRANCH_KINDS)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=end))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=dt.date(year, 1, 1)))
        .order_by("path")
    )
    paths = {b.path: b for b in branches}
    with_full: set[int] = set()
    rows = (
        Person.objects.filter(subtree_q(org.path, "org__path"), full_member_on_q(end))
        .values("org__path")
        .annotate(n=Count("id"))
    )
    for row in rows:
        path = row["org__path"]
        branch = paths.get(path) or paths.get(path[: -Org.steplen])
        if branch is not None:
            with_full.add(branch.pk)
    held = set(
        appraisals_for(user, org, include_subtree=True).filter(year=year).values_list("org_id", flat=True)
    )
    due = [b for b in branches if b.pk in with_full or b.pk in held]
    return due, held


def appraisal_figures(user, org: Org, year: int) -> AppraisalFigures:
    """The figures of `org`'s subtree in `year`: branches that held it / should have, the grade
    distribution (counts), and the follow-ups of 不合格 (pending, open, closed)."""
    due, held = branches_due(user, org, year)
    figures = AppraisalFigures(org=org, year=year, branches_due=len(due), branches_held=len(held))
    entries = entries_in(user, org, year)
    for grade, n in entries.exclude(grade="").values_list("grade").annotate(n=Count("id")):
        figures.grades[grade] = n
    figures.probationary = entries.filter(is_probationary=True).count()
    followups = FollowUp.objects.filter(entry__in=entries)
    counts = followups.aggregate(
        pending=Count("id", filter=Q(measure="")),
        open=Count("id", filter=~Q(measure="") & Q(outcome="")),
        closed=Count("id", filter=~Q(outcome="")),
    )
    figures.followups_pending = counts["pending"]
    figures.followups_open = counts["open"]
    figures.followups_closed = counts["closed"]
    return figures


def entries_in(user, org: Org, year: int) -> QuerySet[AppraisalEntry]:
    """Every entry of the 民主评议 of `year` in `org`'s subtree, as far as the user may see."""
    return AppraisalEntry.objects.filter(
        scope.scope_q(user, Action.VIEW, prefix="appraisal__org__path"),
        subtree_q(org.path, "appraisal__org__path"),
        appraisal__year=year,
    )


FOLLOWUP_FILTERS = {
    "pending": Q(followup__measure=""),
    "open": ~Q(followup__measure="") & Q(followup__outcome=""),
    "closed": ~Q(followup__outcome=""),
}


def figure_records(
    user, org: Org, year: int, *, grade: str = "", followup: str = "", probationary: bool = False
) -> QuerySet[AppraisalEntry]:
    """The records behind one figure, by branch then name (no ranking)."""
    qs = entries_in(user, org, year)
    if grade:
        qs = qs.filter(grade=grade)
    if probationary:
        qs = qs.filter(is_probationary=True)
    if followup:
        qs = qs.filter(followup__isnull=False).filter(FOLLOWUP_FILTERS[followup])
    return qs.select_related("person", "appraisal__org", "followup").order_by(
        "appraisal__org__path", "is_probationary", "person__name_sort_key", "id"
    )
