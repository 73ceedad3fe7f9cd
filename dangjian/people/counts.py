"""Pre-aggregated subtree counts (SubtreeCount): applied inside the services' transactions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db.models import Count

from dangjian.base.bulk import add_to_counts
from dangjian.orgs.models import Org
from dangjian.people.models import Person, SubtreeCount

Key = tuple[int, str, str]  # (org id, standing, category)


def ancestor_paths(path: str) -> list[str]:
    step = Org.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def _ids_by_path(paths: Iterable[str]) -> dict[str, int]:
    paths = list(set(paths))
    found: dict[str, int] = {}
    for start in range(0, len(paths), 900):
        found.update(Org.objects.filter(path__in=paths[start : start + 900]).values_list("path", "id"))
    return found


def deltas_for(entries: Iterable[tuple[str, str, str, int]]) -> Counter[Key]:
    """(org path, standing, category, +1/-1) → deltas on every ancestor's subtree count."""
    entries = list(entries)
    ids = _ids_by_path(p for path, *_ in entries for p in ancestor_paths(path))
    deltas: Counter[Key] = Counter()
    for path, standing, category, sign in entries:
        for p in ancestor_paths(path):
            deltas[(ids[p], standing, category)] += sign
    return deltas


def apply(deltas: Counter[Key]) -> None:
    add_to_counts(SubtreeCount, ("org_id", "standing", "category"), deltas)


def person_entry(person: Person, sign: int) -> tuple[str, str, str, int]:
    return (person.org.path, person.standing, person.category, sign)


def recompute() -> Counter[Key]:
    """The counts as they should be, straight from the base table."""
    direct = (
        Person.objects.filter(reduction="")
        .values_list("org__path", "standing", "category")
        .annotate(n=Count("id"))
        .order_by()
    )
    totals: Counter[tuple[str, str, str]] = Counter()
    for path, standing, category, n in direct:
        for p in ancestor_paths(path):
            totals[(p, standing, category)] += n
    ids = _ids_by_path(p for p, _, _ in totals)
    return Counter({(ids[p], s, c): n for (p, s, c), n in totals.items() if n})


def stored() -> Counter[Key]:
    return Counter(
        {
            (o, s, c): n
            for o, s, c, n in SubtreeCount.objects.values_list("org_id", "standing", "category", "n")
            if n
        }
    )


def rebuild() -> int:
    SubtreeCount.objects.all().delete()
    rows = [SubtreeCount(org_id=o, standing=s, category=c, n=n) for (o, s, c), n in recompute().items()]
    SubtreeCount.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
