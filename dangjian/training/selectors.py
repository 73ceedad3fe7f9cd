"""Reads of the training records, always through the acting user's scope.

A class is seen by whoever may see its organizing org; the figures of an org count the classes its
subtree organized. The 学时 of a year are the credited hours of the completed participations in
classes that ended that year, against the obligation of the rule set in force (R-STUDY).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeRecord
from dangjian.development.models import RuleSet
from dangjian.development.services import rule_in_force
from dangjian.orgs.models import Org, subtree_q
from dangjian.people.models import MEMBER_STANDINGS, Person
from dangjian.training.models import Participation, TraineeCategory, TrainingClass, TrainingKind

STUDY_RULE = "R-STUDY"
PICKER_LIMIT = 500
# The standing a class's participants are usually picked from.
PICKER_STANDING = {
    TrainingKind.ACTIVIST: "activist",
    TrainingKind.CANDIDATE: "candidate",
}


# ---- classes ------------------------------------------------------------------------------------


def classes_for(
    user, org: Org | None = None, *, include_subtree: bool = True, kind: str = "", year: int | None = None
) -> QuerySet[TrainingClass]:
    """Classes the user may see, newest first; organized by `org` (and its subtree)."""
    qs = TrainingClass.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path")) if include_subtree else qs.filter(org=org)
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(start_on__lte=dt.date(year, 12, 31), end_on__gte=dt.date(year, 1, 1))
    return (
        qs.select_related("org")
        .annotate(
            participant_count=Count("participations"),
            completed_count=Count("participations", filter=Q(participations__completed=True)),
        )
        .order_by("-start_on", "-id")
    )


def get_class_for_user(user, pk, action: str = Action.VIEW) -> TrainingClass:
    """404 outside the view scope (the caller cannot learn it exists), 403 without the right."""
    training_class = (
        TrainingClass.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"), pk=pk)
        .select_related("org", "created_by")
        .first()
    )
    if training_class is None:
        raise Http404("培训班不存在或不在您的管理范围内。")
    if action != Action.VIEW and not scope.can(user, action, training_class.org):
        raise PermissionDenied("您对该培训班没有此项操作权限。")
    return training_class


def participations_of(training_class: TrainingClass) -> QuerySet[Participation]:
    """The class's participants with their files, by org and name."""
    return training_class.participations.select_related("person", "person__org").order_by(
        "person__org__path", "person__name_sort_key", "id"
    )


def people_for_picker(user, training_class: TrainingClass, standing: str = "") -> QuerySet[Person]:
    """Who may be added: active people of the organizer's subtree in the user's scope, not yet on
    the list, by org and name (`standing` narrows it; a picker shows the first PICKER_LIMIT)."""
    qs = (
        scope.people_for(user, Action.VIEW)
        .filter(subtree_q(training_class.org.path, "org__path"), reduction="")
        .exclude(trainings__training_class=training_class)
    )
    if standing == "member":
        qs = qs.filter(standing__in=sorted(MEMBER_STANDINGS))
    elif standing:
        qs = qs.filter(standing=standing)
    return qs.select_related("org").order_by("org__path", "name_sort_key", "id")


def class_history(training_class: TrainingClass, participation_ids: list[int]) -> QuerySet[ChangeRecord]:
    """The change log of the class and of its participations (a removal is logged on both)."""
    return ChangeRecord.objects.filter(
        Q(object_type="training.trainingclass", object_id=training_class.pk)
        | Q(object_type="training.participation", object_id__in=participation_ids)
    ).select_related("actor")


def participations_for_person(user, person: Person) -> QuerySet[Participation]:
    """Every training of `person`, newest first, if the user may see the person. The classes of an
    org above the user's scope are part of the person's file too."""
    if not scope.can(user, Action.VIEW, person.org):
        return Participation.objects.none()
    return (
        Participation.objects.filter(person=person)
        .select_related("training_class", "training_class__org")
        .order_by("-training_class__end_on", "-id")
    )


# ---- 学时 ---------------------------------------------------------------------------------------


def _year_q(year: int, prefix: str = "training_class__end_on") -> Q:
    return Q(**{f"{prefix}__gte": dt.date(year, 1, 1), f"{prefix}__lte": dt.date(year, 12, 31)})


def year_hours(person: Person, year: int) -> Decimal:
    """The 学时 credited to `person` in `year` (completed classes that ended in it)."""
    total = Participation.objects.filter(_year_q(year), person=person, completed=True).aggregate(
        h=Sum("hours")
    )["h"]
    return total or Decimal(0)


def _rule_day(year: int) -> dt.date:
    """The day a year's obligation is read on: its last day, or today for the current year."""
    return min(dt.date(year, 12, 31), timezone.localdate())


@dataclass(frozen=True)
class Obligation:
    member_hours: int | None  # None: no obligation (the rule is switched off)
    secretary_hours: int
    article: str


def obligation_for(org: Org, year: int, active: list[RuleSet] | None = None) -> Obligation:
    """The yearly 学时 a member of `org` owes (R-STUDY of the rule set in force, with its source)."""
    rule = rule_in_force(org, STUDY_RULE, _rule_day(year), active)
    hours = int(rule.params.get("member_hours") or 0)
    return Obligation(
        member_hours=hours if rule.enabled and hours > 0 else None,
        secretary_hours=int(rule.params.get("secretary_hours") or 0),
        article=rule.article,
    )


@dataclass
class MemberHours:
    person_id: int
    name: str
    org_id: int
    org_name: str
    hours: Decimal
    obligation: int


