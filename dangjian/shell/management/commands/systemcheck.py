"""Django's system check framework (`dangjian check` is the compliance check of 发展党员 records)."""

from django.core.management.commands.check import Command as DjangoCheck


class Command(DjangoCheck):
    help = "运行 Django 系统检查（原 manage.py check；dangjian check 是发展党员合规检查）"
