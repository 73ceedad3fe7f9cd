import json
import sys

from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts.models import User
from dangjian.development import compliance
from dangjian.development.models import Case, RuleSet
from dangjian.development.selectors import cases_for
from dangjian.orgs.models import Org, subtree_q


class Command(BaseCommand):
    help = "合规检查：按规则检查发展党员纪实，输出每人每条规则的问题（INTERCHANGE.md 合规报告格式）"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--org", help="只检查该组织代码及其下级")
        parser.add_argument("--ruleset", help="按指定规则集检查（默认：各步骤日期适用的规则集）")
        parser.add_argument("--user", help="按该用户的授权范围检查（默认：全部）")
        parser.add_argument("--unmask", action="store_true", help="输出完整公民身份号码（默认隐去中间部分）")

    def handle(self, *args, format, org, ruleset, user, unmask, **options):
        cases = Case.objects.all()
        if user:
            account = User.objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"用户“{user}”不存在或已停用。")
            cases = cases_for(account)
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
        report = compliance.check(cases, ruleset=chosen, unmask=unmask)
        if format == "json":
            sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        else:
            self.stdout.write(compliance.as_text(report))
