"""The branch-life items of the due list (待办): what is not yet held this period, 换届, branch size.

Registered with development/due.py as a source: the daily refresh runs it for every org, and every
write that changes an org's meetings or committee reruns it for that org. Reminders only: nothing
here blocks a record, and nobody is ranked.

- A cadence not yet met in the current period is 可以办理, or 即将到期 in its last week; a period
  that passed without it is 已逾期, but only for an org that already kept its meetings here before
  that period (an org new to the system is not reproached for its past).
- 换届: 即将到期 from `remind_months` before the term ends, 已逾期 after it.
- Branch size (支部工作条例): fewer than 3 full members → a 联合党支部 is suggested; more than 50
  members → splitting; 7 or more full members without a committee → a 支委会 of 3–5 is expected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_noop

from dangjian.development.models import DueItem, DueKind, DueStatus, RuleSet
from dangjian.development.services import rule_in_force, ruleset_for
from dangjian.meetings.models import MeetingTally
from dangjian.orglife.cadence import CADENCES, Cadence, period_label, period_months, period_of
from dangjian.orglife.models import Committee
from dangjian.orgs.models import BRANCH_KINDS, GROUP_KINDS, Org, OrgKind, subtree_q, within_q
from dangjian.people.models import MEMBER_STANDINGS, Person, Standing

SOURCE = "orglife"
KINDS = (DueKind.ORG_LIFE, DueKind.TERM, DueKind.BRANCH_SETUP)
SOON_DAYS = 7
LIFE_RULES = (
    "R-LIFE-GENERAL", "R-LIFE-COMMITTEE", "R-LIFE-GROUP", "R-LIFE-THEMED", "R-LIFE-LECTURE", "R-LIFE-MEETING",
    "R-TERM", "R-BRANCH-SIZE",
)  # fmt: skip


class RuleCache:
    """Rule parameters per org, computed once per rule set in force (a city has few profiles)."""

    def __init__(self, day: dt.date):
        self.day = day
        self.active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
        # The local profiles' org paths: an org under none of them has the national rules.
        self._local_paths = sorted({rs.org.path for rs in self.active if rs.org is not None})
        self._by_ruleset: dict[int | None, dict] = {}
        self._by_org: dict[int, dict] = {}
        self._by_cover: dict[tuple[str, ...], dict] = {}

    def rules(self, org: Org) -> dict:
        if (known := self._by_org.get(org.pk)) is not None:
            return known
        cover = tuple(p for p in self._local_paths if org.path.startswith(p))
        if (found := self._by_cover.get(cover)) is None:
            found = self._by_cover[cover] = self._rules(org)
        self._by_org[org.pk] = found
        return found

    def _rules(self, org: Org) -> dict:
        ruleset = ruleset_for(org, self.day, self.active)
        key = ruleset.pk if ruleset else None
        if key not in self._by_ruleset:
            self._by_ruleset[key] = {
                rid: rule_in_force(org, rid, self.day, self.active) for rid in LIFE_RULES
            }
        return self._by_ruleset[key]


@dataclass
class OrgFacts:
    org: Org
    full: int = 0
    members: int = 0
    first_meeting: dt.date | None = None


@dataclass(slots=True, eq=False)
class LifeOrg:
    """The fields of an org that the cadences, terms and figures read, without a model instance: the
    figures of a city read some 15,000 orgs (a model instance each costs six times as much)."""

    id: int
    path: str
    depth: int
    name: str
    kind: str
    unit_type: str
    founded_on: dt.date | None
    dissolved_on: dt.date | None
    is_local_committee: bool
    has_approval_authority: bool

    @property
    def pk(self) -> int:
        return self.id


LIGHT_FIELDS = ("id", "path", "depth", "name", "kind", "unit_type", "founded_on", "dissolved_on", "is_local_committee",
                "has_approval_authority")  # fmt: skip


def life_orgs(org_ids: set[int] | None, *, under: Org | None = None, light: bool = False) -> list:
    """Branches and groups (cadences), general branches and grassroots committees (terms): of the
    ids given, or of `under`'s subtree, or all; as LifeOrg rows when `light`."""
    kinds = {
        *BRANCH_KINDS,
        *GROUP_KINDS,
        OrgKind.GENERAL_BRANCH,
        OrgKind.COMMITTEE,
        OrgKind.WORKING_COMMITTEE,
    }
    kinds -= {OrgKind.TEMP_BRANCH, OrgKind.TEMP_GROUP}
    qs = Org.objects.filter(kind__in=kinds, dissolved_on__isnull=True, is_local_committee=False)
    if org_ids is not None:
        qs = qs.filter(pk__in=org_ids)
    if under is not None:
        qs = qs.filter(subtree_q(under.path, "path"))
    if light:
        return [LifeOrg(*row) for row in qs.order_by("path").values_list(*LIGHT_FIELDS)]
    return list(qs.order_by("path"))


