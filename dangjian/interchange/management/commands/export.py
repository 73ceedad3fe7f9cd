from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action, User
from dangjian.interchange import exporter
from dangjian.orgs.models import Org


class Command(BaseCommand):
    help = "导出某组织及其下级的发展党员纪实台账（与导入模板相同的格式）；--template 导出空白模板"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="组织代码")
        parser.add_argument("--output", "-o", help="输出文件（默认：<组织名称>-发展纪实-YYYYMMDD.xlsx）")
        parser.add_argument("--user", help="按该用户的授权范围导出（默认：全部）")
        parser.add_argument("--unmask", action="store_true", help="写出完整公民身份号码（再导入需要）")
        parser.add_argument("--template", action="store_true", help="只导出空白模板")

    def handle(self, *args, org, output, user, unmask, template, **options):
        if template:
            target = Path(output or "发展党员纪实台账模板.xlsx")
            target.write_bytes(exporter.template_bytes())
            self.stdout.write(f"已写入模板：{target}")
            return
        if not org:
            raise CommandError("请用 --org 指定组织代码，或用 --template 导出空白模板。")
        node = Org.objects.filter(code=org).first()
        if node is None:
            raise CommandError(f"组织代码“{org}”不存在。")
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"用户“{user}”不存在或已停用。")
            if not scope.can(actor, Action.VIEW, node):
                raise CommandError(f"“{node.name}”不在用户“{user}”的授权范围内。")
            if unmask and not scope.can(actor, Action.VIEW_PERSONAL_DATA, node):
                raise CommandError(f"用户“{user}”无权查看完整公民身份号码。")
        target = Path(output or f"{node.name}-发展纪实-{timezone.localdate():%Y%m%d}.xlsx")
        data = exporter.export_bytes(user=actor, org=node, unmask=unmask)
        target.write_bytes(data)
        self.stdout.write(f"已导出：{target}（{len(data) // 1024} KB）")
