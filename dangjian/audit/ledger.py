"""Tamper evidence beyond the step records: the chained change log, row seals, and anchors.

Two append-only chains live here, both appended under the lock of the single `AuditHead` row (one
lock for both, so no two writers can take them in opposite orders):

* the change log (`ChangeRecord`): every row carries `prev_hash`, the hash of the row before it in
  id order, and its own `hash` = sha256(prev_hash + canonical JSON of its content). Deleting,
  editing or inserting a row behind the application's back breaks the chain;
* the seals (`SealRecord`): for every row of a *sealed* model, the digest of the fields that a
  finding or a figure depends on, appended after every write (the latest entry is the row's seal;
  an empty digest means the row was deleted by the application). Feature apps register their
  models and fields with `register()` in their AppConfig.ready(): this core layer imports none of
  them. Saves and deletes are sealed by signals; bulk inserts and QuerySet.update() on sealed fields
  call `seal_rows()` themselves.

`verify()` walks both chains and then recomputes every sealed row's digest: a row whose digest
differs from its seal (内容被修改), a seal without its row (记录被删除) and a row without a seal
(未登记的记录) are each named. Other chains (the step records) register a hook with
`register_chain()` so that `dangjian audit verify` and `dangjian audit anchor` cover them too.

Whoever can rewrite every later hash and the head can forge a chain; `anchor_state()` is what
`dangjian audit anchor` exports outside the database on a schedule, and `check_anchor()` finds a
full re-hash: the anchored head no longer sits at its position in the chain.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from dangjian.audit.models import AuditHead, ChangeRecord, SealRecord

GENESIS = "0" * 64
HEAD_PK = 1
CHUNK = 5000

# The hashed content of a change-log row, in this order. Not `actor_id`: it is SET_NULL when a user
# is deleted, which would break the chain without any tampering; `actor_name` is kept.
CHANGE_FIELDS: tuple[str, ...] = (
    "time", "actor_name", "request_id", "action", "object_type", "object_id", "object_repr",
    "before", "after", "message",
)  # fmt: skip
_TIME = CHANGE_FIELDS.index("time")
_REQUEST = CHANGE_FIELDS.index("request_id")

CONTENT_CHANGED = "内容被修改"
DELETED = "记录被删除"
UNREGISTERED = "未登记的记录"
LINK_BROKEN = "链接断开（其前的记录被删除，或此处插入了记录）"
HEAD_WRONG = "链首记录与最后一条记录不符"
ANCHOR_WRONG = "与导出的锚点不符"


class LedgerError(Exception):
    """A chain cannot be appended to (its head is missing or an insert came out of order)."""


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _utc_iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot seal {type(value).__name__}")


_CANONICAL = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default
).encode


def _utc_iso(value: dt.datetime | str) -> str:
    """A time as UTC ISO 8601 with microseconds; a string is SQLite's stored text (naive UTC)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---- registry -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    model: type[models.Model]
    fields: tuple[str, ...]  # attnames (org_id, not org), hashed in this order
    label: str  # a lookup naming a row in messages (e.g. "person__name"), or ""

    @property
    def key(self) -> str:
        return self.model._meta.label_lower

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name)


@dataclass(frozen=True)
class ChainHook:
    """Another chain (e.g. the step records) that verify and anchor cover."""

    title: str
    verify: Callable[[], tuple[bool, int, list[str]]]  # (ok, rows checked, problem lines)
    state: Callable[[], dict[str, Any]]  # {"last_id", "count", "hash"} of the head
    check: Callable[[dict[str, Any]], str | None]  # an anchored state → a problem, or None


_SEALED: dict[str, Sealed] = {}
_CHAINS: dict[str, ChainHook] = {}


def register(model: type[models.Model], *, fields: Sequence[str], label: str = "") -> None:
    """Seal `fields` of every row of `model`: saves and deletes are sealed through signals."""
    attnames = tuple(model._meta.get_field(name).attname for name in fields)
    sealed = Sealed(model, attnames, label)
    _SEALED[sealed.key] = sealed
    post_save.connect(_saved, sender=model, dispatch_uid=f"audit-seal-save-{sealed.key}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit-seal-delete-{sealed.key}")


def register_chain(name: str, hook: ChainHook) -> None:
    _CHAINS[name] = hook


def sealed_models() -> list[Sealed]:
    return list(_SEALED.values())


