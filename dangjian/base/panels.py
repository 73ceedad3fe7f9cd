"""Panels that feature apps add to the pages of the core (the person file, the org page).

The core apps (orgs, people) must not import a feature app, yet their pages show a case link, the
development board, campaign roles …: each feature app registers a Panel in its AppConfig.ready(),
and the core view renders whatever is registered. A panel decides itself whether it shows (its
`context` returns None to stay away) and sees only what the page has already checked the user may
see.

Places: "actions" (buttons beside the page title) and "main" (cards below the page's own). The
statistics page ("stats", object: the org shown; page context: the period) takes panels too, so
feature apps beside the statistics add their figures without the statistics app importing them;
a campaign's dashboard ("campaign", object: the campaign) takes the figures of apps above
mobilization (the dues allocated under it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

PAGES = ("person", "org", "stats", "campaign")
PLACES = ("actions", "main")


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[Any, Any, dict], dict | None]  # (request, object, page context) → context or None
    place: str = "main"
    order: int = 100


_registry: dict[str, list[Panel]] = {page: [] for page in PAGES}


def register(page: str, panel: Panel) -> None:
    if page not in PAGES or panel.place not in PLACES:
        raise ValueError(f"unknown page or place: {page}/{panel.place}")
    panels = [p for p in _registry[page] if p.key != panel.key]  # ready() may run twice in tests
    _registry[page] = sorted([*panels, panel], key=lambda p: (p.order, p.key))


def registered(page: str) -> list[Panel]:
    return list(_registry[page])


def render(page: str, request, obj, page_context: dict) -> dict[str, SafeString]:
    """Every registered panel of `page` rendered into its place: {"actions": html, "main": html}."""
    out: dict[str, list[str]] = {place: [] for place in PLACES}
    for panel in _registry[page]:
        context = panel.context(request, obj, page_context)
        if context is not None:
            out[panel.place].append(render_to_string(panel.template, context, request=request))
    return {place: mark_safe("".join(parts)) for place, parts in out.items()}
