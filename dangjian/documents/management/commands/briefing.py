import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.documents import briefing, selectors
from dangjian.documents.management.commands._common import add_org_user, resolve


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期“{value}”格式不对，应为 YYYY-MM-DD。") from exc


class Command(BaseCommand):
    help = "生成某组织在一段时间内的工作简报（文字、Word 或 PDF），数字取自系统记录"

    def add_arguments(self, parser):
        add_org_user(parser)
        parser.add_argument("--from", dest="start", required=True, help="起始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="截止日期 YYYY-MM-DD")
        parser.add_argument("--format", choices=["text", "docx", "pdf"], default="text")
        parser.add_argument("--output", "-o", help="输出文件（text 默认输出到屏幕）")

    def handle(self, *args, org, user, start, end, format, output, **options):
        node, _actor = resolve(org, user)
        period = selectors.Period(_date(start), _date(end))
        if period.end < period.start:
            raise CommandError("截止日期早于起始日期。")
        text = briefing.compose(selectors.briefing_figures(node, period))
        if format == "text":
            if output:
                Path(output).write_text(text + "\n", encoding="utf-8")
                self.stdout.write(f"已写入：{output}")
            else:
                self.stdout.write(text)
            return
        from django.utils import timezone

        from dangjian.documents.views import briefing_docx, briefing_pdf

        data = (
            briefing_docx(text, node.name, timezone.localdate()) if format == "docx" else briefing_pdf(text)
        )
        target = Path(output or f"{node.name}-工作简报-{period.end:%Y%m%d}.{format}")
        target.write_bytes(data)
        self.stdout.write(f"已导出：{target}（{len(data) // 1024} KB）")
