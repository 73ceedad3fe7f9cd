"""The calculator: every bracket bound, every flat category, rounding and rates from the rule set in
force (versioned), bad input; the CLI `dangjian dues calc` (JSON, exit code 2 on bad input)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.development.models import RuleSet
from dangjian.development.rulesets import clean_overrides, ruleset_create
from dangjian.dues.calculator import CalcError, quote
from dangjian.dues.rules import DuesRules

D = dt.date


TODAY = D(2026, 11, 20)


def params(org=None, on=TODAY):
    return DuesRules().params(org, on)


@pytest.mark.parametrize(
    ("category", "income", "rate", "amount"),
    [
        ("in_service", "3000", "0.005", "15.00"),
        ("in_service", "3000.00", "0.005", "15.00"),
        ("in_service", "3000.01", "0.01", "30.00"),
        ("in_service", "5000", "0.01", "50.00"),
        ("in_service", "5000.01", "0.015", "75.00"),
        ("in_service", "10000", "0.015", "150.00"),
        ("in_service", "10000.01", "0.02", "200.00"),
        ("annual_salary", "3000.01", "0.01", "30.00"),
        ("self_employed", "10000.01", "0.02", "200.00"),
        ("retired", "5000", "0.005", "25.00"),
        ("retired", "5000.01", "0.01", "50.00"),
        ("retired", "12000", "0.01", "120.00"),
        ("in_service", "0", "0.005", "0.00"),
        ("in_service", "4321.99", "0.01", "43.22"),  # 43.2199 rounds half up to the fen
    ],
)
def test_brackets_apply_to_the_whole_base_bounds_included(db, category, income, rate, amount):
    q = quote(params(), category, income)
    assert q.base == Decimal(income)
    assert q.rate == Decimal(rate)
    assert q.amount == Decimal(amount) and isinstance(q.amount, Decimal)
    assert q.as_dict()["amount"] == amount
    assert q.rule == ("R-DUES-RETIRED" if category == "retired" else "R-DUES-RATE")
    assert q.article.startswith("党费规定第")


@pytest.mark.parametrize("category", ["student", "unemployed", "subsistence"])
def test_flat_categories_pay_twenty_fen(db, category):
    q = quote(params(), category, income="99999")  # an income is ignored for a flat category
    assert (q.amount, q.base, q.rate, q.rule) == (Decimal("0.20"), None, None, "R-DUES-FLAT")
    assert q.article == "党费规定第六条"


def test_farmers_pay_what_the_branch_sets_within_the_range(db):
    assert quote(params(), "farmer").amount == Decimal("0.20")  # the minimum by default
    assert quote(params(), "farmer", flat="0.5").amount == Decimal("0.50")
    assert quote(params(), "farmer", flat="1").amount == Decimal("1.00")
    for wrong in ("0.19", "1.01"):
        with pytest.raises(CalcError, match=r"农民党员每月交纳0\.20至1\.00元"):
            quote(params(), "farmer", flat=wrong)


@pytest.mark.parametrize(
    ("income", "message"),
    [("-1", "不能为负数"), ("abc", "应为数字"), ("4500.123", "最多保留两位小数"), ("NaN", "应为数字"),
     ("10000000.01", "不能超过"), ("", "请填写交纳基数")],
)  # fmt: skip
def test_bad_income_is_refused_in_chinese(db, income, message):
    with pytest.raises(CalcError, match=message):
        quote(params(), "in_service", income)


def test_unknown_category_lists_the_keys(db):
    with pytest.raises(CalcError, match=r"没有这个党费类别：“worker”.*in_service"):
        quote(params(), "worker", "3000")


JULY = D(2026, 7, 1)


def _local(world, code, overrides, start=JULY):
    return ruleset_create(
        actor=None,
        code=code,
        name="本地党费规则",
        org=world.county_a,
        effective_from=start,
        overrides=overrides,
    )


def test_rates_and_rounding_come_from_the_rule_set_in_force_and_are_versioned(world):
    # A county profile from 2026-07-01: the first bracket at 3500, rounding down.
    _local(world, "CTY-A-DUES", {"R-DUES-RATE": {"bracket_1": "3500"}, "R-DUES-ROUNDING": {"mode": "down"}})
    branch = world.branch_a1_1
    before, after = D(2026, 6, 30), D(2026, 7, 1)
    assert quote(params(branch, before), "in_service", "3200").amount == Decimal("32.00")
    assert quote(params(branch, after), "in_service", "3200").amount == Decimal("16.00")
    assert quote(params(branch, after), "in_service", "4500.50").amount == Decimal("45.00")  # 45.005 down
    assert quote(params(branch, before), "in_service", "4500.50").amount == Decimal("45.01")  # half up
    assert quote(params(world.branch_b_1, after), "in_service", "3200").amount == Decimal(
        "32.00"
    )  # other county
    assert params(branch, after).ruleset == "CTY-A-DUES"


def test_rule_set_parameters_are_validated(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="R-DUES-RATE"):
        clean_overrides({"R-DUES-RATE": {"rate_1": "half"}})
    with pytest.raises(ValidationError, match="R-DUES-ROUNDING"):
        clean_overrides({"R-DUES-ROUNDING": {"mode": "sideways"}})
    with pytest.raises(ValidationError, match="R-DUES-HANDUP"):
        clean_overrides({"R-DUES-HANDUP": {"branch_percent": 120}})
    assert clean_overrides({"R-DUES-RATE": {"rate_1": " 0.6 "}}) == {"R-DUES-RATE": {"rate_1": "0.6"}}
    assert RuleSet.objects.count() >= 1


def _calc(*args) -> dict:
    out = io.StringIO()
    import sys

    old, sys.stdout = sys.stdout, out
    try:
        call_command("dues", "calc", *args)
    finally:
        sys.stdout = old
    return json.loads(out.getvalue())


def test_cli_prints_json_with_the_amount_as_a_decimal_string(db):
    assert _calc("--category", "in_service", "--income", "3000.01") == {
        "category": "in_service", "base": "3000.01", "rate": "0.01", "amount": "30.00", "rule": "R-DUES-RATE",
        "article": "党费规定第二、三、四条", "ruleset": "national-2014",
    }  # fmt: skip
    assert _calc("--category", "retired", "--income", "5000", "--on", "2025-01-01")["amount"] == "25.00"
    assert _calc("--category", "farmer", "--flat", "0.8")["amount"] == "0.80"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "in_service", "--income", "-5"], "不能为负数"),
        (["--category", "nobody", "--income", "5"], "没有这个党费类别"),
        (["--category", "in_service"], "请填写交纳基数"),
        (["--category", "in_service", "--income", "4500", "--on", "2026-13-01"], "格式不对"),
        (["--income", "4500"], "--category"),
    ],
)
def test_cli_bad_input_is_chinese_with_exit_code_2(db, args, message):
    with pytest.raises(CommandError) as exc:
        call_command("dues", "calc", *args)
    assert exc.value.returncode == 2
    assert message in str(exc.value)


def test_cli_from_the_command_line_exits_2_without_a_traceback(db, capsys):
    from dangjian.dues.management.commands.dues import Command

    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["dangjian", "dues", "calc", "--category", "in_service", "--income", "abc"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "交纳基数应为数字" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["dangjian", "dues", "calc", "--bogus"])
    assert exc.value.code == 2
    assert "参数有误" in capsys.readouterr().err
