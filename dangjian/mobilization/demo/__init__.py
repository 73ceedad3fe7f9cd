"""Campaigns for the demo jurisdiction, entered through the mobilization services.

1. 新冠肺炎疫情防控 (2020-01-24 to 2020-06-30, closed), run by the 市委: at `city` scale the figures
   of seed 000 — 753 temporary orgs, 3,896 teams, 12,000 vanguard posts and responsibility zones,
   242 applications from the front line of whom 58 were admitted (19 medical staff, 8 police, 25
   community or village cadres), 9 bulletins naming 90 collectives and 122 individuals — with the
   grid of seed 002 (4,300 compound, building and unit leads) and 30 days of duty by 1,100 people a
   day; smaller at `county` and `small` scale. Closing it dissolved its temporary orgs (kept).
2. 2026年冬季森林防灭火 (running), run by the demo organizer's town committee: a few teams, posts,
   a temporary party group, a grid with gaps and a duty plan, for trying the pages.

At `small` scale no person and no case is added (the pipeline's demo frontline admissions are the
recommended ones), so the people and case counts of the base demo stay as they are.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from dangjian.orgs.models import Org

from ..models import Campaign
from ._common import SCALES, Scale, _Pool
from .epidemic import _epidemic
from .forest_fire import _forest_fire

__all__ = ["SCALES", "Scale", "load_mobilization_demo"]


def load_mobilization_demo(
    scale_name: str,
    *,
    reference: dt.date,
    regions: list[str],
    seed: int = 2020,
    log: Callable[[str], None] = lambda _m: None,
) -> list[Campaign]:
    """The demo campaigns for the loaded demo tree (see the module docstring); `regions` are the
    ID-number region codes of its counties, in tree order (the orchestrator knows them)."""
    scale = SCALES[scale_name]
    rng = random.Random(f"mobilization-{seed}-{scale_name}")
    root = Org.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return []
    log("载入战时动员演示数据……")
    pool = _Pool(root, regions)
    campaigns = [_epidemic(scale, root, pool, rng, log)]
    fire = _forest_fire(reference, pool, rng)
    if fire is not None:
        campaigns.append(fire)
    return campaigns
