"""Writes to rule sets: local profiles edited by 组织部 administrators, with history."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dangjian.accounts.models import Role, RoleAssignment
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.development.models import RuleSet
from dangjian.development.rules import PARAM_CHOICES, RULE_BY_ID, VIOLATION, WARNING, name_list
from dangjian.orgs.models import Org

NATIONAL_CODE = "national-2014"
NATIONAL_DEFAULTS = {
    "name": "全国（2014年《发展党员工作细则》）",
    "effective_from": dt.date(2014, 6, 10),
    "overrides": {},
    "description": "中办发〔2014〕33号。公示默认不强制（各地可在本地规则集中设置天数）；"
    "火线入党例外（中组部2020年2月23日通知）适用期见 R-FRONTLINE 参数。",
}


def ensure_national(model=RuleSet) -> RuleSet:
    """The national rule set (seed data; also used by the data migration with its historical model)."""
    ruleset, _ = model.objects.get_or_create(code=NATIONAL_CODE, defaults=NATIONAL_DEFAULTS)
    return ruleset


def can_edit(user, org: Org | None) -> bool:
    """Superusers edit everything; a 组织部管理员 edits profiles for orgs inside their subtree."""
    if user is None:
        return True
    if user.is_superuser:
        return True
    if org is None:
        return False
    paths = RoleAssignment.objects.filter(
        user=user, role=Role.ORG_ADMIN, org__dissolved_on__isnull=True
    ).values_list("org__path", flat=True)
    return any(org.path.startswith(p) for p in paths)


def _is_decimal(text: str) -> bool:
    return re.fullmatch(r"[0-9]{1,9}(\.[0-9]{1,4})?", text) is not None


def clean_overrides(overrides: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Validate {rule id: {severity, enabled, article, param: value}} against the rule catalogue."""
    errors: list[str] = []
    clean: dict[str, dict[str, Any]] = {}
    for rule_id, values in (overrides or {}).items():
        rule = RULE_BY_ID.get(rule_id)
        if rule is None:
            errors.append(f"没有编号为“{rule_id}”的规则。")
            continue
        out: dict[str, Any] = {}
        for key, value in values.items():
            if key == "severity":
                if value not in (VIOLATION, WARNING):
                    errors.append(f"{rule_id}：严重程度只能是“违规”或“提醒”。")
                out[key] = value
            elif key == "enabled":
                out[key] = bool(value)
            elif key == "article":
                out[key] = str(value).strip()[:100]
            elif key in rule.params:
                default = rule.params[key]
                try:
                    if isinstance(default, bool):
                        value = (
                            value
                            if isinstance(value, bool)
                            else str(value).lower() in ("1", "true", "是", "on")
                        )
                    elif isinstance(default, int):
                        value = int(value)
                        if value < 0 or (key.endswith("_percent") and value > 100):
                            raise ValueError
                    elif key in ("bodies", "aspects"):  # lists of names
                        value = ",".join(name_list(value))
                        if not value or len(value) > 60:
                            raise ValueError
                    elif isinstance(default, str) and key.startswith("window_"):
                        dt.date.fromisoformat(str(value))
                    elif (rule_id, key) in PARAM_CHOICES:
                        if str(value) not in PARAM_CHOICES[(rule_id, key)]:
                            raise ValueError
                    elif isinstance(default, str) and _is_decimal(default):
                        # rates and amounts (党费): a plain non-negative decimal, kept as text
                        value = str(value).strip()
                        if not _is_decimal(value):
                            raise ValueError
                except (TypeError, ValueError):
                    errors.append(f"{rule_id}：参数“{key}”的值“{value}”无效。")
                    continue
                out[key] = value
            else:
                errors.append(f"{rule_id}：没有参数“{key}”。")
        if out:
            clean[rule_id] = out
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def ruleset_create(
    *, actor, code: str, name: str, org: Org | None, effective_from: dt.date, effective_to: dt.date | None = None,
    parent: RuleSet | None = None, overrides: dict | None = None, description: str = "",
) -> RuleSet:  # fmt: skip
    if not can_edit(actor, org):
        raise PermissionDenied("只有组织部管理员可以为本辖区设置本地规则集；全国规则集只能由系统管理员维护。")
    errors = []
    if not (code or "").strip() or RuleSet.objects.filter(code=code.strip()).exists():
        errors.append("规则集编号为空或已被使用。")
    if not (name or "").strip():
        errors.append("请填写规则集名称。")
    if effective_to and effective_to < effective_from:
        errors.append("失效日期不能早于生效日期。")
    if errors:
        raise ValidationError(errors)
    parent = (
        parent or RuleSet.objects.filter(org__isnull=True, is_active=True).order_by("-effective_from").first()
    )
    ruleset = RuleSet.objects.create(
        code=code.strip(), name=name.strip(), org=org, parent=parent, effective_from=effective_from,
        effective_to=effective_to, overrides=clean_overrides(overrides or {}), description=description.strip(),
    )  # fmt: skip
    record_change(actor=actor, action=ChangeAction.CREATE, obj=ruleset, after={"参数": ruleset.overrides})
    return ruleset


@transaction.atomic
def ruleset_update(*, actor, ruleset: RuleSet, **changes) -> RuleSet:
    ruleset = RuleSet.objects.select_for_update(of=("self",)).select_related("org").get(pk=ruleset.pk)
    if not can_edit(actor, ruleset.org):
        raise PermissionDenied("您无权修改该规则集。")
    allowed = {"name", "effective_from", "effective_to", "overrides", "description", "is_active"}
    if unknown := set(changes) - allowed:
        raise ValidationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}。")
    before = {"名称": ruleset.name, "参数": ruleset.overrides, "启用": ruleset.is_active,
              "生效": str(ruleset.effective_from), "失效": str(ruleset.effective_to or "")}  # fmt: skip
    if "overrides" in changes:
        changes["overrides"] = clean_overrides(changes["overrides"])
    for key, value in changes.items():
        setattr(ruleset, key, value)
    if ruleset.effective_to and ruleset.effective_to < ruleset.effective_from:
        raise ValidationError("失效日期不能早于生效日期。")
    ruleset.save()
    after = {"名称": ruleset.name, "参数": ruleset.overrides, "启用": ruleset.is_active,
             "生效": str(ruleset.effective_from), "失效": str(ruleset.effective_to or "")}  # fmt: skip
    if after != before:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=ruleset, before=before, after=after)
    return ruleset
