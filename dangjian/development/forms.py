from django import forms

from dangjian.core.forms import DateInput
from dangjian.development.rules import RULES


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")


class StepForm(_Styled):
    """The fields every step has; step-specific fields are added by `for_step`."""

    on = forms.DateField(label="日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=500, required=False)
    filing_ref = forms.CharField(label="备案文号", max_length=100, required=False)
    org_code = forms.CharField(label="审批党委代码", max_length=32, required=False)
    acknowledge = forms.MultipleChoiceField(
        label="已阅知并确认以下提醒", required=False, widget=forms.CheckboxSelectMultiple
    )

    VOTES = ("expected", "present", "yes", "no", "abstain")

    def __init__(self, *args, step: int, members=(), warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        if step not in (17, 24):
            del self.fields["org_code"]
        else:
            self.fields["org_code"].required = True
        if step not in (4, 8, 18):
            del self.fields["filing_ref"]
        member_choices = [(p.pk, f"{p.name}（{p.org.name}）") for p in members]
        if step == 5:
            self.fields["contacts"] = forms.TypedMultipleChoiceField(
                label="培养联系人（1至2名正式党员）", choices=member_choices, coerce=int,
                widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
            )  # fmt: skip
        if step == 9:
            self.fields["introducers"] = forms.TypedMultipleChoiceField(
                label="入党介绍人（2名正式党员）", choices=member_choices, coerce=int,
                widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
            )  # fmt: skip
        if step == 10:
            self.fields["result"] = forms.ChoiceField(
                label="政治审查结论", choices=[("合格", "合格"), ("不合格", "不合格")]
            )
        if step == 11:
            self.fields["start"] = forms.DateField(label="培训开始日期", widget=DateInput())
            self.fields["hours"] = forms.DecimalField(
                label="培训学时", min_value=0, max_digits=5, decimal_places=1
            )
            self.fields["on"].label = "培训结束日期"
        if step == 13:
            self.fields["notice_start"] = forms.DateField(
                label="公示开始日期", required=False, widget=DateInput()
            )
            self.fields["notice_end"] = forms.DateField(
                label="公示结束日期", required=False, widget=DateInput()
            )
        if step == 14:
            self.fields["form_number"] = forms.CharField(
                label="入党志愿书编号", max_length=60, required=False
            )
        if step in (15, 23):
            labels = ("应到会有表决权人数", "实到会有表决权人数", "赞成票（含书面意见）", "反对票", "弃权票")
            for key, label in zip(self.VOTES, labels, strict=True):
                self.fields[key] = forms.IntegerField(
                    label=label, min_value=0, required=key in ("expected", "present", "yes")
                )
        if step == 23:
            self.fields["result"] = forms.ChoiceField(
                label="转正结论", choices=[(r, r) for r in ("按期转正", "延长预备期", "取消预备党员资格")]
            )
            self.fields["extension_months"] = forms.IntegerField(
                label="延长预备期月数", min_value=1, max_value=24, required=False
            )
        if warnings:
            self.fields["acknowledge"].choices = [(f.rule, f"【{f.rule}】{f.message}") for f in warnings]
        else:  # keep acknowledgements that were already given, invisibly
            self.fields["acknowledge"].choices = [(r.id, r.id) for r in RULES]
            self.fields["acknowledge"].widget = forms.MultipleHiddenInput()
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select | forms.SelectMultiple):
                field.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.MultipleHiddenInput):
                field.widget.attrs.setdefault("class", "form-control")

    def step_data(self) -> dict:
        skip = {"on", "note", "filing_ref", "org_code", "acknowledge"}
        data = {}
        for key, value in self.cleaned_data.items():
            if key in skip or value in (None, "", []):
                continue
            data[key] = float(value) if key == "hours" else value
        return data


class CaseStatusForm(_Styled):
    status = forms.ChoiceField(
        label="处理", choices=[("deferred", "暂缓发展"), ("declined", "不予发展"), ("open", "恢复发展")]
    )
    reason = forms.CharField(label="原因", max_length=300)


class SpecialBasisForm(_Styled):
    special_basis = forms.CharField(
        label="特殊情况依据",
        max_length=200,
        help_text="火线入党：写明依据文件，如“2020疫情防控一线（中组部2020年2月23日通知）”。",
    )


class ReasonForm(_Styled):
    reason = forms.CharField(label="原因", max_length=300)
