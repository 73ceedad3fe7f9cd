"""The rule sets (规则配置): list, detail and creating a local profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.base.forms import apply_service_errors
from dangjian.development import rulesets as rulesets_module
from dangjian.development import selectors
from dangjian.development.forms import RuleSetForm, readonly_rows


def _effective(overrides: dict | None) -> dict:
    from dangjian.development.rules import effective_rules

    return {e.rule.id: {"severity": e.severity, "enabled": e.enabled, "params": e.params, "article": e.article}
            for e in effective_rules(overrides)}  # fmt: skip


@login_required
def ruleset_list(request):
    rulesets = (
        selectors.rulesets_for(request.user)
        .select_related("org", "parent")
        .order_by("org__path", "effective_from")
    )
    return render(
        request,
        "development/rulesets.html",
        {"nav": "rules", "rulesets": rulesets, "can_create": rulesets_module.can_edit(request.user, _admin_root(request.user))},
    )  # fmt: skip


def _admin_root(user):
    roots = list(scope.scope_roots(user)[:1])
    return roots[0] if roots else None


@login_required
def ruleset_detail(request, pk: int):
    from dangjian.audit.services import history_for

    ruleset = selectors.get_ruleset_for_user(request.user, pk)
    base = _effective(ruleset.parent.merged_overrides() if ruleset.parent else None)
    editable = rulesets_module.can_edit(request.user, ruleset.org)
    initial_values = _effective(ruleset.merged_overrides())
    form = RuleSetForm(
        request.POST or None, base=initial_values, editing=True,
        initial={"name": ruleset.name, "effective_from": ruleset.effective_from, "effective_to": ruleset.effective_to,
                 "description": ruleset.description},
    )  # fmt: skip
    form.base = base
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("您无权修改该规则集。")
        if form.is_valid():
            try:
                rulesets_module.ruleset_update(
                    actor=request.user, ruleset=ruleset, name=form.cleaned_data["name"],
                    effective_from=form.cleaned_data["effective_from"], effective_to=form.cleaned_data["effective_to"],
                    description=form.cleaned_data["description"], overrides=form.overrides(),
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "规则集已保存。")
                return redirect("ruleset-detail", ruleset.pk)
    return render(
        request,
        "development/ruleset.html",
        {"nav": "rules", "ruleset": ruleset, "form": form, "editable": editable, "history": history_for(ruleset)[:50],
         "readonly_rows": None if editable else readonly_rows(initial_values)},
    )  # fmt: skip


@login_required
def ruleset_create(request):
    from dangjian.development.models import RuleSet

    national = RuleSet.objects.filter(org__isnull=True, is_active=True).order_by("-effective_from").first()
    base = _effective(national.merged_overrides() if national else None)
    form = RuleSetForm(request.POST or None, base=base, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["org_code"].strip()
        org = scope.orgs_for(request.user).filter(code=code).first() if code else None
        if code and org is None:
            form.add_error("org_code", "找不到该组织代码，或该组织不在您的管理范围内。")
        else:
            try:
                ruleset = rulesets_module.ruleset_create(
                    actor=request.user, code=form.cleaned_data["code"], name=form.cleaned_data["name"], org=org,
                    effective_from=form.cleaned_data["effective_from"], effective_to=form.cleaned_data["effective_to"],
                    parent=national, overrides=form.overrides(), description=form.cleaned_data["description"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("org_code", str(exc))
            else:
                messages.success(request, "本地规则集已建立。")
                return redirect("ruleset-detail", ruleset.pk)
    return render(
        request, "development/ruleset.html", {"nav": "rules", "form": form, "editable": True, "ruleset": None}
    )