def _saved(sender, instance, **kwargs) -> None:
    seal_rows(model=sender, pks=[instance.pk])


def _deleted(sender, instance, **kwargs) -> None:
    _append_seals([(sender._meta.label_lower, instance.pk, "")])


# ---- digests ------------------------------------------------------------------------------------


def row_digest(key: str, pk: int, values: Sequence[Any]) -> str:
    """sha256 of the canonical JSON of [table, pk, *sealed values] (the pk: no swapping two rows)."""
    return _sha(_CANONICAL([key, pk, *values]))


def _digests(sealed: Sealed, pks: Iterable[int] | None = None, chunk_size: int = CHUNK):
    """(pk, digest, label) for the given rows (all rows when pks is None), in pk order."""
    key, manager = sealed.key, sealed.model._base_manager
    extra = (sealed.label,) if sealed.label else ()
    if pks is None:
        rows = (
            manager.order_by("pk").values_list("pk", *sealed.fields, *extra).iterator(chunk_size=chunk_size)
        )
    else:
        ids = sorted(set(pks))
        rows = (
            row
            for start in range(0, len(ids), 900)
            for row in manager.filter(pk__in=ids[start : start + 900])
            .order_by("pk")
            .values_list("pk", *sealed.fields, *extra)
        )
    n = len(sealed.fields)
    for pk, *values in rows:
        yield pk, row_digest(key, pk, values[:n]), (values[n] if extra else "")


# ---- appending ----------------------------------------------------------------------------------


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


def change_hash(prev_hash: str, values: Sequence[Any]) -> str:
    """sha256 hex of prev_hash + canonical JSON of `values` (CHANGE_FIELDS order, time as UTC ISO)."""
    values = list(values)
    values[_TIME] = _utc_iso(values[_TIME])
    if values[_REQUEST] is not None:
        values[_REQUEST] = str(values[_REQUEST])
    return _sha(prev_hash + _CANONICAL(dict(zip(CHANGE_FIELDS, values, strict=True))))


def seal_hash(prev_hash: str, key: str, pk: int, digest: str) -> str:
    return _sha(f"{prev_hash}|{key}|{pk}|{digest}")


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
    prev, rows = head.seal_hash, []
    for key, pk, digest in entries:
        current = seal_hash(prev, key, pk, digest)
        rows.append(SealRecord(object_type=key, object_id=pk, digest=digest, prev_hash=prev, hash=current))
        prev = current
    head.seal_last_id = _insert_checked(SealRecord, rows, head.seal_last_id, "封存记录")
    head.seal_hash, head.seal_count = prev, head.seal_count + len(rows)
    head.save(update_fields=["seal_last_id", "seal_hash", "seal_count", "updated_at"])
    return len(rows)


def seal_rows(*, model: type[models.Model], pks: Iterable[int]) -> int:
    """Seal the rows as they are now in the database (after a bulk insert or QuerySet.update())."""
    sealed = _SEALED.get(model._meta.label_lower)
    if sealed is None:
        return 0
    return _append_seals([(sealed.key, pk, digest) for pk, digest, _ in _digests(sealed, pks)])


def seal_all(*, keys: Iterable[str]) -> int:
    """Seal every row of the given sealed models (data migrations of existing databases)."""
    total = 0
    for key in keys:
        sealed = _SEALED[key]
        total += _append_seals([(key, pk, digest) for pk, digest, _ in _digests(sealed)])
    return total


# ---- verification -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    table: str  # the model's verbose name
    row_id: int | None
    problem: str
    detail: str = ""
    name: str = ""

    def describe(self) -> str:
        where = f"{self.table} #{self.row_id}" if self.row_id is not None else self.table
        if self.name:
            where += f"（{self.name}）"
        return f"{where}：{self.problem}。{self.detail}".rstrip()


