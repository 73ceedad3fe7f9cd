"""MeetingTally: each org's meetings per kind, year and month (held or not, how many, attendance
totals), kept beside the meetings.

`refresh(org_ids)` recomputes the rows of those orgs from their meetings and purposes in one
INSERT … SELECT, after locking the orgs' rows: two writers of one org's meetings take turns, and the
second recount sees the first one's meeting (lock order: the meeting, then its org). The demo and
imports call it once per batch; `rebuild()` recomputes every org.

A month's bit is `1 << (held_month - held_month / 12 * 12)` (integer arithmetic, and no `%` in SQL
that goes through parameter formatting); the SUM of the DISTINCT bits of a group is their OR (SQLite
has no bitwise aggregate), the same on both databases.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from dangjian.meetings.models import MONTHS, TALLY_COUNTS, Meeting, MeetingPurpose, MeetingTally
from dangjian.orgs.models import Org

CHUNK = 500


MONTH = "{t}.held_month - {t}.held_month / 12 * 12"  # 0-11: integer arithmetic, no `%` in the SQL


def _select_sql(where_meeting: str, where_purpose: str) -> str:
    """(org, year, kind, months, secretary_months, n1…n12, listed1…12, present1…12) per group."""
    q = connection.ops.quote_name
    meeting, purpose = q(Meeting._meta.db_table), q(MeetingPurpose._meta.db_table)
    per_month = [
        f"SUM(CASE WHEN month = {m - 1} THEN {value} ELSE 0 END)"
        for value in ("1", "listed", "present")
        for m in MONTHS
    ]
    m_month, p_month = MONTH.format(t="m"), MONTH.format(t="p")
    return (
        "SELECT org_id, held_month / 12, kind, SUM(DISTINCT 1 << month), "
        f"SUM(DISTINCT CASE WHEN by_secretary THEN 1 << month ELSE 0 END), {', '.join(per_month)} "
        "FROM ("
        "SELECT m.org_id AS org_id, m.held_month AS held_month, m.kind AS kind, "
        f"m.lecturer_is_secretary AS by_secretary, {m_month} AS month, m.listed_count AS listed, "
        f"m.present_count AS present FROM {meeting} m WHERE {where_meeting} "
        "UNION ALL "
        f"SELECT p.org_id, p.held_month, p.kind, m.lecturer_is_secretary, {p_month}, 0, 0 "
        f"FROM {purpose} p JOIN {meeting} m ON m.id = p.meeting_id WHERE {where_purpose}"
        ") held GROUP BY org_id, held_month / 12, kind"
    )


COLUMNS = (
    "org_id", "year", "kind", "months", "secretary_months",
    *(f"{prefix}{m}" for prefix in TALLY_COUNTS for m in MONTHS),
)  # fmt: skip


def _insert_sql(select: str) -> str:
    q = connection.ops.quote_name
    return f"INSERT INTO {q(MeetingTally._meta.db_table)} ({', '.join(COLUMNS)}) {select}"


@transaction.atomic
def refresh(org_ids: Iterable[int]) -> None:
    """Recount the months of these orgs (inside the write that changed their meetings)."""
    ids = sorted(set(org_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        list(Org.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
        MeetingTally.objects.filter(org_id__in=chunk).delete()
        marks = ", ".join(["%s"] * len(chunk))
        sql = _insert_sql(_select_sql(f"m.org_id IN ({marks})", f"p.org_id IN ({marks})"))
        with connection.cursor() as cursor:
            cursor.execute(sql, [*chunk, *chunk])


@transaction.atomic
def rebuild() -> None:
    """Recount every org (after a bulk load, or to repair)."""
    MeetingTally.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(_select_sql("1 = 1", "1 = 1")))


def recount() -> dict[tuple[int, int, str], tuple[int, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(_select_sql("1 = 1", "1 = 1"))
        return {(row[0], row[1], row[2]): tuple(row[3:]) for row in cursor}


def differences() -> list[str]:
    """The rows that differ from a recount (empty when the tally is right)."""
    stored = {(row[0], row[1], row[2]): tuple(row[3:]) for row in MeetingTally.objects.values_list(*COLUMNS)}
    fresh = recount()
    return [
        f"org {key[0]} {key[1]} {key[2]}: stored {stored.get(key)} recount {fresh.get(key)}"
        for key in sorted(set(stored) | set(fresh))
        if stored.get(key) != fresh.get(key)
    ]
