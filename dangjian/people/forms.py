from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.base.forms import DateInput, without_length_caps
from dangjian.people.models import ETHNICITIES, Category, Education, Gender, Reduction, Standing


def _select(choices, blank: str | None = None):
    options = list(choices)
    if blank is not None:
        options = [("", blank), *options]
    return options


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(
        label=_("公民身份号码"), max_length=20, help_text=_("18位，末位可以是X；出生日期和性别从号码中读取。")
    )
    gender = forms.ChoiceField(
        label=_("性别"), choices=_select(Gender.choices, _("按身份证号自动判断")), required=False
    )
    ethnicity = forms.ChoiceField(label=_("民族"), choices=[(e, e) for e in ETHNICITIES], initial="汉族")
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    education = forms.ChoiceField(label=_("学历"), choices=_select(Education.choices, "—"), required=False)
    category = forms.ChoiceField(label=_("人员类别"), choices=Category.choices, initial=Category.OTHER)
    work_unit = forms.CharField(label=_("工作单位及职务"), max_length=120, required=False)
    org_code = forms.CharField(
        label=_("所在党组织"),
        max_length=32,
        help_text=_("输入组织代码或名称中的字，从列表中选择。"),
        widget=forms.TextInput(attrs={"list": "org-options", "autocomplete": "off"}),
    )
    standing = forms.ChoiceField(label=_("政治面貌/发展阶段"), choices=Standing.choices)
    applied_on = forms.DateField(label=_("递交入党申请书日期"), required=False, widget=DateInput())
    activist_on = forms.DateField(label=_("确定为入党积极分子日期"), required=False, widget=DateInput())
    candidate_on = forms.DateField(label=_("确定为发展对象日期"), required=False, widget=DateInput())
    admitted_on = forms.DateField(label=_("接收为预备党员日期"), required=False, widget=DateInput())
    converted_on = forms.DateField(label=_("转为正式党员日期"), required=False, widget=DateInput())
    backfill_reason = forms.CharField(
        label=_("补录原因"),
        max_length=300,
        required=False,
        help_text=_(
            "新递交入党申请的，选“入党申请人”并填写递交日期，不必填写此项。建档时已是积极分子、发展对象或党员的"
            "（系统建立前入党、从外单位转入等）属于补录：请写明这些日期的来源，档案将标记为“补录”；"
            "早期日期不详的可以不填。"
        ),
    )
    on_probation_watch = forms.BooleanField(
        label=_("留党察看期间"),
        required=False,
        help_text=_("受留党察看处分、尚未恢复党员权利：不能担任入党介绍人。"),
    )

    def __init__(self, *args, suggest_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        without_length_caps(self)
        _style(self)
        self.fields["org_code"].widget.attrs.update(
            {"hx-get": suggest_url, "hx-trigger": "input changed delay:250ms", "hx-target": "#org-options",
             "hx-swap": "innerHTML", "name": "org_code"}
        )  # fmt: skip


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"  # a form-control checkbox renders as an empty text box
        else:
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class BackfillForm(forms.Form):
    """补录入党信息: the standing and milestone dates of someone without development records."""

    standing = forms.ChoiceField(label=_("政治面貌/发展阶段"), choices=Standing.choices)
    applied_on = forms.DateField(label=_("递交入党申请书日期"), required=False, widget=DateInput())
    activist_on = forms.DateField(label=_("确定为入党积极分子日期"), required=False, widget=DateInput())
    candidate_on = forms.DateField(label=_("确定为发展对象日期"), required=False, widget=DateInput())
    admitted_on = forms.DateField(
        label=_("接收为预备党员日期"),
        required=False,
        widget=DateInput(),
        help_text=_("即入党时间（支部大会日期）。"),
    )
    converted_on = forms.DateField(label=_("转为正式党员日期"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("补录原因"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "这些日期从何而来，如“系统建立前入党，据本人党员档案补录”“由外单位转入，据组织关系介绍信”。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_length_caps(self)
        _style(self)


class ReduceForm(forms.Form):
    reduction = forms.ChoiceField(label=_("减少原因类别"), choices=_select(Reduction.choices, _("请选择")))
    reduced_on = forms.DateField(label=_("减少日期"), widget=DateInput())
    reduction_note = forms.CharField(
        label=_("减少说明"), max_length=300, help_text=_("如转往的党组织、介绍信编号、批准文号。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_length_caps(self)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
