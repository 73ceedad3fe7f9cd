from django import forms

from dangjian.base.forms import DateInput, StyledForm
from dangjian.transfers.models import Reason


class TransferForm(StyledForm):
    to_outside = forms.CharField(
        label="或：转往系统外党组织（名称）", required=False,
        help_text="接收党组织不在本系统时填写：审核后打印介绍信，回执收回后登记回执，该同志即作转出（减少）。",
        widget=forms.TextInput(attrs={"col": "col-12"}),
    )  # fmt: skip
    reason = forms.ChoiceField(label="转接原因", choices=[("", "—"), *Reason.choices])
    on = forms.DateField(label="发起日期", widget=DateInput(), required=False)
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"})
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))
