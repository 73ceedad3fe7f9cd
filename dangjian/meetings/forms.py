from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.base.forms import DateInput, StyledForm
from dangjian.meetings.models import MeetingKind, Motion
from dangjian.meetings.rules import ALL_MEMBER_KINDS, MEETING_ORG_KINDS


def _count(label, *, required: bool = True, initial=None, help_text=""):
    return forms.IntegerField(
        label=label, min_value=0, max_value=100000, required=required, initial=initial, help_text=help_text
    )


class InlineChecks(forms.CheckboxSelectMultiple):
    template_name = "meetings/widgets/inline_checks.html"


class MeetingForm(StyledForm):
    kind = forms.ChoiceField(label=_("会议类型"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=_("会议日期"), widget=DateInput())
    purposes = forms.MultipleChoiceField(
        label=_("同时作为"),
        required=False,
        choices=[],
        widget=InlineChecks,
        help_text=_("如党员大会同时作为本月主题党日、讲授党课，勾选后只记录一次，分别计入。"),
    )
    title = forms.CharField(label=_("会议名称"), max_length=200, required=False)
    topic = forms.CharField(label=_("主题或议题"), max_length=300, required=False)
    place = forms.CharField(
        label=_("地点"), max_length=100, required=False, help_text=_("视频会议可填写会议平台。")
    )
    chair = forms.CharField(label=_("主持人"), max_length=60, required=False)
    lecturer = forms.CharField(label=_("授课人"), max_length=60, required=False, help_text=_("仅党课填写。"))
    lecturer_is_secretary = forms.BooleanField(label=_("由党组织书记讲授"), required=False)
    expected_voters = _count(
        _("应到会有表决权人数"),
        required=False,
        help_text=_("仅支委会、党员大会、党委会填写；登记到会名单后由名单计算。"),
    )
    present_voters = _count(_("实到会有表决权人数"), required=False)
    written_opinions = _count(
        _("提交书面意见人数"),
        required=False,
        initial=0,
        help_text=_("未到会但会前提交书面意见的有表决权人数。"),
    )
    online = forms.BooleanField(label=_("以视频会议方式召开"), required=False)
    minutes = forms.FileField(
        label=_("会议记录附件"), required=False, help_text=_("PDF、OFD、Word、WPS或图片，不超过20MB。")
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [
            (value, label)
            for value, label in MeetingKind.choices
            if org is None or value not in MEETING_ORG_KINDS or org.kind in MEETING_ORG_KINDS[value]
        ]
        self.fields["kind"].choices = allowed
        self.fields["purposes"].widget.attrs["col"] = "col-12"
        self.fields["purposes"].choices = [(v, label) for v, label in allowed if v in ALL_MEMBER_KINDS]

    def clean_written_opinions(self):
        return self.cleaned_data.get("written_opinions") or 0


class ResolutionForm(StyledForm):
    person = forms.ModelChoiceField(label=_("人员"), queryset=None, empty_label="—")
    motion = forms.ChoiceField(label=_("表决事项"), choices=Motion.choices)
    yes = _count(_("赞成票"), required=False)
    no = _count(_("反对票"), required=False)
    abstain = _count(_("弃权票"), required=False)
    written_yes = _count(_("书面意见赞成"), required=False, initial=0, help_text=_("计入赞成票。"))
    written_no = _count(_("书面意见反对"), required=False, initial=0)
    written_abstain = _count(_("书面意见弃权"), required=False, initial=0)
    secret_ballot = forms.BooleanField(label=_("无记名投票"), required=False, initial=True)
    opinion = forms.CharField(label=_("决议意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: f"{p.name} · {p.get_standing_display()}"
        for name in ("yes", "no", "abstain", "written_yes", "written_no", "written_abstain"):
            self.fields[name].widget.attrs["col"] = "col-md-2"
        self.fields["person"].widget.attrs["col"] = "col-md-4"
        self.fields["motion"].widget.attrs["col"] = "col-md-4"
        self.fields["secret_ballot"].widget.attrs["col"] = "col-md-4"
        self.fields["opinion"].widget.attrs["col"] = "col-12"

    def clean(self):
        data = super().clean()
        for name in ("written_yes", "written_no", "written_abstain"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data