def member_counts(org_ids: list[int] | None, *, under: Org | None = None) -> dict[int, tuple[int, int]]:
    """{org id: (full members, members)} of the people directly in each org (of the ids, or of
    `under`'s subtree), on the books today."""
    people = Person.objects.filter(reduction="", standing__in=MEMBER_STANDINGS)
    people = people.filter(org_id__in=org_ids) if org_ids is not None else people
    if under is not None:
        people = people.filter(within_q(under, "org__path"))
    rows = people.values("org_id").annotate(
        full=Count("id", filter=Q(standing=Standing.FULL)), members=Count("id")
    )
    return {r["org_id"]: (r["full"], r["members"]) for r in rows}


def held_months(
    org_ids: list[int] | None, first_year: int
) -> dict[tuple[int, str], tuple[list[int], list[int]]]:
    """{(org id, kind): (months held, months its secretary gave a 党课)} from first_year on, purposes
    included, as month numbers (year × 12 + month − 1), from the meeting tally. A month is enough:
    the periods start on the 1st and no meeting is recorded for a day after today."""
    rows = MeetingTally.objects.filter(year__gte=first_year)
    if org_ids is not None:
        rows = rows.filter(org_id__in=org_ids)
    out: dict[tuple[int, str], tuple[list[int], list[int]]] = {}
    for org_id, kind, year, months, by_secretary in rows.values_list(
        "org_id", "kind", "year", "months", "secretary_months"
    ):
        held, lectured = out.setdefault((org_id, kind), ([], []))
        held += [year * 12 + m for m in range(12) if months >> m & 1]
        lectured += [year * 12 + m for m in range(12) if by_secretary >> m & 1]
    return out


