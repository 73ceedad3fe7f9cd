"""入党志愿书编号 (number ranges): the list of ranges with the issue form, and one range's numbers
with the void form."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.base.forms import DateInput, StyledForm, apply_service_errors
from dangjian.development import formnumbers
from dangjian.development.models import FormNumberState
from dangjian.development.rulesets import can_edit
from dangjian.orgs.models import OrgKind


class RangeIssueForm(StyledForm):
    org = forms.ModelChoiceField(label="领取单位（党委）", queryset=None)
    prefix = forms.CharField(
        label="编号前缀", max_length=20, required=False, help_text="如行政区划代码加年份"
    )
    first = forms.IntegerField(label="起始号", min_value=1)
    last = forms.IntegerField(label="终止号", min_value=1)
    width = forms.IntegerField(
        label="序号位数", min_value=1, max_value=10, required=False, help_text="留空按终止号位数"
    )
    issued_on = forms.DateField(label="发放日期", widget=DateInput())
    document_ref = forms.CharField(label="文号或登记号", max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        committees = scope.orgs_for(user).filter(kind=OrgKind.COMMITTEE, dissolved_on__isnull=True)
        self.fields["org"].queryset = committees.order_by("path")


class VoidForm(StyledForm):
    seq = forms.IntegerField(label="序号", min_value=1)
    reason = forms.CharField(label="作废原因", max_length=200)


@login_required
def range_list(request):
    roots = list(scope.scope_roots(request.user)[:1])
    may_issue = request.user.is_superuser or (bool(roots) and can_edit(request.user, roots[0]))
    form = RangeIssueForm(
        request.POST or None, user=request.user, initial={"issued_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied("只有组织部管理员可以发放入党志愿书号段。")
        if form.is_valid():
            data = form.cleaned_data
            try:
                issued = formnumbers.range_issue(
                    actor=request.user, org=data["org"], prefix=data["prefix"], first=data["first"],
                    last=data["last"], width=data["width"], issued_on=data["issued_on"],
                    document_ref=data["document_ref"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已向{issued.org.name}发放号段 {issued}（{issued.size}个编号）。")
                return redirect("formnumber-list")
    ranges = list(formnumbers.ranges_for(request.user).order_by("org__path", "issued_on", "prefix", "first"))
    for number_range in ranges:
        number_range.free = number_range.size - number_range.used - number_range.voided
    return render(
        request, "development/formnumbers.html",
        {"nav": "rules", "ranges": ranges, "form": form, "may_issue": may_issue},
    )  # fmt: skip


@login_required
def range_detail(request, pk: int):
    number_range = formnumbers.get_range_for_user(request.user, pk)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            voided = formnumbers.number_void(
                actor=request.user, number_range=number_range, seq=form.cleaned_data["seq"],
                reason=form.cleaned_data["reason"], on=timezone.localdate(),
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"编号 {voided.number} 已作废。")
            return redirect("formnumber-detail", number_range.pk)
    entries = formnumbers.range_entries(number_range)
    visible_cases = set(
        scope.people_for(request.user)
        .filter(case__in=[e.case_id for e in entries if e.case_id])
        .values_list("case", flat=True)
    )
    following = formnumbers.next_free([number_range])
    return render(
        request, "development/formnumber_range.html",
        {"nav": "rules", "range": number_range, "entries": entries, "visible_cases": visible_cases, "form": form,
         "free": number_range.size - len(entries), "next_number": number_range.number(following[1]) if following else "",
         "used_state": FormNumberState.USED},
    )  # fmt: skip
