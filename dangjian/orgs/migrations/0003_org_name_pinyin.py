"""Pinyin of every org's name, so the org pickers find an org by typing its pinyin."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from dangjian.orgs.models import org_name_pinyin

    Org = apps.get_model("orgs", "Org")
    batch = []
    for org in Org.objects.only("id", "name").iterator(chunk_size=2000):
        org.name_pinyin, org.name_initials = org_name_pinyin(org.name)
        batch.append(org)
        if len(batch) >= 2000:
            Org.objects.bulk_update(batch, ["name_pinyin", "name_initials"])
            batch = []
    if batch:
        Org.objects.bulk_update(batch, ["name_pinyin", "name_initials"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_seal_rows")]

    operations = [
        migrations.AddField(
            model_name="org",
            name="name_pinyin",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=480, verbose_name="名称全拼"
            ),
        ),
        migrations.AddField(
            model_name="org",
            name="name_initials",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=120, verbose_name="名称拼音首字母"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
