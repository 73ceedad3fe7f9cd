from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dangjian.base import hooks
from dangjian.people import counts


class Command(BaseCommand):
    help = "人数汇总：check 核对汇总表（人数汇总、构成汇总）与明细是否一致；rebuild 从明细重新计算"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "rebuild"])

    def handle(self, *args, action, **options):
        if action == "rebuild":
            with transaction.atomic():
                done = [f"人数汇总（{counts.rebuild()} 行）"]
                done += [f"{k.TITLE}（{k.rebuild()} 行）" for k in hooks.count_keepers()]
            self.stdout.write(self.style.SUCCESS(f"已重新计算{'和'.join(done)}。"))
            return
        problems = []
        keepers = [("人数汇总", counts), *((k.TITLE, k) for k in hooks.count_keepers())]
        for name, module in keepers:
            expected, actual = module.recompute(), module.stored()
            wrong = {k for k in expected.keys() | actual.keys() if expected.get(k, 0) != actual.get(k, 0)}
            if wrong:
                problems.append(f"{name}与明细不一致（{len(wrong)} 处）")
        if problems:
            raise CommandError("；".join(problems) + "，请运行 dangjian counts rebuild。")
        self.stdout.write(self.style.SUCCESS(f"{'、'.join(n for n, _ in keepers)}与明细一致。"))
