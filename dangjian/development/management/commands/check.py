import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts.models import User
from dangjian.development import compliance
from dangjian.development.models import Case, RuleSet
from dangjian.development.selectors import cases_for
from dangjian.orgs.models import Org, subtree_q


class Command(BaseCommand):
    help = "合规检查：按规则检查发展党员纪实，输出每人每条规则的问题（INTERCHANGE.md 合规报告格式）"
    requires_system_checks = []  # a read-only report: Django's system checks are `dangjian systemcheck`

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "xlsx", "text"], default="json")
        parser.add_argument("--org", help="只检查该组织代码及其下级")
        parser.add_argument(
            "--ruleset", help="按指定规则集检查（默认：每份纪实按其最近步骤日期适用的规则集）"
        )
        parser.add_argument("--user", help="按该用户的授权范围检查（默认：全部）")
        parser.add_argument("--unmask", action="store_true", help="输出完整公民身份号码（默认隐去中间部分）")
        parser.add_argument(
            "--output",
            help="写入该文件（xlsx 默认为当前目录下的 合规检查报告-YYYYMMDD.xlsx；json/text 默认输出到屏幕）",
        )

    def handle(self, *args, format, org, ruleset, user, unmask, output, **options):
        cases = Case.objects.all()
        if user:
            account = User.objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"用户“{user}”不存在或已停用。")
            cases = cases_for(account)
        node = None
        if org:
            node = Org.objects.filter(code=org).first()
            if node is None:
                raise CommandError(f"组织代码“{org}”不存在。")
            cases = cases.filter(subtree_q(node.path, "org__path"))
        chosen = None
        if ruleset:
            chosen = RuleSet.objects.filter(code=ruleset).first()
            if chosen is None:
                codes = "、".join(RuleSet.objects.values_list("code", flat=True))
                raise CommandError(f"规则集“{ruleset}”不存在（可用：{codes}）。")
        report = compliance.run(cases, ruleset=chosen)
        if format == "xlsx":
            path = Path(output or compliance.default_xlsx_name())
            try:
                handle = path.open("wb")
            except OSError as exc:
                raise CommandError(f"无法写入“{path}”：{exc.strerror or exc}") from None
            with handle:
                compliance.write_xlsx(
                    report, handle, unmask=unmask, scope=node.name if node is not None else ""
                )
            self.stdout.write(str(path.resolve()))
            return
        if format == "json":
            text = json.dumps(compliance.as_dict(report, unmask=unmask), ensure_ascii=False, indent=1) + "\n"
        else:
            text = compliance.as_text(report, unmask=unmask) + "\n"
        if output:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"无法写入“{output}”：{exc.strerror or exc}") from None
            self.stdout.write(str(Path(output).resolve()))
        elif format == "json":
            sys.stdout.write(text)
        else:
            self.stdout.write(text, ending="")
