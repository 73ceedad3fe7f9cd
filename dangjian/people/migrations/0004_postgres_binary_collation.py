"""On PostgreSQL, compare sort keys and tree paths byte by byte ("C"), as SQLite does.

A database created with a locale collation (en_US.UTF-8 …) would otherwise ignore spaces in
pinyin keys and could reorder tree paths, so lists and subtree ranges would differ between the
two databases. SQLite already compares with BINARY; nothing to do there.
"""

from django.db import migrations

STATEMENTS = [
    'ALTER TABLE people_person ALTER COLUMN name_sort_key TYPE varchar(160) COLLATE "C"',
    'ALTER TABLE people_person ALTER COLUMN name_initials TYPE varchar(40) COLLATE "C"',
    'ALTER TABLE people_person ALTER COLUMN name_pinyin TYPE varchar(160) COLLATE "C"',
    'ALTER TABLE orgs_org ALTER COLUMN path TYPE varchar(255) COLLATE "C"',
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in STATEMENTS:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("people", "0003_name_pinyin"), ("orgs", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
