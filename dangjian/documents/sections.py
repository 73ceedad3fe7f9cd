"""Parts of the work briefing kept by apps above this one (branch life, 民主评议, training).

An app registers a Section in its AppConfig.ready(); the briefing asks every section for its
paragraph and the figures behind it, so the documents app imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Row = tuple[str, str, int, str]  # key, label, value, url of the records behind it


@dataclass(frozen=True)
class Section:
    """`compute(org, period)` → (paragraph, rows): the sentence for the briefing ("" when there is
    nothing to tell) and its figures, each with the records behind it."""

    key: str
    compute: Callable[[Any, Any], tuple[str, list[Row]]]
    order: int = 100


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section  # ready() may run twice


def sections(org, period) -> list[tuple[str, list[Row]]]:
    return [s.compute(org, period) for s in sorted(_sections.values(), key=lambda s: (s.order, s.key))]
