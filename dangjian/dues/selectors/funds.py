"""Reads of the money: an org's monthly balance, its hand-ups and the share it should hand up,
allocations (made, received, under a campaign) with what is still unspent, spending, requests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.dues import earmarks
from dangjian.dues.models import (
    Allocation,
    AllocationLine,
    DuesPayment,
    FundOpening,
    FundRequest,
    HandUp,
    OrgMonth,
    PaymentKind,
    Purpose,
    Spending,
    yuan,
)
from dangjian.dues.months import month_label
from dangjian.dues.orgs import fund_parent, handup_level, holds_funds
from dangjian.dues.rules import DuesRules, int_param
from dangjian.orgs.models import Org, subtree_q

ZERO = Decimal("0.00")


@dataclass
class BalanceRow:
    month: int
    opening: Decimal
    collected: Decimal
    received: Decimal
    handed_up: Decimal
    allocated: Decimal
    spent: Decimal
    closing: Decimal
    voluntary: Decimal = ZERO
    centre: Decimal = ZERO

    @property
    def label(self) -> str:
        return month_label(self.month)


def balances(org: Org, first: int, last: int) -> list[BalanceRow]:
    """The org's books month by month from `first` to `last`: a month without records carries the
    balance on. The caller has checked the user may see the org."""
    stored = {
        r.month: r
        for r in OrgMonth.objects.filter(org=org, month__gte=first, month__lte=last).order_by("month")
    }
    before = (
        OrgMonth.objects.filter(org=org, month__lt=first)
        .order_by("-month")
        .values_list("closing_fen", flat=True)
        .first()
    )
    carry = before or 0
    out = []
    for month in range(first, last + 1):
        row = stored.get(month)
        if row is None:
            out.append(BalanceRow(month, yuan(carry), ZERO, ZERO, ZERO, ZERO, ZERO, yuan(carry)))
            continue
        out.append(BalanceRow(
            month, yuan(row.opening_fen), yuan(row.collected_fen), yuan(row.received_fen), yuan(row.handed_up_fen),
            yuan(row.allocated_fen), yuan(row.spent_fen), yuan(row.closing_fen), yuan(row.voluntary_fen),
            yuan(row.centre_fen),
        ))  # fmt: skip
        carry = row.closing_fen
    return out


def balance_now(org: Org) -> Decimal:
    fen = OrgMonth.objects.filter(org=org).order_by("-month").values_list("closing_fen", flat=True).first()
    return yuan(fen or 0)


@dataclass
class Suggestion:
    period_from: int
    period_to: int
    percent: int
    base: Decimal  # dues of the period that are shared (collected, and handed up from below)
    share: Decimal
    centre: Decimal  # voluntary money for the Centre, handed up in full
    already: Decimal
    amount: Decimal
    rule: str
    article: str
    parent: str


def handup_suggestion(org: Org, period_from: int, period_to: int) -> Suggestion | None:
    """What `org` should hand up for the period by R-DUES-HANDUP (its level's proportion of the dues
    it collected in those months and of what the orgs below handed up for the same period, plus every
    yuan for the Centre), less what it already handed up for the period. None for an org that keeps
    no dues."""
    if not holds_funds(org):
        return None
    today = timezone.localdate()
    rule = DuesRules().rule(org, "R-DUES-HANDUP", today)
    level = handup_level(org)
    percent = min(100, int_param(rule, level, 100)) if rule.enabled else 0
    collected = (
        OrgMonth.objects.filter(org=org, month__gte=period_from, month__lte=period_to).aggregate(
            n=Sum("collected_fen")
        )["n"]
        or 0
    )
    own_centre = (
        DuesPayment.objects.filter(
            org=org,
            to_centre=True,
            reversed_on__isnull=True,
            fund_month__gte=period_from,
            fund_month__lte=period_to,
        ).aggregate(n=Sum("amount_fen"))["n"]
        or 0
    )
    # what the orgs below handed up for the same period (they hand up after it has ended)
    below = HandUp.objects.filter(
        to_org=org, period_from__gte=period_from, period_to__lte=period_to
    ).aggregate(n=Sum("amount_fen"), c=Sum("centre_fen"))
    centre = own_centre + (below["c"] or 0)
    base = collected - own_centre + (below["n"] or 0) - (below["c"] or 0)
    already = (
        HandUp.objects.filter(org=org, period_from__lte=period_to, period_to__gte=period_from).aggregate(
            n=Sum("amount_fen")
        )["n"]
        or 0
    )
    share = base * percent // 100
    parent = fund_parent(org)
    return Suggestion(
        period_from, period_to, percent, yuan(base), yuan(share), yuan(centre), yuan(already),
        yuan(max(0, share + centre - already)), rule.rule.id, rule.article,
        parent.name if parent else _("上级党委组织部门"),
    )  # fmt: skip


def quarter_of(month: int) -> tuple[int, int]:
    start = month - month % 3
    return start, start + 2


def handups_of(org: Org, first: int, last: int) -> tuple[list[HandUp], list[HandUp]]:
    """(handed up by the org, handed up to it) with a fund month in the range."""
    out = list(
        HandUp.objects.filter(org=org, fund_month__gte=first, fund_month__lte=last).select_related("to_org")[
            :200
        ]
    )
    into = list(
        HandUp.objects.filter(to_org=org, fund_month__gte=first, fund_month__lte=last).select_related("org")[
            :500
        ]
    )
    return out, into


def opening_of(org: Org) -> FundOpening | None:
    return FundOpening.objects.filter(org=org).first()


# ---- allocations ---------------------------------------------------------------------------------


def allocations_for(user, org: Org | None, *, include_subtree: bool = True, campaign=None, purpose: str = ""):
    """Allocations made by `org` (and the orgs below it; None: anywhere in the user's scope) the user
    may see, newest first."""
    qs = Allocation.objects.filter(scope.scope_q(user, Action.VIEW, prefix="org__path"))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path")) if include_subtree else qs.filter(org=org)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs.select_related("org", "campaign", "meeting", "source").order_by("-allocated_on", "-id")


def get_allocation_for_user(user, pk) -> Allocation:
    """An allocation is seen by whoever sees the allocating org or one of the orgs it went to."""
    allocation = (
        Allocation.objects.select_related("org", "campaign", "meeting", "source").filter(pk=pk).first()
    )
    if allocation is None:
        raise Http404(_("下拨记录不存在或不在您的管理范围内。"))
    if scope.can(user, Action.VIEW, allocation.org):
        return allocation
    paths = allocation.lines.filter(to_org__isnull=False).values_list("to_org__path", flat=True)
    if any(scope.path_in_scope(user, p) for p in paths):
        return allocation
    raise Http404(_("下拨记录不存在或不在您的管理范围内。"))


@dataclass
class LineRow:
    line: AllocationLine
    used: Decimal = ZERO
    unspent: Decimal = ZERO
    visible: bool = True


@dataclass
class AllocationDetail:
    allocation: Allocation
    lines: list[LineRow]
    spendings: list[Spending]
    passed_on: list[Allocation]
    unspent: Decimal = ZERO
    used: Decimal = ZERO
    direct: Decimal = ZERO  # paid out to people directly


def allocation_detail(user, allocation: Allocation) -> AllocationDetail:
    lines = list(allocation.lines.select_related("to_org", "person").order_by("id"))
    keys = [(allocation.pk, line.to_org_id) for line in lines if line.to_org_id]
    used = earmarks.used(keys)
    rows = []
    for line in lines:
        row = LineRow(line)
        if line.to_org_id:
            spent = used.get((allocation.pk, line.to_org_id), 0)
            row.used, row.unspent = yuan(spent), yuan(line.amount_fen - spent)
            row.visible = scope.path_in_scope(user, line.to_org.path)
        rows.append(row)
    detail = AllocationDetail(
        allocation, rows,
        list(Spending.objects.filter(allocation=allocation, org__in=[r.line.to_org for r in rows if r.line.to_org_id])
             .select_related("org").order_by("spent_on", "id")),
        list(Allocation.objects.filter(source=allocation).select_related("org").order_by("allocated_on", "id")),
    )  # fmt: skip
    detail.used = sum((r.used for r in rows), ZERO)
    detail.unspent = sum((r.unspent for r in rows), ZERO)
    detail.direct = yuan(sum(line.amount_fen for line in lines if not line.to_org_id))
    return detail


@dataclass
class Earmark:
    allocation: Allocation
    received: Decimal
    used: Decimal

    @property
    def unspent(self) -> Decimal:
        return self.received - self.used


def earmarks_of(org: Org) -> list[Earmark]:
    """The allocations `org` received, each with what it has used (spent or passed on)."""
    rows = earmarks.balances(org_q=Q(to_org=org))
    allocations = Allocation.objects.select_related("org", "campaign").in_bulk([a for a, *_r in rows])
    return [Earmark(allocations[a], yuan(got), yuan(spent)) for a, _o, got, spent in rows]


def spendings_of(org: Org, first: int, last: int) -> list[Spending]:
    return list(
        Spending.objects.filter(org=org, fund_month__gte=first, fund_month__lte=last)
        .select_related("allocation", "meeting").order_by("-spent_on", "-id")[:200]
    )  # fmt: skip


def requests_of(org: Org) -> tuple[list[FundRequest], list[FundRequest]]:
    """(requests the org made, requests made to it)."""
    made = list(FundRequest.objects.filter(org=org).select_related("to_org", "allocation")[:100])
    received = list(FundRequest.objects.filter(to_org=org).select_related("org", "allocation")[:200])
    return made, received


@dataclass
class CampaignAllocations:
    total: Decimal
    by_purpose: list[tuple[str, str, Decimal]]
    by_org: list[tuple[Org, Decimal]]
    allocations: list[Allocation] = field(default_factory=list)


def campaign_allocations(user, campaign) -> CampaignAllocations:
    """New money allocated under `campaign` (not counting what was passed on) by the orgs the user
    may see, by purpose and by allocating org."""
    # The campaign org's own allocations are public to the campaign (like its bulletins); below it,
    # the user sees those of the orgs in their scope.
    qs = Allocation.objects.filter(campaign=campaign, source__isnull=True).filter(
        scope.scope_q(user, Action.VIEW, prefix="org__path") | Q(org=campaign.org)
    )
    labels = dict(Purpose.choices)
    purposes = dict(qs.values_list("purpose").annotate(n=Sum("amount_fen")).order_by())
    by_org = dict(qs.values_list("org").annotate(n=Sum("amount_fen")).order_by())
    orgs = Org.objects.in_bulk(list(by_org))
    return CampaignAllocations(
        total=yuan(sum(purposes.values())),
        by_purpose=[(k, str(labels[k]), yuan(n)) for k, n in sorted(purposes.items(), key=lambda kv: -kv[1])],
        by_org=sorted(((orgs[k], yuan(n)) for k, n in by_org.items()), key=lambda r: r[0].path),
        allocations=list(qs.select_related("org").order_by("allocated_on", "id")[:50]),
    )


def voluntary_to_centre(org: Org, first: int, last: int) -> list[DuesPayment]:
    return list(
        DuesPayment.objects.filter(
            subtree_q(org.path, "org__path"), kind=PaymentKind.VOLUNTARY, to_centre=True,
            fund_month__gte=first, fund_month__lte=last, reversed_on__isnull=True,
        ).select_related("person", "org")[:100]
    )  # fmt: skip


def default_period(today: dt.date | None = None) -> tuple[int, int]:
    """The quarter before the current one (what a 上缴 usually covers)."""
    from dangjian.dues.months import month_of

    today = today or timezone.localdate()
    first, _last = quarter_of(month_of(today))
    return first - 3, first - 1
