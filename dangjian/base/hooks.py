"""Figures that feature apps keep beside the core's own, fed by the core's writes.

The people and org services keep SubtreeCount themselves. Other pre-aggregated figures (the
statistics app's CompositionCount) register a *count keeper* here in their AppConfig.ready(); the
core services tell every registered keeper about each change in the same transaction, without
importing the app that keeps it. A keeper is any object (a module will do) with:

    TITLE: str                                    # named by `dangjian counts check`
    person_entry(person, sign) -> entry           # what the person adds (+1) or takes away (-1)
    deltas_for(entries) -> deltas; apply(deltas)  # fold entries into the stored figures
    person_changed(old_entry, new_entry)
    shift_subtree(org, old_path, new_path); unit_type_changed(org, old_unit_type)
    recompute() -> Counter; stored() -> Counter; rebuild() -> int
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_keepers: list[Any] = []


def register_count_keeper(keeper: Any) -> None:
    if keeper not in _keepers:  # ready() may run more than once in tests
        _keepers.append(keeper)


def count_keepers() -> list[Any]:
    return list(_keepers)


def people_added(people: Iterable[Any]) -> None:
    people = list(people)
    for keeper in _keepers:
        keeper.apply(keeper.deltas_for(keeper.person_entry(p, +1) for p in people))


def people_removed(people: Iterable[Any]) -> None:
    people = list(people)
    for keeper in _keepers:
        keeper.apply(keeper.deltas_for(keeper.person_entry(p, -1) for p in people))


def before_person_change(person: Any) -> list[Any]:
    """Each keeper's view of the person before an edit; hand it to after_person_change."""
    return [keeper.person_entry(person, -1) for keeper in _keepers]


def after_person_change(before: list[Any], person: Any) -> None:
    for keeper, old in zip(_keepers, before, strict=True):
        keeper.person_changed(old, keeper.person_entry(person, +1))


def subtree_moved(org: Any, old_path: str, new_path: str) -> None:
    for keeper in _keepers:
        keeper.shift_subtree(org, old_path, new_path)


def unit_type_changed(org: Any, old_unit_type: str) -> None:
    for keeper in _keepers:
        keeper.unit_type_changed(org, old_unit_type)


# ---- who owns a person's standing ----------------------------------------------------------------
# A person whose development is recorded step by step has the standing and milestone dates those
# records give; nobody types them. The development app registers a *standing source*: given a
# person, it answers the values its records derive (or None when it has no records for them).

STANDING_FIELDS = ("standing", "applied_on", "activist_on", "candidate_on", "admitted_on", "converted_on")
_standing_sources: list[Any] = []


def register_standing_source(source: Any) -> None:
    if source not in _standing_sources:
        _standing_sources.append(source)


def derived_standing(person: Any) -> dict[str, Any] | None:
    """The standing and milestone dates the records give `person`, or None if no source has any."""
    for source in _standing_sources:
        derived = source(person)
        if derived is not None:
            return derived
    return None


# ---- what follows a person to another org ----------------------------------------------------------
# When a person's file moves to another org on behalf of a transfer (people.services.person_move),
# feature apps that keep records at the person's org (a development case) register a *move
# listener* and move them in the same transaction: listener(person, old_org, new_org, actor).
_move_listeners: list[Any] = []


def register_move_listener(listener: Any) -> None:
    if listener not in _move_listeners:
        _move_listeners.append(listener)


def person_moved(person: Any, old_org: Any, new_org: Any, actor: Any) -> None:
    for listener in _move_listeners:
        listener(person, old_org, new_org, actor)
