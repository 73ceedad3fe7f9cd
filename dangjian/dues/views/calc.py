"""党费计算器: for anyone, signed in or not. Without an org it uses the rule set of the whole
jurisdiction; a signed-in user may name an org in their scope to use its local rule set."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.params import id_or_none
from dangjian.dues.calculator import CalcError, quote
from dangjian.dues.forms import CalculatorForm
from dangjian.dues.models import DuesCategory
from dangjian.dues.rules import DuesRules
from dangjian.orgs.models import Org


@require_GET
def calculator(request):
    form = CalculatorForm(request.GET or None)
    org = None
    org_id = id_or_none(request.GET.get("org"))
    if org_id and request.user.is_authenticated:
        org = Org.objects.filter(pk=org_id).first()
        if org is not None and not scope.can(request.user, Action.VIEW, org):
            org = None
    result = error = None
    day = timezone.localdate()
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["on"] or day
        try:
            result = quote(
                DuesRules().params(org, day), form.cleaned_data["category"], form.cleaned_data["income"],
                form.cleaned_data["flat"],
            )  # fmt: skip
        except CalcError as exc:
            error = str(exc)
    params = DuesRules().params(org, day)
    return render(
        request, "dues/calc.html",
        {"nav": "dues", "form": form, "result": result, "error": error, "org": org, "day": day, "params": params,
         "categories": DuesCategory.choices},
    )  # fmt: skip
