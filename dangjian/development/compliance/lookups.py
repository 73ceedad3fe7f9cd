"""Reading for the compliance check: cases and records as plain rows, the rule set in force per org
path and day (`InForce`), and members, approving orgs and resolution votes in bulk (`_Lookups`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from dangjian.development import rules as engine
from dangjian.development.facts import (
    MISSING_MEMBER,
    data_votes,
    member_info,
    org_info,
    resolution_votes,
)
from dangjian.development.models import RuleSet, StepRecord
from dangjian.orgs.models import Org
from dangjian.people.models import Person

CHUNK = 2000  # cases per records query (and the most ids in one IN list)
BUILT_IN = "built-in"  # the engine's defaults, when no rule set covers an org on a date

CASE_COLUMNS = (
    "id", "special_basis", "org__path", "org__code", "org__name", "person__name", "person__id_number",
    "person__birth_date",
)  # fmt: skip
REPORT_ORDER = ("org__path", "person__name_sort_key", "id")


# A current step record as a plain row, in the order `facts.assemble_facts` reads (on, step, pk,
# data); then what the lookups need. `data` is None when empty, decoded JSON otherwise.
RECORD_COLUMNS = ("on", "step", "pk", "data", "org", "resolution", "meeting", "case")
ORG, RESOLUTION, MEETING, CASE = 4, 5, 6, 7
_LOOKUP_STEPS = frozenset({5, 9, 15, 17, 23, 24})  # contacts, introducers, votes, approving orgs
MEMBER_COLUMNS = ("pk", "name", "standing", "converted_on", "reduction", "on_probation_watch")


def _fetch(qs: QuerySet) -> list[tuple]:
    """The rows of a `values_list` queryset straight from the database cursor.

    Skips Django's per-value converters: on both databases dates already arrive as `date` objects
    (SQLite through the "date" column-type converter Django registers, PostgreSQL natively).
    """
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # e.g. a user without any scope
        return []
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _select_in(
    model,
    columns: tuple[str, ...],
    key: str,
    ids: list[int],
    *,
    where: dict[str, Any] | None = None,
    json_or_null: tuple[str, ...] = (),
) -> list[tuple]:
    """SELECT `columns` FROM model's table WHERE `key` IN ids [AND field = value …], as plain rows.

    Written out rather than compiled by the ORM: building an IN list of 2,000 ids through the
    lookup machinery (and, on PostgreSQL, psycopg splitting a query with 2,000 placeholders) costs
    about as much as evaluating the rules of those cases. PostgreSQL gets `= ANY(%s)` with one
    array parameter, SQLite an IN list. Column names come from the model's fields; the ids are
    parameters. The JSON columns named in `json_or_null` come back as None when they hold `{}`.
    """
    if not ids:
        return []
    connection = connections[model.objects.db]
    quote = connection.ops.quote_name
    meta = model._meta

    def column(name: str) -> str:
        return quote(meta.pk.column if name == "pk" else meta.get_field(name).column)

    selected = [f"NULLIF({column(c)}, '{{}}')" if c in json_or_null else column(c) for c in columns]
    if connection.vendor == "postgresql":
        conditions, params = [f"{column(key)} = ANY(%s)"], [list(ids)]
    else:
        conditions, params = [f"{column(key)} IN ({', '.join(['%s'] * len(ids))})"], list(ids)
    for name, value in (where or {}).items():
        conditions.append(f"{column(name)} = %s")
        params.append(value)
    sql = f"SELECT {', '.join(selected)} FROM {quote(meta.db_table)} WHERE {' AND '.join(conditions)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# ---- the rule set in force ---------------------------------------------------------------------


class InForce:
    """The rule set in force for an org on a day, as `services.ruleset_for` decides it, for a batch.

    The active rule sets are read once; per org path the covering sets are sorted by specificity
    (depth of their org, then effective_from, ties in `ruleset_for`'s order), so a lookup is a
    short scan for the first one in force on the day. Effective rules are merged once per set.
    """

    def __init__(self, forced: RuleSet | None = None) -> None:
        self.forced = forced
        self.active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
        self._by_path: dict[str, list[RuleSet]] = {}
        self._rules: dict[int | None, list[engine.EffectiveRule]] = {}
        self.used: set[str] = set()

    def ruleset(self, org_path: str, on: dt.date) -> RuleSet | None:
        if self.forced is not None:
            return self.forced
        candidates = self._by_path.get(org_path)
        if candidates is None:
            covering = [rs for rs in self.active if rs.org is None or org_path.startswith(rs.org.path)]
            candidates = sorted(
                covering, key=lambda rs: (rs.org.depth if rs.org else 0, rs.effective_from), reverse=True
            )
            self._by_path[org_path] = candidates
        for rs in candidates:
            if rs.effective_from <= on and (rs.effective_to is None or rs.effective_to >= on):
                return rs
        return None

    def rules(self, org_path: str, on: dt.date) -> list[engine.EffectiveRule]:
        ruleset = self.ruleset(org_path, on)
        key = ruleset.pk if ruleset is not None else None
        rules = self._rules.get(key)
        if rules is None:
            rules = engine.effective_rules(ruleset.merged_overrides() if ruleset is not None else None)
            self._rules[key] = rules
            self.used.add(ruleset.code if ruleset is not None else BUILT_IN)
        return rules

    def label(self) -> str:
        if self.forced is not None:
            return self.forced.code
        return ",".join(sorted(self.used)) or "in-force"


# ---- lookups shared by the whole run -----------------------------------------------------------


class _Lookups:
    """Members (contacts, introducers), approving orgs and resolution votes, read in bulk."""

    def __init__(self) -> None:
        self.members: dict[int, engine.MemberInfo] = {}
        self.orgs: dict[int, engine.OrgInfo] = {}
        self.votes: dict[int, dict[str, int]] = {}  # record id → votes of its linked resolution

    def records(self, case_ids: list[int]) -> dict[int, list[tuple]]:
        """The current records of these cases, grouped by case; preloads what they refer to."""
        out: dict[int, list[tuple]] = {}
        member_ids: set[int] = set()
        org_ids: set[int] = set()
        linked: list[tuple] = []
        rows = _select_in(StepRecord, RECORD_COLUMNS, "case", case_ids, where={"is_current": True},
                          json_or_null=("data",))  # fmt: skip
        loads = json.loads
        for row in rows:
            data = row[3]
            if data is not None:  # most records have none; both drivers hand JSON over as text
                row = (row[0], row[1], row[2], loads(data) if isinstance(data, str) else data, *row[4:])
            case_id = row[CASE]
            own = out.get(case_id)
            if own is None:
                out[case_id] = [row]
            else:
                own.append(row)
            step = row[1]
            if step in _LOOKUP_STEPS:
                if step == 5 or step == 9:
                    member_ids.update(
                        int(i) for i in (row[3] or {}).get("contacts" if step == 5 else "introducers", ())
                    )
                elif step == 17 or step == 24:
                    org_ids.add(row[ORG])
                elif row[RESOLUTION]:  # 15, 23
                    linked.append(row)
        self._load_members(member_ids - self.members.keys())
        self._load_orgs(org_ids - self.orgs.keys())
        self._load_votes(linked)
        return out

    def _load_members(self, ids: set[int]) -> None:
        ids_list = sorted(ids)
        for start in range(0, len(ids_list), CHUNK):
            rows = _select_in(Person, MEMBER_COLUMNS, "pk", ids_list[start : start + CHUNK])
            for pk, name, standing, converted_on, reduction, watch in rows:
                self.members[pk] = member_info(name, standing, converted_on, not reduction, bool(watch))

    def _load_orgs(self, ids: set[int]) -> None:
        if ids:
            for pk, org in Org.objects.in_bulk(sorted(ids)).items():
                self.orgs[pk] = org_info(org)

    def _load_votes(self, records: list[tuple]) -> None:
        if not records:
            return
        from dangjian.meetings.models import Meeting, Resolution

        resolutions = {
            row[0]: row
            for row in Resolution.objects.filter(pk__in={r[RESOLUTION] for r in records}).values_list(
                "id", "meeting_id", "yes", "no", "abstain", "written_yes", "written_no", "written_abstain"
            )
        }
        meeting_ids = {r[MEETING] for r in records if r[MEETING]} | {row[1] for row in resolutions.values()}
        meetings = {
            pk: (expected, present)
            for pk, expected, present in Meeting.objects.filter(pk__in=meeting_ids).values_list(
                "id", "expected_voters", "present_voters"
            )
        }
        for record in records:
            _, res_meeting, yes, no, abstain, w_yes, w_no, w_abstain = resolutions[record[RESOLUTION]]
            expected, present = meetings[record[MEETING] or res_meeting]
            self.votes[record[2]] = resolution_votes(
                expected, present, yes, no, abstain, w_yes, w_no, w_abstain
            )

    # the three callbacks of assemble_facts

    def member_list(self, ids) -> list[engine.MemberInfo]:
        members = self.members
        return [members.get(int(i), MISSING_MEMBER) for i in ids]

    def votes_of(self, record: tuple) -> dict[str, int]:
        if record[RESOLUTION]:
            return self.votes[record[2]]
        return data_votes(record[3] or {})

    def approver(self, record: tuple) -> engine.OrgInfo:
        return self.orgs[record[ORG]]
