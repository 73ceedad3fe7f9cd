"""The rules of a 民主评议, as pure checks shared by the services, the import and the demo.

- Who takes part: the members of the branch (its own people and those of its 党小组) on the day it
  is held (`dangjian.people.membership`): full members are graded, probationary members take part
  without a grade.
- Every full member graded exactly once with 优秀, 合格, 基本合格 or 不合格; nobody outside the roster.
- 优秀 at most excellent_max_numerator / excellent_max_denominator of the full members (rounded
  down; ⅓ by default), read from R-APPRAISAL in the rule set in force for the branch on that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.appraisal.models import Grade
from dangjian.orgs.models import Org, subtree_q
from dangjian.people.membership import full_member_on_q, member_on_q
from dangjian.people.models import Person

RULE_ID = "R-APPRAISAL"
DEFAULT_PARAMS = {"months": 12, "excellent_max_numerator": 1, "excellent_max_denominator": 3}
GRADE_BY_LABEL = {
    "优秀": Grade.EXCELLENT,
    "合格": Grade.QUALIFIED,
    "基本合格": Grade.BASIC,
    "不合格": Grade.UNQUALIFIED,
}
FRACTIONS = {
    (1, 2): gettext_noop("二分之一"),
    (1, 3): gettext_noop("三分之一"),
    (1, 4): gettext_noop("四分之一"),
    (1, 5): gettext_noop("五分之一"),
}


@dataclass(frozen=True)
class Member:
    """One person on the roster of a 民主评议."""

    id: int
    name: str
    is_full: bool


@dataclass(frozen=True)
class Limit:
    numerator: int
    denominator: int

    def allowed(self, full_members: int) -> int:
        if self.denominator <= 0:
            return full_members
        return max(0, full_members * self.numerator // self.denominator)

    @property
    def fraction(self) -> str:
        known = FRACTIONS.get((self.numerator, self.denominator))
        return _(known) if known else f"{self.numerator}/{self.denominator}"


def limit_for(org: Org, on: dt.date, active=None) -> Limit:
    """The 优秀 ratio of R-APPRAISAL in the rule set in force for `org` on `on`."""
    from dangjian.development.services import rule_in_force

    params = {**DEFAULT_PARAMS, **rule_in_force(org, RULE_ID, on, active).params}
    return Limit(int(params["excellent_max_numerator"]), int(params["excellent_max_denominator"]))


def roster_people(org: Org, on: dt.date):
    """The members of the branch on `on`, full members first, each group by name."""
    return Person.objects.filter(subtree_q(org.path, "org__path"), member_on_q(on)).order_by(
        "name_sort_key", "id"
    )


def full_ids(org: Org, on: dt.date) -> set[int]:
    """The ids of the branch's full members on `on`."""
    return set(
        Person.objects.filter(subtree_q(org.path, "org__path"), full_member_on_q(on)).values_list(
            "id", flat=True
        )
    )


def roster(org: Org, on: dt.date) -> list[Member]:
    people = list(roster_people(org, on).values_list("id", "name"))
    full = full_ids(org, on)
    members = [Member(pk, name, pk in full) for pk, name in people]
    return sorted(members, key=lambda m: not m.is_full)  # stable: by name within each group


GRADE_VALUES = frozenset(Grade.values)  # Choices.values builds a new list on every read


def parse_grade(value) -> str | None:
    """A grade from a form, a request or a workbook cell: the value or its Chinese label; "" for
    none; None when it is neither."""
    text = str(value if value is not None else "").strip()
    if not text or text in ("—", "-", "不评定等次"):
        return ""
    if text in GRADE_VALUES:
        return text
    return GRADE_BY_LABEL.get(text)


