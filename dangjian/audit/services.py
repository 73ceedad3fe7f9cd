"""Writes to the change log. Called by every other app's services, inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from dangjian.audit import ledger
from dangjian.audit.middleware import current_request_id
from dangjian.audit.models import ChangeAction, ChangeRecord

SENSITIVE_FIELDS = frozenset({"id_number", "phone", "password"})
# The change log is data: its keys and labels are stored in Chinese (the source language) whatever
# the request's language, and translated when shown (the `translated` template filter).
SENSITIVE_MARK = gettext_noop("（已隐藏）")
SENSITIVE_CHANGED = gettext_noop("（已修改，内容不记录）")
SYSTEM_ACTOR = gettext_noop("系统")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model | Promise):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Serialise the named fields for the change log, hiding personal identifiers."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        key, choices = _field_meta(type(obj), name)
        if name in SENSITIVE_FIELDS:
            data[key] = SENSITIVE_MARK if getattr(obj, field.attname) else ""
            continue
        if isinstance(field, models.ForeignKey):
            related = getattr(obj, name)
            data[key] = str(related) if related is not None else None
            continue
        value = getattr(obj, field.attname)
        if choices and value not in (None, ""):
            value = choices.get(value, value)
        data[key] = _plain(value)
    return data


@lru_cache(maxsize=512)
def _field_meta(model: type[models.Model], name: str) -> tuple[str, dict[Any, str]]:
    """A field's label and choice labels in the site language (zh-hans), resolved once.

    The change log is stored in Chinese whatever language the request uses; resolving the lazy
    labels for every object of a bulk load would cost a translation switch per field.
    """
    field = model._meta.get_field(name)
    with translation.override(settings.LANGUAGE_CODE):
        label = str(field.verbose_name)
        choices = {value: str(text) for value, text in field.flatchoices} if field.choices else {}
    return label, choices


def field_label(obj: models.Model, name: str) -> str:
    """Change-log keys are the fields' Chinese names, so the history reads as the user sees it."""
    return _field_meta(type(obj), name)[0]


def actor_fields(actor) -> dict[str, Any]:
    known = actor is not None and actor.pk
    return {
        "actor": actor if known else None,
        "actor_name": (actor.get_full_name() or actor.username) if known else SYSTEM_ACTOR,
    }


def record_change(
    *,
    actor,
    action: ChangeAction | str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
) -> ChangeRecord:
    record = ChangeRecord(
        **actor_fields(actor),
        request_id=current_request_id.get(),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        message=message[:500],
    )
    # Appended to the hash chain of the change log (under its head lock, inside the caller's
    # transaction), so a row deleted, edited or inserted behind the application's back is named.
    ledger.append_changes(records=[record])
    return record


def record_changes(*, records: list[ChangeRecord]) -> int:
    """Many change-log rows at once (bulk loads), chained like record_change's; returns their number.

    The records' `request_id` is filled in from the current request when not set.
    """
    request_id = current_request_id.get()
    for record in records:
        if record.request_id is None:
            record.request_id = request_id
        record.message = record.message[:500]
        record.object_repr = record.object_repr[:200]
    return ledger.append_changes(records=records)


def history_for(obj: models.Model):
    return ChangeRecord.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk).select_related(
        "actor"
    )
