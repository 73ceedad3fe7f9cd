"""dangjian stats [--org CODE] [--from YYYY-MM] [--to YYYY-MM] [--format text|json]"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from dangjian.accounts.models import User
from dangjian.base.params import BadParameter
from dangjian.orgs.models import Org
from dangjian.stats import selectors
from dangjian.stats.api import as_dict


class Command(BaseCommand):
    help = "统计分析：党组织及其下级的人员构成、发展党员漏斗、按月趋势、下级组织对比"

    def add_arguments(self, parser):
        parser.add_argument("--org", default="", help="党组织代码（默认：最上级党组织）")
        parser.add_argument("--from", dest="start", default="", help="起始月份 YYYY-MM（默认：近12个月）")
        parser.add_argument("--to", dest="end", default="", help="截止月份 YYYY-MM")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, org, start, end, format, **options):
        # The command line is the system's own operator: it sees the whole tree, as a superuser.
        actor = User(is_superuser=True, is_active=True)
        try:
            target = (
                selectors.stats_org(actor, code=org)
                if org
                else Org.objects.filter(depth=1).order_by("path").first()
            )
        except Http404 as exc:
            raise CommandError(f"没有代码为 {org} 的党组织。") from exc
        if target is None:
            raise CommandError("还没有党组织。")
        try:
            period = selectors.parse_period(start, end, names=("--from", "--to"))
        except BadParameter as exc:
            raise CommandError(str(exc)) from exc
        stats = selectors.subtree_stats(actor, target, period)
        if format == "json":
            self.stdout.write(json.dumps(as_dict(stats), ensure_ascii=False, default=str, indent=2))
            return
        out = [
            f"{stats.org.name}（{stats.org.code}） {stats.period.first} 至 {stats.period.last}",
            f"在册人员 {stats.active.n}，党员（含预备党员） {stats.members.n}",
        ]
        for title, figures in (
            ("发展阶段", stats.standing),
            ("发展党员", [*stats.funnel, stats.frontline_admitted]),
            ("性别", stats.gender),
            ("年龄", stats.age),
            ("学历", stats.education),
            ("民族", stats.ethnicity),
            ("单位类型", stats.unit_type),
            ("人员类别", stats.category),
        ):
            out.append(f"{title}：" + "，".join(f"{f.label} {f.n}" for f in figures))
        out.append("按月：")
        for row in stats.trends:
            out.append(
                f"  {row['month']}  申请 {row['applied']}  积极分子 {row['activist']}  发展对象 {row['candidate']}"
                f"  预备党员 {row['admitted']}（火线 {row['admitted_frontline']}）  转正 {row['converted']}"
            )
        if stats.suborgs:
            out.append("下级组织：")
            for s in stats.suborgs:
                out.append(
                    f"  {s.org.name}  党员 {s.members.n}  申请人 {s.applicants.n}  积极分子 {s.activists.n}"
                    f"  发展对象 {s.candidates.n}  本期发展 {s.admitted.n}（火线 {s.frontline.n}）"
                )
        self.stdout.write("\n".join(out))
