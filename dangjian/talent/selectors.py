"""Reads of the reserve pool, always through the acting user's scope (out of scope → 404).

`coverage` lists the villages and communities of a subtree with their pool against the standard of
R-TALENT-POOL; `structure` counts the pool by age band, education, occupation, source and party
standing, and how many were developed into members or appointed. Both are a handful of queries
whatever the size of the subtree (bench/talent.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orglife.models import Committee, CommitteeMember
from dangjian.orgs.models import Org, OrgKind, UnitType, subtree_q
from dangjian.people.models import MEMBER_STANDINGS, Education, Standing
from dangjian.talent.models import EntryStatus, PoolEntry, PoolReview, PoolTask, ReservedPost, SourceChannel
from dangjian.talent.rules import Standards

VILLAGE_UNITS = (UnitType.VILLAGE, UnitType.COMMUNITY)
VILLAGE_KINDS = (OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.JOINT_BRANCH)
# Age bands of the pool (age on the reference day).
AGE_BANDS = (
    (0, 30, gettext_noop("30岁及以下")), (31, 35, gettext_noop("31至35岁")), (36, 40, gettext_noop("36至40岁")),
    (41, 50, gettext_noop("41至50岁")), (51, 200, gettext_noop("51岁及以上")),
)  # fmt: skip
NO_FILE = "none"


def entries_in(user, org: Org) -> QuerySet[PoolEntry]:
    """Every entry of `org`'s subtree (the caller has checked `org` is in the user's scope)."""
    return PoolEntry.objects.filter(subtree_q(org.path, "org__path"))


def entries_for(
    user, org: Org | None, *, status: str = EntryStatus.ACTIVE, source: str = ""
) -> QuerySet[PoolEntry]:
    """The entries of `org`'s subtree (checked by the caller), or with no org every entry in scope."""
    if org is None:
        qs = PoolEntry.objects.filter(scope.scope_q(user, Action.VIEW, "org__path"))
    else:
        qs = entries_in(user, org)
    qs = qs.select_related("org", "person")
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("org__path", "registered_on", "id")


def get_entry_for_user(user, pk, action: str = Action.VIEW) -> PoolEntry:
    entry = (
        PoolEntry.objects.filter(scope.scope_q(user, Action.VIEW, "org__path"), pk=pk)
        .select_related("org", "person", "person__org")
        .first()
    )
    if entry is None:
        raise Http404(_("后备力量不存在或不在您的管理范围内。"))
    if action != Action.VIEW:
        scope.require(user, action, entry.org, _("您对该党组织的后备力量没有此项操作权限。"))
    return entry


def reviews_of(entry: PoolEntry) -> list[PoolReview]:
    return list(entry.reviews.order_by("year", "id"))


def tasks_of(entry: PoolEntry) -> list[PoolTask]:
    return list(entry.tasks.order_by("-assigned_on", "-id"))


def entries_of_person(user, person) -> list[PoolEntry]:
    """The person's pool history (一人一档), newest first, with the reviews and tasks."""
    return list(
        PoolEntry.objects.filter(person=person)
        .select_related("org")
        .prefetch_related("reviews", "tasks")
        .order_by("-registered_on", "-id")
    )


# --- coverage ---------------------------------------------------------------------------------


@dataclass
class VillageRow:
    pk: int
    name: str
    unit_type: str
    path: str
    standard: int
    count: int = 0

    @property
    def short(self) -> int:
        return max(0, self.standard - self.count)

    @property
    def below(self) -> bool:
        return self.count < self.standard


@dataclass
class Coverage:
    org: Org
    on: dt.date
    villages: list[VillageRow] = field(default_factory=list)
    entries: int = 0

    @property
    def below(self) -> list[VillageRow]:
        return [v for v in self.villages if v.below]

    @property
    def met(self) -> int:
        return len(self.villages) - len(self.below)

    @property
    def standards(self) -> list[int]:
        return sorted({v.standard for v in self.villages})


def villages_in(org: Org) -> list[tuple[int, str, str, str, bool, str]]:
    """The villages and communities of the subtree: the top-most active village/community orgs that
    are not a town (a 镇党委 with approval authority counts as a town, not a village)."""
    rows = (
        Org.objects.filter(
            subtree_q(org.path), unit_type__in=VILLAGE_UNITS, kind__in=VILLAGE_KINDS, dissolved_on__isnull=True,
            has_approval_authority=False,
        )
        .order_by("path")
        .values_list("pk", "name", "unit_type", "path", "depth", "kind")
    )  # fmt: skip
    out, current = [], None
    for row in rows:
        if current is not None and row[3].startswith(current):
            continue
        current = row[3]
        out.append(row)
    return out


