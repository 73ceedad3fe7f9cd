"""`dangjian workcal show YEAR` and `dangjian workcal check DATE N`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangjian.workcal.services import calendar_day_set, calendar_year_mark_complete

pytestmark = pytest.mark.django_db
UNKNOWN_2027 = "2027年的节假日安排尚未录入，无法计算工作日。"


def run(*args: str) -> str:
    out = StringIO()
    call_command("workcal", *args, stdout=out)
    return out.getvalue()


def test_check_prints_the_end_date():
    assert (
        run("check", "2026-09-30", "5")
        == "自 2026-09-30（星期三）起 5 个工作日，截止于 2026-10-12（星期一）。\n"
    )
    assert run("--verbosity", "0", "check", "2026-09-28", "5") == "2026-10-09\n"


def test_check_into_an_unknown_year_fails_with_exit_code_1():
    with pytest.raises(CommandError) as info:
        run("check", "2026-12-28", "5")
    assert str(info.value) == UNKNOWN_2027
    assert info.value.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "2026-13-01", "5"), "日期“2026-13-01”无效，格式应为 YYYY-MM-DD，如 2026-09-30。"),
        (("check", "2026-09-30", "0"), "工作日数“0”无效，应为正整数。"),
        (("check", "2026-09-30", "五"), "工作日数“五”无效，应为正整数。"),
        (("show", "明年"), "年份“明年”无效，应为四位数字，如 2026。"),
        (("show", "2027"), UNKNOWN_2027),
    ],
)
def test_errors_in_chinese(args, message):
    with pytest.raises(CommandError) as info:
        run(*args)
    assert str(info.value) == message


def test_show_lists_only_the_exceptions():
    lines = run("show", "2026").splitlines()
    assert lines[0] == "2026年节假日安排（数据来源：chinese-calendar 1.11.0），共 25 天："
    assert "2026-10-10 星期六 上班 国庆节调休上班" in lines
    assert "2026-02-14 星期六 上班 春节调休上班" in lines
    assert "2026-02-23 星期一 休息 春节" in lines
    assert "2026-10-01 星期四 休息 国庆节" in lines
    assert not any(line.startswith(("2026-10-03", "2026-10-12")) for line in lines)


def test_show_a_year_entered_by_hand():
    calendar_day_set(actor=None, day=dt.date(2027, 1, 1), is_workday=False, name="元旦", source="测试通知")
    calendar_year_mark_complete(actor=None, year=2027, source="测试通知")
    assert run("show", "2027").splitlines() == [
        "2027年节假日安排（数据来源：人工录入），共 1 天：",
        "2027-01-01 星期五 休息 元旦〔人工录入，依据：测试通知〕",
    ]
    assert run("check", "2026-12-28", "5").endswith("截止于 2027-01-04（星期一）。\n")
