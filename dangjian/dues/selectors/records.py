"""The records behind each figure (the drill-down of the statistics): the same filters as the figure,
so the list and the number cannot disagree. Personal data (the base) never appears here."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.dues.arrears import arrears_rows, last_closed_month, length_band
from dangjian.dues.models import (
    Allocation,
    AllocationLine,
    DuesMonth,
    DuesPayment,
    HandUp,
    PaymentKind,
    Purpose,
    Spending,
)
from dangjian.orgs.models import Org, subtree_q
from dangjian.people.models import Person

KINDS = {
    "collection": gettext_lazy("月度应交与实交"),
    "arrears": gettext_lazy("欠缴党费的党员"),
    "payments": gettext_lazy("党费交纳记录"),
    "handups": gettext_lazy("党费上缴记录"),
    "allocations": gettext_lazy("党费下拨记录"),
    "lines": gettext_lazy("下拨到人的明细"),
    "received": gettext_lazy("从上级收到的下拨"),
    "spending": gettext_lazy("党费使用记录"),
}


def _choice(value: str, allowed, name: str) -> str:
    value = (value or "").strip()
    if value and value not in allowed:
        raise BadRequest(_("参数“%(name)s”无效。") % {"name": name})
    return value


def records(org: Org, first: int, last: int, kind: str, params) -> QuerySet | list:
    """The rows of `kind` for `org`'s subtree in the period; `params`: the figure's filters (purpose,
    band, status, kind of payment, own = the org's own rows only). The caller checked the scope."""
    if kind not in KINDS:
        raise BadRequest(_("参数“%(name)s”无效。") % {"name": "kind"})
    inside = Q(org=org) if params.get("own") == "1" else subtree_q(org.path, "org__path")
    purpose = _choice(params.get("purpose"), Purpose.values, "purpose")
    if kind == "collection":
        status = _choice(params.get("status"), ("settled", "unsettled"), "status")
        qs = DuesMonth.objects.filter(inside, month__gte=first, month__lte=last)
        if status:
            qs = qs.filter(settled=status == "settled")
        return qs.select_related("person", "org").order_by(
            "org__path", "month", "person__name_sort_key", "id"
        )
    if kind == "arrears":
        band = _choice(params.get("band"), ("1-2", "3-5", "6+"), "band")
        through = min(last, last_closed_month(timezone.localdate()))
        found = arrears_rows(subtree_q(org.path, "org__path"), through)
        ids = [pid for pid, a in found.items() if not band or length_band(a.count) == band]
        persons = Person.objects.in_bulk(ids)
        orgs = Org.objects.in_bulk({found[pid].org_id for pid in ids})
        out = [(found[pid], persons[pid], orgs[found[pid].org_id]) for pid in ids]
        out.sort(key=lambda t: (t[2].path, t[1].name_sort_key, t[1].pk))
        return out
    if kind == "payments":
        payment_kind = _choice(params.get("kind_of"), PaymentKind.values, "kind_of") or (
            PaymentKind.VOLUNTARY if params.get("voluntary") == "1" else ""
        )
        qs = DuesPayment.objects.filter(inside, fund_month__gte=first, fund_month__lte=last)
        if payment_kind:
            qs = qs.filter(kind=payment_kind)
        return qs.select_related("person", "org").order_by("org__path", "-paid_on", "id")
    if kind == "handups":
        return (
            HandUp.objects.filter(inside, fund_month__gte=first, fund_month__lte=last)
            .select_related("org", "to_org").order_by("org__path", "handed_on", "id")
        )  # fmt: skip
    if kind == "allocations":
        qs = Allocation.objects.filter(inside, fund_month__gte=first, fund_month__lte=last)
        if purpose:
            qs = qs.filter(purpose=purpose, source__isnull=True)
        return qs.select_related("org", "campaign").order_by("allocated_on", "id")
    if kind == "lines":
        return (
            AllocationLine.objects.filter(
                subtree_q(org.path, "allocation__org__path"), to_org__isnull=True,
                allocation__fund_month__gte=first, allocation__fund_month__lte=last,
            ).select_related("allocation", "allocation__org", "person").order_by("allocation__allocated_on", "id")
        )  # fmt: skip
    if kind == "received":
        return (
            AllocationLine.objects.filter(
                subtree_q(org.path, "to_org__path"), allocation__fund_month__gte=first,
                allocation__fund_month__lte=last,
            ).exclude(subtree_q(org.path, "allocation__org__path"))
            .select_related("allocation", "allocation__org", "to_org").order_by("allocation__allocated_on", "id")
        )  # fmt: skip
    qs = Spending.objects.filter(inside, fund_month__gte=first, fund_month__lte=last)
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs.select_related("org", "allocation").order_by("org__path", "spent_on", "id")
