"""Template filters of the dues pages."""

from django import template

from dangjian.dues.models import yuan
from dangjian.dues.months import month_label

register = template.Library()


@register.filter
def month(value) -> str:
    """A month number as 2026-03 ("" for None)."""
    return month_label(value) if isinstance(value, int) and value > 0 else ""


@register.filter
def fen(value) -> str:
    """Whole fen as yuan with two places."""
    return "" if value is None else f"{yuan(value):.2f}"


@register.filter
def percent(rate) -> str:
    """A rate as a fraction (0.015) written as 1.5%."""
    if rate is None:
        return ""
    return f"{(rate * 100).normalize():f}%"


@register.filter
def money(value) -> str:
    """Yuan with thousands separators: 679,876.62 ("" for None)."""
    if value is None or value == "":
        return ""
    return f"{value:,.2f}"


@register.filter
def wan(value) -> str:
    """Yuan in 万元 as the briefings write it: 575.45 for 5,754,500.00."""
    if value is None or value == "":
        return ""
    from decimal import Decimal

    amount = (Decimal(value) / 10000).quantize(Decimal("0.01"))
    return f"{amount.normalize():f}"
