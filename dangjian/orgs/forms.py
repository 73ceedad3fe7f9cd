from django import forms
from django.utils.translation import gettext_lazy as _

from dangjian.base.forms import DateInput, StyledForm
from dangjian.orgs.models import OrgKind, UnitType


class OrgForm(StyledForm):
    name = forms.CharField(label=_("组织名称"), max_length=120)
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False)
    code = forms.CharField(
        label=_("组织代码"), max_length=32, help_text=_("全辖区唯一，只能包含字母、数字、“-”和“_”。")
    )
    kind = forms.ChoiceField(label=_("组织类别"), choices=OrgKind.choices)
    unit_type = forms.ChoiceField(label=_("单位类型"), choices=UnitType.choices, initial=UnitType.OTHER)
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=DateInput())
    has_approval_authority = forms.BooleanField(label=_("具有审批发展党员的权限（审批权限）"), required=False)
    is_local_committee = forms.BooleanField(label=_("县级以上地方党委（不计入基层党组织）"), required=False)


class OrgMoveForm(StyledForm):
    new_parent_code = forms.CharField(
        label=_("新的上级党组织"),
        max_length=32,
        help_text=_("输入组织代码或名称中的字，从列表中选择。下级组织和人员随同一起转移。"),
        widget=forms.TextInput(attrs={"list": "org-options", "autocomplete": "off"}),
    )


class OrgDissolveForm(StyledForm):
    dissolved_on = forms.DateField(label=_("撤销日期"), widget=DateInput())
    reason = forms.CharField(label=_("撤销原因及批准文号"), max_length=200)
