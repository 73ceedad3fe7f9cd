"""Chain the step records of earlier versions (全程纪实): hashes in id order, then the head row.

Earlier versions returned (退回) a step by changing its row: is_current=False and correction_reason
"退回：原因". Each such row (not current, superseded by nothing) first gets a return marker appended
after all existing rows, carrying the reason, with the user and time of the matching change-log
entry, so the rows say what `dangjian audit verify` expects. The reason is moved off the returned row
unless that row was itself a correction (the old version had overwritten its correction reason).

Reversing this migration keeps the markers (they then read as non-current rows).
"""

from django.db import migrations
from django.utils import timezone

BATCH = 5000
RETURN_PREFIX = "退回："


def convert_legacy_returns(StepRecord, ChangeRecord) -> int:
    legacy = StepRecord.objects.filter(
        kind="record", is_current=False, superseded_by__isnull=True
    ).select_related("case")
    converted = 0
    for old in legacy.order_by("pk"):
        reason = old.correction_reason
        text = reason.removeprefix(RETURN_PREFIX).strip() or "（原因未记录）"
        log = (
            ChangeRecord.objects.filter(
                object_type="development.case", object_id=old.case_id, message=f"{RETURN_PREFIX}{text}"
            )
            .order_by("-time", "-id")
            .first()
        )
        at = log.time if log is not None else timezone.now()
        StepRecord.objects.create(
            case_id=old.case_id, step=old.step, on=timezone.localdate(at),
            org_id=old.org_id if old.step in (17, 24) else old.case.org_id,
            actor_id=log.actor_id if log is not None else None,
            actor_name=log.actor_name if log is not None else "系统",
            kind="return", supersedes_id=old.pk, correction_reason=text[:300], is_current=False, created_at=at,
        )  # fmt: skip
        if old.supersedes_id is None and reason.startswith(RETURN_PREFIX):
            StepRecord.objects.filter(pk=old.pk).update(correction_reason="")
        converted += 1
    return converted


def fill_hashes(StepRecord, Head, connection) -> tuple[int, int, str]:
    from dangjian.development.chain import GENESIS, HASHED_FIELDS, content_hash

    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(StepRecord._meta.db_table)} SET {quote('prev_hash')} = %s, {quote('hash')} = %s "
        f"WHERE {quote('id')} = %s"
    )
    prev, count, last_id = GENESIS, 0, 0
    while True:
        rows = list(
            StepRecord.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", *HASHED_FIELDS)[:BATCH]
        )
        if not rows:
            break
        updates = []
        for pk, *values in rows:
            digest = content_hash(prev, values)
            updates.append((prev, digest, pk))
            prev, last_id = digest, pk
        count += len(rows)
        with connection.cursor() as cursor:
            cursor.executemany(sql, updates)
    Head.objects.update_or_create(pk=1, defaults={"last_id": last_id, "hash": prev, "count": count})
    return count, last_id, prev


def forwards(apps, schema_editor):
    StepRecord = apps.get_model("development", "StepRecord")
    convert_legacy_returns(StepRecord, apps.get_model("audit", "ChangeRecord"))
    fill_hashes(StepRecord, apps.get_model("development", "RecordChainHead"), schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("development", "0004_record_chain"), ("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
