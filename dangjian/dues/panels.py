"""What the dues app adds to the core's pages (registered in apps.py): a button and a card on the org
page, the member's norm and months paid on the person file, a card on the statistics page and on
a campaign's dashboard (when the shell offers that page). The base (income) never appears here."""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone

from dangjian.base.panels import Panel
from dangjian.dues.models import DuesMonth, DuesNorm, OrgMonth, yuan
from dangjian.dues.months import month_label, month_of
from dangjian.orgs.models import subtree_q


def _org_link(request, org, page) -> dict:
    return {"org": org}


def _org_card(request, org, page) -> dict | None:
    from dangjian.dues.orgs import holds_funds

    if not holds_funds(org):
        return {"org": org, "refused": True}
    month = month_of(timezone.localdate())
    sums = OrgMonth.objects.filter(subtree_q(org.path, "org__path"), month=month).aggregate(
        due=Sum("due_fen"), covered=Sum("covered_fen"), members=Sum("members"), settled=Sum("settled")
    )
    balance = (
        OrgMonth.objects.filter(org=org).order_by("-month").values_list("closing_fen", flat=True).first()
    )
    if not sums["members"] and balance is None:
        return {"org": org, "empty": True}
    due, covered = sums["due"] or 0, sums["covered"] or 0
    return {
        "org": org, "month": month_label(month), "members": sums["members"] or 0, "settled": sums["settled"] or 0,
        "due": yuan(due), "covered": yuan(covered), "rate": f"{covered / due * 100:.1f}%" if due else "—",
        "balance": yuan(balance or 0),
    }  # fmt: skip


def _person_dues(request, person, page) -> dict | None:
    if not person.is_member and not DuesNorm.objects.filter(person=person).exists():
        return None
    today = timezone.localdate()
    month = month_of(today)
    norm = DuesNorm.objects.filter(person=person, from_month__lte=month).order_by("-from_month").first()
    first = today.year * 12
    rows = list(DuesMonth.objects.filter(person=person, month__gte=first, month__lte=first + 11).values_list(
        "month", "settled", "paid_fen"
    ))  # fmt: skip
    unpaid = DuesMonth.objects.filter(person=person, settled=False, month__lt=month, due_fen__gt=0).count()
    return {
        "person": person, "norm": norm, "year": today.year, "paid_months": sum(1 for _m, s, _p in rows if s),
        "months": len(rows), "arrears": unpaid, "paid": yuan(sum(p for _m, _s, p in rows)),
    }  # fmt: skip


def _stats_context(request, org, page) -> dict | None:
    period = page.get("period")
    if period is None:
        return None
    return {
        "org": org,
        "start": month_label(month_of(period.start)),
        "end": month_label(month_of(period.end)),
    }


def _campaign_context(request, campaign, page) -> dict | None:
    from dangjian.dues.selectors import campaign_allocations

    data = campaign_allocations(request.user, campaign)
    if not data.total:
        return None
    return {"campaign": campaign, "data": data}


ORG_LINK = Panel("dues-link", "dues/panels/org_link.html", _org_link, place="actions", order=32)
ORG_CARD = Panel("dues-card", "dues/panels/org_card.html", _org_card, order=45)
PERSON_DUES = Panel("dues-person", "dues/panels/person.html", _person_dues, order=45)
STATS_CARD = Panel("dues-stats", "dues/panels/stats_card.html", _stats_context, order=60)
CAMPAIGN_CARD = Panel("dues-campaign", "dues/panels/campaign.html", _campaign_context, order=50)
