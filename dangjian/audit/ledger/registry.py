"""The ledger's registry and hashing: the sealed models and other chains registered (`Sealed`,
`ChainHook`), the canonical JSON and the hashes of change-log rows, seals and row digests.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

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


def register_chain(name: str, hook: ChainHook) -> None:
    _CHAINS[name] = hook


def sealed_models() -> list[Sealed]:
    return list(_SEALED.values())


def row_digest(key: str, pk: int, values: Sequence[Any]) -> str:
    """sha256 of the canonical JSON of [table, pk, *sealed values] (the pk: no swapping two rows)."""
    return _sha(_CANONICAL([key, pk, *values]))


def _digests(sealed: Sealed, pks: Iterable[int] | None = None, chunk_size: int = CHUNK):
    """(pk, digest, label) for the given rows (all rows when pks is None), in pk order."""
    key, manager = sealed.key, sealed.model._base_manager
    extra = (sealed.label,) if sealed.label else ()
    fields = ("pk", *sealed.fields, *extra)
    ids = None if pks is None else sorted(set(pks))
    if ids is None:
        rows = manager.order_by("pk").values_list(*fields).iterator(chunk_size=chunk_size)
    elif ids and ids[-1] - ids[0] + 1 == len(ids):
        # A bulk insert's ids are one run: read it as a range, not as lists of 900 ids.
        rows = (
            manager.filter(pk__gte=ids[0], pk__lte=ids[-1])
            .order_by("pk")
            .values_list(*fields)
            .iterator(chunk_size=chunk_size)
        )
    else:
        rows = (
            row
            for start in range(0, len(ids), 900)
            for row in manager.filter(pk__in=ids[start : start + 900]).order_by("pk").values_list(*fields)
        )
    n = len(sealed.fields)
    for pk, *values in rows:
        yield pk, row_digest(key, pk, values[:n]), (values[n] if extra else "")


def change_hash(prev_hash: str, values: Sequence[Any]) -> str:
    """sha256 hex of prev_hash + canonical JSON of `values` (CHANGE_FIELDS order, time as UTC ISO)."""
    values = list(values)
    values[_TIME] = _utc_iso(values[_TIME])
    if values[_REQUEST] is not None:
        values[_REQUEST] = str(values[_REQUEST])
    return _sha(prev_hash + _CANONICAL(dict(zip(CHANGE_FIELDS, values, strict=True))))


def seal_hash(prev_hash: str, key: str, pk: int, digest: str) -> str:
    return _sha(f"{prev_hash}|{key}|{pk}|{digest}")
