"""Seal the existing rows (tamper evidence, see dangjian/audit/ledger.py).

The rows are read through the current models that this app registers with the ledger, as every
later write seals them; this migration is the last of the app when it is written, so they match.
"""

from django.db import migrations

KEYS = ["development.case", "development.evidence", "development.ruleset"]


def seal_existing_rows(apps, schema_editor):
    from dangjian.audit import ledger

    ledger.seal_all(keys=KEYS)


class Migration(migrations.Migration):
    dependencies = [("development", "0006_case_remarks"), ("audit", "0002_chained_log_and_seals")]

    operations = [migrations.RunPython(seal_existing_rows, migrations.RunPython.noop, elidable=False)]
