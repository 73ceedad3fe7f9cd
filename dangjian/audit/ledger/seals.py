"""Sealing rows: `register()` a model (its saves and deletes sealed through signals), `seal_rows()`
after bulk inserts and QuerySet.update(), `seal_all()` for data migrations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models
from django.db.models.signals import post_delete, post_save

from dangjian.audit.ledger.chains import _append_seals
from dangjian.audit.ledger.registry import _SEALED, Sealed, _digests


def register(model: type[models.Model], *, fields: Sequence[str], label: str = "") -> None:
    """Seal `fields` of every row of `model`: saves and deletes are sealed through signals."""
    attnames = tuple(model._meta.get_field(name).attname for name in fields)
    sealed = Sealed(model, attnames, label)
    _SEALED[sealed.key] = sealed
    post_save.connect(_saved, sender=model, dispatch_uid=f"audit-seal-save-{sealed.key}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"audit-seal-delete-{sealed.key}")


def _saved(sender, instance, **kwargs) -> None:
    seal_rows(model=sender, pks=[instance.pk])


def _deleted(sender, instance, **kwargs) -> None:
    _append_seals([(sender._meta.label_lower, instance.pk, "")])


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
