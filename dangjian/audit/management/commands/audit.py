from django.core.management.base import BaseCommand

from dangjian.development import chain


class Command(BaseCommand):
    help = "全程纪实：verify 校验步骤记录的哈希链（按记录编号顺序），报告第一处断裂；未通过时退出状态为 1"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        sub.add_parser("verify", help="校验全部步骤记录的哈希链、链首记录和有效标志")

    def handle(self, *args, action, **options):
        result = chain.verify()
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"全程纪实校验通过：共 {result.count} 条记录，链首哈希 {result.head_hash}"
                    f"（用时 {result.seconds:.1f} 秒）。"
                )
            )
            return
        self.stderr.write(self.style.ERROR(f"全程纪实校验未通过：{result.broken.describe()}"))
        self.stderr.write(f"此前的 {result.count} 条记录完好（至该处的哈希 {result.head_hash}）。")
        raise SystemExit(1)
