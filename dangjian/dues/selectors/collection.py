"""Reads of the members' dues, always through the acting user's scope: a branch's month of
collection, its members' norms, one member's dues, arrears. The base (income) is shown only to
whoever holds `VIEW_DUES_INCOME` on the collecting org and asks for it; everyone else sees a mask."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.dues.arrears import Arrears, arrears_rows, last_closed_month
from dangjian.dues.models import (
    DuesCategory,
    DuesMonth,
    DuesNorm,
    DuesPayment,
    DuesRelief,
    LapseDecision,
    PaymentKind,
    PaymentWay,
    yuan,
)
from dangjian.dues.months import month_end, month_of, month_start
from dangjian.dues.orgs import collecting_org, holds_funds
from dangjian.dues.rules import DuesRules, int_param
from dangjian.dues.services._common import Pricing
from dangjian.orgs.models import GROUP_KINDS, Org, subtree_q
from dangjian.people.models import MEMBER_STANDINGS, Person, Standing

MASK = "***"
STATUS_LABELS = {
    "unpriced": gettext_lazy("未核定标准"),
    "relieved": gettext_lazy("已减免"),
    "exempt": gettext_lazy("免交"),
    "advance": gettext_lazy("已预交"),
    "paid": gettext_lazy("已交清"),
    "partial": gettext_lazy("部分交纳"),
    "unpaid": gettext_lazy("未交"),
}


def may_see_income(user, org: Org) -> bool:
    return scope.can(user, Action.VIEW_DUES_INCOME, org)


def members_of(org: Org) -> list[int]:
    """The org itself and the party groups below it whose dues it collects."""
    groups = list(
        Org.objects.filter(subtree_q(org.path), kind__in=sorted(GROUP_KINDS)).values_list("pk", "path")
    )
    holders = {org.path}
    ids = [org.pk]
    for pk, path in sorted(groups, key=lambda g: g[1]):
        if path[: -Org.steplen] in holders:
            holders.add(path)
            ids.append(pk)
    return ids


def eligible_q(org: Org, month: int) -> Q:
    """Members of the org (and its groups) who owe dues in `month`."""
    return Q(org_id__in=members_of(org), standing__in=sorted(MEMBER_STANDINGS), reduction="") & (
        Q(admitted_on__isnull=True) | Q(admitted_on__lte=month_end(month))
    )


@dataclass
class MemberRow:
    person_id: int
    name: str
    sort_key: str
    group: str
    standing: str
    category: str = ""
    base: str = ""  # the income, or the mask
    rate: str = ""
    due: Decimal | None = None
    paid: Decimal = Decimal("0.00")
    status: str = "unpaid"
    paid_on: str = ""
    way: str = ""
    collector: str = ""
    arrears: int = 0
    voluntary: Decimal = Decimal("0.00")
    to_centre: bool = False
    relieved: bool = False
    receipts: list[int] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def outstanding(self) -> Decimal:
        return max(Decimal("0.00"), (self.due or Decimal(0)) - self.paid)


@dataclass
class Collection:
    org: Org
    month: int
    opened: bool
    rows: list[MemberRow]
    show_income: bool
    can_record: bool
    refused: str = ""  # why the org collects no dues (a temporary org, a party group)

    @property
    def members(self) -> int:
        return len(self.rows)

    @property
    def due(self) -> Decimal:
        return sum((r.due or Decimal(0) for r in self.rows), Decimal("0.00"))

    @property
    def paid(self) -> Decimal:
        return sum((min(r.paid, r.due or Decimal(0)) for r in self.rows), Decimal("0.00"))

    @property
    def settled(self) -> int:
        return sum(1 for r in self.rows if r.status in ("paid", "advance", "exempt"))

    @property
    def unpriced(self) -> int:
        return sum(1 for r in self.rows if r.status == "unpriced")

    @property
    def voluntary(self) -> Decimal:
        return sum((r.voluntary for r in self.rows), Decimal("0.00"))

    @property
    def rate(self) -> str:
        return f"{self.paid / self.due * 100:.1f}%" if self.due else "—"


def refusal(org: Org) -> str:
    """Why `org` keeps no dues of its own ("" when it does)."""
    if org.is_temporary:
        return _("临时党组织不收缴党费，党员在原单位党组织交纳党费（《中国共产党支部工作条例》）。")
    if org.kind in GROUP_KINDS:
        return _("党小组不单独收缴党费，本组党员的党费由所在党支部收缴。")
    return ""


def _status(due: int | None, paid: int, relieved: bool, advance: bool) -> str:
    if due is None:
        return "unpriced"
    if due == 0:
        return "exempt"
    if paid >= due:
        return "advance" if advance else ("relieved" if relieved else "paid")
    return "partial" if paid else "unpaid"


def collection_for(user, org: Org, month: int, *, reveal: bool = False) -> Collection:
    """The members of `org` (and its party groups) and their dues of `month`: what is due, what was
    paid (when, how, to whom), arrears; from the ledger once the month is opened, otherwise as it
    would be opened (nothing is written by a read). About eight queries whatever the branch's size."""
    if not scope.can(user, Action.VIEW, org):
        raise Http404(_("党组织不存在或不在您的管理范围内。"))
    show_income = reveal and may_see_income(user, org)
    refused = refusal(org)
    can_record = not refused and org.is_active and scope.can(user, Action.MANAGE_DUES, org)
    if refused:
        return Collection(org, month, False, [], show_income, False, refused)
    ledger = {
        pid: (due, paid, relieved)
        for pid, due, paid, relieved in DuesMonth.objects.filter(org=org, month=month).values_list(
            "person_id", "due_fen", "paid_fen", "relieved"
        )
    }
    opened = bool(ledger)
    people = list(
        Person.objects.filter(
            Q(pk__in=list(ledger)) | (eligible_q(org, month) if not opened else Q(pk__in=[]))
        ).values_list("pk", "name", "name_sort_key", "standing", "org_id", "org__name", "org__kind")
    )
    ids = [p[0] for p in people]
    if not opened:
        pricing = Pricing(ids)
        ledger = {pid: (due, 0, relieved) for pid in ids for due, relieved in [pricing.due(pid, month)]}
    norms: dict[int, DuesNorm] = {}
    for norm in DuesNorm.objects.filter(person_id__in=ids, from_month__lte=month).order_by(
        "person_id", "from_month"
    ):
        norms[norm.person_id] = norm
    payments: dict[int, list] = defaultdict(list)
    for p in DuesPayment.objects.filter(
        Q(kind=PaymentKind.DUES, month=month) | Q(kind=PaymentKind.VOLUNTARY, fund_month=month),
        person_id__in=ids, reversed_on__isnull=True,
    ).order_by("paid_on", "id"):  # fmt: skip
        payments[p.person_id].append(p)
    through = last_closed_month(timezone.localdate())
    arrears = arrears_rows(Q(person_id__in=ids), through)
    ways = dict(PaymentWay.choices)
    categories = dict(DuesCategory.choices)
    standings = dict(Standing.choices)
    rows = []
    for pk, name, sort_key, standing, _org_id, org_name, org_kind in people:
        due, paid, relieved = ledger.get(pk, (None, 0, False))
        norm = norms.get(pk)
        dues = [p for p in payments.get(pk, []) if p.kind == PaymentKind.DUES]
        voluntary = [p for p in payments.get(pk, []) if p.kind == PaymentKind.VOLUNTARY]
        advance = bool(dues) and all(p.paid_on < month_start(month) for p in dues)
        last = (dues or voluntary)[-1] if (dues or voluntary) else None
        row = MemberRow(
            person_id=pk, name=name, sort_key=sort_key, group=org_name if org_kind in GROUP_KINDS else "",
            standing=str(standings.get(standing, "")), due=yuan(due), paid=yuan(paid),
            status=_status(due, paid, relieved, advance), arrears=arrears[pk].count if pk in arrears else 0,
            relieved=bool(relieved),
        )  # fmt: skip
        if norm is not None:
            row.category = str(categories.get(norm.category, ""))
            row.rate = f"{(norm.rate * 100).normalize():f}%" if norm.rate is not None else _("定额")
            if norm.income_fen is not None:
                row.base = f"{yuan(norm.income_fen):,.2f}" if show_income else MASK
        if last is not None:
            row.paid_on = last.paid_on.isoformat()
            row.way = str(ways.get(last.way, ""))
            row.collector = last.collector_name
            row.receipts = [p.pk for p in dues + voluntary]
        row.voluntary = yuan(sum(p.amount_fen for p in voluntary)) if voluntary else Decimal("0.00")
        row.to_centre = any(p.to_centre for p in voluntary)
        rows.append(row)
    rows.sort(key=lambda r: (r.group, r.sort_key, r.person_id))
    return Collection(org, month, opened, rows, show_income, can_record)


