"""`dangjian dues calc|check|open|rebuild`: the 党费 calculator and the books from the command line.

- `calc --category KEY --income X [--flat Y] [--on YYYY-MM-DD] [--org CODE]` prints the monthly dues
  as JSON (category, base, rate, amount as a decimal string, rule, article); bad input is a Chinese
  message on stderr and exit code 2, never a traceback.
- `check [--org CODE]` recomputes every org's monthly aggregate from the records and verifies the
  balance (opening + collected + received − handed up − allocated − spent = closing): each problem
  is printed with the org and month, exit code 1 if there is any.
- `open --month YYYY-MM [--org CODE]` opens a month for every collecting org (run it on the 1st
  from cron): each member who owes that month gets a ledger row.
- `rebuild [--org CODE]` recomputes the aggregate from the records (after a repair by hand).
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from dangjian.dues import aggregates
from dangjian.dues.calculator import CalcError, quote
from dangjian.dues.months import parse_month
from dangjian.dues.rules import DuesRules
from dangjian.orgs.models import Org, subtree_q

BAD_INPUT = 2


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


class Command(BaseCommand):
    help = "党费：calc 党费计算器；check 核对党费账目与结余；open 开始收缴某月党费；rebuild 重新计算月度汇总"
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse's own messages are English and exit 2: say it in Chinese (still exit 2).
        parser.error = self._parser_error
        return parser

    def _parser_error(self, message: str):
        self.stderr.write(
            f"参数有误：{message}。用法：dangjian dues calc --category 类别 --income 收入 [--on 日期]"
        )
        sys.exit(BAD_INPUT)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action")
        calc = sub.add_parser("calc", help="计算每月应交党费（JSON）")
        calc.add_argument("--category", default="", help="党费类别：in_service、annual_salary、self_employed、retired、"
                          "farmer、student、unemployed、subsistence")  # fmt: skip
        calc.add_argument("--income", default=None, help="交纳基数（元），按收入比例交纳的类别必填")
        calc.add_argument("--flat", default=None, help="农民党员：党支部确定的每月金额（元）")
        calc.add_argument("--on", default="", help="按该日期适用的规则集计算，YYYY-MM-DD（默认今天）")
        calc.add_argument("--org", default="", help="按该党组织（代码）适用的规则集（默认全辖区规则集）")
        check = sub.add_parser("check", help="核对党费月度汇总、结余与明细记录是否一致")
        check.add_argument("--org", default="", help="只核对该党组织（代码）及其下级")
        opening = sub.add_parser("open", help="开始收缴某月党费（为应交党员建立应交记录）")
        opening.add_argument("--month", required=True, help="月份 YYYY-MM")
        opening.add_argument("--org", default="", help="党组织代码（默认全部）")
        rebuild = sub.add_parser("rebuild", help="按明细重新计算党费月度汇总")
        rebuild.add_argument("--org", default="", help="只重算该党组织（代码）及其下级")
        for command in (calc, check, opening, rebuild):
            command.error = self._parser_error

    def _org(self, code: str) -> Org | None:
        if not code:
            return None
        org = Org.objects.filter(code=code.strip()).first()
        if org is None:
            raise _bad(f"没有代码为“{code}”的党组织。")
        return org

    def handle(self, *args, action=None, **options):
        if action is None:
            raise _bad("请指定操作：calc、check、open 或 rebuild。")
        return getattr(self, f"handle_{action}")(**options)

    def handle_calc(self, category, income, flat, on, org, **options):
        if not category:
            raise _bad("请用 --category 指定党费类别。")
        try:
            day = dt.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise _bad(f"日期“{on}”格式不对，应为 YYYY-MM-DD。") from None
        target = self._org(org)
        try:
            result = quote(DuesRules().params(target, day), category, income, flat)
        except CalcError as exc:
            raise _bad(str(exc)) from None
        sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")

    def _org_ids(self, code: str) -> set[int] | None:
        org = self._org(code)
        if org is None:
            return None
        return set(Org.objects.filter(subtree_q(org.path)).values_list("pk", flat=True))

    def handle_check(self, org, **options):
        problems = aggregates.check(self._org_ids(org))
        if problems:
            for line in aggregates.describe(problems):
                self.stderr.write(line)
            raise CommandError(f"党费账目发现{len(problems)}处问题。", returncode=1)
        self.stdout.write(self.style.SUCCESS("党费账目与明细一致，各党组织各月收支平衡。"))

    def handle_open(self, month, org, **options):
        from dangjian.dues.services import month_open

        try:
            number = parse_month(month)
        except ValueError as exc:
            raise _bad(str(exc)) from None
        roots = [self._org(org)] if org else list(Org.objects.filter(depth=1).order_by("path"))
        total = 0
        try:
            for root in roots:
                total += month_open(actor=None, org=root, month=number)
        except ValidationError as exc:
            raise _bad("；".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"已建立{total}条应交记录。"))

    def handle_rebuild(self, org, **options):
        with transaction.atomic():
            rows = aggregates.rebuild(self._org_ids(org))
        self.stdout.write(self.style.SUCCESS(f"已重新计算党费月度汇总（{rows}行）。"))
