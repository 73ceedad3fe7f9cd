"""全程纪实: the tamper-evident chain over all step records.

Step records are append-only. Every record carries `prev_hash`, the `hash` of the record before it,
and its own `hash` = sha256(prev_hash + canonical JSON of its immutable content); the first record's
`prev_hash` is 64 zeros. There is one chain over all records, in id order: appends happen only here,
under the lock of the single `RecordChainHead` row (select_for_update, held until the writing
transaction commits), and the ids are drawn while the lock is held, so id order is chain order.
`append_many` (backfill, imports) inserts with one statement sequence and reads the ids back to
check that they follow the chain before it commits.

`verify` walks the records in id order and reports the first break:
  1. a record whose `prev_hash` is not the previous record's hash: a record was deleted or inserted
     before it (链接断开);
  2. a record whose content no longer gives its hash (内容被修改);
  3. the head row disagreeing with the last record (the newest records were deleted, or one was
     added behind the application's back);
  4. only when the chain itself is intact: the first record whose cached `is_current` flag is not
     what the records say (a record is current iff it is of kind "record" and no later record
     supersedes or returns it).
Whoever can rewrite every later hash and the head can forge the chain; `dangjian audit anchor`
exports the head outside the database (hooks at the end of this module, registered in apps.py), and
`dangjian audit verify --anchor FILE` finds such a re-hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from dangjian.audit import ledger
from dangjian.development.catalog import STEP_BY_NUMBER
from dangjian.development.models import RecordChainHead, RecordKind, StepRecord

GENESIS = "0" * 64
HEAD_PK = 1
CHUNK = 5000

# The immutable content of a record, hashed in this order of keys (as a JSON object with sorted keys).
HASHED_FIELDS: tuple[str, ...] = (
    "kind", "case_id", "step", "on", "org_id", "actor_id", "actor_name", "meeting_id", "resolution_id",
    "data", "note", "filing_ref", "findings", "acknowledged", "is_backfill", "supersedes_id",
    "correction_reason", "created_at",
)  # fmt: skip
_ON = HASHED_FIELDS.index("on")
_CREATED = HASHED_FIELDS.index("created_at")
_KIND = HASHED_FIELDS.index("kind")
_SUPERSEDES = HASHED_FIELDS.index("supersedes_id")
_JSON_FIELDS = ("data", "findings", "acknowledged")
_JSON_INDEXES = tuple(HASHED_FIELDS.index(name) for name in _JSON_FIELDS)
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_EMPTY_JSON = {"{}": {}, "[]": []}  # never mutated: only encoded

CONTENT_CHANGED = "内容被修改"
LINK_BROKEN = "链接断开（记录被删除或插入）"
FLAG_WRONG = "有效标志与记录不符"
HEAD_WRONG = "链首记录与最后一条记录不符"


class ChainError(Exception):
    """The chain cannot be appended to (its head is missing or an insert came out of order)."""


def content_hash(prev_hash: str, values: Sequence[Any]) -> str:
    """sha256 hex of prev_hash + the canonical JSON of `values` (in HASHED_FIELDS order).

    Canonical: an object with sorted keys, no spaces, UTF-8 (not \\u escapes); `on` as YYYY-MM-DD;
    `created_at` in UTC as ISO 8601 with microseconds (2026-11-20T10:00:00.000000+00:00).
    """
    values = list(values)
    values[_ON] = values[_ON].isoformat()
    values[_CREATED] = _utc_iso(values[_CREATED])
    return _digest(prev_hash, values)


def _digest(prev_hash: str, values: list) -> str:
    """content_hash, with `on` and `created_at` already canonical strings."""
    content = dict(zip(HASHED_FIELDS, values, strict=False))  # callers pass all the fields
    return hashlib.sha256((prev_hash + _CANONICAL.encode(content)).encode()).hexdigest()


def _utc_iso(value: dt.datetime | str) -> str:
    """A time as UTC ISO 8601 with microseconds; a string is SQLite's stored text (naive UTC)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


_values = attrgetter(*HASHED_FIELDS)


def _seal(record: StepRecord, prev_hash: str, created_at: dt.datetime, created_iso: str) -> str:
    """Fix the record's time, normalise its JSON as the database will give it back, and hash it."""
    record.created_at = created_at
    for name in _JSON_FIELDS:  # e.g. tuples become lists, integer keys strings
        value = getattr(record, name)
        if value:
            setattr(record, name, json.loads(json.dumps(value)))
    record.prev_hash = prev_hash
    values = list(_values(record))
    values[_ON] = record.on.isoformat()
    values[_CREATED] = created_iso
    record.hash = _digest(prev_hash, values)
    return record.hash


def _lock_head() -> RecordChainHead:
    """The head row, locked until the transaction ends; created (genesis) only for an empty table.

    The audit head (change log and seals) is locked first: every step write also writes to the
    change log, so both heads are always taken in the same order and two writers cannot deadlock.
    """
    ledger.lock_head()
    head = RecordChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    if StepRecord.objects.exists():
        raise ChainError(
            "全程纪实链首记录缺失，不能继续写入步骤记录；请运行 dangjian audit verify 并联系系统管理员。"
        )
    RecordChainHead.objects.get_or_create(pk=HEAD_PK, defaults={"hash": GENESIS, "last_id": 0, "count": 0})
    return RecordChainHead.objects.select_for_update().get(pk=HEAD_PK)


