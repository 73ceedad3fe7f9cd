"""What each side sees of transfers (组织关系转接). Scope from accounts.scope only.

- The sending side (the member's org at the start, in the user's view scope) sees its transfers out.
- The reviewing committee (in the user's CHANGE_PERSON scope) sees what waits for its review.
- The receiving side sees transfers addressed to its subtree once the letter is issued; the person's
  file stays out of its scope until receipt (name and gender only: `person_visible`).
- The sender finds the target org among all orgs by code or name, and sees only name and code.
Anything else is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import Org
from dangjian.orgs.selectors import match_orgs_q
from dangjian.transfers.models import OPEN_STATUSES, Status, Transfer
from dangjian.transfers.services import RECEIVING_KINDS

RELATED = ("person", "from_org", "to_org", "reviewer")


def _base() -> QuerySet[Transfer]:
    return Transfer.objects.select_related(*RELATED)


def outgoing_q(user) -> Q:
    return scope.scope_q(user, Action.VIEW, prefix="from_org__path")


def incoming_q(user) -> Q:
    # Inside the system once the letter is issued; from outside it as soon as it is recorded.
    issued = Q(issued_on__isnull=False) | Q(from_org__isnull=True)
    return scope.scope_q(user, Action.VIEW, prefix="to_org__path") & issued


def review_q(user) -> Q:
    return scope.scope_q(user, Action.VIEW, prefix="reviewer__path")


def outgoing_for(user) -> QuerySet[Transfer]:
    return _base().filter(outgoing_q(user))


def incoming_for(user) -> QuerySet[Transfer]:
    return _base().filter(incoming_q(user))


def review_for(user) -> QuerySet[Transfer]:
    """Transfers waiting for review by a committee where the user may change files."""
    return _base().filter(
        scope.scope_q(user, Action.CHANGE_PERSON, prefix="reviewer__path"), status=Status.SUBMITTED
    )


def overdue_for(user) -> QuerySet[Transfer]:
    """Letters issued and not received past their validity, on either side."""
    today = timezone.localdate()
    return (
        _base()
        .filter(outgoing_q(user) | incoming_q(user))
        .filter(status=Status.PENDING, valid_until__lt=today)
        .order_by("valid_until", "id")
    )


def visible_transfers(user) -> QuerySet[Transfer]:
    return _base().filter(outgoing_q(user) | incoming_q(user) | review_q(user))


def get_transfer_for_user(user, pk) -> Transfer:
    transfer = visible_transfers(user).filter(pk=pk).first()
    if transfer is None:
        raise Http404("该转接不存在或不在您的管理范围内。")
    return transfer


def open_transfer_of(person) -> Transfer | None:
    return _base().filter(person=person, status__in=OPEN_STATUSES).first()


def person_visible(user, transfer: Transfer) -> bool:
    """May `user` see the member's file (beyond name and gender)? Only where the file is in scope:
    the receiving side after acceptance, the sending side before."""
    return scope.path_in_scope(user, transfer.person.org.path, Action.VIEW)


@dataclass(frozen=True)
class Permitted:
    approve: bool
    receive: bool
    return_: bool
    cancel: bool
    receipt: bool
    letter: bool


def permitted(user, transfer: Transfer) -> Permitted:
    change = Action.CHANGE_PERSON
    is_open = transfer.status in OPEN_STATUSES
    submitted = transfer.status == Status.SUBMITTED
    pending = transfer.status == Status.PENDING
    inside = transfer.to_org is not None
    return Permitted(
        approve=submitted and scope.can(user, change, transfer.reviewer),
        receive=pending and inside and scope.can(user, change, transfer.to_org),
        return_=(submitted and scope.can(user, change, transfer.reviewer))
        or (pending and inside and scope.can(user, change, transfer.to_org)),
        cancel=is_open and scope.can(user, change, transfer.from_org),
        receipt=pending and not inside and scope.can(user, change, transfer.from_org),
        letter=transfer.issued_on is not None
        and (
            scope.can(user, Action.VIEW, transfer.from_org) or scope.can(user, Action.VIEW, transfer.reviewer)
        ),
    )


def target_orgs(query: str, limit: int = 20) -> list[dict]:
    """Orgs anywhere that can receive a member, matching a code or name: name and code only."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    rows = (
        Org.objects.filter(match_orgs_q(query), dissolved_on__isnull=True, kind__in=list(RECEIVING_KINDS))
        .order_by("depth", "path")
        .values("id", "code", "name")[:limit]
    )
    return list(rows)