@dataclass
class Report:
    log_count: int = 0
    seal_count: int = 0
    rows: int = 0  # sealed rows checked
    problems: list[Problem] = field(default_factory=list)
    seals: dict[tuple[str, int], str] = field(default_factory=dict)  # the latest digest of each row
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def _walk(rows, head_last_id: int | None, head_hash: str, head_count: int, table: str, rehash, out: Report):
    """Walk one chain in id order, naming every break (not just the first); returns rows walked."""
    prev, count, last_id, broken = GENESIS, 0, 0, False
    at_head = (GENESIS, 0) if head_last_id == 0 else None  # (hash, count) at the head's last row
    for pk, prev_hash, stored, values in rows:
        if prev_hash != prev:
            broken = True
            before = f"#{last_id}" if last_id else "链的起点"
            out.problems.append(
                Problem(table, pk, LINK_BROKEN, f"其“前一记录哈希”与前一条记录（{before}）的哈希不符。")
            )
        if rehash(prev_hash, values) != stored:
            out.problems.append(
                Problem(table, pk, CONTENT_CHANGED, "按记录内容重新计算的哈希与保存的哈希不符。")
            )
        if head_last_id is not None and pk > head_last_id:
            out.problems.append(
                Problem(
                    table,
                    pk,
                    UNREGISTERED,
                    f"链首登记的最后一条记录是 #{head_last_id}，此后的记录未经本系统写入。",
                )
            )
        prev, count, last_id = stored, count + 1, pk
        if pk == head_last_id:
            at_head = (stored, count)
    if head_last_id is None:
        if count:
            out.problems.append(Problem(table, None, HEAD_WRONG, "链首记录缺失。"))
        return count
    if at_head is None:
        detail = f"链首登记的最后一条记录（共 {head_count} 条）已不存在：最新的记录被删除。"
        out.problems.append(Problem(table, head_last_id, DELETED, detail))
    elif at_head[0] != head_hash or (at_head[1] != head_count and not broken):
        detail = f"链首登记：{head_count} 条、哈希 {head_hash}；实际：{at_head[1]} 条、哈希 {at_head[0]}。"
        out.problems.append(Problem(table, head_last_id or None, HEAD_WRONG, detail))
    return count


def _change_rows(chunk_size: int):
    qs = ChangeRecord.objects.order_by("pk").values_list("pk", "prev_hash", "hash", *CHANGE_FIELDS)
    for pk, prev_hash, stored, *values in qs.iterator(chunk_size=chunk_size):
        yield pk, prev_hash, stored, values


def _seal_rows(chunk_size: int, latest: dict[tuple[str, int], str]):
    qs = SealRecord.objects.order_by("pk").values_list(
        "pk", "prev_hash", "hash", "object_type", "object_id", "digest"
    )
    for pk, prev_hash, stored, key, object_id, digest in qs.iterator(chunk_size=chunk_size):
        latest[(key, object_id)] = digest
        yield pk, prev_hash, stored, (key, object_id, digest)


def verify(*, chunk_size: int = CHUNK) -> Report:
    """Walk the change-log and seal chains, then compare every sealed row with its seal."""
    started = time.perf_counter()
    out = Report()
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    log_table = str(ChangeRecord._meta.verbose_name)
    seal_table = str(SealRecord._meta.verbose_name)

    def rehash_change(prev_hash, values):
        try:
            return change_hash(prev_hash, values)
        except (TypeError, ValueError):  # unreadable: written behind the application's back
            return ""

    out.log_count = _walk(
        _change_rows(chunk_size), head.log_last_id if head else None, head.log_hash if head else "",
        head.log_count if head else 0, log_table, rehash_change, out,
    )  # fmt: skip
    out.seal_count = _walk(
        _seal_rows(chunk_size, out.seals), head.seal_last_id if head else None,
        head.seal_hash if head else "", head.seal_count if head else 0, seal_table,
        lambda prev_hash, v: seal_hash(prev_hash, *v), out,
    )  # fmt: skip
    live_seals: dict[str, dict[int, str]] = {}
    for (key, pk), digest in out.seals.items():
        live_seals.setdefault(key, {})[pk] = digest
    for sealed in _SEALED.values():
        seen: set[int] = set()
        for pk, digest, label in _digests(sealed, chunk_size=chunk_size):
            seen.add(pk)
            out.rows += 1
            sealed_digest = out.seals.get((sealed.key, pk))
            if not sealed_digest:
                out.problems.append(
                    Problem(
                        sealed.title, pk, UNREGISTERED, "该记录没有经本系统写入的封存记录。", str(label or "")
                    )
                )
            elif sealed_digest != digest:
                out.problems.append(
                    Problem(
                        sealed.title,
                        pk,
                        CONTENT_CHANGED,
                        "按当前内容计算的摘要与封存时不符。",
                        str(label or ""),
                    )
                )
        gone = [pk for pk, d in live_seals.get(sealed.key, {}).items() if d and pk not in seen]
        names = _last_names(sealed.key, gone)
        out.problems.extend(
            Problem(sealed.title, pk, DELETED, "封存记录仍登记该记录，数据库中已无此行。", names.get(pk, ""))
            for pk in sorted(gone)
        )
    out.seconds = time.perf_counter() - started
    return out