@transaction.atomic
def append(*, record: StepRecord) -> StepRecord:
    """Insert one new record at the end of the chain (inside the caller's transaction)."""
    if record.pk is not None:
        raise ChainError("步骤记录只能追加，不能修改已保存的记录。")
    head = _lock_head()
    now = timezone.now()
    _seal(record, head.hash, now, _utc_iso(now))
    record.save(force_insert=True)
    if record.pk <= head.last_id:
        raise ChainError("新记录的编号小于链首记录，不能追加。")
    head.last_id, head.hash, head.count = record.pk, record.hash, head.count + 1
    head.save(update_fields=["last_id", "hash", "count", "updated_at"])
    return record


@transaction.atomic
def append_many(*, records: Sequence[StepRecord], batch_size: int = 5000) -> int:
    """Insert many new records at the end of the chain, in the given order; returns their number.

    Hashes are computed in Python under the head lock, the rows go in through `insert_rows` (COPY on
    PostgreSQL, executemany on SQLite), and the ids are read back to check that they follow the chain.
    """
    from dangjian.base.bulk import insert_rows

    if not records:
        return 0
    head = _lock_head()
    now = timezone.now()
    now_iso, prev = _utc_iso(now), head.hash
    for record in records:
        prev = _seal(record, prev, now, now_iso)
    insert_rows(StepRecord, records, batch_size=batch_size)
    stored = list(StepRecord.objects.filter(pk__gt=head.last_id).order_by("pk").values_list("pk", "hash"))
    if len(stored) != len(records) or any(
        h != record.hash for (_, h), record in zip(stored, records, strict=False)
    ):
        raise ChainError("批量写入的步骤记录编号顺序与全程纪实链不一致，已全部撤销。")
    for (pk, _), record in zip(stored, records, strict=True):
        record.pk = pk
        record._state.adding = False
        record._state.db = "default"
    head.last_id, head.hash, head.count = stored[-1][0], prev, head.count + len(records)
    head.save(update_fields=["last_id", "hash", "count", "updated_at"])
    return len(records)


# ---- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    record_id: int | None
    problem: str  # CONTENT_CHANGED, LINK_BROKEN, HEAD_WRONG or FLAG_WRONG
    detail: str
    person_name: str = ""
    case_id: int | None = None
    step: int | None = None
    kind: str = ""

    def describe(self) -> str:
        where = f"记录 #{self.record_id}" if self.record_id is not None else "链首记录"
        if self.step is not None:
            label = STEP_BY_NUMBER[self.step].label if self.step in STEP_BY_NUMBER else str(self.step)
            marker = "（退回记录）" if self.kind == RecordKind.RETURN else ""
            where += f"（{self.person_name or '未知人员'}，发展纪实 #{self.case_id}，{label}{marker}）"
        return f"{where}：{self.problem}。{self.detail}"


@dataclass(frozen=True)
class Verification:
    count: int  # records checked (up to the break, if any)
    head_hash: str  # the last good hash
    broken: Break | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.broken is None


def _located(record_id: int | None, problem: str, detail: str) -> Break:
    # Plain values: a tampered row may hold text that its model fields could not even read.
    found = (
        StepRecord.objects.filter(pk=record_id)
        .values_list("case__person__name", "case_id", "step", "kind")
        .first()
        if record_id is not None
        else None
    )
    if found is None:
        return Break(record_id, problem, detail)
    name, case_id, step, kind = found
    return Break(record_id, problem, detail, person_name=name, case_id=case_id, step=step, kind=kind)


