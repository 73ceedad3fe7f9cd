from django.db import migrations


def rekey(apps, schema_editor):
    """Names whose surname is not in the readings table were read as one phrase across surname and
    given name (于思梦 as "yu sai meng"); they are now read apart. Recompute the keys that change."""
    from dangjian.base.pinyin import name_initials, name_sort_key

    Person = apps.get_model("people", "Person")
    rows = Person.objects.order_by("pk").values_list("pk", "name", "name_sort_key")
    changed = []
    for pk, name, key in rows.iterator(chunk_size=5000):
        new = name_sort_key(name)
        if new != key:
            changed.append(Person(pk=pk, name_sort_key=new, name_initials=name_initials(name), name_pinyin=new.replace(" ", "")))
    Person.objects.bulk_update(changed, ["name_sort_key", "name_initials", "name_pinyin"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("people", "0008_org_standing_index")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