def first_months(org_ids: list[int] | None) -> dict[int, dt.date]:
    """The first day of the month of each org's first meeting (from the tally)."""
    rows = MeetingTally.objects.all()
    if org_ids is not None:
        rows = rows.filter(org_id__in=org_ids)
    first: dict[int, int] = {}
    for org_id, year, months in rows.values_list("org_id", "year", "months"):
        if months:
            number = year * 12 + (months & -months).bit_length() - 1
            first[org_id] = min(first.get(org_id, number), number)
    return {org_id: dt.date(n // 12, n % 12 + 1, 1) for org_id, n in first.items()}


def was_held(
    held: tuple[list[int], list[int]] | None, cadence: Cadence, start: dt.date, end: dt.date
) -> bool:
    if not held:
        return False
    low, high = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
    return any(low <= m <= high for m in held[1 if cadence.secretary_lecture else 0])


def applies(cadence: Cadence, org: Org, facts: OrgFacts, rules: dict) -> int:
    """The cadence's period in months for this org, 0 when it does not apply."""
    wanted = GROUP_KINDS if cadence.applies_to == "group" else BRANCH_KINDS
    if org.kind not in wanted:
        return 0
    rule = rules[cadence.rule_id]
    if not rule.enabled:
        return 0
    if cadence.key == "committee" and facts.full < int(rule.params.get("min_full_members") or 0):
        return 0  # below 7 full members a branch has a secretary, not a committee
    return period_months(cadence, rule.params)


def _status(due_on: dt.date, today: dt.date) -> str:
    return DueStatus.SOON if (due_on - today).days <= SOON_DAYS else DueStatus.READY


def _cadence_items(org: Org, facts: OrgFacts, rules: dict, held, today: dt.date) -> list[DueItem]:
    items = []
    for cadence in CADENCES:
        months = applies(cadence, org, facts, rules)
        if not months:
            continue
        dates = held.get((org.pk, cadence.kind))
        start, end = period_of(today, months)
        label = str(cadence.label)
        if not was_held(dates, cadence, start, today):
            items.append(
                DueItem(
                    org_id=org.pk, kind=DueKind.ORG_LIFE, status=_status(end, today), due_on=end,
                    message=f"{org.name}：{period_label(start, months)}尚未开展{label}",
                )
            )  # fmt: skip
        prev_end = start - dt.timedelta(days=1)
        prev_start, _ = period_of(prev_end, months)
        kept_here = facts.first_meeting is not None and facts.first_meeting < prev_start
        if kept_here and not was_held(dates, cadence, prev_start, prev_end):
            items.append(
                DueItem(
                    org_id=org.pk, kind=DueKind.ORG_LIFE, status=DueStatus.OVERDUE, due_on=prev_end,
                    message=f"{org.name}：{period_label(prev_start, months)}未开展{label}",
                )
            )  # fmt: skip
    return items


# Stored in Chinese on the due items (like every due message); shown translated on the org page.
TERM_OVER = gettext_noop("委员会任期已于%(end)s届满，应按期换届")
TERM_SOON = gettext_noop("委员会任期将于%(end)s届满，请做好换届准备")
TOO_FEW = gettext_noop("正式党员%(full)d名，不足%(minimum)d名，建议与邻近单位成立联合党支部")
TOO_MANY = gettext_noop("党员%(members)d名，超过%(maximum)d名，建议分设党支部或党总支")
NEEDS_COMMITTEE = gettext_noop("正式党员%(full)d名，应设立支部委员会（一般3至5人），尚未登记")

Hint = tuple[str, str, dict]  # (status, message id, parameters)


def term_hints(committee: Committee | None, rules: dict, today: dt.date) -> list[Hint]:
    if committee is None:
        return []
    params = rules["R-TERM"].params
    remind_from = committee.term_ends_on - dt.timedelta(days=31 * int(params.get("remind_months") or 6))
    end = {"end": f"{committee.term_ends_on:%Y-%m-%d}"}
    if today > committee.term_ends_on:
        return [(DueStatus.OVERDUE, TERM_OVER, end)]
    if today >= remind_from:
        return [(DueStatus.SOON, TERM_SOON, end)]
    return []


def _term_items(org: Org, committee: Committee | None, rules: dict, today: dt.date) -> list[DueItem]:
    return [
        DueItem(org_id=org.pk, kind=DueKind.TERM, status=status, due_on=committee.term_ends_on,
                message=f"{org.name}：{msgid % params}")
        for status, msgid, params in term_hints(committee, rules, today)
    ]  # fmt: skip


def size_hints(org: Org, facts: OrgFacts, has_committee: bool, rules: dict) -> list[Hint]:
    """The branch-size suggestions for one branch (shown on the org page too)."""
    if org.kind not in BRANCH_KINDS or not rules["R-BRANCH-SIZE"].enabled:
        return []
    params = rules["R-BRANCH-SIZE"].params
    hints = []
    minimum, maximum = int(params["min_full_members"]), int(params["max_members"])
    committee_from = int(params["committee_from"])
    if facts.full < minimum and org.kind != OrgKind.JOINT_BRANCH:
        hints.append((DueStatus.READY, TOO_FEW, {"full": facts.full, "minimum": minimum}))
    if facts.members > maximum:
        hints.append((DueStatus.READY, TOO_MANY, {"members": facts.members, "maximum": maximum}))
    if facts.full >= committee_from and not has_committee:
        hints.append((DueStatus.READY, NEEDS_COMMITTEE, {"full": facts.full}))
    return hints


def compute(today: dt.date, org_ids: set[int] | None) -> list[DueItem]:
    orgs = life_orgs(org_ids, light=True)
    if not orgs:
        return []
    ids = [o.pk for o in orgs]
    scoped = None if org_ids is None else ids
    counts = member_counts(None if org_ids is None else ids)
    first_meeting = first_months(scoped)
    held = held_months(scoped, today.year - 1)
    committees = Committee.objects.filter(ended_on__isnull=True)
    if scoped is not None:
        committees = committees.filter(org_id__in=scoped)
    current = {c.org_id: c for c in committees}
    cache = RuleCache(today)
    items: list[DueItem] = []
    for org in orgs:
        full, members = counts.get(org.pk, (0, 0))
        facts = OrgFacts(org, full, members, first_meeting.get(org.pk))
        rules = cache.rules(org)
        items += _cadence_items(org, facts, rules, held, today)
        items += _term_items(org, current.get(org.pk), rules, today)
        items += [
            DueItem(
                org_id=org.pk,
                kind=DueKind.BRANCH_SETUP,
                status=status,
                due_on=today,
                message=f"{org.name}：{msgid % params}",
            )
            for status, msgid, params in size_hints(org, facts, org.pk in current, rules)
        ]
    return items
