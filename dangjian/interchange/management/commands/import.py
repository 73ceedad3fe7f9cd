import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts.models import User
from dangjian.interchange import exporter, reader
from dangjian.interchange.importer import ImportFailed, workbook_import
from dangjian.orgs.models import Org


class Command(BaseCommand):
    help = "导入发展党员纪实台账（.xlsx，或 党组织.csv、党员名册.csv、发展纪实.csv 三个文件/文件夹/zip），全部成功或全部不改动"

    def add_arguments(self, parser):
        parser.add_argument("file", help="工作簿 .xlsx、.zip、其中一个 .csv 文件或存放三个 .csv 的文件夹")
        parser.add_argument("--org", help="导入到该组织代码之下（表中上级组织编码为空的组织挂在其下）")
        parser.add_argument("--user", help="以该用户的身份和授权范围导入（默认：系统）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument(
            "--report", help="出错时把问题清单写入该 .xlsx 文件（默认：<文件名>-导入问题.xlsx）"
        )

    def handle(self, *args, file, org, user, dry_run, report, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"用户“{user}”不存在或已停用。")
        anchor = None
        if org:
            anchor = Org.objects.filter(code=org).first()
            if anchor is None:
                raise CommandError(f"组织代码“{org}”不存在。")
        path = Path(file)
        try:
            book = reader.read_path(path)
        except reader.UnreadableFile as exc:
            raise CommandError(str(exc)) from None
        try:
            result = workbook_import(actor=actor, workbook=book, org=anchor, dry_run=dry_run)
        except ImportFailed as exc:
            target = Path(report) if report else path.with_name(f"{path.stem}-导入问题.xlsx")
            target.write_bytes(exporter.report_bytes(exc.problems, exc.filename))
            errors = [p for p in exc.problems if p.is_error]
            for p in errors[:30]:
                where = "，".join(x for x in (p.sheet, f"第{p.row}行" if p.row else "", p.column) if x)
                sys.stderr.write(f"  [{where}] {p.message}\n")
            if len(errors) > 30:
                sys.stderr.write(f"  ……另有 {len(errors) - 30} 处错误\n")
            raise CommandError(f"{exc}问题清单：{target}") from None
        for p in result.warnings[:30]:
            where = "，".join(x for x in (p.sheet, f"第{p.row}行" if p.row else "", p.column) if x)
            self.stdout.write(f"  提醒 [{where}] {p.message}")
        self.stdout.write(result.summary())