# ---- norms ------------------------------------------------------------------------------------------


@dataclass
class NormRow:
    person_id: int
    name: str
    group: str
    standing: str
    norm: DuesNorm | None
    base: str
    category: str
    rate: str
    amount: Decimal | None
    from_month: int | None
    next_norm: int | None = None  # a later norm already recorded (from that month)


def norms_for(user, org: Org, *, reveal: bool = False) -> tuple[list[NormRow], bool]:
    """The members of `org` (and its groups) today, each with the norm in force this month; the
    base masked unless the user may see it and asked. Returns (rows, income shown)."""
    if not scope.can(user, Action.VIEW, org):
        raise Http404(_("党组织不存在或不在您的管理范围内。"))
    show = reveal and may_see_income(user, org)
    current = month_of(timezone.localdate())
    people = list(
        Person.objects.filter(org_id__in=members_of(org), standing__in=sorted(MEMBER_STANDINGS), reduction="")
        .order_by("name_sort_key", "id")
        .values_list("pk", "name", "standing", "org__name", "org__kind")
    )
    norms: dict[int, list[DuesNorm]] = defaultdict(list)
    for norm in DuesNorm.objects.filter(person_id__in=[p[0] for p in people]).order_by("from_month"):
        norms[norm.person_id].append(norm)
    categories = dict(DuesCategory.choices)
    standings = dict(Standing.choices)
    rows = []
    for pk, name, standing, org_name, org_kind in people:
        history = norms.get(pk, [])
        now = [n for n in history if n.from_month <= current]
        norm = now[-1] if now else None
        later = [n.from_month for n in history if n.from_month > current]
        rows.append(NormRow(
            person_id=pk, name=name, group=org_name if org_kind in GROUP_KINDS else "",
            standing=str(standings.get(standing, "")), norm=norm,
            base=("" if norm is None or norm.income_fen is None else (f"{yuan(norm.income_fen):,.2f}" if show else MASK)),
            category=str(categories.get(norm.category, "")) if norm else "",
            rate=(f"{(norm.rate * 100).normalize():f}%" if norm.rate is not None else _("定额")) if norm else "",
            amount=yuan(norm.amount_fen) if norm else None, from_month=norm.from_month if norm else None,
            next_norm=later[0] if later else None,
        ))  # fmt: skip
    return rows, show


