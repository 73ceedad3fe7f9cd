import json
import os
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dangjian.audit import ledger

MAX_LINES = 200  # problems printed; the count says how many there are in all


def default_anchor_file() -> Path:
    """DANGJIAN_ANCHOR_FILE, else var/anchors.jsonl: a file, never a row of the database."""
    return Path(os.environ.get("DANGJIAN_ANCHOR_FILE") or Path(settings.VAR_DIR) / "anchors.jsonl")


def last_anchor(path: Path) -> dict:
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError as exc:
        raise CommandError(f"不能读取锚点文件 {path}：{exc}") from exc
    if not lines:
        raise CommandError(f"锚点文件 {path} 是空的。")
    try:
        return json.loads(lines[-1])
    except ValueError as exc:
        raise CommandError(f"锚点文件 {path} 的最后一行不是有效的 JSON。") from exc


class Command(BaseCommand):
    help = (
        "全程纪实：verify 校验步骤记录、变更记录和封存记录的哈希链及全部封存的数据行，逐项报告问题，"
        "未通过时退出状态为 1；anchor 把各链链首和封存根哈希追加到数据库之外的锚点文件"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        verify = sub.add_parser("verify", help="校验全部哈希链、链首记录、有效标志和封存的数据行")
        verify.add_argument(
            "--anchor", metavar="FILE", help="同时核对该锚点文件的最后一个锚点：链须仍延续导出时的链首"
        )
        anchor = sub.add_parser("anchor", help="校验通过后，把当前链首和封存根哈希追加到锚点文件")
        anchor.add_argument(
            "--output", metavar="FILE", help="锚点文件（默认 $DANGJIAN_ANCHOR_FILE 或 var/anchors.jsonl）"
        )
        anchor.add_argument("--url", help="另将锚点以 JSON POST 到该地址（仅在给出时）")

    def handle(self, *args, action, **options):
        ok, report = self._verify(anchor_file=options.get("anchor"))
        if action == "verify":
            if not ok:
                raise SystemExit(1)
            return
        if not ok:
            self.stderr.write(self.style.ERROR("校验未通过，不导出锚点（否则锚点会认可被改动的数据）。"))
            raise SystemExit(1)
        self._anchor(report, output=options.get("output"), url=options.get("url"))

    def _verify(self, *, anchor_file: str | None) -> tuple[bool, ledger.Report]:
        ok = True
        for title, chain_ok, count, lines in ledger.verify_chains():
            if chain_ok:
                self.stdout.write(self.style.SUCCESS(f"{title}校验通过：共 {count} 条记录，{lines[0]}"))
            else:
                ok = False
                self.stderr.write(self.style.ERROR(f"{title}校验未通过：{lines[0]}"))
                for line in lines[1:]:
                    self.stderr.write(line)
        report = ledger.verify()
        problems = [p.describe() for p in report.problems]
        if anchor_file:
            problems += ledger.check_anchor(last_anchor(Path(anchor_file)), report)
        if problems:
            ok = False
            self.stderr.write(self.style.ERROR(f"变更记录与封存数据校验未通过：{len(problems)} 处问题。"))
            for line in problems[:MAX_LINES]:
                self.stderr.write(f"  {line}")
            if len(problems) > MAX_LINES:
                self.stderr.write(f"  ……另有 {len(problems) - MAX_LINES} 处未列出。")
        else:
            anchored = f"，与锚点文件 {anchor_file} 的最后一个锚点一致" if anchor_file else ""
            self.stdout.write(
                self.style.SUCCESS(
                    f"变更记录与封存数据校验通过：变更记录 {report.log_count} 条，封存记录 "
                    f"{report.seal_count} 条，封存的数据行 {report.rows} 行{anchored}"
                    f"（用时 {report.seconds:.1f} 秒）。"
                )
            )
        return ok, report

    def _anchor(self, report: ledger.Report, *, output: str | None, url: str | None) -> None:
        state = ledger.anchor_state(report)
        line = json.dumps(state, ensure_ascii=False, sort_keys=True)
        path = Path(output) if output else default_anchor_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:  # append only: earlier anchors are kept
            out.write(line + "\n")
        self.stdout.write(self.style.SUCCESS(f"锚点已追加到 {path}：{line}"))
        if url:
            request = urllib.request.Request(
                url, data=line.encode(), headers={"Content-Type": "application/json"}, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=15) as response:
                    status = response.status
            except OSError as exc:
                self.stderr.write(self.style.ERROR(f"锚点未能发送到 {url}：{exc}"))
                raise SystemExit(1) from exc
            self.stdout.write(f"锚点已发送到 {url}（HTTP {status}）。")