def verify(*, chunk_size: int = CHUNK) -> Verification:
    """Walk the whole chain in id order; see the module docstring for what is checked, in which order.

    Takes no lock: the head is read before the walk and again after it. Every record up to the first
    head must be in the walk with the head's hash and count at that record (else the newest records
    were deleted); no walked record may lie beyond the second head (else it was written behind the
    application's back). Appends committed meanwhile are simply checked as well.
    """
    started = time.perf_counter()
    head = RecordChainHead.objects.filter(pk=HEAD_PK).first()
    # The JSON columns come as text (one statement, so one snapshot): most are "{}" or "[]", which
    # need no decoding; the others are decoded here rather than by the field's converter.
    # On SQLite the dates too: stored as ISO text, cheaper to read as such than through the converters.
    raw = [*_JSON_FIELDS, "on", "created_at"] if connection.vendor == "sqlite" else _JSON_FIELDS
    as_text = {f"{name}_text": Cast(name, TextField()) for name in raw}
    columns = [f"{name}_text" if name in raw else name for name in HASHED_FIELDS]
    rows = (
        StepRecord.objects.annotate(**as_text)
        .order_by("pk")
        .values_list("pk", *columns, "prev_hash", "hash", "is_current")
    )
    prev, count, last_id = GENESIS, 0, 0
    head_seen = head is not None and head.last_id == 0
    superseded: set[int] = set()
    returns: set[int] = set()
    not_current: set[int] = set()  # records of kind "record" flagged not current
    current_returns: list[int] = []  # return markers flagged current (never right)

    def done(broken: Break | None) -> Verification:
        return Verification(count, prev, broken, time.perf_counter() - started)

    if head_seen and (head.hash, head.count) != (GENESIS, 0):
        return done(
            Break(None, HEAD_WRONG, f"链首记录登记为空链，却有哈希 {head.hash}、{head.count} 条记录。")
        )
    empty, loads = _EMPTY_JSON, json.loads
    at_raw, at_iso = None, ""  # the last created_at seen, and its canonical form (bulk rows share one)
    for pk, *values, prev_hash, stored_hash, is_current in rows.iterator(chunk_size=chunk_size):
        readable = True
        for i in _JSON_INDEXES:
            text = values[i]
            try:
                values[i] = empty[text] if text in empty else loads(text)
            except (TypeError, ValueError):  # not JSON: written behind the application's back
                readable = False
        on = values[_ON]
        values[_ON] = on if isinstance(on, str) else on.isoformat()
        if values[_CREATED] != at_raw:
            at_raw = values[_CREATED]
            try:
                at_iso = _utc_iso(at_raw)
            except ValueError:  # not a time at all: written behind the application's back
                at_iso = ""
        values[_CREATED] = at_iso
        if prev_hash != prev:
            before = f"#{last_id}" if last_id else "链的起点"
            detail = f"其“前一记录哈希”与前一条记录（{before}）的哈希不符：两者之间的记录被删除、插入或改动了链接。"
            return done(_located(pk, LINK_BROKEN, detail))
        if not readable or _digest(prev_hash, values) != stored_hash:
            return done(_located(pk, CONTENT_CHANGED, "按记录内容重新计算的哈希与保存的哈希不符。"))
        prev, count, last_id = stored_hash, count + 1, pk
        if head is not None and pk == head.last_id:
            head_seen = True
            if (head.hash, head.count) != (stored_hash, count):
                detail = (
                    f"链首登记：{head.count} 条、哈希 {head.hash}；实际：{count} 条、哈希 {stored_hash}。"
                )
                return done(_located(pk, HEAD_WRONG, detail))
        if values[_SUPERSEDES] is not None:
            superseded.add(values[_SUPERSEDES])
        if values[_KIND] == RecordKind.RETURN:
            returns.add(pk)
            if is_current:
                current_returns.append(pk)
        elif not is_current:
            not_current.add(pk)

    if count and head is None and not RecordChainHead.objects.filter(pk=HEAD_PK).exists():
        return done(Break(None, HEAD_WRONG, f"链首记录缺失（最后一条记录是 #{last_id}）。"))
    if head is not None and not head_seen:
        detail = (
            f"链首登记的最后一条记录是 #{head.last_id}（共 {head.count} 条），现在最后一条是 "
            f"#{last_id}（共 {count} 条）：其后的记录被删除。"
        )
        return done(_located(last_id or None, LINK_BROKEN, detail))
    after = RecordChainHead.objects.filter(pk=HEAD_PK).values_list("last_id", flat=True).first()
    if count and (after is None or after < last_id):
        first = (
            StepRecord.objects.filter(pk__gt=after or 0).order_by("pk").values_list("pk", flat=True).first()
        )
        detail = f"链首登记的最后一条记录是 #{after or 0}：此后的记录未经本系统写入。"
        return done(_located(first, LINK_BROKEN, detail))

    wrong = not_current ^ (superseded - returns)
    wrong.update(current_returns)
    wrong.update(superseded & returns)  # nothing supersedes a return marker
    if wrong:
        pk = min(wrong)
        if pk in returns:
            detail = "退回记录不是有效的步骤记录，却被标为有效（或被其他记录更正）。"
        elif pk in superseded:
            detail = "该记录已被后来的记录更正或退回，却仍被标为有效。"
        else:
            detail = "没有记录更正或退回该记录，它却被标为无效。"
        return done(_located(pk, FLAG_WRONG, detail))
    return done(None)


# ---- hooks for `dangjian audit verify` and `dangjian audit anchor` (registered in apps.py) --------


def verify_lines() -> tuple[bool, int, list[str]]:
    """The chain's verification as the audit command reports it: (ok, records, problem lines)."""
    result = verify()
    if result.ok:
        return True, result.count, [f"链首哈希 {result.head_hash}（用时 {result.seconds:.1f} 秒）"]
    return (
        False,
        result.count,
        [
            result.broken.describe(),
            f"此前的 {result.count} 条记录完好（至该处的哈希 {result.head_hash}）。",
        ],
    )


def head_state() -> dict[str, Any]:
    head = RecordChainHead.objects.filter(pk=HEAD_PK).first()
    if head is None:
        return {"last_id": 0, "count": 0, "hash": GENESIS}
    return {"last_id": head.last_id, "count": head.count, "hash": head.hash}


def anchor_check(state: dict[str, Any]) -> str | None:
    return ledger.check_at(StepRecord, state)
