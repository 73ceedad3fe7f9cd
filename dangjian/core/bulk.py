"""Fast all-or-nothing inserts for already-validated rows (demo data, imports).

Django's bulk_create compiles every value through the full field machinery and, on SQLite, splits
rows into batches of 999 parameters. For 100,000+ validated rows a plain executemany is several
times faster. Values go through the same adapters: dates and strings as they are, JSON and
datetimes through the field's own get_db_prep_save.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
)


def _converter(field: models.Field, now) -> Callable[[models.Model], Any]:
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        constant = field.get_db_prep_save(now, connection)
        return lambda obj: constant
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return lambda obj: getattr(obj, field.attname)
    if isinstance(field, PLAIN_FIELDS):
        return lambda obj: getattr(obj, field.attname)
    return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), connection)


def insert_rows(model: type[models.Model], objects: Sequence[models.Model], batch_size: int = 5000) -> int:
    """INSERT the objects (primary keys are left to the database); returns the row count."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    converters = [_converter(f, now) for f in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            chunk: Iterable[models.Model] = objects[start : start + batch_size]
            cursor.executemany(sql, [tuple(convert(obj) for convert in converters) for obj in chunk])
    return len(objects)
