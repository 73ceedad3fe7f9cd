"""`dangjian workcal show YEAR` and `dangjian workcal check DATE N`."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from dangjian.workcal import calendar
from dangjian.workcal.calendar import CalendarUnknown

WEEKDAYS = "一二三四五六日"


def weekday_name(day: dt.date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise CommandError(f"年份“{text}”无效，应为四位数字，如 2026。") from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”无效，格式应为 YYYY-MM-DD，如 2026-09-30。") from None


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise CommandError(f"工作日数“{text}”无效，应为正整数。")
    return n


class Command(BaseCommand):
    help = (
        "工作日历：show YEAR 列出该年的节假日和调休上班日；check DATE N 计算自 DATE 起 N 个工作日的截止日期"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="列出该年放假的工作日（周一至周五）和调休上班的周末")
        show.add_argument("year")
        check = sub.add_parser("check", help="自 DATE 起（DATE 是工作日则算第 1 天）第 N 个工作日")
        check.add_argument("date")
        check.add_argument("n")

    def handle(self, *args, action, **options):
        try:
            if action == "show":
                self.do_show(_year(options["year"]))
            else:
                self.do_check(_date(options["date"]), _count(options["n"]), options["verbosity"])
        except CalendarUnknown as exc:
            raise CommandError(exc.message) from None

    def do_show(self, year: int) -> None:
        days = calendar.special_days(year)
        source = calendar.LIBRARY_SOURCE if year in calendar.LIBRARY_YEARS else "人工录入"
        self.stdout.write(f"{year}年节假日安排（数据来源：{source}），共 {len(days)} 天：")
        for day in days:
            status = "上班" if day.is_workday else "休息"
            line = f"{day.date.isoformat()} {weekday_name(day.date)} {status} {day.name}"
            if day.overridden:
                line += f"〔人工录入，依据：{day.source}〕"
            self.stdout.write(line)

    def do_check(self, start: dt.date, n: int, verbosity: int) -> None:
        end = calendar.add_working_days(start, n)
        if verbosity == 0:
            self.stdout.write(end.isoformat())
            return
        self.stdout.write(
            f"自 {start.isoformat()}（{weekday_name(start)}）起 {n} 个工作日，"
            f"截止于 {end.isoformat()}（{weekday_name(end)}）。"
        )