@dataclass
class StudyHours:
    org: Org
    year: int
    members: int = 0
    with_obligation: int = 0
    reached: int = 0
    below: list[MemberHours] = field(default_factory=list)
    obligations: list[tuple[Obligation, int]] = field(default_factory=list)  # (obligation, members)

    @property
    def below_count(self) -> int:
        return len(self.below)


def study_hours(user, org: Org, year: int) -> StudyHours:
    """The members of `org`'s subtree against their yearly obligation: how many reached it, and who
    is below it, by org and name (a reminder, never a ranking)."""
    if not scope.can(user, Action.VIEW, org):
        raise Http404("党组织不存在或不在您的管理范围内。")
    members = list(
        scope.people_for(user, Action.VIEW)
        .filter(subtree_q(org.path, "org__path"), reduction="", standing__in=sorted(MEMBER_STANDINGS))
        .order_by("org__path", "name_sort_key", "id")
        .values_list("pk", "name", "org_id", "org__name")
    )
    hours = dict(
        Participation.objects.filter(
            _year_q(year),
            subtree_q(org.path, "person__org__path"),
            completed=True,
            person__reduction="",
            person__standing__in=sorted(MEMBER_STANDINGS),
        )
        .values_list("person_id")
        .annotate(h=Sum("hours"))
    )
    active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
    orgs = Org.objects.in_bulk({org_id for _pk, _n, org_id, _o in members})
    by_org = {pk: obligation_for(o, year, active) for pk, o in orgs.items()}
    result = StudyHours(org=org, year=year, members=len(members))
    counts: dict[Obligation, int] = defaultdict(int)
    for pk, name, org_id, org_name in members:
        owed = by_org[org_id]
        counts[owed] += 1
        if owed.member_hours is None:
            continue
        result.with_obligation += 1
        got = hours.get(pk) or Decimal(0)
        if got >= owed.member_hours:
            result.reached += 1
        else:
            result.below.append(MemberHours(pk, name, org_id, org_name, got, owed.member_hours))
    if not members:
        counts[obligation_for(org, year, active)] = 0
    result.obligations = sorted(counts.items(), key=lambda kv: -kv[1])
    return result


# ---- figures ------------------------------------------------------------------------------------


@dataclass
class FigureRow:
    key: str
    label: str
    count: int  # 人次: completed participations
    hours: Decimal
    url: str  # the list of participations behind the figure


@dataclass
class TrainingFigures:
    org: Org
    start: dt.date
    end: dt.date
    classes: int
    count: int  # 人次
    people: int  # distinct people
    hours: Decimal
    url: str
    by_kind: list[FigureRow]
    by_category: list[FigureRow]

    def category(self, key: str) -> int:
        return next((r.count for r in self.by_category if r.key == key), 0)

    def kind(self, key: str) -> int:
        return next((r.count for r in self.by_kind if r.key == key), 0)


def drill_url(org: Org, start: dt.date, end: dt.date, **filters: str) -> str:
    """The page listing the participations behind a figure."""
    query = {"from": start.isoformat(), "to": end.isoformat(), **{k: v for k, v in filters.items() if v}}
    return f"{reverse('training-participations', args=[org.pk])}?{urlencode(query)}"


def participations_in(
    user, org: Org, start: dt.date, end: dt.date, *, kind: str = "", category: str = ""
) -> QuerySet[Participation]:
    """The completed participations of the classes `org`'s subtree organized that ended in the period."""
    qs = Participation.objects.filter(
        scope.scope_q(user, Action.VIEW, prefix="training_class__org__path"),
        subtree_q(org.path, "training_class__org__path"),
        completed=True, training_class__end_on__gte=start, training_class__end_on__lte=end,
    )  # fmt: skip
    if kind:
        qs = qs.filter(training_class__kind=kind)
    if category:
        qs = qs.filter(category=category)
    return qs


def training_figures(user, org: Org, start: dt.date, end: dt.date) -> TrainingFigures:
    """人次 trained (completed participations) by kind and by category of trainee, and 学时, for the
    classes organized by `org` and the orgs below it that ended between `start` and `end` (both
    included). Every figure carries the URL of the participations behind it."""
    if not scope.can(user, Action.VIEW, org):
        raise Http404("党组织不存在或不在您的管理范围内。")
    qs = participations_in(user, org, start, end)
    by_kind = {
        k: (n, h) for k, n, h in qs.values_list("training_class__kind").annotate(Count("id"), Sum("hours"))
    }
    by_category = {k: (n, h) for k, n, h in qs.values_list("category").annotate(Count("id"), Sum("hours"))}
    totals = qs.aggregate(
        n=Count("id"), h=Sum("hours"), people=Count("person", distinct=True),
        classes=Count("training_class", distinct=True),
    )  # fmt: skip

    def rows(choices, counts, key: str) -> list[FigureRow]:
        return [
            FigureRow(
                value,
                str(label),
                counts.get(value, (0, None))[0],
                counts.get(value, (0, None))[1] or Decimal(0),
                drill_url(org, start, end, **{key: value}),
            )
            for value, label in choices
        ]

    return TrainingFigures(
        org=org, start=start, end=end, classes=totals["classes"], count=totals["n"], people=totals["people"],
        hours=totals["h"] or Decimal(0), url=drill_url(org, start, end),
        by_kind=rows(TrainingKind.choices, by_kind, "kind"),
        by_category=rows(TraineeCategory.choices, by_category, "category"),
    )  # fmt: skip