# ---- one member -------------------------------------------------------------------------------------


@dataclass
class PersonDues:
    person: Person
    org: Org
    norms: list[DuesNorm]
    current: DuesNorm | None
    show_income: bool
    can_manage: bool
    can_see_income: bool
    months: list[tuple[int, str, Decimal | None, Decimal]]  # (month, status, due, paid)
    arrears: Arrears | None
    payments: list[DuesPayment]
    reliefs: list[DuesRelief]
    decisions: list[LapseDecision]
    year: int = 0

    def base_of(self, norm: DuesNorm) -> str:
        if norm.income_fen is None:
            return ""
        return f"{yuan(norm.income_fen):,.2f}" if self.show_income else MASK


def person_dues(user, person: Person, *, year: int | None = None, reveal: bool = False) -> PersonDues:
    """One member's norms (base masked unless allowed and asked), the year's months, payments,
    reliefs, arrears and 党章第九条 decisions. The caller has checked the user may see the person."""
    if not scope.can(user, Action.VIEW, person.org):
        raise Http404(_("人员不存在或不在您的管理范围内。"))
    org = collecting_org(person.org)
    today = timezone.localdate()
    year = year or today.year
    can_see = may_see_income(user, org)
    norms = list(DuesNorm.objects.filter(person=person).order_by("-from_month"))
    current_month = month_of(today)
    current = next((n for n in norms if n.from_month <= current_month), None)
    first, last = year * 12, year * 12 + 11
    rows = {
        m: (due, paid, relieved)
        for m, due, paid, relieved in DuesMonth.objects.filter(
            person=person, month__gte=first, month__lte=last
        ).values_list("month", "due_fen", "paid_fen", "relieved")
    }
    months = []
    for m in range(first, last + 1):
        if m in rows:
            due, paid, relieved = rows[m]
            months.append((m, _status(due, paid, relieved, False), yuan(due), yuan(paid)))
        else:
            months.append((m, "", None, Decimal("0.00")))
    return PersonDues(
        person=person, org=org, norms=norms, current=current, show_income=reveal and can_see,
        can_manage=scope.can(user, Action.MANAGE_DUES, org) and holds_funds(org), can_see_income=can_see,
        months=months, arrears=arrears_rows(Q(person=person), last_closed_month(today)).get(person.pk),
        payments=list(DuesPayment.objects.filter(person=person).order_by("-paid_on", "-id")[:36]),
        reliefs=list(DuesRelief.objects.filter(person=person).select_related("meeting", "approver")),
        decisions=list(LapseDecision.objects.filter(person=person).select_related("meeting")), year=year,
    )  # fmt: skip


