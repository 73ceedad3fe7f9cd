from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.base.forms import DateInput, StyledForm
from dangjian.training.models import TraineeCategory, TrainingKind


class TrainingClassForm(StyledForm):
    name = forms.CharField(label=_("培训班名称"), max_length=200)
    kind = forms.ChoiceField(label=_("培训类别"), choices=TrainingKind.choices)
    start_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    end_on = forms.DateField(label=_("结束日期"), widget=DateInput())
    days = forms.IntegerField(
        label=_("培训天数"), min_value=1, max_value=366, required=False,
        help_text=_("不填则按开始至结束的天数计算。"),
    )  # fmt: skip
    hours = forms.DecimalField(
        label=_("学时"), min_value=0.1, max_value=999.9, decimal_places=1, max_digits=5
    )
    place = forms.CharField(label=_("培训地点"), max_length=200, required=False)
    online = forms.BooleanField(label=_("线上培训"), required=False)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "start_on", "end_on"):
            self.fields[name].widget.attrs["col"] = "col-md-4"
        for name in ("days", "hours"):
            self.fields[name].widget.attrs["col"] = "col-md-3"
        self.fields["place"].widget.attrs["col"] = "col-md-6"
        self.fields["notes"].widget.attrs["col"] = "col-12"


class AddParticipantsForm(StyledForm):
    people = forms.ModelMultipleChoiceField(
        label=_("学员"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("按住 Ctrl（或 ⌘）可多选。"),
    )  # fmt: skip
    category = forms.ChoiceField(
        label=_("参训类别"), required=False,
        choices=[("", _("按人员的政治面貌确定")), *TraineeCategory.choices],
    )  # fmt: skip

    def __init__(self, *args, people, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = people
        # Any of `people` is accepted; the first `limit` are offered (a long list is narrowed by standing).
        field.widget.choices = [
            (p.pk, f"{p.name} · {p.get_standing_display()} · {p.org.name}") for p in people[:limit]
        ]
        field.widget.attrs["class"] = "form-select"
        field.widget.attrs["col"] = "col-md-8"
        self.fields["category"].widget.attrs["col"] = "col-md-4"


class CompleteForm(StyledForm):
    completed_on = forms.DateField(
        label=_("结业日期"), required=False, widget=DateInput(), help_text=_("不填则为培训结束日期。")
    )