def _last_names(key: str, pks: list[int]) -> dict[int, str]:
    """How the change log last named deleted rows (the rows themselves are gone)."""
    names: dict[int, str] = {}
    for start in range(0, len(pks), 900):
        rows = (
            ChangeRecord.objects.filter(object_type=key, object_id__in=pks[start : start + 900])
            .order_by("pk")
            .values_list("object_id", "object_repr")
        )
        names.update(rows)
    return names


def verify_chains() -> list[tuple[str, bool, int, list[str]]]:
    """(title, ok, rows, problem lines) of every registered chain (e.g. the step records)."""
    return [(hook.title, *hook.verify()) for hook in _CHAINS.values()]


# ---- anchors ------------------------------------------------------------------------------------


def seal_root(seals: dict[tuple[str, int], str]) -> str:
    """One hash over every live seal: sha256 of the sorted "table|pk|digest" lines."""
    digest = hashlib.sha256()
    for (key, pk), value in sorted(seals.items()):
        if value:
            digest.update(f"{key}|{pk}|{value}\n".encode())
    return digest.hexdigest()


def _own_states() -> dict[str, dict[str, Any]]:
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    if head is None:
        return {
            "log": {"last_id": 0, "count": 0, "hash": GENESIS},
            "seals": {"last_id": 0, "count": 0, "hash": GENESIS},
        }
    return {
        "log": {"last_id": head.log_last_id, "count": head.log_count, "hash": head.log_hash},
        "seals": {"last_id": head.seal_last_id, "count": head.seal_count, "hash": head.seal_hash},
    }


def anchor_state(report: Report) -> dict[str, Any]:
    """What `dangjian audit anchor` exports: every chain's head, and the root over all seals."""
    chains = {name: hook.state() for name, hook in _CHAINS.items()}
    chains.update(_own_states())
    return {
        "time": timezone.now().isoformat(timespec="seconds"),
        "chains": chains,
        "seal_root": seal_root(report.seals),
        "sealed_rows": sum(1 for v in report.seals.values() if v),
    }


def check_at(model: type[models.Model], state: dict[str, Any]) -> str | None:
    """Does the chain in `model` still hold the anchored head at its position?"""
    last_id, count, anchored = int(state["last_id"]), int(state["count"]), state["hash"]
    if last_id == 0:
        return None
    found = model.objects.filter(pk=last_id).values_list("hash", flat=True).first()
    if found is None:
        return f"锚点登记的记录 #{last_id} 已不存在。"
    if found != anchored:
        return f"记录 #{last_id} 的哈希 {found} 不是锚点登记的 {anchored}：链被整体重算或改写。"
    now = model.objects.filter(pk__lte=last_id).count()
    if now != count:
        return f"至记录 #{last_id} 锚点登记 {count} 条，现有 {now} 条。"
    return None


def check_anchor(anchor: dict[str, Any], report: Report) -> list[str]:
    """Problem lines: where the chains no longer extend the anchored heads."""
    problems: list[str] = []
    chains = anchor.get("chains", {})
    own = {"log": (ChangeRecord, "变更记录"), "seals": (SealRecord, "封存记录")}
    for name, state in chains.items():
        if name in own:
            model, title = own[name]
            problem = check_at(model, state)
        elif name in _CHAINS:
            title, problem = _CHAINS[name].title, _CHAINS[name].check(state)
        else:
            continue
        if problem:
            problems.append(f"{title}：{ANCHOR_WRONG}（{anchor.get('time', '')}）。{problem}")
    seals = chains.get("seals")
    # No seal appended since the anchor: every seal, hence the root over them, must be as it was.
    unchanged = seals is not None and _own_states()["seals"]["last_id"] == int(seals["last_id"])
    if unchanged and seal_root(report.seals) != anchor.get("seal_root"):
        problems.append(f"封存记录：{ANCHOR_WRONG}（{anchor.get('time', '')}）。全部封存的根哈希已改变。")
    return problems
