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

The modules, each importing only those before it: `registry` (registered models and chains,
hashing), `chains` (appending under the head's lock), `seals` (register, seal_rows, seal_all),
`verify` (verification and anchors).
"""

from dangjian.audit.ledger.chains import append_changes, lock_head
from dangjian.audit.ledger.registry import (
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
    ChainHook,
    LedgerError,
    Sealed,
    _digests,
    change_hash,
    register_chain,
    row_digest,
    seal_hash,
    sealed_models,
)
from dangjian.audit.ledger.seals import register, seal_all, seal_rows
from dangjian.audit.ledger.verify import (
    Problem,
    Report,
    anchor_state,
    check_anchor,
    check_at,
    seal_root,
    verify,
    verify_chains,
)

__all__ = [
    "ANCHOR_WRONG",
    "CHANGE_FIELDS",
    "CHUNK",
    "CONTENT_CHANGED",
    "DELETED",
    "GENESIS",
    "HEAD_PK",
    "HEAD_WRONG",
    "LINK_BROKEN",
    "UNREGISTERED",
    "ChainHook",
    "LedgerError",
    "Problem",
    "Report",
    "Sealed",
    "_digests",  # the tests recompute digests through the package
    "anchor_state",
    "append_changes",
    "change_hash",
    "check_anchor",
    "check_at",
    "lock_head",
    "register",
    "register_chain",
    "row_digest",
    "seal_all",
    "seal_hash",
    "seal_root",
    "seal_rows",
    "sealed_models",
    "verify",
    "verify_chains",
]
