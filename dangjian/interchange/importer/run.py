"""workbook_import: the check phase of an import, in one transaction with the write phase (write.py)."""

from __future__ import annotations

import contextlib

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.development.models import Case
from dangjian.interchange.cells import MASKED_ID
from dangjian.interchange.importer.orgs import _orgs_by_code, _plan_orgs
from dangjian.interchange.importer.parse import (
    CHUNK,
    IMPORT_PHASES,
    OUT_OF_SCOPE,
    ImportFailed,
    ImportResult,
    _Collector,
    _org_known,
    _parse_sheet,
    _Row,
)
from dangjian.interchange.importer.people import _check_identities, _plan_members
from dangjian.interchange.importer.records import (
    _compare,
    _recorded_dates,
    _records_for,
)
from dangjian.interchange.importer.write import _write
from dangjian.interchange.layout import (
    MEMBERS,
    ORGS,
    RECORDS,
    columns_by_header,
)
from dangjian.interchange.reader import Problem, Workbook
from dangjian.orgs.models import Org
from dangjian.people.models import Person


def workbook_import(
    *, actor, workbook: Workbook, org: Org | None = None, dry_run: bool = False, progress=None
) -> ImportResult:
    """Import `workbook` (read by reader.read_*), under `org` when given. All or nothing.

    `progress(phase)`, if given, is told each phase as it starts (IMPORT_PHASES)."""
    try:
        if actor is not None and org is not None:
            scope.require(actor, Action.CHANGE_PERSON, org, "您无权向该党组织导入数据。")
        with _temporary_tables_on_disk(), transaction.atomic():
            result = _import(actor=actor, workbook=workbook, anchor=org, progress=progress or _silent)
            result.dry_run = dry_run
            if dry_run:
                transaction.set_rollback(True)
            return result
    except PermissionDenied as exc:
        problem = Problem("", None, "", "", str(exc) or "您无权执行该导入。")
        raise ImportFailed([problem], workbook.filename) from None


