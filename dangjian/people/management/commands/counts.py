from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dangjian.people import counts


class Command(BaseCommand):
    help = "人数汇总：check 核对汇总表与明细是否一致；rebuild 从明细重新计算"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "rebuild"])

    def handle(self, *args, action, **options):
        if action == "rebuild":
            with transaction.atomic():
                n = counts.rebuild()
            self.stdout.write(self.style.SUCCESS(f"已重新计算人数汇总（{n} 行）。"))
            return
        expected, actual = counts.recompute(), counts.stored()
        wrong = {k for k in expected.keys() | actual.keys() if expected.get(k, 0) != actual.get(k, 0)}
        if wrong:
            raise CommandError(f"人数汇总与明细不一致（{len(wrong)} 处），请运行 dangjian counts rebuild。")
        self.stdout.write(self.style.SUCCESS("人数汇总与明细一致。"))
