"""Pre-aggregated composition counts (CompositionCount), applied inside the services' transactions.

The same scheme as people/counts.py (SubtreeCount): every people service turns the person's old
and new state into ±1 entries, the entries become deltas on every ancestor's row, and the deltas
are applied under row locks in the same transaction. `recompute()` is the direct count over the
base tables; `dangjian counts check|rebuild` covers both tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q

from dangjian.base.bulk import add_to_counts, insert_rows
from dangjian.orgs.models import Org
from dangjian.people.counts import _ids_by_path, ancestor_paths
from dangjian.people.models import Person
from dangjian.stats.models import CompositionCount, Dim

TITLE = "构成汇总"  # a count keeper (base/hooks.py), registered in apps.py
Key = tuple[int, str, str, str]  # (org id, standing, dim, value)
DIMS = (Dim.GENDER, Dim.BIRTH_YEAR, Dim.EDUCATION, Dim.ETHNICITY, Dim.UNIT_TYPE)
# (org path, standing, (gender, birth year, education, ethnicity, unit type), +1/-1)
Entry = tuple[str, str, tuple[str, str, str, str, str], int]


def person_entry(person: Person, sign: int) -> Entry:
    values = (
        person.gender,
        str(person.birth_date.year),
        person.education or "",
        person.ethnicity or "",
        person.org.unit_type,
    )
    return (person.org.path, person.standing, values, sign)


def deltas_for(entries: Iterable[Entry]) -> Counter[Key]:
    """Entries → deltas on every ancestor's composition rows (collapsed per org first)."""
    local: Counter[tuple[str, str, str, str]] = Counter()
    for path, standing, values, sign in entries:
        for dim, value in zip(DIMS, values, strict=True):
            local[(path, standing, dim, value)] += sign
    return _spread(local)


def _spread(local: Counter[tuple[str, str, str, str]]) -> Counter[Key]:
    local = Counter({k: v for k, v in local.items() if v})
    ids = _ids_by_path({p for path, *_ in local for p in ancestor_paths(path)})
    deltas: Counter[Key] = Counter()
    for (path, standing, dim, value), n in local.items():
        for p in ancestor_paths(path):
            deltas[(ids[p], standing, str(dim), value)] += n
    return deltas


def apply(deltas: Counter[Key]) -> None:
    deltas = Counter({k: v for k, v in deltas.items() if v})
    # Lock and read only the rows the deltas touch: a big org holds hundreds of rows, a change of
    # one person touches a few of them.
    standings, values = {k[1] for k in deltas}, {k[3] for k in deltas}
    narrow = Q(standing__in=sorted(standings), value__in=sorted(values)) if len(values) <= 200 else None
    add_to_counts(CompositionCount, ("org_id", "standing", "dim", "value"), deltas, narrow=narrow)


def person_changed(old: Entry, new: Entry) -> None:
    if old[:3] != new[:3]:
        apply(deltas_for([old, new]))


def shift_subtree(org: Org, old_path: str, new_path: str) -> None:
    """org_move: take the moved subtree's totals off its old ancestors and add them to the new."""
    totals = list(
        CompositionCount.objects.filter(org=org, n__gt=0).values_list("standing", "dim", "value", "n")
    )
    old_above = [p for p in ancestor_paths(old_path) if p != old_path]
    new_above = [p for p in ancestor_paths(new_path) if p != new_path]
    ids = _ids_by_path(old_above + new_above)
    deltas: Counter[Key] = Counter()
    for standing, dim, value, n in totals:
        for p in old_above:
            deltas[(ids[p], standing, dim, value)] -= n
        for p in new_above:
            deltas[(ids[p], standing, dim, value)] += n
    apply(deltas)


def unit_type_changed(org: Org, old: str) -> None:
    """org_update: the org's own active people now count under its new unit type."""
    direct = (
        Person.objects.filter(org=org, reduction="")
        .values_list("standing")
        .annotate(n=Count("id"))
        .order_by()
    )
    local: Counter[tuple[str, str, str, str]] = Counter()
    for standing, n in direct:
        local[(org.path, standing, Dim.UNIT_TYPE, old)] -= n
        local[(org.path, standing, Dim.UNIT_TYPE, org.unit_type)] += n
    apply(_spread(local))


def recompute() -> Counter[Key]:
    """The counts as they should be, straight from the base tables."""
    active = Person.objects.filter(reduction="").order_by()
    local: Counter[tuple[str, str, str, str]] = Counter()
    for dim, expr in (
        (Dim.GENDER, "gender"),
        (Dim.EDUCATION, "education"),
        (Dim.ETHNICITY, "ethnicity"),
        (Dim.UNIT_TYPE, "org__unit_type"),
    ):
        for path, standing, value, n in active.values_list("org__path", "standing", expr).annotate(
            n=Count("id")
        ):
            local[(path, standing, str(dim), value or "")] += n
    for path, standing, born, n in active.values_list("org__path", "standing", "birth_date__year").annotate(
        n=Count("id")
    ):
        local[(path, standing, str(Dim.BIRTH_YEAR), str(born))] += n
    return Counter({k: v for k, v in _spread(local).items() if v})


def stored() -> Counter[Key]:
    return Counter(
        {
            (o, s, d, v): n
            for o, s, d, v, n in CompositionCount.objects.values_list(
                "org_id", "standing", "dim", "value", "n"
            )
            if n
        }
    )


def rebuild() -> int:
    CompositionCount.objects.all().delete()
    rows = [
        CompositionCount(org_id=o, standing=s, dim=d, value=v, n=n) for (o, s, d, v), n in recompute().items()
    ]
    insert_rows(CompositionCount, rows, batch_size=5000)
    return len(rows)
