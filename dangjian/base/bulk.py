"""Fast all-or-nothing inserts for already-validated rows (demo data, imports).

Django's bulk_create compiles every value through the full field machinery and, on SQLite, splits
rows into batches of 999 parameters. For 100,000+ validated rows a plain executemany is several
times faster. Values go through the same adapters: dates and strings as they are, JSON and
datetimes through the field's own get_db_prep_save.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
)


def _is_plain(field: models.Field) -> bool:
    if isinstance(field, models.DateTimeField):
        return False
    return isinstance(field, (models.DateField, *PLAIN_FIELDS)) and not isinstance(field, models.JSONField)


def _converter(field: models.Field, now) -> Callable[[Any], Any]:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        constant = field.get_db_prep_save(now, connection)
        return lambda value: constant
    if isinstance(field, models.DateTimeField):
        # Bulk rows usually share one timestamp (e.g. the chained step records' created_at): convert
        # it once, not once per row.
        last: list = [object(), None]

        def convert(value):
            if value is not last[0]:
                last[0], last[1] = value, field.get_db_prep_save(value, connection)
            return last[1]

        return convert
    if isinstance(field, models.JSONField):
        # What get_db_prep_save ends in for a JSON value, without the calls around it (a demo
        # city writes a million of them); None keeps Django's own handling.
        adapt, encoder = connection.ops.adapt_json_value, field.encoder

        def convert_json(value):
            return field.get_db_prep_save(value, connection) if value is None else adapt(value, encoder)

        return convert_json
    return lambda value: field.get_db_prep_save(value, connection)


def insert_rows(model: type[models.Model], objects: Sequence[models.Model], batch_size: int = 5000) -> int:
    """INSERT the objects (primary keys are left to the database); returns the row count.

    PostgreSQL gets one COPY per batch; SQLite one executemany.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    getter = attrgetter(*[f.attname for f in fields])
    special = [(i, _converter(f, now)) for i, f in enumerate(fields) if not _is_plain(f)]

    def row(obj) -> tuple:
        values = getter(obj)
        if not special:
            return values
        values = list(values)
        for i, convert in special:
            values[i] = convert(values[i])
        return tuple(values)

    return insert_values(model, [f.attname for f in fields], [row(o) for o in objects], batch_size=batch_size)


def insert_values(
    model: type[models.Model], attnames: Sequence[str], rows: Sequence[tuple], batch_size: int = 5000
) -> int:
    """INSERT rows of plain values (str, int, bool, date, None), in the order of `attnames`, without
    building model instances: for millions of narrow rows (attendance lists) that cost dominates."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(by_attname[name].column) for name in attnames)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for values in chunk:
                        copy.write_row(values)
            else:
                placeholders = ", ".join(["%s"] * len(attnames))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(chunk))
    return len(rows)


def add_to_counts(
    model: type[models.Model],
    key_fields: Sequence[str],
    deltas: Mapping[tuple, int],
    *,
    narrow: Q | None = None,
) -> None:
    """Add `deltas` {(org id, …key): delta} to a count table's `n` (rows of `key_fields` + `n`):
    the touched rows are locked and read as ids only, raised with one `n = n + delta` UPDATE each
    (one executemany) and the missing ones inserted as plain rows — no model instances, no CASE
    expressions (bulk_update), for the hundreds of thousands of keys a demo city brings.
    `narrow`: a condition that keeps the locked read to the rows the deltas can touch."""
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    owner = key_fields[0]
    org_ids = sorted({k[0] for k in deltas})
    rows = model.objects.select_for_update()
    if narrow is not None:
        rows = rows.filter(narrow)
    existing: dict[tuple, int] = {}
    for start in range(0, len(org_ids), 500):
        for pk, *key in rows.filter(**{f"{owner}__in": org_ids[start : start + 500]}).values_list(
            "pk", *key_fields
        ):
            existing[tuple(key)] = pk
    raised = [(delta, existing[key]) for key, delta in deltas.items() if key in existing]
    if raised:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET n = n + %s WHERE {quote(model._meta.pk.column)} = %s",
                raised,
            )
    insert_values(
        model, (*key_fields, "n"), [(*key, delta) for key, delta in deltas.items() if key not in existing]
    )


class InstanceMaker:
    """Builds unsaved instances of one model without Model.__init__ (a quarter of its cost): the
    defaults are worked out once, related objects are set with their id and cached like the
    descriptor does. For bulk work that builds hundreds of thousands of rows (the demo's step
    records); no pre_init/post_init signals are sent (dangjian registers none)."""

    def __init__(self, model: type[models.Model], *, set_later: Sequence[str] = ()):
        """`set_later`: fields the caller always sets afterwards (their callable defaults are not
        run: a timestamp per row costs more than the row)."""
        self.model = model
        self.static: dict[str, Any] = {}
        self.dynamic: list[tuple[str, Callable[[], Any]]] = []
        self.relations: dict[str, tuple[str, str]] = {}  # name → (attname, cache name)
        for field in model._meta.concrete_fields:
            if field.attname in set_later:
                self.static[field.attname] = None
            elif field.has_default() and callable(field.default):
                self.dynamic.append((field.attname, field.default))
            else:
                self.static[field.attname] = field.get_default()
            if field.is_relation:
                self.relations[field.name] = (field.attname, field.cache_name)

    def __call__(self, **values: Any) -> models.Model:
        obj = self.model.__new__(self.model)
        state = obj._state = models.base.ModelState()
        state.fields_cache = cache = {}  # what the related descriptors fill on assignment
        attrs = obj.__dict__
        attrs.update(self.static)
        for attname, make in self.dynamic:
            attrs[attname] = make()
        for name, value in values.items():
            relation = self.relations.get(name)
            if relation is None:
                attrs[name] = value
            else:
                attrs[relation[0]] = None if value is None else value.pk
                cache[relation[1]] = value
        return obj
