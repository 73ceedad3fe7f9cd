from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.appraisal.models import Measure, Outcome
from dangjian.base.forms import DateInput, StyledForm

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class AppraisalForm(StyledForm):
    """The header of a 民主评议; the grades come from the roster table (grade-<person id>)."""

    held_on = forms.DateField(label=_("评议日期"), widget=DateInput())
    meeting = forms.ModelChoiceField(
        label=_("评议会议"), queryset=None, required=False, empty_label="—",
        help_text=_("可选：开展民主评议的支部党员大会或组织生活会。"),
    )  # fmt: skip
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.held_on:%Y-%m-%d} {m.display_title}"
        self.fields["held_on"].widget.attrs["col"] = "col-md-4"
        self.fields["meeting"].widget.attrs["col"] = "col-md-8"
        self.fields["notes"].widget.attrs["col"] = "col-12"


class ImportForm(StyledForm):
    held_on = forms.DateField(label=_("评议日期"), widget=DateInput())
    file = forms.FileField(
        label=_("评议结果工作簿"), help_text=_("按下载的模板填写“等次”列的 .xlsx 文件，不超过5MB。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].widget.attrs["col"] = "col-md-4"
        self.fields["file"].widget.attrs["col"] = "col-md-8"
        self.fields["file"].widget.attrs["accept"] = ".xlsx"


class DecideForm(StyledForm):
    measure = forms.ChoiceField(label=_("组织处置"), choices=[("", "—"), *Measure.choices])
    decided_on = forms.DateField(label=_("处置决定日期"), widget=DateInput())
    deadline = forms.DateField(
        label=_("改正期限"), widget=DateInput(), required=False, help_text=_("限期改正时填写。")
    )


class CloseForm(StyledForm):
    outcome = forms.ChoiceField(label=_("处置结果"), choices=[("", "—"), *Outcome.choices])
    outcome_on = forms.DateField(label=_("结果日期"), widget=DateInput())
    note = forms.CharField(label=_("结果说明"), required=False, max_length=500)
