"""Seed the national rule set (2014 细则) with its default parameters."""

import datetime as dt

from django.db import migrations


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("development", "RuleSet")
    RuleSet.objects.get_or_create(
        code="national-2014",
        defaults={
            "name": "全国（2014年《发展党员工作细则》）",
            "effective_from": dt.date(2014, 6, 10),
            "overrides": {},
            "description": "中办发〔2014〕33号。公示默认不强制（各地可在本地规则集中设置天数）；"
            "火线入党例外（中组部2020年2月23日通知）适用期见 R-FRONTLINE 参数。",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("development", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
