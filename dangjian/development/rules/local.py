"""Rules that no case check runs: branch life, dues, transfers and talent read their parameters
through rule_in_force, so a 组织部 sets local practice in one rule set."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dangjian.development.rules.base import (
    VIOLATION,
    WARNING,
    Facts,
    RuleDef,
)


def no_check(facts: Facts, params: dict[str, Any]) -> Iterable[tuple]:
    """Rules of branch life are read by the org-life reminders, never evaluated against a case."""
    return ()


# Branch life (RULES.md §7.1): cadences, 民主评议, terms, branch size and study hours. They live in
# the same rule sets so a 组织部 sets local practice in one place; `steps` is empty, so no case check
# ever runs them. Every parameter is read through `development.selectors.rule_params`.
ORG_LIFE_RULES: tuple[RuleDef, ...] = (
    RuleDef("R-LIFE-GENERAL", "支部党员大会（每季度）", WARNING, "支部工作条例第十一条", (), {"months": 3}, no_check),
    RuleDef("R-LIFE-COMMITTEE", "支部委员会会议（每月）", WARNING, "支部工作条例第十二条", (),
            {"months": 1, "min_full_members": 7}, no_check),
    RuleDef("R-LIFE-GROUP", "党小组会（每月）", WARNING, "支部工作条例第十三条", (), {"months": 1}, no_check),
    RuleDef("R-LIFE-THEMED", "主题党日（每月）", WARNING, "支部工作条例第十六条", (), {"months": 1}, no_check),
    RuleDef("R-LIFE-LECTURE", "党课（书记每年至少讲一次）", WARNING, "支部工作条例第十六条", (),
            {"months": 3, "secretary_per_year": 1}, no_check),
    RuleDef("R-LIFE-MEETING", "组织生活会（每年）", WARNING, "支部工作条例", (), {"months": 12}, no_check),
    RuleDef("R-APPRAISAL", "民主评议党员（优秀不超过三分之一）", VIOLATION, "支部工作条例；党员教育管理工作条例", (),
            {"months": 12, "excellent_max_numerator": 1, "excellent_max_denominator": 3}, no_check),
    RuleDef("R-TERM", "任期与换届", WARNING, "支部工作条例第十八条", (),
            {"village_years": 5, "other_years": 3, "remind_months": 6}, no_check),
    RuleDef("R-BRANCH-SIZE", "支部规模", WARNING, "支部工作条例第八、九条", (),
            {"min_full_members": 3, "max_members": 50, "committee_from": 7}, no_check),
    RuleDef("R-STUDY", "党员年度集中学习培训学时", WARNING, "党员教育管理工作条例（2019）第二十条", (),
            {"member_hours": 32, "secretary_hours": 0}, no_check),
)  # fmt: skip
# 党费 (RULES.md §7.2, 中组部《关于中国共产党党费收缴、使用和管理的规定》2008, "党费规定"): rates,
# flat amounts, rounding, the voluntary threshold, hand-up proportions and arrears, read by the dues
# app through rule_in_force like the branch-life rules. Rates are percentages and amounts yuan, both
# as decimal strings (never floats); `steps` is empty, so no case check runs them.
DUES_RULES: tuple[RuleDef, ...] = (
    RuleDef("R-DUES-RATE", "按月收入比例交纳党费（在职、年薪制、灵活就业）", VIOLATION, "党费规定第二、三、四条", (),
            {"bracket_1": "3000", "rate_1": "0.5", "bracket_2": "5000", "rate_2": "1", "bracket_3": "10000",
             "rate_3": "1.5", "rate_top": "2"}, no_check),
    RuleDef("R-DUES-RETIRED", "离退休党员按离退休费比例交纳", VIOLATION, "党费规定第五条", (),
            {"bracket": "5000", "rate_low": "0.5", "rate_high": "1"}, no_check),
    RuleDef("R-DUES-FLAT", "农民、学生等定额交纳", VIOLATION, "党费规定第六条", (),
            {"farmer_min": "0.2", "farmer_max": "1", "flat": "0.2"}, no_check),
    RuleDef("R-DUES-ROUNDING", "党费金额保留到分", WARNING, "本地规定（计算保留到分）", (), {"mode": "half_up"}, no_check),
    RuleDef("R-DUES-START", "预备党员自支部大会通过之月起交纳党费", VIOLATION, "党费规定第八条", (), {}, no_check),
    RuleDef("R-DUES-BASE", "工资变动从新工资发放之月起按新基数交纳", VIOLATION, "党费规定第十条", (), {}, no_check),
    RuleDef("R-DUES-RELIEF", "困难减免须经党支部研究、上一级党委批准", VIOLATION, "党费规定第七条", (), {}, no_check),
    RuleDef("R-DUES-VOLUNTARY", "一次自愿多交1000元以上全部上缴中央", VIOLATION, "党费规定第十一条", (),
            {"centre_threshold": "1000"}, no_check),
    RuleDef("R-DUES-ADVANCE", "预交党费（月数上限）", WARNING, "本地规定（预交期限）", (), {"max_months": 12}, no_check),
    RuleDef("R-DUES-HANDUP", "党费按比例逐级上缴", WARNING, "本地规定（上缴比例）", (),
            {"branch_percent": 100, "grassroots_percent": 50, "county_percent": 40, "city_percent": 30}, no_check),
    RuleDef("R-DUES-ARREARS", "欠缴党费提醒；连续六个月不交纳按党章第九条处理", WARNING, "党章第九条", (),
            {"remind_months": 3, "lapse_months": 6}, no_check),
    RuleDef("R-DUES-USE", "党费使用集体研究、专款专用，申请下拨不得越级", VIOLATION, "党费规定第十七至二十一条", (), {},
            no_check),
)  # fmt: skip
# 组织关系转接 (RULES.md §7.3): the validity of an introduction letter. Sources disagree (≤ 3 months,
# ≤ 6 across provinces: baiwen2.com/article/121976.html; 10 / 30 days, ≤ 3 months:
# wenshu999.com/jieshaoxin/460699.html; the letter form per 组通字〔2006〕45号), so it is a parameter.
# Read by the transfers app through rule_in_force.
TRANSFER_RULES: tuple[RuleDef, ...] = (
    RuleDef("R-TRANSFER-VALIDITY", "组织关系介绍信有效期", WARNING, "组通字〔2006〕45号；本地规定（来源不一）", (),
            {"days": 90}, no_check),
)  # fmt: skip
# 后备力量 (talent app, read through rule_in_force): seed 003 "按照每个村至少2名村后备力量标准".
TALENT_RULES: tuple[RuleDef, ...] = (
    RuleDef("R-TALENT-POOL", "每个村（社区）至少储备村级后备力量", WARNING,
            "本地规定（按照每个村至少2名村后备力量标准）", (), {"per_village": 2}, no_check),
)  # fmt: skip
# A text parameter that must be one of a few values.
PARAM_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("R-DUES-ROUNDING", "mode"): ("half_up", "half_even", "down", "up"),
}
