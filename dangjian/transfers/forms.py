from django import forms

from dangjian.base.forms import DateInput, StyledForm
from dangjian.transfers.models import Reason


class TransferForm(StyledForm):
    reason = forms.ChoiceField(label="转接原因", choices=[("", "—"), *Reason.choices])
    on = forms.DateField(label="发起日期", widget=DateInput(), required=False)
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"})
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}))
