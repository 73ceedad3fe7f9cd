"""The 党费 calculator: a member's monthly dues from their category and base, under a rule set.

Pure functions over Decimal (never float): the parameters come from the rule set in force
(R-DUES-RATE, R-DUES-RETIRED, R-DUES-FLAT, R-DUES-ROUNDING; see `params_for` in selectors), so a
local profile changes brackets, rates, flat amounts or rounding exactly as it changes the
development rules. The brackets apply to the whole base, bounds included: 3000.00 pays 0.5 %,
3000.01 pays 1 % of the whole 3000.01.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from dangjian.dues.models import FLAT_CATEGORIES, INCOME_CATEGORIES, DuesCategory

FEN = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_INCOME = Decimal("10000000")  # ten million yuan a month: beyond any pay, within the columns
CATEGORY_KEYS = frozenset(DuesCategory.values)
ROUNDING = {
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
    "down": decimal.ROUND_DOWN,
    "up": decimal.ROUND_UP,
}


class CalcError(ValueError):
    """Input the calculator cannot use; the message is Chinese (or the active language)."""


@dataclass(frozen=True)
class DuesParams:
    """The parameters of the dues rules as one rule set has them."""

    brackets: tuple[tuple[Decimal, Decimal], ...]  # (upper bound included, percent), ascending
    top_percent: Decimal
    retired_bracket: Decimal
    retired_low: Decimal
    retired_high: Decimal
    farmer_min: Decimal
    farmer_max: Decimal
    flat: Decimal
    rounding: str
    articles: dict[str, str]  # rule id → article
    ruleset: str = ""  # the rule set's code ("" = the defaults)


@dataclass(frozen=True)
class Quote:
    category: str
    base: Decimal | None  # the income the amount is reckoned from (None: a flat amount)
    rate: Decimal | None  # as a fraction: 0.015 is 1.5 %
    amount: Decimal  # yuan, to the fen
    rule: str
    article: str
    ruleset: str = ""

    @property
    def amount_fen(self) -> int:
        return int(self.amount * 100)

    @property
    def rate_percent(self) -> str:
        """'1.5%' (empty for a flat amount)."""
        if self.rate is None:
            return ""
        return f"{(self.rate * HUNDRED).normalize():f}%"

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "base": None if self.base is None else f"{self.base:.2f}",
            "rate": None if self.rate is None else f"{self.rate.normalize():f}",
            "amount": f"{self.amount:.2f}",
            "rule": self.rule,
            "article": self.article,
            "ruleset": self.ruleset,
        }


def _decimal(value, name: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, TypeError, ValueError):
        raise CalcError(_("%(name)s应为数字，例如 4500 或 4500.50。") % {"name": name}) from None
    if not number.is_finite():
        raise CalcError(_("%(name)s应为数字，例如 4500 或 4500.50。") % {"name": name})
    return number


def money(value, name: str, *, maximum: Decimal = MAX_INCOME, allow_zero: bool = True) -> Decimal:
    """A sum of money in yuan to the fen: a number, not negative, at most two decimal places."""
    number = _decimal(value, name)
    if number < 0:
        raise CalcError(_("%(name)s不能为负数。") % {"name": name})
    if not allow_zero and number == 0:
        raise CalcError(_("%(name)s应大于0。") % {"name": name})
    if number != number.quantize(FEN, rounding=decimal.ROUND_DOWN):
        raise CalcError(_("%(name)s最多保留两位小数（到分）。") % {"name": name})
    if number > maximum:
        raise CalcError(_("%(name)s不能超过%(max)s元。") % {"name": name, "max": f"{maximum:,.0f}"})
    return number.quantize(FEN)


def category_label(key: str) -> str:
    return str(DuesCategory(key).label)


def check_category(key: str) -> str:
    if key not in CATEGORY_KEYS:
        keys = "、".join(f"{v}（{label}）" for v, label in DuesCategory.choices)
        raise CalcError(_("没有这个党费类别：“%(key)s”。可用的类别：%(keys)s。") % {"key": key, "keys": keys})
    return key


def _round(value: Decimal, params: DuesParams) -> Decimal:
    return value.quantize(FEN, rounding=ROUNDING.get(params.rounding, decimal.ROUND_HALF_UP))


def rate_for(category: str, base: Decimal, params: DuesParams) -> tuple[Decimal, str]:
    """The percent of the whole base, and the rule that sets it."""
    if category == DuesCategory.RETIRED:
        percent = params.retired_low if base <= params.retired_bracket else params.retired_high
        return percent, "R-DUES-RETIRED"
    for upper, percent in params.brackets:
        if base <= upper:
            return percent, "R-DUES-RATE"
    return params.top_percent, "R-DUES-RATE"


def quote(params: DuesParams, category: str, income=None, flat=None) -> Quote:
    """The monthly dues of a member of `category` with `income` (the base, for the four income
    categories) or, for a farmer, the `flat` amount the branch set within R-DUES-FLAT's range
    (default: its minimum). Raises CalcError with a Chinese message on bad input."""
    category = check_category(category)
    if category in INCOME_CATEGORIES:
        if income in (None, ""):
            raise CalcError(
                _("“%(category)s”按收入比例交纳，请填写交纳基数（收入）。")
                % {"category": category_label(category)}
            )
        base = money(income, _("交纳基数"))
        percent, rule = rate_for(category, base, params)
        rate = percent / HUNDRED
        return Quote(category, base, rate, _round(base * rate, params), rule, params.articles.get(rule, ""),
                     params.ruleset)  # fmt: skip
    assert category in FLAT_CATEGORIES
    if category == DuesCategory.FARMER:
        amount = params.farmer_min if flat in (None, "") else money(flat, _("农民党员交纳金额"))
        if not params.farmer_min <= amount <= params.farmer_max:
            raise CalcError(
                _("农民党员每月交纳%(low)s至%(high)s元，由党支部在此范围内确定。")
                % {"low": f"{params.farmer_min:.2f}", "high": f"{params.farmer_max:.2f}"}
            )
    else:
        amount = params.flat
    return Quote(category, None, None, _round(amount, params), "R-DUES-FLAT", params.articles.get("R-DUES-FLAT", ""),
                 params.ruleset)  # fmt: skip


def _param(values: dict, key: str) -> Decimal:
    try:
        return Decimal(str(values[key]))
    except (InvalidOperation, KeyError, TypeError, ValueError):
        raise CalcError(
            _("规则集中的党费参数“%(key)s”无效，请组织部管理员检查规则集。") % {"key": key}
        ) from None


def params_from(rules: dict, ruleset: str = "") -> DuesParams:
    """DuesParams from effective rules ({rule id: EffectiveRule}) of the four rate rules."""
    rate = rules["R-DUES-RATE"].params
    retired = rules["R-DUES-RETIRED"].params
    flat = rules["R-DUES-FLAT"].params
    brackets = tuple(sorted((_param(rate, f"bracket_{i}"), _param(rate, f"rate_{i}")) for i in (1, 2, 3)))
    return DuesParams(
        brackets=brackets, top_percent=_param(rate, "rate_top"), retired_bracket=_param(retired, "bracket"),
        retired_low=_param(retired, "rate_low"), retired_high=_param(retired, "rate_high"),
        farmer_min=_param(flat, "farmer_min"), farmer_max=_param(flat, "farmer_max"), flat=_param(flat, "flat"),
        rounding=str(rules["R-DUES-ROUNDING"].params.get("mode", "half_up")),
        articles={rid: rule.article for rid, rule in rules.items()}, ruleset=ruleset,
    )  # fmt: skip
