"""What the meetings app needs to know of secondments to take an attendance list (meetings/roster.py):
who belongs to a temporary org's meetings, and who is away from their home branch's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from dangjian.mobilization.models import Secondment
from dangjian.orgs.models import Org


def _on(day: dt.date) -> Q:
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gte=day))


def seconded_to(org: Org, day: dt.date) -> list[int]:
    return list(
        Secondment.objects.filter(_on(day), temporary_org__org=org).values_list("person_id", flat=True)
    )


def seconded_away(person_ids: Iterable[int], day: dt.date) -> dict[int, str]:
    rows = Secondment.objects.filter(_on(day), person_id__in=list(person_ids)).values_list(
        "person_id", "temporary_org__org__name"
    )
    return {pid: f"在临时党组织“{name}”参加组织生活" for pid, name in rows}
