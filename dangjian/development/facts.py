"""Turn a case's current step records into the flat Facts record the rule engine reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dangjian.development.rules import STEP_DATE, Facts, MemberInfo, OrgInfo
from dangjian.orgs.models import Org
from dangjian.people.models import Person, Standing

VOTE_KEYS = ("expected", "present", "yes", "no", "abstain")


def org_info(org: Org) -> OrgInfo:
    return OrgInfo(org.name, org.path, org.kind, org.has_approval_authority, org.is_temporary)


def member_infos(person_ids: Iterable[int], known: dict[int, Person] | None = None) -> list[MemberInfo]:
    ids = [int(i) for i in person_ids]
    people = known if known is not None else Person.objects.in_bulk(ids)
    out = []
    for pk in ids:
        p = people.get(pk)
        if p is None:
            out.append(MemberInfo("（不存在的人员）", None))
            continue
        converted = p.converted_on if p.standing == Standing.FULL and p.is_active else None
        out.append(MemberInfo(p.name, converted))
    return out


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def votes_of(record) -> dict[str, int]:
    """Votes of a meeting step: from its resolution when linked, else from the record's data."""
    if record.resolution_id:
        res, meeting = record.resolution, record.meeting or record.resolution.meeting
        return {
            "expected": meeting.expected_voters,
            "present": meeting.present_voters,
            "yes": res.yes + res.written_yes,
            "no": res.no + res.written_no,
            "abstain": res.abstain + res.written_abstain,
        }
    return {k: int(record.data[k]) for k in VOTE_KEYS if record.data.get(k) not in (None, "")}


def build_facts(
    case, records: Iterable, *, person: Person | None = None, members: dict | None = None
) -> Facts:
    """`records`: the case's current StepRecords (saved or not), in any order.

    `members` (person id → Person) saves the lookups of contacts and introducers in bulk work.
    """
    person = person or case.person
    org = case.org
    facts = Facts(
        name=person.name, birth_date=person.birth_date, org_path=org.path, special_basis=case.special_basis
    )
    conversions = []
    for record in sorted(records, key=lambda r: (r.on, r.step, r.pk or 0)):
        step, data = record.step, record.data or {}
        key = {6: "last_assessment_on", 21: "last_probation_assessment_on"}.get(step)
        facts.dates[key or STEP_DATE[step]] = record.on
        if step == 5:
            facts.contacts = member_infos(data.get("contacts", []), members)
        elif step == 6:
            facts.assessments.append(record.on)
        elif step == 9:
            facts.introducers = member_infos(data.get("introducers", []), members)
        elif step == 10:
            facts.political_review_result = data.get("result", "")
        elif step == 11:
            facts.training_start = _date(data.get("start"))
            hours = data.get("hours")
            facts.training_hours = float(hours) if hours not in (None, "") else None
        elif step == 13:
            facts.notice_start = _date(data.get("notice_start"))
            facts.notice_end = _date(data.get("notice_end"))
        elif step == 15:
            facts.admission = votes_of(record)
        elif step == 17:
            facts.approving_org = org_info(record.org)
        elif step == 23:
            conversions.append(record)
        elif step == 24:
            facts.conversion_approving_org = org_info(record.org)
    if conversions:
        latest = conversions[-1]
        facts.conversion = votes_of(latest)
        facts.conversion_result = latest.data.get("result", "")
        months = latest.data.get("extension_months")
        facts.extension_months = int(months) if months not in (None, "") else None
        extensions = [r for r in conversions if r.data.get("result") == "延长预备期"]
        facts.extensions = len(extensions)
        earlier = [r for r in extensions if r is not latest]
        if earlier:
            facts.prior_extension_months = int(earlier[-1].data.get("extension_months") or 0)
    return facts
