import time
from pathlib import Path

from django.core.management.base import BaseCommand

from dangjian.documents import services, spreadsheets
from dangjian.documents.management.commands._common import add_org_user, resolve
from dangjian.documents.models import ExportKind


class Command(BaseCommand):
    help = (
        "导出某组织及其下级的党员花名册（.xlsx，只含预备党员和正式党员）；--kind roster_dev "
        "入党申请人、入党积极分子、发展对象名册，--kind statistics 统计表，--kind due 待办事项清单"
    )

    def add_arguments(self, parser):
        add_org_user(parser)
        parser.add_argument("--output", "-o", help="输出文件（默认：<组织名称>-党员花名册-YYYYMMDD.xlsx）")
        parser.add_argument("--unmask", action="store_true", help="写出完整公民身份号码和电话")
        parser.add_argument("--kind", choices=ExportKind.values, default=ExportKind.ROSTER)

    def handle(self, *args, org, user, output, unmask, kind, **options):
        node, _actor = resolve(org, user, unmask=unmask)
        target = Path(output or services.export_filename(kind, node, unmask))
        started = time.perf_counter()
        if kind == ExportKind.ROSTER:
            n = spreadsheets.write_roster(target, node, unmask=unmask)
        elif kind == ExportKind.DEVELOPMENT_ROSTER:
            n = spreadsheets.write_development_roster(target, node, unmask=unmask)
        elif kind == ExportKind.STATISTICS:
            n = spreadsheets.write_statistics(target, node)
        else:
            n = spreadsheets.write_due(target, node)
        seconds = time.perf_counter() - started
        self.stdout.write(f"已导出：{target}（{n} 行，{target.stat().st_size // 1024} KB，{seconds:.1f} 秒）")
