"""Creating cases with their recorded history at once (补录: imports, demo data)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit import ledger
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_changes
from dangjian.base.bulk import InstanceMaker, insert_rows
from dangjian.development import acting, chain
from dangjian.development import rules as engine
from dangjian.development.catalog import STEP_BY_NUMBER
from dangjian.development.facts import build_facts
from dangjian.development.models import Case, RuleSet, StepRecord
from dangjian.development.services.inforce import ruleset_for
from dangjian.development.services.state import derive_state, milestones
from dangjian.development.services.steps import _jsonable
from dangjian.people.models import Person
from dangjian.workcal.calendar import WorkCalendar

BACKFILL_CHUNK = 2000


@transaction.atomic
def cases_backfill(
    *, actor, rows: list[dict[str, Any]], source: str, batch_size: int = 5000, mark_backfill: bool = True
) -> int:
    """Create cases with their recorded history at once (补录: imports, demo data), all or nothing.

    Each row: {"person": Person, "special_basis": str, "remarks": str (optional),
    "records": [{"step", "on", "data", "org", "meeting", "resolution"}]}; "meeting" and "resolution"
    (optional) link a meeting step to the meeting record that decided it. A record without "org" is
    the branch's, or for a superior step (13, 16, 17, 18, 24) the superior committee's (acting.acting_org).
    The same engine checks every case; findings are stored on the records and counted on the case,
    but do not block: this is history being entered, and `dangjian check` reports it.
    `mark_backfill=False` only for the demo, whose cases stand for records kept in the system as
    they happened (since its start): they are not shown as 补录.
    """
    from dangjian.audit.models import ChangeRecord
    from dangjian.development import due
    from dangjian.people.services import BulkRowError, person_update

    today = timezone.localdate()
    errors: list[tuple[int, str, str]] = []
    people_ids = [row["person"].pk for row in rows]
    taken = set()
    for start in range(0, len(people_ids), 900):
        taken.update(
            Case.objects.filter(person_id__in=people_ids[start : start + 900]).values_list(
                "person_id", flat=True
            )
        )
    allowed: dict[int, bool] = {}
    for number, row in enumerate(rows, start=1):
        person = row["person"]
        if person.pk in taken:
            errors.append((number, "人员", f"{person.name}已有发展纪实。"))
        if actor is not None:
            if person.org_id not in allowed:
                allowed[person.org_id] = scope.can(actor, Action.CHANGE_PERSON, person.org)
            if not allowed[person.org_id]:
                errors.append((number, "所在党组织", f"{person.org.name}不在您的管理范围内。"))
        seen: set[int] = set()
        for rec in row["records"]:
            definition = STEP_BY_NUMBER.get(rec["step"])
            if definition is None:
                errors.append((number, "步骤", f"步骤编号{rec['step']}无效。"))
                continue
            if rec["on"] > today:
                errors.append((number, definition.name, f"日期{rec['on']:%Y-%m-%d}晚于今天。"))
            if rec["step"] in seen and not definition.repeatable and rec["step"] != 23:
                errors.append((number, definition.name, "同一步骤出现两次。"))
            seen.add(rec["step"])
    if errors:
        raise BulkRowError(errors)

    member_ids = {
        int(i) for row in rows for rec in row["records"] for key in ("contacts", "introducers")
        for i in (rec.get("data") or {}).get(key, [])
    }  # fmt: skip
    members = Person.objects.in_bulk(list(member_ids)) if member_ids else {}
    active_rulesets = list(RuleSet.objects.filter(is_active=True).select_related("org"))
    effective: dict[int | None, list] = {}
    new_case = InstanceMaker(Case)
    new_record = InstanceMaker(StepRecord, set_later=("created_at",))  # chain.append_many sets it
    calendar = WorkCalendar()  # one snapshot for the whole batch
    actor_user = actor if actor is not None and actor.pk else None
    actor_name = (actor.get_full_name() or actor.username) if actor_user else "系统"
    # Written in chunks: 100,000 cases of 15 records each built at once took gigabytes; a chunk's
    # objects are dropped before the next is built. Still one transaction (the caller's).
    for begin in range(0, len(rows), BACKFILL_CHUNK):
        chunk = rows[begin : begin + BACKFILL_CHUNK]
        committees = acting.superior_committees(row["person"].org for row in chunk)
        cases: list[Case] = []
        case_records: list[list[StepRecord]] = []
        for row in chunk:
            person = row["person"]
            case = new_case(person=person, org=person.org, special_basis=(row.get("special_basis") or "").strip(),
                        source=source, is_backfill=mark_backfill, created_by=actor_user,
                        remarks=(row.get("remarks") or "").strip())  # fmt: skip
            records = [
                new_record(
                    case=case,
                    step=rec["step"],
                    on=rec["on"],
                    org=rec.get("org")
                    or acting.acting_org(person.org, rec["step"], committees[person.org_id]),
                    data=_jsonable(dict(rec.get("data") or {})),
                    meeting=rec.get("meeting"),
                    resolution=rec.get("resolution"),
                    note=rec.get("note", ""),
                    is_backfill=mark_backfill,
                    actor=actor_user,
                    actor_name=actor_name,
                )
                for rec in row["records"]
            ]
            on = max((r.on for r in records), default=today)
            ruleset = ruleset_for(person.org, on, active_rulesets)
            key = ruleset.pk if ruleset is not None else None
            if key not in effective:  # rules_in_force, once per rule set
                effective[key] = engine.effective_rules(ruleset.merged_overrides() if ruleset else None)
            findings = engine.evaluate(
                build_facts(case, records, person=person, members=members), effective[key], calendar=calendar
            )
            for record in records:
                record.findings = [f.as_dict() for f in findings if f.step == record.step]
            for key, value in derive_state(case, records, findings).items():
                setattr(case, key, value)
            cases.append(case)
            case_records.append(records)
        # Plain INSERTs; a case's id is found by its person (one case per person).
        insert_rows(Case, cases, batch_size=batch_size)
        ids: dict[int, int] = {}
        person_ids = [c.person_id for c in cases]
        for start in range(0, len(person_ids), 900):
            ids.update(
                Case.objects.filter(person_id__in=person_ids[start : start + 900]).values_list(
                    "person_id", "id"
                )
            )
        for case in cases:
            case.pk = ids[case.person_id]
            case._state.adding, case._state.db = False, "default"
        # bulk_create sends no signals: the new cases are sealed here (see audit/ledger/seals.py).
        ledger.seal_rows(model=Case, pks=[c.pk for c in cases])
        flat = []
        for case, records in zip(cases, case_records, strict=True):
            for record in records:
                record.case = case
                flat.append(record)
        record_changes(
            records=[ChangeRecord(actor=actor_user, actor_name=actor_name, action=ChangeAction.CREATE,
                                  object_type="development.case", object_id=c.pk, object_repr=str(c)[:200],
                                  message=f"补录：{source}") for c in cases],
        )  # fmt: skip
        for case, records in zip(cases, case_records, strict=True):
            wanted = milestones(records)
            person = case.person
            changes = {k: v for k, v in wanted.items() if getattr(person, k) != v}
            if changes and person.is_active:
                person_update(
                    actor=None, person=Person.objects.get(pk=person.pk), from_records=True, **changes
                )
        # Last in each chunk, so the chain's head is taken as late as can be.
        chain.append_many(records=flat, batch_size=batch_size)
        due.refresh_cases([c.pk for c in cases])
    return len(rows)
