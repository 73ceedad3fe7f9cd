"""What the dues services share: amounts, days, rights, locks, meetings, the ledger's pricing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.params import MAX_YEAR, MIN_YEAR
from dangjian.dues.calculator import CalcError, money
from dangjian.dues.models import DuesNorm, DuesRelief, ReliefStatus
from dangjian.dues.months import month_of
from dangjian.dues.orgs import holds_funds
from dangjian.meetings.rules import DECISION_KINDS
from dangjian.orgs.models import GROUP_KINDS, TEMPORARY_KINDS, Org
from dangjian.people.models import MEMBER_STANDINGS, Person

MAX_AMOUNT = 10**8  # yuan: a hundred million, beyond any single record, within the columns

Errors = dict[str, list[str]]


def today() -> dt.date:
    return timezone.localdate()


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def to_fen(value, field: str, label: str, errors: Errors, *, allow_zero: bool = False) -> int | None:
    """Yuan (Decimal, str or int; never float) as whole fen, or an error on `field`."""
    if value is None or value == "":
        if allow_zero:
            return 0
        add(errors, field, _("请填写%(label)s。") % {"label": label})
        return None
    if isinstance(value, float):
        add(errors, field, _("%(label)s应以元为单位的十进制数填写，不能是浮点数。") % {"label": label})
        return None
    try:
        amount = money(value, label, maximum=MAX_AMOUNT, allow_zero=allow_zero)
    except CalcError as exc:
        add(errors, field, str(exc))
        return None
    return int(amount * 100)


def check_day(day, field: str, label: str, errors: Errors, *, not_future: bool = True) -> bool:
    if not isinstance(day, dt.date):
        add(errors, field, _("请填写%(label)s。") % {"label": label})
        return False
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        add(errors, field, _("%(label)s的年份应在%(low)d至%(high)d之间。") % {"label": label, "low": MIN_YEAR,
                                                                          "high": MAX_YEAR})  # fmt: skip
        return False
    if not_future and day > today():
        add(errors, field, _("%(label)s不能晚于今天。") % {"label": label})
        return False
    return True


def text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def require(actor, action: str, org: Org, message: str) -> None:
    """The actor's right on `org` (None acts as the system: demo data, imports, commands)."""
    if actor is not None and not scope.can(actor, action, org):
        raise PermissionDenied(message)


def require_visible(actor, org: Org) -> None:
    """Out of the actor's scope is a 404 in the pages; a service says it in words."""
    if actor is not None and not scope.can(actor, Action.VIEW, org):
        raise PermissionDenied(_("“%(name)s”不在您的管理范围内。") % {"name": org.name})


def user_or_none(actor):
    return actor if actor is not None and actor.pk else None


def fresh_org(org: Org | int) -> Org:
    return Org.objects.get(pk=org if isinstance(org, int) else org.pk)


def lock_orgs(*orgs: Org) -> None:
    """Writers of an org's dues take its row lock (in path order: no two writers deadlock)."""
    ids = sorted({o.pk for o in orgs if o is not None})
    if ids:
        list(Org.objects.select_for_update().filter(pk__in=ids).order_by("path").values_list("pk"))


def require_may_hold_dues(org: Org) -> None:
    """Temporary orgs collect no dues (RULES.md §7.4); a party group's branch keeps its members' dues."""
    if org.kind in TEMPORARY_KINDS:
        from dangjian.mobilization.services import require_temporary_org_may

        require_temporary_org_may(org, "dues")
    if org.kind in GROUP_KINDS:
        raise ValidationError(
            _("党小组不单独收缴、管理党费：“%(name)s”党员的党费由所在党支部收缴。") % {"name": org.name}
        )
    if not holds_funds(org):  # pragma: no cover - the two kinds above are all
        raise ValidationError(_("“%(name)s”不管理党费。") % {"name": org.name})
    if not org.is_active:
        raise ValidationError(_("“%(name)s”已撤销，不能再办理党费。") % {"name": org.name})


def check_meeting(meeting, org: Org, day: dt.date | None, errors: Errors, field: str = "meeting") -> None:
    """A collective decision: a meeting that decides (支委会, 支部党员大会, 党总支委员会, 党委会) of
    `org`, held on or before `day`."""
    if meeting is None:
        add(errors, field, _("请选择研究决定的会议（集体研究决定）。"))
        return
    if meeting.org_id != org.pk:
        add(errors, field, _("研究决定的会议应是“%(name)s”召开的会议。") % {"name": org.name})
    elif meeting.kind not in DECISION_KINDS:
        add(errors, field, _("应由支委会、支部党员大会、党总支委员会或党委会集体研究决定。"))
    elif day is not None and meeting.held_on > day:
        add(errors, field, _("会议（%(date)s）晚于办理日期。") % {"date": meeting.held_on.isoformat()})


def start_month(person: Person) -> int | None:
    """The first month `person` owes dues: the month of their 支部大会 (党费规定第八条); None when
    the date is not recorded (a member from before the records: no limit)."""
    return month_of(person.admitted_on) if person.admitted_on else None


def is_member(person: Person) -> bool:
    return person.standing in MEMBER_STANDINGS and not person.reduction


# ---- pricing the ledger -------------------------------------------------------------------------


class Pricing:
    """What each of some members owes in given months: the norm in force (the latest starting on or
    before the month), replaced by an approved relief covering it. Two queries for any number."""

    def __init__(self, person_ids: Iterable[int] = (), *, q: Q | None = None):
        """For the people `person_ids`, or (many people: a whole subtree) those matching `q`, a
        filter on the norm's and relief's `person`."""
        where = q if q is not None else Q(person_id__in=sorted(set(person_ids)))
        self.norms: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for pid, start, amount in (
            DuesNorm.objects.filter(where).order_by("person_id", "from_month")
            .values_list("person_id", "from_month", "amount_fen")
        ):  # fmt: skip
            self.norms[pid].append((start, amount))
        self.reliefs: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for pid, first, last, amount in DuesRelief.objects.filter(
            where, status=ReliefStatus.APPROVED
        ).values_list("person_id", "from_month", "to_month", "amount_fen"):
            self.reliefs[pid].append((first, last, amount))

    def due(self, person_id: int, month: int) -> tuple[int | None, bool]:
        """(due in fen or None without a norm, whether a relief applies)."""
        for first, last, amount in self.reliefs.get(person_id, ()):
            if first <= month <= last:
                return amount, True
        amount = None
        for start, value in self.norms.get(person_id, ()):
            if start > month:
                break
            amount = value
        return amount, False
