from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.base.forms import DateInput, StyledForm
from dangjian.people.models import Education, Gender
from dangjian.talent.models import ReservedPost, SourceChannel, TaskOutcome


class EntryForm(StyledForm):
    id_number = forms.CharField(
        label=_("公民身份号码（已有人员档案的）"), max_length=18, required=False,
        help_text=_("填写则关联该人员档案（须在您的管理范围内），下面的姓名、性别、出生日期可不填。"),
    )  # fmt: skip
    name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    gender = forms.ChoiceField(label=_("性别"), choices=[("", "—"), *Gender.choices], required=False)
    birth_date = forms.DateField(label=_("出生日期"), widget=DateInput(), required=False)
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—"), *Education.choices], required=False)
    occupation = forms.CharField(label=_("职业"), max_length=60, required=False)
    source = forms.ChoiceField(label=_("来源渠道"), choices=SourceChannel.choices)
    reserved_for = forms.ChoiceField(label=_("储备岗位"), choices=ReservedPost.choices)
    registered_on = forms.DateField(label=_("入库日期"), widget=DateInput())
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs["col"] = "col-md-6"
        self.fields["name"].widget.attrs["col"] = "col-md-6"
        for name in ("gender", "birth_date", "education", "source", "reserved_for", "registered_on"):
            self.fields[name].widget.attrs["col"] = "col-md-4"
        self.fields["occupation"].widget.attrs["col"] = "col-md-4"
        self.fields["note"].widget.attrs["col"] = "col-12"


class ReviewForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)
    result = forms.ChoiceField(label=_("调整结果"), choices=[("kept", _("保留")), ("removed", _("调整出库"))])
    reviewed_on = forms.DateField(label=_("调整日期"), widget=DateInput())
    reason = forms.CharField(label=_("理由"), max_length=300, required=False)


class AppointForm(StyledForm):
    post = forms.CharField(label=_("选任职务"), max_length=200)
    on = forms.DateField(label=_("选任日期"), widget=DateInput())


class TaskForm(StyledForm):
    title = forms.CharField(label=_("任务"), max_length=200)
    assigned_on = forms.DateField(label=_("交办日期"), widget=DateInput())
    due_on = forms.DateField(label=_("完成期限"), widget=DateInput(), required=False)


class TaskCloseForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("完成情况"), choices=[c for c in TaskOutcome.choices if c[0] != "open"]
    )
    closed_on = forms.DateField(label=_("评定日期"), widget=DateInput())
    note = forms.CharField(label=_("评定说明"), max_length=300, required=False)
