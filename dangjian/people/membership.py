"""Whether someone was a party member on a given day, from the milestone dates on their file.

Work done on a date (a campaign's temporary org, a team, a post, 双报到) is judged as of that
date, not by today's standing: someone admitted in 2023 was not a party member in 2020.

A person was a member (预备 or 正式) on `day` when they were admitted (接收为预备党员) on or
before it and had not left the books (减少) by then; a full member (正式党员) when they had also
been converted (转为正式党员) by then. Files entered without their history (members who joined
before the system) have no admission date: for them today's standing stands for the past, as
nothing better is known. A reduction without a date is taken to have happened already.

`member_on` / `full_member_on` answer for one person; `member_on_q` / `full_member_on_q` are the
same rules as a filter, for counting and choosing in the database. The tests hold them equal.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from .models import MEMBER_STANDINGS, Person, Standing


def _on_books(person: Person, day: dt.date) -> bool:
    return not person.reduction or (person.reduced_on is not None and person.reduced_on > day)


def member_on(person: Person, day: dt.date) -> bool:
    """Whether `person` was a party member (预备党员 or 正式党员) on `day`."""
    if not _on_books(person, day):
        return False
    if person.admitted_on is not None:
        return person.admitted_on <= day
    return person.standing in MEMBER_STANDINGS


def full_member_on(person: Person, day: dt.date) -> bool:
    """Whether `person` was a full member (正式党员) on `day`."""
    if not member_on(person, day):
        return False
    if person.converted_on is not None:
        return person.converted_on <= day
    return person.standing == Standing.FULL


def _on_books_q(day: dt.date, p: str) -> Q:
    return Q(**{f"{p}reduction": ""}) | Q(**{f"{p}reduced_on__gt": day})


def member_on_q(day: dt.date, prefix: str = "") -> Q:
    """`member_on` as a filter on Person (`prefix` e.g. "person__" from a related model)."""
    p = prefix
    admitted = Q(**{f"{p}admitted_on__lte": day}) | Q(
        **{f"{p}admitted_on__isnull": True, f"{p}standing__in": sorted(MEMBER_STANDINGS)}
    )
    return _on_books_q(day, p) & admitted


def full_member_on_q(day: dt.date, prefix: str = "") -> Q:
    """`full_member_on` as a filter on Person."""
    p = prefix
    converted = Q(**{f"{p}converted_on__lte": day}) | Q(
        **{f"{p}converted_on__isnull": True, f"{p}standing": Standing.FULL}
    )
    return member_on_q(day, prefix) & converted