def get_person_for_dues(user, pk, action: str = Action.VIEW) -> Person:
    person = scope.get_person_for_user(user, pk)
    if action != Action.VIEW and not scope.can(user, action, collecting_org(person.org)):
        raise PermissionDenied(_("您对该党员的党费没有此项操作权限。"))
    return person


# ---- arrears (a reminder list, never a ranking) -------------------------------------------------------


@dataclass
class ArrearsRow:
    person_id: int
    name: str
    org_id: int
    org_name: str
    months: list[int]
    owed: Decimal
    run_first: int | None
    run: int
    lapse: bool  # the 党章第九条 procedure is due and not yet decided


def arrears_for(user, org: Org, *, today=None) -> tuple[list[ArrearsRow], int, int]:
    """Members of `org`'s subtree in the user's scope behind by R-DUES-ARREARS's `remind_months` or
    more, by org and name (never by amount or length). Returns (rows, remind months, lapse months)."""
    if not scope.can(user, Action.VIEW, org):
        raise Http404(_("党组织不存在或不在您的管理范围内。"))
    today = today or timezone.localdate()
    rule = DuesRules().rule(org, "R-DUES-ARREARS", today)
    remind, lapse = int_param(rule, "remind_months", 3), int_param(rule, "lapse_months", 6)
    if not rule.enabled:
        return [], remind, lapse
    through = last_closed_month(today)
    found = arrears_rows(
        subtree_q(org.path, "org__path") & scope.scope_q(user, Action.VIEW, "org__path"), through
    )
    decided = set(
        LapseDecision.objects.filter(person_id__in=list(found)).values_list("person_id", "first_month")
    )
    keep = {pid: a for pid, a in found.items() if a.count >= remind or a.run(through)[1] >= lapse}
    people = {
        pk: (name, sort_key)
        for pk, name, sort_key in Person.objects.filter(pk__in=list(keep)).values_list(
            "pk", "name", "name_sort_key"
        )
    }
    orgs = dict(Org.objects.filter(pk__in={a.org_id for a in keep.values()}).values_list("pk", "name"))
    paths = dict(Org.objects.filter(pk__in={a.org_id for a in keep.values()}).values_list("pk", "path"))
    rows = []
    for pid, entry in keep.items():
        first, run = entry.run(through)
        rows.append(ArrearsRow(
            person_id=pid, name=people.get(pid, ("", ""))[0], org_id=entry.org_id, org_name=orgs.get(entry.org_id, ""),
            months=entry.months, owed=yuan(entry.owed_fen), run_first=first, run=run,
            lapse=run >= lapse and (pid, first) not in decided,
        ))  # fmt: skip
    rows.sort(key=lambda r: (paths.get(r.org_id, ""), people.get(r.person_id, ("", ""))[1], r.person_id))
    return rows, remind, lapse


def pending_reliefs(user, org: Org) -> list[DuesRelief]:
    """Reliefs waiting for the approval of `org` or of a 党委 below it, and the branch requests of
    the subtree, newest first."""
    return list(
        DuesRelief.objects.filter(
            subtree_q(org.path, "org__path"), scope.scope_q(user, Action.VIEW, "org__path")
        )
        .select_related("person", "org", "approver", "meeting")
        .order_by("status", "-from_month", "-id")[:200]
    )
