"""Seed the national rule set (2014 细则) with its default parameters."""

from django.db import migrations


def forwards(apps, schema_editor):
    from dangjian.development.rulesets import ensure_national

    ensure_national(apps.get_model("development", "RuleSet"))


class Migration(migrations.Migration):
    dependencies = [("development", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
