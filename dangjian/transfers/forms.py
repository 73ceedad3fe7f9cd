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


class FromOutsideForm(StyledForm):
    org_code = forms.CharField(label="接收党组织代码", help_text="本组织或下级党支部、党总支的代码。")
    from_outside = forms.CharField(label="转出党组织（介绍信开具单位）")
    letter_no = forms.CharField(label="介绍信编号")
    reason = forms.ChoiceField(label="转接原因", choices=[("", "—"), *Reason.choices])
    on = forms.DateField(label="接收日期", widget=DateInput(), required=False)
    id_number = forms.CharField(
        label="公民身份号码", help_text="曾在本系统转出的同志，按公民身份号码恢复原档案，以下各项不必填写。"
    )
    name = forms.CharField(label="姓名", required=False)
    gender = forms.ChoiceField(label="性别", choices=[("", "—"), ("M", "男"), ("F", "女")], required=False)
    birth_date = forms.DateField(label="出生日期", widget=DateInput(), required=False)
    standing = forms.ChoiceField(
        label="政治面貌",
        choices=[("", "—"), ("full", "正式党员"), ("probationary", "预备党员")],
        required=False,
    )
    admitted_on = forms.DateField(label="接收为预备党员日期", widget=DateInput(), required=False)
    converted_on = forms.DateField(label="转为正式党员日期", widget=DateInput(), required=False)
    note = forms.CharField(label="说明", required=False)