@contextlib.contextmanager
def _temporary_tables_on_disk():
    """SQLite keeps temporary tables and sort space in memory here (settings: temp_store=MEMORY),
    which a 100,000-row import grows by hundreds of MB; during an import they go to disk."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:  # SQLite allows it only outside
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA temp_store=FILE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA temp_store=MEMORY")


def _silent(phase: str) -> None:
    pass


def _import(*, actor, workbook: Workbook, anchor: Org | None, progress) -> ImportResult:
    progress(IMPORT_PHASES[0])
    today = timezone.localdate()
    out = _Collector()
    out.problems.extend(workbook.problems)
    result = ImportResult(filename=workbook.filename)
    org_rows = _parse_sheet(workbook, ORGS, out, today)
    member_rows = _parse_sheet(workbook, MEMBERS, out, today)
    record_rows = _parse_sheet(workbook, RECORDS, out, today)
    for sheet in workbook.sheets.values():
        sheet.rows = []  # parsed: the raw cells of a 100,000-row workbook are released here
    result.checked_rows = len(org_rows) + len(member_rows) + len(record_rows)
    if any(MASKED_ID in p.message for p in out.problems):
        raise ImportFailed(out.problems, workbook.filename)  # everything else would follow from it

    existing_orgs, new_orgs, roots = _plan_orgs(org_rows, anchor, actor, out)
    members_header = {c.key: c.header for c in columns_by_header(MEMBERS).values()}
    records_header = {c.key: c.header for c in columns_by_header(RECORDS).values()}
    org_codes = {r.values.get("org_code") for r in member_rows + record_rows}
    org_codes |= {r.values.get("approving_org_code") for r in record_rows}
    lookup = {**_orgs_by_code(org_codes - set(existing_orgs) - set(new_orgs)), **existing_orgs}
    hidden_codes = {code for code, org in lookup.items() if not _org_known(actor, org)}
    lookup = {code: org for code, org in lookup.items() if code not in hidden_codes}

    # Identity: the same ID twice in a sheet, or a name that differs from the system's.
    known_people, hidden_ids = _check_identities(
        actor, member_rows, record_rows, members_header, records_header, out
    )
    hidden = frozenset(hidden_ids | hidden_codes)

    def org_of(sheet: str, row: _Row, header: dict[str, str]) -> Org | None:
        code = row.values.get("org_code") or ""
        if not code:
            return None
        if code in new_orgs:
            return None
        if code in hidden_codes:
            out.add(sheet, row.number, header["org_code"], code, f"组织编码“{code}”{OUT_OF_SCOPE}")
            return None
        found = lookup.get(code)
        if found is None:
            out.add(
                sheet,
                row.number,
                header["org_code"],
                code,
                f"组织编码“{code}”既不在“党组织”表中，也不在系统中。",
            )
            return None
        if anchor is not None and not found.path.startswith(anchor.path):
            out.add(
                sheet, row.number, header["org_code"], code, f"组织“{found.name}”不在“{anchor.name}”之下。"
            )
        return found

    # Rows about people already on file must agree with the file; the rest are planned.
    member_plan = _plan_members(
        member_rows, record_rows, known_people, hidden_ids, org_of, members_header, out, today
    )

    # Contacts and introducers may be in the roster, in the development sheet, or on file.
    placeholders: dict[str, Person] = {}
    for row in member_rows + record_rows:
        number = row.values.get("id_number")
        if number and number not in known_people:
            placeholders[number] = Person(name=row.values.get("name") or "", id_number=number)
    referable = {**placeholders, **known_people}

    # New cases keep only their row: the records are rebuilt chunk by chunk when written, so a
    # 100,000-row import never holds 1.5 million record dicts at once.
    new_cases: list[_Row] = []
    appends: list[tuple[_Row, Case, list[dict]]] = []
    cases_by_person: dict[int, Case] = {}
    person_pks = [p.pk for p in known_people.values()]
    for start in range(0, len(person_pks), CHUNK):
        chunk = Case.objects.filter(person_id__in=person_pks[start : start + CHUNK]).select_related("org")
        cases_by_person.update({c.person_id: c for c in chunk})
    recorded = _recorded_dates([c.pk for c in cases_by_person.values()])
    lookup_all = {**lookup, **{code: item.probe for code, item in new_orgs.items()}}
    for row in record_rows:
        if row.values.get("id_number") in hidden_ids:
            continue  # reported above, anonymously
        org = org_of(RECORDS, row, records_header)
        records = _records_for(row, lookup_all, referable, out, hidden)
        person = known_people.get(row.values.get("id_number"))
        if person is not None:
            if org is not None and person.org_id != org.pk:
                out.add(RECORDS, row.number, records_header["org_code"], row.values.get("org_code"),
                        f"该同志在系统中属于“{person.org.name}”，与表中不一致；组织关系转接请在系统中办理。")  # fmt: skip
            if actor is not None and not scope.can(actor, Action.CHANGE_PERSON, person.org):
                out.add(RECORDS, row.number, records_header["org_code"], row.values.get("org_code"),
                        f"“{person.org.name}”不在您的管理范围内。")  # fmt: skip
                continue
            case = cases_by_person.get(person.pk)
            if case is not None:
                missing = _compare(row, recorded.get(case.pk, {}), records, out, records_header)
                if missing:
                    appends.append((row, case, missing))
                else:
                    result.unchanged += 1
                continue
        elif org is not None and actor is not None and not scope.can(actor, Action.CHANGE_PERSON, org):
            out.add(RECORDS, row.number, records_header["org_code"], row.values.get("org_code"),
                    f"“{org.name}”不在您的管理范围内。")  # fmt: skip
        new_cases.append(row)

    if out.has_errors:
        raise ImportFailed(out.problems, workbook.filename)
    return _write(
        actor=actor,
        workbook=workbook,
        result=result,
        out=out,
        progress=progress,
        roots=roots,
        new_orgs=new_orgs,
        lookup=lookup,
        member_plan=member_plan,
        member_rows=member_rows,
        new_cases=new_cases,
        known_people=known_people,
        referable=referable,
        hidden=hidden,
        appends=appends,
    )
