"""`dangjian campaign list|stats|close|grid-import`: the campaigns from the command line.

Without --user the command acts as the system and sees every campaign; with --user it sees and may
do what that user may (the same scope and rights as the pages).
"""

import datetime as dt
import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from dangjian.accounts.models import User
from dangjian.mobilization import gridfile, selectors, services
from dangjian.mobilization.report import stats_text
from dangjian.orgs.models import Org


class Command(BaseCommand):
    help = "战时动员：list 列出动员；stats 编号 统计；close 编号 结束动员；grid-import 编号 文件 导入网格包保"
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="列出战时动员")
        listing.add_argument("--user", help="按该用户的授权范围（默认：全部）")
        stats = sub.add_parser(
            "stats", help="动员统计（临时党组织、队伍、先锋岗责任区、网格、值守、一线推荐、表扬）"
        )
        stats.add_argument("code", help="动员编号")
        stats.add_argument("--format", choices=["text", "json"], default="text")
        stats.add_argument("--user", help="按该用户的授权范围统计（默认：全部）")
        close = sub.add_parser("close", help="结束动员：撤销其临时党组织（保留历史），结束队伍、岗位")
        close.add_argument("code", help="动员编号")
        close.add_argument("--on", required=True, help="结束日期 YYYY-MM-DD")
        close.add_argument("--note", default="", help="说明")
        close.add_argument("--user", help="以该用户的身份办理（默认：系统）")
        grid = sub.add_parser("grid-import", help="从 .xlsx 或 .csv 导入网格包保（全部无误才导入）")
        grid.add_argument("code", help="动员编号")
        grid.add_argument("file", help=".xlsx 或 UTF-8 .csv 文件")
        grid.add_argument("--org", help="文件没有“包保党组织代码”列时，网格归该组织包保")
        grid.add_argument("--user", help="以该用户的身份办理（默认：系统）")
        grid.add_argument("--dry-run", action="store_true", help="只检查，不导入")

    def _user(self, username):
        if not username:
            return None
        account = User.objects.filter(username=username, is_active=True).first()
        if account is None:
            raise CommandError(f"用户“{username}”不存在或已停用。")
        return account

    def _campaign(self, user, code):
        try:
            return selectors.get_campaign_for_user(user, code=code)
        except Http404:
            raise CommandError(f"没有编号为“{code}”的战时动员（或不在授权范围内）。") from None

    def handle(self, *args, action, **options):
        user = self._user(options.pop("user", None))
        try:
            getattr(self, "handle_" + action.replace("-", "_"))(user, **options)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None

    def handle_list(self, user, **options):
        for c in selectors.campaign_list(user):
            status = f"已于{c.closed_on:%Y-%m-%d}结束" if c.closed_on else "进行中"
            self.stdout.write(f"{c.code}\t{c.name}\t{c.org.name}\t{c.starts_on:%Y-%m-%d}\t{status}")

    def handle_stats(self, user, code, format, **options):
        campaign = self._campaign(user, code)
        stats = selectors.campaign_stats(user, campaign)
        if format == "json":
            sys.stdout.write(json.dumps(stats.as_dict(), ensure_ascii=False, indent=1) + "\n")
        else:
            self.stdout.write(stats_text(stats))

    def handle_close(self, user, code, on, note, **options):
        campaign = self._campaign(user, code)
        try:
            closed_on = dt.date.fromisoformat(on)
        except ValueError:
            raise CommandError(f"日期“{on}”格式不对，应为 YYYY-MM-DD。") from None
        services.campaign_close(actor=user, campaign=campaign, closed_on=closed_on, note=note)
        self.stdout.write(
            f"“{campaign.name}”已于{closed_on:%Y-%m-%d}结束，临时党组织已撤销（保留历史记录）。"
        )

    def handle_grid_import(self, user, code, file, org, dry_run, **options):
        campaign = self._campaign(user, code)
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件“{file}”不存在。")
        default = None
        if org:
            default = Org.objects.filter(code=org, path__startswith=campaign.org.path).first()
            if default is None:
                raise CommandError(f"本次动员的范围内没有组织代码“{org}”。")
        try:
            table = gridfile.read_table(path.read_bytes(), path.name)
        except gridfile.UnreadableGrid as exc:
            raise CommandError(str(exc)) from None
        rows, problems = gridfile.parse(user, campaign, table, default_org=default)
        found = [(p.row, p.column, p.message) for p in problems]
        if not found:
            try:
                result = services.grid_import(actor=user, campaign=campaign, rows=rows, dry_run=dry_run)
            except services.GridImportError as exc:
                found = exc.problems
        if found:
            for row, column, message in found:
                self.stderr.write(f"第{row}行 {column}：{message}")
            raise CommandError(f"发现{len(found)}个问题，没有导入。")
        verb = "检查通过，将" if dry_run else "已导入："
        self.stdout.write(
            f"{verb}新增网格{result.created}个，确定负责人{result.leads_set}名，{result.unchanged}行没有变化。"
        )
