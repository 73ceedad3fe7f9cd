"""The figures of 组织关系转接 for a subtree and a period, each drilling down to its transfers.

One definition each, judged by the transfer's own dates: a move counts when it was completed (received,
or its 回执 recorded) within the period; one between two orgs of the same subtree is neither in nor out
of it. 办理中 and 逾期 are as of today.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import Org, subtree_q
from dangjian.transfers.models import OPEN_STATUSES, Status, Transfer

FIGURES: tuple[tuple[str, str], ...] = (
    ("out_inside", "转出（系统内）"),
    ("out_outside", "转往系统外"),
    ("in_inside", "转入（系统内）"),
    ("in_outside", "从系统外转入"),
    ("open", "办理中"),
    ("overdue", "逾期未接收"),
)
FIGURE_LABELS = dict(FIGURES)


def figure_q(key: str, org: Org, start: dt.date, end: dt.date, today: dt.date) -> Q:
    sent, got = subtree_q(org.path, "from_org__path"), subtree_q(org.path, "to_org__path")
    done = Q(status=Status.RECEIVED, closed_on__gte=start, closed_on__lte=end)
    return {
        "out_inside": done & sent & Q(to_org__isnull=False) & ~got,
        "out_outside": done & sent & Q(to_org__isnull=True),
        "in_inside": done & got & Q(from_org__isnull=False) & ~sent,
        "in_outside": done & got & Q(from_org__isnull=True),
        "open": Q(status__in=OPEN_STATUSES) & (sent | got),
        "overdue": Q(status=Status.PENDING, valid_until__lt=today) & (sent | got),
    }[key]


def transfer_figures(
    user, org: Org, start: dt.date, end: dt.date, today: dt.date
) -> list[tuple[str, str, int]]:
    """(key, label, count) for `org`'s subtree; `org` must be in the user's scope (the caller's 404)."""
    if not scope.can(user, Action.VIEW, org):
        raise Http404
    return [
        (key, label, Transfer.objects.filter(figure_q(key, org, start, end, today)).count())
        for key, label in FIGURES
    ]


def figure_transfers(
    user, key: str, org: Org, start: dt.date, end: dt.date, today: dt.date
) -> QuerySet[Transfer]:
    """The transfers behind one figure (the drill-down)."""
    if not scope.can(user, Action.VIEW, org):
        raise Http404
    return (
        Transfer.objects.filter(figure_q(key, org, start, end, today))
        .select_related("person", "from_org", "to_org", "reviewer")
        .order_by("-closed_on", "-submitted_on", "-id")
    )
