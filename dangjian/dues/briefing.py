"""党费 in the work briefing, as the seed articles report it: "统筹市、县组织部门及时划拨575.45万元党费，
慰问……、支持基层党组织……、补助……". New money allocated in the period by the orgs of the subtree (not
what was passed on from above), by purpose; then the dues collected and handed up."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from dangjian.dues.models import Allocation, OrgMonth, Purpose
from dangjian.dues.months import month_of
from dangjian.dues.selectors.figures import records_url
from dangjian.orgs.models import subtree_q

WAN = Decimal(1000000)  # fen in 万元


def wan(fen: int) -> str:
    """575.45 for 5,754,500 yuan; 300 for 3,000,000."""
    value = (Decimal(fen) / WAN).quantize(Decimal("0.01"))
    return f"{value.normalize():f}"


def _who(orgs) -> str:
    """统筹市、县组织部门 when local committees allocated; else the orgs' names."""
    if orgs and all(o.is_local_committee for o in orgs):
        levels = sorted({o.depth for o in orgs})
        names = {1: "市", 2: "县"}
        if all(d in names for d in levels):
            return "统筹" + "、".join(names[d] for d in levels) + "组织部门"
    names = [o.name for o in sorted(orgs, key=lambda o: o.path)]
    return "、".join(names[:3]) + ("等党组织" if len(names) > 3 else "")


def section(org, period) -> tuple[str, list]:
    """The briefing's org is already checked against the user's scope: the whole subtree counts."""
    allocations = Allocation.objects.filter(
        subtree_q(org.path, "org__path"), source__isnull=True, allocated_on__range=(period.start, period.end)
    )
    by_purpose = dict(allocations.values_list("purpose").annotate(n=Sum("amount_fen")).order_by())
    total = sum(by_purpose.values())
    first, last = month_of(period.start), month_of(period.end)
    money = OrgMonth.objects.filter(
        subtree_q(org.path, "org__path"), month__gte=first, month__lte=last
    ).aggregate(collected=Sum("collected_fen"))
    collected = money["collected"] or 0
    from dangjian.dues.models import HandUp

    handed = (
        HandUp.objects.filter(subtree_q(org.path, "org__path"), fund_month__gte=first, fund_month__lte=last)
        .exclude(subtree_q(org.path, "to_org__path")).aggregate(n=Sum("amount_fen"))["n"] or 0
    )  # fmt: skip
    rows = [
        ("dues_allocated", "下拨党费（元）", total // 100, records_url(org, first, last, "allocations")),
        ("dues_collected", "收缴党费（元）", collected // 100, records_url(org, first, last, "payments")),
        ("dues_handed_up", "向上级上缴党费（元）", handed // 100, records_url(org, first, last, "handups")),
    ]
    parts = []
    if total:
        orgs = [a.org for a in allocations.select_related("org").distinct()]
        unique = {o.pk: o for o in orgs}.values()
        campaigns = {a.campaign.name for a in allocations.select_related("campaign") if a.campaign_id}
        labels = dict(Purpose.choices)
        uses = "、".join(
            f"{labels[p]}{wan(n)}万元" for p, n in sorted(by_purpose.items(), key=lambda kv: -kv[1])
        )
        lead = f"{next(iter(campaigns))}中，" if len(campaigns) == 1 else ""
        parts.append(f"{lead}{_who(list(unique))}及时划拨{wan(total)}万元党费，用于{uses}")
    if collected:
        parts.append(f"收缴党费{wan(collected)}万元" + (f"，向上级上缴{wan(handed)}万元" if handed else ""))
    if not parts:
        return "", rows
    return "期间，" + "；".join(parts) + "。", rows
