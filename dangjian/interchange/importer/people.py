"""The people of an import: looking them up by ID number, identity checks, the roster's plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dangjian.interchange.importer.parse import (
    CHUNK,
    OUT_OF_SCOPE,
    _Collector,
    _person_known,
    _Row,
)
from dangjian.interchange.layout import (
    MEMBERS,
    RECORDS,
)
from dangjian.orgs.models import Org
from dangjian.people.models import Person


def _people_by_id(numbers) -> dict[str, Person]:
    numbers = [n for n in numbers if n]
    out: dict[str, Person] = {}
    for start in range(0, len(numbers), CHUNK):
        out.update(
            {
                p.id_number: p
                for p in Person.objects.filter(id_number__in=numbers[start : start + CHUNK]).select_related(
                    "org"
                )
            }
        )
    return out


def _check_identities(
    actor, member_rows: list[_Row], record_rows: list[_Row], members_header: dict[str, str],
    records_header: dict[str, str], out: _Collector,
) -> tuple[dict[str, Person], set[str]]:  # fmt: skip
    """Identity: the same ID twice in a sheet, or a name that differs from the system's.

    Returns the people on file by ID number, and the ID numbers of those outside the actor's scope."""
    all_ids = [r.values.get("id_number") for r in member_rows + record_rows]
    for r in record_rows:
        all_ids.extend(r.values.get("contacts") or [])
        all_ids.extend(r.values.get("introducers") or [])
    known_people = _people_by_id(set(all_ids))
    hidden_ids = {number for number, person in known_people.items() if not _person_known(actor, person)}
    for sheet, rows, header in (
        (MEMBERS, member_rows, members_header),
        (RECORDS, record_rows, records_header),
    ):
        first: dict[str, int] = {}
        for row in rows:
            number = row.values.get("id_number")
            if not number:
                continue
            if number in first:
                out.add(
                    sheet,
                    row.number,
                    header["id_number"],
                    number,
                    f"与第{first[number]}行是同一人（公民身份号码相同）。",
                )
                row.values.setdefault("_bad", set()).add("id_number")
                continue
            first[number] = row.number
            if number in hidden_ids:
                out.add(sheet, row.number, header["id_number"], number, f"该同志{OUT_OF_SCOPE}")
                continue
            person = known_people.get(number)
            if person is not None and row.values.get("name") and person.name != row.values["name"]:
                out.add(sheet, row.number, header["name"], row.values["name"],
                        f"该公民身份号码在系统中属于“{person.name}”，与表中姓名不一致。")  # fmt: skip
    return known_people, hidden_ids


def _plan_members(
    member_rows: list[_Row], record_rows: list[_Row], known_people: dict[str, Person], hidden_ids: set[str],
    org_of: Callable[[str, _Row, dict[str, str]], Org | None], members_header: dict[str, str],
    out: _Collector, today: dt.date,
) -> list[_Row]:  # fmt: skip
    """Roster rows about people already on file must agree with the file; the rest are returned, to create.

    `org_of` finds (and reports) a row's org."""
    development_ids = {r.values.get("id_number") for r in record_rows}
    member_plan: list[_Row] = []
    for row in member_rows:
        if row.values.get("id_number") in hidden_ids:
            continue  # reported above, anonymously
        org = org_of(MEMBERS, row, members_header)
        v = row.values
        if v.get("admitted_on") and v.get("converted_on") and v["converted_on"] < v["admitted_on"]:
            out.add(
                MEMBERS,
                row.number,
                members_header["converted_on"],
                v["converted_on"].isoformat(),
                "转正日期早于入党日期。",
            )
        for key in ("admitted_on", "converted_on"):
            if v.get(key) and v[key] > today:
                out.add(MEMBERS, row.number, members_header[key], v[key].isoformat(), "日期晚于今天。")
        person = known_people.get(v.get("id_number"))
        if person is not None:
            if org is not None and person.org_id != org.pk:
                out.add(MEMBERS, row.number, members_header["org_code"], v.get("org_code"),
                        f"该同志在系统中属于“{person.org.name}”，与表中不一致；组织关系转接请在系统中办理。")  # fmt: skip
            continue
        if v.get("id_number") in development_ids:
            continue  # created from the 发展纪实 row, whose steps make the standing
        member_plan.append(row)
    return member_plan
