"""The standard of R-TALENT-POOL (at least N in reserve per village or community), as the rule set
in force for each org has it. Rule sets are read once per call and merged once per rule set."""

from __future__ import annotations

import datetime as dt

from dangjian.development.models import RuleSet
from dangjian.development.rules import RULE_BY_ID, effective_rule
from dangjian.development.services import ruleset_for
from dangjian.orgs.models import Org

RULE_ID = "R-TALENT-POOL"
DEFAULT_PER_VILLAGE = 2


class Standards:
    """`per_village(org)` for many orgs on one day: one read of the active rule sets."""

    def __init__(self, on: dt.date):
        self.on = on
        self.active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
        self._by_ruleset: dict[int | None, int | None] = {}

    def per_village(self, org: Org) -> int | None:
        """The standard for `org`, or None when the rule set in force disables the rule."""
        ruleset = ruleset_for(org, self.on, self.active)
        key = ruleset.pk if ruleset else None
        if key not in self._by_ruleset:
            rule = effective_rule(RULE_BY_ID[RULE_ID], ruleset.merged_overrides() if ruleset else None)
            value = int(rule.params.get("per_village", DEFAULT_PER_VILLAGE)) if rule.enabled else None
            self._by_ruleset[key] = value
        return self._by_ruleset[key]

    def article(self, org: Org) -> str:
        ruleset = ruleset_for(org, self.on, self.active)
        return effective_rule(RULE_BY_ID[RULE_ID], ruleset.merged_overrides() if ruleset else None).article
