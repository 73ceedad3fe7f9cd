"""Who wants to know that an org's meetings changed (the branch-life reminders, in an app above this
one, register here instead of being imported)."""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable[[int], None]] = []


def register_meetings_changed(fn: Callable[[int], None]) -> None:
    """fn(org id), called inside the write that recorded or corrected a meeting of that org."""
    if fn not in _listeners:
        _listeners.append(fn)


def meetings_changed(org_id: int) -> None:
    for fn in _listeners:
        fn(org_id)
