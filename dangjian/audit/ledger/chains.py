"""Appending to the two chains (change log and seals) under the lock of the single `AuditHead` row."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from dangjian.audit.ledger.registry import (
    CHANGE_FIELDS,
    CHUNK,
    GENESIS,
    HEAD_PK,
    LedgerError,
    change_hash,
    seal_hash,
)
from dangjian.audit.models import AuditHead, ChangeRecord, SealRecord


def lock_head() -> None:
    """Take the audit head's lock now (other chains call this before locking their own head).

    Every writing transaction ends up taking this lock (its first change-log entry or seal); a
    chain that locks its own head first, then writes a change-log entry, would deadlock against a
    transaction that took this lock first and then appends to that chain. One order: this one first.
    """
    _lock_head()


def _lock_head() -> AuditHead:
    """The head row, locked until the transaction ends; created (genesis) only for empty chains."""
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    if ChangeRecord.objects.exists() or SealRecord.objects.exists():
        raise LedgerError("变更记录链首缺失，不能继续写入；请运行 dangjian audit verify 并联系系统管理员。")
    AuditHead.objects.get_or_create(pk=HEAD_PK, defaults={"log_hash": GENESIS, "seal_hash": GENESIS})
    return AuditHead.objects.select_for_update().get(pk=HEAD_PK)


def _insert_checked(model, objects: list, after_id: int, what: str) -> int:
    """Insert rows in order and check that their ids follow the chain; returns the last id."""
    from dangjian.base.bulk import insert_rows

    insert_rows(model, objects, batch_size=CHUNK)
    stored = list(model.objects.filter(pk__gt=after_id).order_by("pk").values_list("pk", "hash"))
    if len(stored) != len(objects) or any(h != o.hash for (_, h), o in zip(stored, objects, strict=False)):
        raise LedgerError(f"写入的{what}编号顺序与哈希链不一致，已全部撤销。")
    for (pk, _), obj in zip(stored, objects, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = "default"
    return stored[-1][0]


@transaction.atomic
def append_changes(*, records: Sequence[ChangeRecord]) -> int:
    """Insert new change-log rows at the end of the chain, in the given order; returns their number."""
    if not records:
        return 0
    head = _lock_head()
    now = timezone.now()
    prev = head.log_hash
    for record in records:
        if record.pk is not None:
            raise LedgerError("变更记录只能追加，不能修改已保存的记录。")
        record.time = now
        # As the database will give them back: tuples become lists, integer keys strings.
        record.before = json.loads(json.dumps(record.before)) if record.before is not None else None
        record.after = json.loads(json.dumps(record.after)) if record.after is not None else None
        record.prev_hash = prev
        record.hash = prev = change_hash(prev, [getattr(record, name) for name in CHANGE_FIELDS])
    head.log_last_id = _insert_checked(ChangeRecord, list(records), head.log_last_id, "变更记录")
    head.log_hash, head.log_count = prev, head.log_count + len(records)
    head.save(update_fields=["log_last_id", "log_hash", "log_count", "updated_at"])
    return len(records)


@transaction.atomic
def _append_seals(entries: Sequence[tuple[str, int, str]]) -> int:
    if not entries:
        return 0
    head = _lock_head()
    from dangjian.base.bulk import InstanceMaker

    prev, rows, make = head.seal_hash, [], InstanceMaker(SealRecord)  # bulk seals run to 100,000s
    for key, pk, digest in entries:
        current = seal_hash(prev, key, pk, digest)
        rows.append(make(object_type=key, object_id=pk, digest=digest, prev_hash=prev, hash=current))
        prev = current
    head.seal_last_id = _insert_checked(SealRecord, rows, head.seal_last_id, "封存记录")
    head.seal_hash, head.seal_count = prev, head.seal_count + len(rows)
    head.save(update_fields=["seal_last_id", "seal_hash", "seal_count", "updated_at"])
    return len(rows)
