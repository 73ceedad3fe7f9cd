"""Dues statistics (党费统计) of any subtree and period, from the per-org, per-month aggregate: due,
collected and the collection rate per org below (never per person: no ranking), arrears by length,
money handed up out of the subtree, allocated by purpose, spent, balances; every figure carries the
URL of the records behind it. About ten queries whatever the size of the subtree."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import F, Q, Sum
from django.db.models.functions import Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.dues import earmarks
from dangjian.dues.aggregates import grouped
from dangjian.dues.arrears import BANDS, arrears_rows, bands, last_closed_month
from dangjian.dues.models import (
    Allocation,
    AllocationLine,
    FundOpening,
    HandUp,
    OrgMonth,
    Purpose,
    Spending,
    yuan,
)
from dangjian.dues.months import month_label
from dangjian.orgs.models import Org, subtree_q

ZERO = Decimal("0.00")
BAND_LABELS = {
    "1-2": gettext_lazy("1至2个月"),
    "3-5": gettext_lazy("3至5个月"),
    "6+": gettext_lazy("6个月及以上"),
}
NET = F("collected_fen") + F("received_fen") - F("handed_up_fen") - F("allocated_fen") - F("spent_fen")


def records_url(org: Org, first: int, last: int, kind: str, **filters) -> str:
    query = {
        "kind": kind,
        "from": month_label(first),
        "to": month_label(last),
        **{k: v for k, v in filters.items() if v},
    }
    return f"{reverse('dues-records', args=[org.pk])}?{urlencode(query)}"


def rate(covered: Decimal, due: Decimal) -> str:
    return f"{covered / due * 100:.1f}%" if due else "—"


@dataclass
class ChildRow:
    org: Org | None  # None: the org itself (本级)
    label: str
    members: int = 0
    due: Decimal = ZERO
    covered: Decimal = ZERO
    settled: int = 0
    ledger_rows: int = 0
    unpriced: int = 0
    collected: Decimal = ZERO
    handed_up: Decimal = ZERO
    closing: Decimal = ZERO
    url: str = ""

    @property
    def rate(self) -> str:
        return rate(self.covered, self.due)


@dataclass
class Figure:
    key: str
    label: str
    value: Decimal | int
    url: str


@dataclass
class DuesFigures:
    org: Org
    first: int
    last: int
    members: int = 0  # ledger rows of the last month
    ledger_rows: int = 0  # member-months due in the period
    due: Decimal = ZERO
    covered: Decimal = ZERO
    paid: Decimal = ZERO
    settled: int = 0
    unpriced: int = 0
    relieved: int = 0
    collected: Decimal = ZERO
    voluntary: Decimal = ZERO
    centre: Decimal = ZERO
    handed_up: Decimal = ZERO  # out of the subtree
    received: Decimal = ZERO  # allocated into the subtree from above
    allocated: Decimal = ZERO  # new money allocated by orgs of the subtree
    passed_on: Decimal = ZERO
    direct: Decimal = ZERO  # paid out to people by allocations
    spent: Decimal = ZERO
    opening: Decimal = ZERO
    closing: Decimal = ZERO
    unspent: Decimal = ZERO  # earmarked money received and not yet used
    children: list[ChildRow] = field(default_factory=list)
    arrears: list[Figure] = field(default_factory=list)
    allocated_by_purpose: list[Figure] = field(default_factory=list)
    spent_by_purpose: list[Figure] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def rate(self) -> str:
        return rate(self.covered, self.due)

    @property
    def label(self) -> str:
        return f"{month_label(self.first)}至{month_label(self.last)}"


def dues_figures(user, org: Org, first: int, last: int) -> DuesFigures:
    if not scope.can(user, Action.VIEW, org):
        raise Http404(_("党组织不存在或不在您的管理范围内。"))
    f = DuesFigures(org=org, first=first, last=last)
    inside = subtree_q(org.path, "org__path")
    width = len(org.path) + Org.steplen
    prefix = Substr("org__path", 1, width)
    children = {
        o.path: o for o in Org.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path")
    }
    rows: dict[str, ChildRow] = {
        org.path: ChildRow(None, _("本级")),
        **{path: ChildRow(child, child.name) for path, child in children.items()},
    }

    def row(key: str) -> ChildRow:
        return rows.get(key) or rows[org.path]

    period = OrgMonth.objects.filter(inside, month__gte=first, month__lte=last)
    for key, due, paid, covered, settled, n, unpriced, relieved, collected, voluntary, centre in grouped(
        period.annotate(prefix=prefix), ("prefix",),
        a=Sum("due_fen"), b=Sum("paid_fen"), c=Sum("covered_fen"), d=Sum("settled"), e=Sum("members"),
        f=Sum("unpriced"), g=Sum("relieved"), h=Sum("collected_fen"), i=Sum("voluntary_fen"), j=Sum("centre_fen"),
    ):  # fmt: skip
        r = row(key)
        r.due += yuan(due or 0)
        r.covered += yuan(covered or 0)
        r.settled += settled or 0
        r.ledger_rows += n or 0
        r.unpriced += unpriced or 0
        r.collected += yuan(collected or 0)
        f.paid += yuan(paid or 0)
        f.relieved += relieved or 0
        f.voluntary += yuan(voluntary or 0)
        f.centre += yuan(centre or 0)
    for key, n in grouped(OrgMonth.objects.filter(inside, month=last).annotate(prefix=prefix), ("prefix",),
                           n=Sum("members")):  # fmt: skip
        row(key).members += n or 0
    # balances: every flow up to the end (and before the start), plus the opening balances
    for key, before, upto in grouped(
        OrgMonth.objects.filter(inside, month__lte=last).annotate(prefix=prefix), ("prefix",),
        before=Sum(NET, filter=Q(month__lt=first)), upto=Sum(NET),
    ):  # fmt: skip
        row(key).closing += yuan(upto or 0)
        f.opening += yuan(before or 0)
    for key, month, amount in (
        FundOpening.objects.filter(inside, month__lte=last)
        .annotate(prefix=prefix)
        .values_list("prefix", "month", "amount_fen")
    ):
        row(key).closing += yuan(amount)
        if month < first:
            f.opening += yuan(amount)
    # hand-ups leaving each child's subtree (and the org's own, leaving the whole subtree)
    for key, to_path, amount in grouped(
        HandUp.objects.filter(inside, fund_month__gte=first, fund_month__lte=last).annotate(prefix=prefix),
        ("prefix", "to_org__path"), n=Sum("amount_fen"),
    ):  # fmt: skip
        r = row(key)
        inside_child = r.org is not None and to_path is not None and to_path.startswith(r.org.path)
        if not inside_child:
            r.handed_up += yuan(amount)
        if to_path is None or not to_path.startswith(org.path):
            f.handed_up += yuan(amount)
    allocations = Allocation.objects.filter(inside, fund_month__gte=first, fund_month__lte=last)
    labels = dict(Purpose.choices)
    for purpose, amount in grouped(
        allocations.filter(source__isnull=True), ("purpose",), n=Sum("amount_fen")
    ):
        f.allocated += yuan(amount)
        f.allocated_by_purpose.append(
            Figure(
                purpose,
                str(labels[purpose]),
                yuan(amount),
                records_url(org, first, last, "allocations", purpose=purpose),
            )
        )
    f.passed_on = yuan(allocations.filter(source__isnull=False).aggregate(n=Sum("amount_fen"))["n"] or 0)
    f.direct = yuan(
        AllocationLine.objects.filter(allocation__in=allocations, to_org__isnull=True).aggregate(
            n=Sum("amount_fen")
        )["n"]
        or 0
    )
    f.received = yuan(
        AllocationLine.objects.filter(
            subtree_q(org.path, "to_org__path"), allocation__fund_month__gte=first, allocation__fund_month__lte=last
        ).exclude(subtree_q(org.path, "allocation__org__path")).aggregate(n=Sum("amount_fen"))["n"] or 0
    )  # fmt: skip
    for purpose, amount in grouped(
        Spending.objects.filter(inside, fund_month__gte=first, fund_month__lte=last),
        ("purpose",),
        n=Sum("amount_fen"),
    ):
        f.spent += yuan(amount)
        f.spent_by_purpose.append(
            Figure(
                purpose,
                str(labels[purpose]),
                yuan(amount),
                records_url(org, first, last, "spending", purpose=purpose),
            )
        )
    f.unspent = yuan(
        sum(got - used for _a, _o, got, used in earmarks.balances(org_q=subtree_q(org.path, "to_org__path")))
    )
    through = min(last, last_closed_month(timezone.localdate()))
    counts = bands(arrears_rows(subtree_q(org.path, "org__path"), through))
    f.arrears = [
        Figure(
            band, str(BAND_LABELS[band]), counts[band], records_url(org, first, last, "arrears", band=band)
        )
        for band in BANDS
    ]
    for r in rows.values():
        f.due += r.due
        f.covered += r.covered
        f.settled += r.settled
        f.ledger_rows += r.ledger_rows
        f.unpriced += r.unpriced
        f.collected += r.collected
        f.members += r.members
        f.closing += r.closing
        target = r.org or org
        r.url = (
            reverse("dues-stats", args=[target.pk]) + "?" + urlencode({"from": month_label(first), "to": month_label(last)})
            if r.org is not None else records_url(org, first, last, "collection", own="1")
        )  # fmt: skip
    f.children = [r for r in rows.values() if r.ledger_rows or r.closing or r.collected or r.handed_up]
    f.urls = {
        "collection": records_url(org, first, last, "collection"),
        "unsettled": records_url(org, first, last, "collection", status="unsettled"),
        "payments": records_url(org, first, last, "payments"),
        "voluntary": records_url(org, first, last, "payments", kind_of="voluntary"),
        "handups": records_url(org, first, last, "handups"),
        "allocations": records_url(org, first, last, "allocations"),
        "lines": records_url(org, first, last, "lines"),
        "received": records_url(org, first, last, "received"),
        "spending": records_url(org, first, last, "spending"),
        "balances": reverse("dues-funds", args=[org.pk]),
    }
    return f
