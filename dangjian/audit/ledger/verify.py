"""Verifying both chains and every sealed row (`verify()`), and the anchors exported outside the
database (`anchor_state()`, `check_anchor()`).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from dangjian.audit.ledger.registry import (
    _CHAINS,
    _SEALED,
    ANCHOR_WRONG,
    CHANGE_FIELDS,
    CHUNK,
    CONTENT_CHANGED,
    DELETED,
    GENESIS,
    HEAD_PK,
    HEAD_WRONG,
    LINK_BROKEN,
    UNREGISTERED,
    _digests,
    change_hash,
    seal_hash,
)
from dangjian.audit.models import AuditHead, ChangeRecord, SealRecord


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
