"""The forms of the dues pages. Amounts are text read as Decimal by the services (never float)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.base.forms import DateInput, StyledForm
from dangjian.dues.models import DuesCategory, LapseDecision, PaymentWay, Purpose, ReliefKind
from dangjian.dues.months import month_label, parse_month


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """A month as YYYY-MM, cleaned to its month number."""

    widget = MonthInput

    def prepare_value(self, value):
        return month_label(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text)
        except ValueError:
            raise forms.ValidationError(_("月份格式不对，应为 YYYY-MM，例如 2026-03。")) from None


class MoneyField(forms.CharField):
    """Yuan as typed (the services read it as Decimal and say what is wrong with it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off")


def _cols(form: forms.Form, **cols: str) -> None:
    for name, col in cols.items():
        if name in form.fields:
            form.fields[name].widget.attrs["col"] = col


class CalculatorForm(StyledForm):
    category = forms.ChoiceField(label=_("党费类别"), choices=DuesCategory.choices)
    income = MoneyField(
        label=_("交纳基数（元）"),
        required=False,
        help_text=_(
            "在职为每月税后固定工资收入；年薪制为当月实际收入；灵活就业为上季度月平均纯收入；离退休为离退休费总额。"
        ),
    )
    flat = MoneyField(
        label=_("农民党员每月金额（元）"),
        required=False,
        help_text=_("由党支部在规定范围内确定，不填按最低标准。"),
    )
    on = forms.DateField(
        label=_("计算日期"),
        required=False,
        widget=DateInput(),
        help_text=_("按该日适用的规则集计算，不填为今天。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _cols(self, category="col-md-6", income="col-md-6", flat="col-md-6", on="col-md-6")


class NormForm(StyledForm):
    category = forms.ChoiceField(label=_("党费类别"), choices=DuesCategory.choices)
    from_month = MonthField(
        label=_("起始月份"), help_text=_("新工资发放的月份；预备党员自支部大会通过的月份起交纳。")
    )
    income = MoneyField(label=_("交纳基数（元）"), required=False)
    flat = MoneyField(label=_("农民党员每月金额（元）"), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _cols(
            self,
            category="col-md-6",
            from_month="col-md-6",
            income="col-md-6",
            flat="col-md-6",
            note="col-12",
        )
        self.fields["income"].widget.attrs["autocomplete"] = "off"


class PaymentForm(StyledForm):
    person = forms.TypedChoiceField(label=_("党员"), coerce=int)
    first_month = MonthField(label=_("从哪个月起"), required=False)
    months = forms.IntegerField(label=_("交纳月数"), min_value=0, max_value=24, initial=1,
                                help_text=_("预交可填多个月；只交自愿多交的填0。"))  # fmt: skip
    amount = MoneyField(
        label=_("党费金额（元）"),
        required=False,
        help_text=_("不填为所选月份尚未交纳的全部；少于应交为部分交纳。"),
    )
    voluntary = MoneyField(
        label=_("自愿多交（元）"), required=False, help_text=_("一次自愿多交1000元以上的，全部上缴中央。")
    )
    paid_on = forms.DateField(label=_("交纳日期"), widget=DateInput())
    way = forms.ChoiceField(label=_("交纳方式"), choices=PaymentWay.choices)
    collector_name = forms.CharField(label=_("收缴人"), max_length=60, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = people
        _cols(self, person="col-md-4", first_month="col-md-4", months="col-md-4", amount="col-md-4",
              voluntary="col-md-4", paid_on="col-md-4", way="col-md-4", collector_name="col-md-4", note="col-md-4")  # fmt: skip


class ReliefForm(StyledForm):
    kind = forms.ChoiceField(label=_("减免方式"), choices=ReliefKind.choices)
    from_month = MonthField(label=_("起始月份"))
    to_month = MonthField(label=_("截止月份"))
    amount = MoneyField(
        label=_("减免期间每月交纳（元）"), required=False, help_text=_("少交时填写；免交不填。")
    )
    reason = forms.CharField(label=_("困难情况"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    meeting = forms.TypedChoiceField(label=_("党支部研究的会议"), coerce=int)

    def __init__(self, *args, meetings: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = meetings
        _cols(self, kind="col-md-3", from_month="col-md-3", to_month="col-md-3", amount="col-md-3", reason="col-12",
              meeting="col-12")  # fmt: skip


class ReliefDecisionForm(StyledForm):
    decided_on = forms.DateField(label=_("审批日期"), widget=DateInput())
    reference = forms.CharField(label=_("批复文号"), max_length=60, required=False)
    note = forms.CharField(label=_("审批意见"), max_length=300, required=False)


class LapseForm(StyledForm):
    outcome = forms.ChoiceField(label=_("研究结果"), choices=LapseDecision.Outcome.choices)
    reason = forms.CharField(label=_("情况说明"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    meeting = forms.TypedChoiceField(label=_("党支部研究的会议"), coerce=int)

    def __init__(self, *args, meetings: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = meetings
        _cols(self, outcome="col-md-6", meeting="col-md-6", reason="col-12")


class OpeningForm(StyledForm):
    month = MonthField(label=_("起始月份"))
    amount = MoneyField(label=_("期初结余（元）"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class HandUpForm(StyledForm):
    handed_on = forms.DateField(label=_("上缴日期"), widget=DateInput())
    period_from = MonthField(label=_("所属期起"))
    period_to = MonthField(label=_("所属期止"))
    amount = MoneyField(label=_("上缴金额（元）"))
    centre_amount = MoneyField(
        label=_("其中上缴中央（元）"),
        required=False,
        help_text=_("一次自愿多交1000元以上的党费全部上缴中央。"),
    )
    to_name = forms.CharField(
        label=_("接收单位"),
        max_length=120,
        required=False,
        help_text=_("本组织没有上一级党组织时填写，如省委组织部。"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, top: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not top:
            del self.fields["to_name"]
        _cols(self, handed_on="col-md-4", period_from="col-md-4", period_to="col-md-4", amount="col-md-4",
              centre_amount="col-md-4", to_name="col-md-4", note="col-12")  # fmt: skip


class AllocationForm(StyledForm):
    purpose = forms.ChoiceField(
        label=_("用途"), choices=[c for c in Purpose.choices if c[0] != Purpose.EDUCATION]
    )
    title = forms.CharField(label=_("事由"), max_length=200)
    allocated_on = forms.DateField(label=_("下拨日期"), widget=DateInput())
    meeting = forms.TypedChoiceField(label=_("研究决定的会议"), coerce=int)
    campaign = forms.TypedChoiceField(label=_("战时动员"), coerce=int, required=False, empty_value=None)
    source = forms.TypedChoiceField(
        label=_("转拨上级下拨的党费"), coerce=int, required=False, empty_value=None
    )
    request = forms.TypedChoiceField(label=_("批准的下拨申请"), coerce=int, required=False, empty_value=None)
    earmark = forms.CharField(label=_("专款专用要求"), max_length=300, required=False)
    lines = forms.CharField(
        label=_("下拨对象和金额"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("每行一个：党组织代码或人员姓名、金额（元）、说明，用逗号分隔。例如：CTY-A,500000,支持防控工作 或 张三,2000,一线医务人员。"),
    )  # fmt: skip
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, meetings, campaigns, sources, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = meetings
        self.fields["campaign"].choices = [("", "—"), *campaigns]
        self.fields["source"].choices = [("", "—"), *sources]
        self.fields["request"].choices = [("", "—"), *requests]
        _cols(self, purpose="col-md-4", title="col-md-8", allocated_on="col-md-4", meeting="col-md-8",
              campaign="col-md-4", source="col-md-4", request="col-md-4", earmark="col-12", lines="col-12",
              note="col-12")  # fmt: skip


class SpendingForm(StyledForm):
    spent_on = forms.DateField(label=_("使用日期"), widget=DateInput())
    amount = MoneyField(label=_("金额（元）"))
    purpose = forms.ChoiceField(label=_("用途"), choices=Purpose.choices, required=False)
    allocation = forms.TypedChoiceField(label=_("使用的下拨党费"), coerce=int, required=False, empty_value=None,
                                        help_text=_("使用上级下拨的党费时选择（专款专用）；使用本级党费须选择研究决定的会议。"))  # fmt: skip
    meeting = forms.TypedChoiceField(label=_("研究决定的会议"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(
        label=_("使用情况"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, allocations, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].choices = [("", _("本级党费")), *allocations]
        self.fields["meeting"].choices = [("", "—"), *meetings]
        _cols(self, spent_on="col-md-4", amount="col-md-4", purpose="col-md-4", allocation="col-md-6",
              meeting="col-md-6", description="col-12")  # fmt: skip


class RequestForm(StyledForm):
    purpose = forms.ChoiceField(
        label=_("用途"), choices=[c for c in Purpose.choices if c[0] != Purpose.EDUCATION]
    )
    amount = MoneyField(label=_("申请金额（元）"))
    reason = forms.CharField(label=_("申请理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    campaign = forms.TypedChoiceField(label=_("战时动员"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", "—"), *campaigns]
        _cols(self, purpose="col-md-4", amount="col-md-4", campaign="col-md-4", reason="col-12")


class NoteForm(StyledForm):
    note = forms.CharField(label=_("说明"), max_length=300)