def grade_errors(
    members: list[Member], grades: dict[int, str], limit: Limit, names: dict[int, str]
) -> list[str]:
    """Everything wrong with `grades` (person id → grade or "") for a branch whose roster is
    `members`; `names`: names of the people outside the roster the caller may name."""
    errors: list[str] = []
    by_id = {m.id: m for m in members}
    full = [m for m in members if m.is_full]
    if not full:
        errors.append(_("本支部在评议日期没有正式党员，无须评定等次。"))
        return errors
    outside = [pid for pid in grades if pid not in by_id]
    if outside:
        shown = "、".join(names.get(pid) or _("人员编号%(id)s") % {"id": pid} for pid in outside[:10])
        errors.append(
            _("%(people)s不是本支部在评议日期的党员，不能参加本支部的民主评议。") % {"people": shown}
        )
    invalid = [(by_id[pid].name, g) for pid, g in grades.items() if pid in by_id and parse_grade(g) is None]
    for name, value in invalid:
        errors.append(
            _("%(name)s的等次“%(value)s”无效，只能是优秀、合格、基本合格或不合格。")
            % {"name": name, "value": value}
        )
    graded_probationary = [
        by_id[pid].name
        for pid, g in grades.items()
        if pid in by_id and not by_id[pid].is_full and parse_grade(g)
    ]
    if graded_probationary:
        errors.append(
            _("预备党员参加民主评议，但不评定等次：%(people)s。") % {"people": "、".join(graded_probationary)}
        )
    missing = [m.name for m in full if not parse_grade(grades.get(m.id, ""))]
    if missing:
        errors.append(
            _("每名正式党员都要评定等次，以下%(n)d名尚未评定：%(people)s。")
            % {"n": len(missing), "people": "、".join(missing)}
        )
    excellent = sum(1 for m in full if parse_grade(grades.get(m.id, "")) == Grade.EXCELLENT)
    allowed = limit.allowed(len(full))
    if excellent > allowed:
        errors.append(
            _(
                "优秀等次不得超过正式党员人数的%(fraction)s：本支部正式党员%(full)d名，最多可评%(allowed)d名优秀，"
                "现评定%(excellent)d名，请调整后再保存。"
            )
            % {"fraction": limit.fraction, "full": len(full), "allowed": allowed, "excellent": excellent}
        )
    return errors


_PERSON_FIELDS = (
    "id",
    "name",
    "org_id",
    "standing",
    "admitted_on",
    "converted_on",
    "reduction",
    "reduced_on",
)


def rosters(branches: list[tuple[Org, dt.date]]) -> dict[int, list[Member]]:
    """`roster` of many branches at once (each on its own day), in a few queries: branch id → roster.
    The same rules (`membership.member_on` / `full_member_on`, which the tests hold equal to the
    filters `roster` uses)."""
    from types import SimpleNamespace

    from dangjian.orgs.models import GROUP_KINDS
    from dangjian.people.membership import full_member_on, member_on

    by_path = {org.path: (org, day) for org, day in branches}
    home: dict[int, int] = {org.pk: org.pk for org, _day in branches}  # org id → branch id
    for pk, path in Org.objects.filter(kind__in=GROUP_KINDS).values_list("id", "path"):
        if (found := by_path.get(path[: -Org.steplen])) is not None:
            home[pk] = found[0].pk
    day_of = {org.pk: day for org, day in branches}
    out: dict[int, list[Member]] = {org.pk: [] for org, _day in branches}
    ids = sorted(home)
    rows = []
    for start in range(0, len(ids), 900):
        rows += (
            Person.objects.filter(org_id__in=ids[start : start + 900])
            .order_by("name_sort_key", "id")
            .values(*_PERSON_FIELDS, "name_sort_key")
        )
    rows.sort(key=lambda r: (r["name_sort_key"], r["id"]))
    for row in rows:
        branch = home[row["org_id"]]
        person = SimpleNamespace(**row)
        day = day_of[branch]
        if member_on(person, day):
            out[branch].append(Member(row["id"], row["name"], full_member_on(person, day)))
    return {pk: sorted(members, key=lambda m: not m.is_full) for pk, members in out.items()}
