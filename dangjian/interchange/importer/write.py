"""The write phase of an import: orgs, then people, then cases and appended steps."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from dangjian.development.services import cases_backfill, milestones, step_record
from dangjian.interchange.importer.orgs import _nodes, _orgs_by_code
from dangjian.interchange.importer.parse import (
    IMPORT_PHASES,
    ImportFailed,
    ImportResult,
    _Collector,
    _Row,
)
from dangjian.interchange.importer.people import _people_by_id
from dangjian.interchange.importer.records import (
    _bind,
    _count_findings,
    _date_header,
    _records_for,
    _remarks,
    _Step,
)
from dangjian.interchange.layout import (
    MEMBERS,
    RECORDS,
    category_labels,
)
from dangjian.interchange.reader import Problem, Workbook
from dangjian.orgs.models import Org
from dangjian.orgs.services import org_tree_bulk_create
from dangjian.people.models import Category, Standing
from dangjian.people.services import BACKFILL_REASON_MAX, BulkRowError, people_bulk_create

CASE_CHUNK = 2000


def _write(
    *, actor, workbook: Workbook, result: ImportResult, out: _Collector, progress, roots, new_orgs, lookup,
    member_plan, member_rows, new_cases, known_people, referable, hidden, appends,
) -> ImportResult:  # fmt: skip
    """Write what the check phase planned (run.py), in its transaction; any error undoes it all."""
    source = f"补录：{workbook.filename}"[:100]
    parents = Org.objects.in_bulk([pk for pk in roots if pk is not None])
    for pk, items in roots.items():
        result.orgs_created += org_tree_bulk_create(
            actor=actor, parent=parents.get(pk) if pk is not None else None, nodes=_nodes(items)
        )
    lookup = {**lookup, **_orgs_by_code(list(new_orgs))}
    categories = category_labels()
    person_rows: list[dict] = []
    origin: list[tuple[str, int, str]] = []
    # Roster rows without a development row are members whose dates come from the workbook, not from
    # records: 补录, marked with the importing user and the file (development rows are not: their
    # cases' records give the standing).
    backfill_reason = f"导入：{workbook.filename}"[:BACKFILL_REASON_MAX]
    for row in member_plan:
        v = row.values
        standing = Standing.FULL if v.get("converted_on") else Standing.PROBATIONARY
        person_rows.append({
            "name": v["name"], "id_number": v["id_number"], "org": lookup[v["org_code"]], "standing": standing,
            "admitted_on": v.get("admitted_on"), "converted_on": v.get("converted_on"),
            "on_probation_watch": v.get("standing") == "留党察看", "backfill_reason": backfill_reason,
        })  # fmt: skip
        origin.append((MEMBERS, row.number, v["name"]))
    roster_watch = {r.values.get("id_number") for r in member_rows if r.values.get("standing") == "留党察看"}

    def rebuilt(row: _Row) -> list[dict]:  # checked already: any problem found again is dropped
        return _records_for(row, lookup, referable, _Collector(), hidden)

    for row in new_cases:
        v = row.values
        if v["id_number"] in known_people:
            continue
        wanted = milestones([_Step(r["step"], r["on"], r["data"]) for r in rebuilt(row)])
        person_rows.append({
            "name": v["name"], "id_number": v["id_number"], "org": lookup[v["org_code"]],
            "category": categories.get(v.get("category") or "", Category.OTHER),
            "on_probation_watch": v["id_number"] in roster_watch, **wanted,
        })  # fmt: skip
        origin.append((RECORDS, row.number, v["name"]))
    progress(IMPORT_PHASES[1])
    if person_rows:
        try:
            result.people_created = people_bulk_create(
                actor=actor, rows=person_rows, message=source, history=True
            )
        except BulkRowError as exc:
            for number, column, message in exc.row_errors:
                sheet, row_number, name = origin[number - 1]
                out.add(sheet, row_number, column, "", f"{name}：{message}")
            raise ImportFailed(out.problems, workbook.filename) from None
    created_ids = [r["id_number"] for r in person_rows]
    del person_rows, origin
    people = {**known_people, **_people_by_id(created_ids)}
    progress(IMPORT_PHASES[2])
    for begin in range(0, len(new_cases), CASE_CHUNK):
        chunk = new_cases[begin : begin + CASE_CHUNK]
        backfill_rows = []
        for row in chunk:
            records = rebuilt(row)
            _bind(records, people, lookup)
            backfill_rows.append({
                "person": people[row.values["id_number"]], "special_basis": row.values.get("special_basis") or "",
                "remarks": _remarks(row), "records": records,
            })  # fmt: skip
        try:
            result.cases_created += cases_backfill(actor=actor, rows=backfill_rows, source=source)
        except BulkRowError as exc:
            for number, column, message in exc.row_errors:
                out.add(RECORDS, chunk[number - 1].number, column, "", message)
            raise ImportFailed(out.problems, workbook.filename) from None
        except ValidationError as exc:
            out.problems.extend(Problem(RECORDS, None, "", "", m) for m in exc.messages)
            raise ImportFailed(out.problems, workbook.filename) from None
    for row, case, missing in appends:
        _bind(missing, people, lookup)
        for record in sorted(missing, key=lambda r: (r["on"], r["step"])):
            try:
                step_record(
                    actor=actor, case=case, step=record["step"], on=record["on"], data=record["data"],
                    org=record.get("org"), is_backfill=True, note=source,
                )  # fmt: skip
            except ValidationError as exc:
                for message in exc.messages:
                    out.add(
                        RECORDS, row.number, _date_header(record["step"]), record["on"].isoformat(), message
                    )
            else:
                result.steps_appended += 1
    if out.has_errors:
        raise ImportFailed(out.problems, workbook.filename)
    ids = [people[row.values["id_number"]].pk for row in new_cases] + [
        case.person_id for _, case, _ in appends
    ]
    progress(IMPORT_PHASES[3])
    result.findings = _count_findings(ids)
    result.warnings = [p for p in out.problems if not p.is_error]
    return result