def coverage(user, org: Org, *, on: dt.date | None = None, below_only: bool = False) -> Coverage:
    """Each village and community of the subtree with its entries in the pool (its own and its
    sub-branches') against the standard in force for it; in path order."""
    on = on or timezone.localdate()
    standards = Standards(on)
    result = Coverage(org=org, on=on)
    villages = villages_in(org)
    if not villages:
        return result
    fake = Org(path="")
    paths = []
    for pk, name, unit, path, depth, _kind in villages:
        fake.path, fake.depth = path, depth
        standard = standards.per_village(fake)
        if standard is None:
            continue
        result.villages.append(VillageRow(pk, name, unit, path, standard))
        paths.append(path)
    counts = (
        entries_in(user, org)
        .filter(status=EntryStatus.ACTIVE)
        .order_by()
        .values_list("org__path")
        .annotate(n=Count("id"))
    )
    by_path = {v.path: v for v in result.villages}
    for path, n in counts:
        result.entries += n
        i = bisect.bisect_right(paths, path) - 1
        if i >= 0 and path.startswith(paths[i]):
            by_path[paths[i]].count += n
    if below_only:
        result.villages = result.below
    return result


# --- structure ----------------------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    label: str
    count: int


@dataclass
class Structure:
    org: Org
    on: dt.date
    total: int = 0
    age: list[Figure] = field(default_factory=list)
    education: list[Figure] = field(default_factory=list)
    occupation: list[Figure] = field(default_factory=list)
    source: list[Figure] = field(default_factory=list)
    standing: list[Figure] = field(default_factory=list)
    reserved_for: list[Figure] = field(default_factory=list)
    members: int = 0  # party members (预备、正式) among them today
    developed: int = 0  # admitted (接收为预备党员) on or after entering the pool
    appointed: int = 0  # taken out of the pool as appointed / elected
    removed: int = 0
    ever: int = 0  # every entry ever registered


def _figures(counter: Counter, choices) -> list[Figure]:
    return [Figure(value, str(label), counter.get(value, 0)) for value, label in choices]


def structure(user, org: Org, *, on: dt.date | None = None) -> Structure:
    """The pool of the subtree (entries in the pool on `on`, default today) by age band, education,
    occupation, source, reserved post and party standing; with, over every entry ever registered,
    how many were admitted to the party after entering it and how many were appointed (elected)."""
    on = on or timezone.localdate()
    result = Structure(org=org, on=on)
    rows = (
        entries_in(user, org)
        .filter(registered_on__lte=on)
        .order_by()
        .values_list(
            "status", "status_on", "birth_date", "education", "occupation", "source", "reserved_for",
            "registered_on", "person__standing", "person__admitted_on",
        )
    )  # fmt: skip
    age, education, occupation, source, standing, post = (Counter() for _ in range(6))
    for status, status_on, birth, edu, job, src, reserved, registered, party, admitted in rows:
        result.ever += 1
        if admitted is not None and registered <= admitted <= on:
            result.developed += 1
        left = status != EntryStatus.ACTIVE and status_on is not None and status_on <= on
        if left:
            if status == EntryStatus.APPOINTED:
                result.appointed += 1
            else:
                result.removed += 1
            continue
        result.total += 1
        years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        for low, high, band in AGE_BANDS:
            if low <= years <= high:
                age[band] += 1
                break
        education[edu or ""] += 1
        occupation[job or _("未填写")] += 1
        source[src] += 1
        post[reserved] += 1
        standing[party or NO_FILE] += 1
        if party in MEMBER_STANDINGS:
            result.members += 1
    result.age = [Figure(band, _(band), age.get(band, 0)) for _low, _high, band in AGE_BANDS]
    result.education = _figures(education, [*Education.choices, ("", _("未填写"))])
    result.occupation = [
        Figure(k, k, n) for k, n in sorted(occupation.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    result.source = _figures(source, SourceChannel.choices)
    result.reserved_for = _figures(post, ReservedPost.choices)
    result.standing = _figures(standing, [*Standing.choices, (NO_FILE, _("群众（无档案）"))])
    return result


# --- 换届: how many of those elected came from the pool -----------------------------------------


@dataclass
class Elected:
    year: int | None
    years: list[int]
    committees: int = 0
    elected: int = 0
    from_pool: int = 0


def elected_from_pool(user, org: Org, year: int | None = None) -> Elected:
    """Seed 003's figure ("选举产生的64名'两委'中共有10名后备库党员成功当选"), for the village and community
    party committees (orglife.Committee) of the subtree elected in `year` (default: the latest year
    with such an election): the members elected, and those among them in a pool (any org's) since
    before the election day."""
    committees = Committee.objects.filter(subtree_q(org.path, "org__path"), org__unit_type__in=VILLAGE_UNITS)
    years = sorted(
        {
            y
            for y in committees.annotate(y=ExtractYear("elected_on"))
            .order_by()
            .values_list("y", flat=True)
            .distinct()
            if y <= timezone.localdate().year
        },
        reverse=True,
    )
    year = year if year is not None else (years[0] if years else None)
    result = Elected(year=year, years=years)
    if year is None:
        return result
    in_year = committees.filter(elected_on__year=year)
    result.committees = in_year.count()
    pooled = PoolEntry.objects.filter(
        person=OuterRef("person"), registered_on__lte=OuterRef("committee__elected_on")
    )
    figures = (
        CommitteeMember.objects.filter(committee__in=in_year)
        .annotate(pooled=Exists(pooled))
        .aggregate(elected=Count("id"), from_pool=Count("id", filter=Q(pooled=True)))
    )
    result.elected, result.from_pool = figures["elected"], figures["from_pool"]
    return result
