"""A deterministic demo jurisdiction, modelled on Guang'an (seed 001).

市委 → 县区委 → 乡镇/街道党(工)委 and 机关/医院/学校/企业党委 → 村/社区/单位党组织 → 支部 → 党小组,
with people in every standing and plausible dates. Everything is written through the services
(org_tree_bulk_create, people_bulk_create, person_reduce, user_create, role_grant), so the demo
obeys the same rules as the pages.

Scales:
    small   two districts, 52 grassroots organizations and about 900 people (tests)
    county  two districts, 1,200 grassroots organizations and about 25,000 people (`make run`)
    city    six districts, exactly 7,479 grassroots organizations and 134,000 party members

The demo lives as of the day it is loaded (`today`): members admitted since the system's start
(tree.system_start) have their whole development case, people in development are at every stage,
and things fall due in the week after the load date.

The modules: `tree` (date, scales, the org tree), `people` (the people), `load` (orchestration).
"""

from dangjian.shell.demo.load import DEMO_PASSWORD, DemoResult, analyze_tables, database_is_empty, load_demo
from dangjian.shell.demo.people import (
    GIVEN_CHARS,
    MINORITIES,
    MOBILE_PREFIXES,
    RARE_SURNAMES,
    SURNAMES,
    UNIT_CATEGORIES,
    _person,
    person_rows,
)
from dangjian.shell.demo.tree import (
    COUNTIES,
    SCALES,
    STREETS,
    TOWN_WORDS,
    VILLAGE_WORDS,
    Scale,
    build_tree,
    system_start,
)

__all__ = [
    "COUNTIES",
    "DEMO_PASSWORD",
    "GIVEN_CHARS",
    "MINORITIES",
    "MOBILE_PREFIXES",
    "RARE_SURNAMES",
    "SCALES",
    "STREETS",
    "SURNAMES",
    "TOWN_WORDS",
    "UNIT_CATEGORIES",
    "VILLAGE_WORDS",
    "DemoResult",
    "Scale",
    "_person",
    "analyze_tables",
    "build_tree",
    "database_is_empty",
    "load_demo",
    "person_rows",
    "system_start",
]
