"""The dues rules in force (R-DUES-*, defined with the other rules in development/rules/local.py): looked up
per org and day through development's rule sets, once per rule set for batch work."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from dangjian.development.models import RuleSet
from dangjian.development.rules import DUES_RULES, EffectiveRule
from dangjian.development.services import rule_in_force, ruleset_for
from dangjian.dues.calculator import DuesParams, params_from
from dangjian.orgs.models import Org

DUES_RULE_IDS = tuple(r.id for r in DUES_RULES)
# The jurisdiction as a whole: only rule sets without an org cover it (the national one, or a
# profile for everyone), which is what the calculator uses when no org is named.
EVERYWHERE = SimpleNamespace(path="", pk=None, depth=0)


class DuesRules:
    """Effective dues rules by (rule set, day); a city has few rule sets, so batch work (opening a
    month for every branch, the figures) resolves each once."""

    def __init__(self, active: list[RuleSet] | None = None):
        self.active = (
            active
            if active is not None
            else list(RuleSet.objects.filter(is_active=True).select_related("org"))
        )
        self._cache: dict[tuple, dict[str, EffectiveRule]] = {}
        self._params: dict[tuple, DuesParams] = {}

    def _key(self, org, on: dt.date) -> tuple:
        ruleset = ruleset_for(org or EVERYWHERE, on, self.active)
        return (ruleset.pk if ruleset else None, on), ruleset

    def rules(self, org: Org | None, on: dt.date) -> dict[str, EffectiveRule]:
        key, _ruleset = self._key(org, on)
        if key not in self._cache:
            self._cache[key] = {
                rid: rule_in_force(org or EVERYWHERE, rid, on, self.active) for rid in DUES_RULE_IDS
            }
        return self._cache[key]

    def rule(self, org: Org | None, rule_id: str, on: dt.date) -> EffectiveRule:
        return self.rules(org, on)[rule_id]

    def params(self, org: Org | None, on: dt.date) -> DuesParams:
        key, ruleset = self._key(org, on)
        if key not in self._params:
            self._params[key] = params_from(self.rules(org, on), ruleset.code if ruleset else "")
        return self._params[key]


def dues_rule(org: Org | None, rule_id: str, on: dt.date) -> EffectiveRule:
    return rule_in_force(org or EVERYWHERE, rule_id, on)


def int_param(rule: EffectiveRule, key: str, default: int) -> int:
    try:
        return max(0, int(rule.params.get(key, default)))
    except (TypeError, ValueError):
        return default
