"""Turn a case's current step records into the flat Facts record the rule engine reads.

Two callers, one assembly: `build_facts` reads StepRecord objects (step recording, previews,
backfill, the case page); the compliance check reads plain database rows (tuples) for speed.
Both go through `assemble_facts`, which reads each record as a tuple (on, step, pk, data, …) and
asks three callbacks for the rest (members, votes, approving org), so the two paths cannot drift
apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

from dangjian.development.rules import STEP_DATE, Facts, MemberInfo, OrgInfo
from dangjian.orgs.models import Org
from dangjian.people.models import Person, Standing

VOTE_KEYS = ("expected", "present", "yes", "no", "abstain")
MISSING_MEMBER = MemberInfo("（不存在的人员）", None)


def org_info(org: Org) -> OrgInfo:
    return OrgInfo(org.name, org.path, org.kind, org.has_approval_authority, org.is_temporary)


def member_info(
    name: str, standing: str, converted_on: dt.date | None, is_active: bool, on_probation_watch: bool = False
) -> MemberInfo:
    """A contact or introducer: a full member from `converted_on` while active, else not a full member."""
    converted = converted_on if standing == Standing.FULL and is_active else None
    return MemberInfo(name, converted, on_probation_watch)


def member_infos(person_ids: Iterable[int], known: dict[int, Person] | None = None) -> list[MemberInfo]:
    ids = [int(i) for i in person_ids]
    people = known if known is not None else Person.objects.in_bulk(ids)
    out = []
    for pk in ids:
        p = people.get(pk)
        if p is None:
            out.append(MISSING_MEMBER)
            continue
        out.append(member_info(p.name, p.standing, p.converted_on, p.is_active, p.on_probation_watch))
    return out


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def data_votes(data: dict[str, Any]) -> dict[str, int]:
    """Votes typed on a meeting step (no linked resolution)."""
    return {k: int(data[k]) for k in VOTE_KEYS if data.get(k) not in (None, "")}


def resolution_votes(
    expected: int, present: int, yes: int, no: int, abstain: int, written_yes: int, written_no: int,
    written_abstain: int,
) -> dict[str, int]:  # fmt: skip
    """Votes of a meeting step linked to a resolution: written opinions count with the votes."""
    return {"expected": expected, "present": present, "yes": yes + written_yes, "no": no + written_no,
            "abstain": abstain + written_abstain}  # fmt: skip


def votes_of(record) -> dict[str, int]:
    """Votes of a meeting step: from its resolution when linked, else from the record's data."""
    if record.resolution_id:
        res, meeting = record.resolution, record.meeting or record.resolution.meeting
        return resolution_votes(
            meeting.expected_voters, meeting.present_voters, res.yes, res.no, res.abstain, res.written_yes,
            res.written_no, res.written_abstain,
        )  # fmt: skip
    return data_votes(record.data)


# A record as `assemble_facts` reads it: a tuple (on, step, pk, data, …). `pk` is 0 for a record
# not saved yet; `data` is a dict, or None for no data; what follows is for the callbacks (the
# StepRecord itself in `build_facts`, the rest of the database row in the compliance check).
ON, STEP, PK, DATA = 0, 1, 2, 3
_order = itemgetter(ON, STEP, PK)  # a stable sort: ties keep the order they came in
# The steps whose record adds more than its date to the facts.
_READ_STEPS = frozenset({5, 6, 9, 10, 11, 13, 15, 17, 23, 24})


def assemble_facts(
    *,
    name: str,
    birth_date: dt.date | None,
    org_path: str,
    special_basis: str,
    records: Iterable[tuple],
    members: Callable[[Sequence], list[MemberInfo]],
    votes: Callable[[tuple], dict[str, int]],
    approver: Callable[[tuple], OrgInfo],
) -> Facts:
    """Facts from a case's current records, as tuples (on, step, pk, data, …) in any order.

    `members(ids)` gives contacts/introducers, `votes(record)` a meeting step's votes,
    `approver(record)` the acting org of an approval step (17, 24)."""
    facts = Facts(name=name, birth_date=birth_date, org_path=org_path, special_basis=special_basis)
    dates = facts.dates
    conversions = []
    for record in sorted(records, key=_order):
        on, step = record[ON], record[STEP]
        dates[STEP_DATE[step]] = on  # repeatable steps (6, 21, 23): the latest counts
        if step not in _READ_STEPS:
            continue
        data = record[DATA] or {}
        if step == 5:
            facts.contacts = members(data.get("contacts", []))
        elif step == 6:
            facts.assessments.append(on)
        elif step == 9:
            facts.introducers = members(data.get("introducers", []))
        elif step == 10:
            facts.political_review_result = data.get("result", "")
        elif step == 11:
            facts.training_start = _date(data.get("start"))
            hours = data.get("hours")
            facts.training_hours = float(hours) if hours not in (None, "") else None
        elif step == 13:
            facts.notice_start = _date(data.get("notice_start"))
            facts.notice_end = _date(data.get("notice_end"))
            facts.joint_review = data.get("joint_review") or {}
        elif step == 15:
            facts.admission = votes(record)
        elif step == 17:
            facts.approving_org = approver(record)
        elif step == 23:
            conversions.append(record)
        elif step == 24:
            facts.conversion_approving_org = approver(record)
    if conversions:
        latest = conversions[-1]
        data = latest[DATA] or {}
        facts.conversion = votes(latest)
        facts.conversion_result = data.get("result", "")
        months = data.get("extension_months")
        facts.extension_months = int(months) if months not in (None, "") else None
        extensions = [r for r in conversions if (r[DATA] or {}).get("result") == "延长预备期"]
        facts.extensions = len(extensions)
        earlier = [r for r in extensions if r is not latest]
        if earlier:
            facts.prior_extension_months = int(earlier[-1][DATA].get("extension_months") or 0)
    return facts


def build_facts(
    case, records: Iterable, *, person: Person | None = None, members: dict | None = None
) -> Facts:
    """`records`: the case's current StepRecords (saved or not), in any order.

    `members` (person id → Person) saves the lookups of contacts and introducers in bulk work.
    """
    person = person or case.person
    return assemble_facts(
        name=person.name, birth_date=person.birth_date, org_path=case.org.path, special_basis=case.special_basis,
        records=[(r.on, r.step, r.pk or 0, r.data, r) for r in records],
        members=lambda ids: member_infos(ids, members), votes=lambda row: votes_of(row[4]),
        approver=lambda row: org_info(row[4].org),
    )  # fmt: skip
