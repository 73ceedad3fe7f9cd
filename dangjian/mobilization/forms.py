"""Forms of the mobilization pages. Labels and messages are Chinese (the services' language).

People and orgs are picked by typing: a text input with a datalist the suggest views fill (htmx,
already served by the app). A person is given as "姓名（党组织）#编号" from the list, or by the
18-digit ID number; an org by its code.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from dangjian.base.forms import DateInput, StyledForm
from dangjian.orgs.models import Org

from .models import (
    CampaignKind,
    PostKind,
    ReviewLevel,
    TeamKind,
    TeamRole,
    TemporaryRole,
)

PERSON_REF = re.compile(r"#(\d+)\s*$")
ID_NUMBER = re.compile(r"^\s*[0-9]{17}[0-9Xx]\s*$")


class SuggestInput(forms.TextInput):
    """A text input with its own datalist, filled from `url` as the user types (htmx)."""

    def __init__(self, url: str = "", attrs=None):
        super().__init__(attrs)
        self.url = url

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-options"
        attrs = {**(attrs or {}), "list": list_id, "autocomplete": "off"}
        if self.url:
            attrs.update(
                {"hx-get": self.url, "hx-trigger": "input changed delay:250ms", "hx-target": f"#{list_id}",
                 "hx-swap": "innerHTML"}
            )  # fmt: skip
        return format_html(
            '{}<datalist id="{}"></datalist>', super().render(name, value, attrs, renderer), list_id
        )


def person_label(person) -> str:
    return f"{person.name} ({person.org.name}) #{person.pk}"


def resolve_person(people_qs, text: str):
    """The person named by `text` among `people_qs` (the people the user may name), or raise."""
    text = (text or "").strip()
    if not text:
        return None
    match = PERSON_REF.search(text)
    if match:
        person = people_qs.filter(pk=int(match.group(1))).select_related("org").first()
    elif ID_NUMBER.match(text):
        person = people_qs.filter(id_number=text.strip().upper()).select_related("org").first()
    else:
        raise ValidationError("请从下拉列表中选择人员，或填写18位公民身份号码。")
    if person is None:
        raise ValidationError("在您的管理范围内找不到该人员。")
    return person


def resolve_org(orgs_qs, code: str) -> Org | None:
    code = (code or "").strip()
    if not code:
        return None
    org = orgs_qs.filter(code=code).first()
    if org is None:
        raise ValidationError(f"找不到组织代码“{code}”，或该组织不在您的管理范围内。")
    return org


class SuggestForm(StyledForm):
    """A form whose people and org inputs are filled from the suggest views at these URLs."""

    def __init__(self, *args, org_url: str = "", people_url: str = "", **kwargs):
        self.org_url, self.people_url = org_url, people_url
        super().__init__(*args, **kwargs)


class CampaignForm(SuggestForm):
    name = forms.CharField(
        label="动员名称", max_length=100, help_text="如“新冠肺炎疫情防控”“2026年防汛救灾”。"
    )
    kind = forms.ChoiceField(label="类别", choices=CampaignKind.choices)
    org_code = forms.CharField(label="组织领导的党组织", max_length=32)
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    ends_on = forms.DateField(label="计划结束日期", required=False, widget=DateInput())
    code = forms.CharField(
        label="编号",
        max_length=40,
        required=False,
        help_text="用于命令行统计（dangjian campaign stats 编号）；不填自动生成。",
    )
    frontline_basis = forms.CharField(
        label="火线入党依据", max_length=200, required=False,
        help_text="仅2020年疫情防控一线适用（如中组部通知名称）；其他动员不填。",
    )  # fmt: skip
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    review_levels = forms.MultipleChoiceField(
        label="一线推荐逐级审核", required=False, choices=ReviewLevel.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input", "col": "col-12"}),
        help_text="勾选的层级依次审核同意后，才在被推荐人所在党支部建立发展纪实；都不勾选：所在党组织接收即可。",
    )  # fmt: skip

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_code"].widget = SuggestInput(self.org_url, attrs={"class": "form-control"})
        self.fields["org_code"].help_text = "输入组织代码或名称中的字，从列表中选择。"
        self.fields["description"].widget.attrs["col"] = "col-12"
        if editing:
            for name in ("org_code", "code"):
                del self.fields[name]


class TemporaryOrgForm(SuggestForm):
    kind = forms.ChoiceField(
        label="类别",
        choices=[("temp_branch", "临时党支部"), ("temp_committee", "临时党委"), ("temp_group", "临时党小组")],
    )
    name = forms.CharField(label="名称", max_length=120, help_text="如“东城镇防汛抢险临时党支部”。")
    parent_code = forms.CharField(label="隶属的党组织", max_length=32)
    approved_by_code = forms.CharField(label="批准设立的党委", max_length=32)
    approved_on = forms.DateField(label="批准日期", widget=DateInput())
    approval_ref = forms.CharField(label="批准文号", max_length=100, required=False)
    secretary = forms.CharField(label="书记（由批准的党委任命）", max_length=80)
    mission = forms.CharField(label="任务", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("parent_code", "approved_by_code"):
            self.fields[name].widget = SuggestInput(self.org_url, attrs={"class": "form-control"})
            self.fields[name].help_text = "输入组织代码或名称中的字，从列表中选择。"
        self.fields["secretary"].widget = SuggestInput(self.people_url, attrs={"class": "form-control"})
        self.fields[
            "secretary"
        ].help_text = "正式党员；输入姓名从列表中选择，或填写公民身份号码。其组织关系不变。"


class SecondmentForm(SuggestForm):
    person = forms.CharField(label="党员", max_length=80)
    role = forms.ChoiceField(
        label="职务", choices=[c for c in TemporaryRole.choices if c[0] != TemporaryRole.SECRETARY]
    )
    joined_on = forms.DateField(label="编入日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget = SuggestInput(
            self.people_url, attrs={"class": "form-control", "col": "col-md-6"}
        )
        self.fields["person"].help_text = "输入姓名从列表中选择，或填写公民身份号码；组织关系不变。"


def _others(text: str) -> list[tuple[str, str]]:
    """Lines of "姓名 电话" (or "姓名，电话")."""
    out = []
    for line in (text or "").splitlines():
        parts = [p for p in re.split(r"[\s,，;；、]+", line.strip()) if p]
        if parts:
            out.append((parts[0], parts[1] if len(parts) > 1 else ""))
    return out


class TeamForm(SuggestForm):
    kind = forms.ChoiceField(label="类别", choices=TeamKind.choices)
    name = forms.CharField(label="队伍名称", max_length=100, help_text="如“石门村党员突击队”。")
    mission = forms.CharField(label="任务", max_length=300, required=False)
    starts_on = forms.DateField(label="组建日期", widget=DateInput())
    ends_on = forms.DateField(label="结束日期", required=False, widget=DateInput())
    leader = forms.TypedChoiceField(label="队长", coerce=int, required=False, empty_value=None)
    leader_name = forms.CharField(
        label="队长（无档案人员）姓名",
        max_length=40,
        required=False,
        help_text="志愿服务队的队长可以不是党员。",
    )
    leader_phone = forms.CharField(label="队长电话", max_length=20, required=False)
    members = forms.TypedMultipleChoiceField(
        label="队员（本组织人员）", coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "member-checks"}),
    )  # fmt: skip
    others = forms.CharField(
        label="其他队员（群众等，每行“姓名 电话”）", required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(p.pk, f"{p.name}（{p.get_standing_display()}）") for p in people]
        self.fields["leader"].choices = [("", "—— 选择本组织党员 ——"), *choices]
        self.fields["members"].choices = choices
        self.fields["members"].widget.attrs["col"] = "col-md-6"
        self.fields["others"].widget.attrs["col"] = "col-md-6"

    def other_members(self) -> list[tuple[str, str]]:
        return _others(self.cleaned_data.get("others", ""))


class TeamMemberForm(SuggestForm):
    person = forms.CharField(label="人员（有档案的）", max_length=80, required=False)
    name = forms.CharField(label="或：姓名（无档案人员）", max_length=40, required=False)
    phone = forms.CharField(label="电话", max_length=20, required=False)
    registration = forms.TypedChoiceField(
        label="或：到社区报到的党员（双报到）", coerce=int, required=False, empty_value=None
    )
    role = forms.ChoiceField(label="职务", choices=TeamRole.choices, initial=TeamRole.MEMBER)
    joined_on = forms.DateField(label="加入日期", widget=DateInput())

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget = SuggestInput(self.people_url, attrs={"class": "form-control"})
        self.fields["registration"].choices = [
            ("", "——"),
            *[(r.pk, f"{r.person.name}（{r.person.org.name}）") for r in registrations],
        ]
        if not registrations:
            del self.fields["registration"]


class DutyPlanForm(SuggestForm):
    place = forms.CharField(label="值守地点", max_length=100, help_text="如“北辰街道卡点”“河堤一号点”。")
    first_day = forms.DateField(label="开始日期", widget=DateInput())
    last_day = forms.DateField(
        label="结束日期", required=False, widget=DateInput(), help_text="不填则只排一天。"
    )
    periods = forms.CharField(
        label="班次", max_length=200, help_text="多个班次用顿号或空格分开，如“08:00-14:00、14:00-20:00”。"
    )
    lead = forms.TypedChoiceField(label="带班人", coerce=int, required=False, empty_value=None)
    planned = forms.IntegerField(label="计划人数", min_value=0, max_value=500, required=False, initial=0)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", "——"), *[(m.pk, m.name) for m in members]]

    def period_list(self) -> list[str]:
        return [p for p in re.split(r"[\s,，;；、]+", self.cleaned_data["periods"]) if p]


class ServedForm(SuggestForm):
    members = forms.TypedMultipleChoiceField(
        label="实际值守人员（带班人勾选）", coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "member-checks"}),
    )  # fmt: skip

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(m.pk, m.name) for m in members]
        self.fields["members"].widget.attrs["col"] = "col-12"


class PostForm(SuggestForm):
    kind = forms.ChoiceField(label="类别", choices=PostKind.choices)
    name = forms.CharField(label="名称", max_length=100, help_text="如“发热门诊党员先锋岗”“一组党员责任区”。")
    place = forms.CharField(label="地点（责任范围）", max_length=200)
    duties = forms.CharField(label="职责", max_length=300, required=False)
    holder = forms.TypedChoiceField(label="责任党员", coerce=int, required=False, empty_value=None)
    holder_ref = forms.CharField(label="或：其他党员", max_length=80, required=False)
    starts_on = forms.DateField(label="设立日期", widget=DateInput())
    ends_on = forms.DateField(label="结束日期", required=False, widget=DateInput())

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [("", "—— 选择本组织党员 ——"), *[(p.pk, p.name) for p in members]]
        self.fields["holder_ref"].widget = SuggestInput(self.people_url, attrs={"class": "form-control"})
        self.fields["holder_ref"].help_text = "不在本组织的党员：输入姓名从列表中选择，或填写公民身份号码。"


class GridNodeForm(SuggestForm):
    compound = forms.CharField(label="小区", max_length=60)
    building = forms.CharField(label="楼栋", max_length=60, required=False)
    unit = forms.CharField(label="单元", max_length=60, required=False)
    lead_ref = forms.CharField(label="负责人（有档案的）", max_length=80, required=False)
    lead_name = forms.CharField(label="或：负责人姓名（群众）", max_length=40, required=False)
    lead_phone = forms.CharField(label="负责人电话", max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("compound", "building", "unit"):
            self.fields[name].widget.attrs["col"] = "col-md-4"
        self.fields["lead_ref"].widget = SuggestInput(
            self.people_url, attrs={"class": "form-control", "col": "col-md-4"}
        )
        self.fields["lead_name"].widget.attrs["col"] = "col-md-4"
        self.fields["lead_phone"].widget.attrs["col"] = "col-md-4"


class GridLeadForm(SuggestForm):
    lead_ref = forms.CharField(label="负责人（有档案的）", max_length=80, required=False)
    registration = forms.TypedChoiceField(
        label="或：到本社区报到的党员", coerce=int, required=False, empty_value=None
    )
    lead_name = forms.CharField(label="或：负责人姓名（群众）", max_length=40, required=False)
    lead_phone = forms.CharField(label="负责人电话", max_length=20, required=False)
    clear = forms.BooleanField(label="取消负责人（列为未落实）", required=False)

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_ref"].widget = SuggestInput(self.people_url, attrs={"class": "form-control"})
        self.fields["registration"].choices = [
            ("", "——"),
            *[(r.pk, f"{r.person.name}（{r.person.org.name}）") for r in registrations],
        ]
        if not registrations:
            del self.fields["registration"]


class GridImportForm(SuggestForm):
    file = forms.FileField(label="文件（.xlsx 或 .csv）")
    org_code = forms.CharField(
        label="包保党组织",
        max_length=32,
        required=False,
        help_text="文件中没有“包保党组织代码”列时，全部网格归该组织包保。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_code"].widget = SuggestInput(self.org_url, attrs={"class": "form-control"})


class RegistrationForm(SuggestForm):
    id_number = forms.CharField(
        label="公民身份号码", max_length=20, help_text="报到党员本人提供；与姓名一起核对档案。"
    )
    name = forms.CharField(label="姓名", max_length=40)
    community_code = forms.CharField(label="报到社区党组织", max_length=32)
    registered_on = forms.DateField(label="报到日期", widget=DateInput())
    address = forms.CharField(label="居住小区", max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community_code"].widget = SuggestInput(self.org_url, attrs={"class": "form-control"})


class VolunteerForm(SuggestForm):
    org_code = forms.CharField(label="组织单位", max_length=32)
    team = forms.TypedChoiceField(label="服务队", coerce=int, required=False, empty_value=None)
    on = forms.DateField(label="日期", widget=DateInput())
    place = forms.CharField(label="地点", max_length=100)
    title = forms.CharField(label="服务内容", max_length=200)
    participants = forms.IntegerField(label="参与人数", min_value=1)
    people_served = forms.IntegerField(label="服务群众（人次）", min_value=0, initial=0)
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_code"].widget = SuggestInput(self.org_url, attrs={"class": "form-control"})
        self.fields["team"].choices = [("", "——"), *[(t.pk, t.name) for t in teams]]


class RecommendationForm(SuggestForm):
    person = forms.CharField(label="被推荐人", max_length=80)
    recommended_by_code = forms.CharField(label="推荐党组织", max_length=32)
    recommended_on = forms.DateField(label="推荐日期", widget=DateInput())
    reason = forms.CharField(label="一线表现", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].widget = SuggestInput(self.people_url, attrs={"class": "form-control"})
        self.fields["person"].help_text = "须已有人员档案（入党申请人、积极分子等）；输入姓名从列表中选择。"
        self.fields["recommended_by_code"].widget = SuggestInput(
            self.org_url, attrs={"class": "form-control"}
        )
        self.fields["reason"].widget.attrs["col"] = "col-12"


class BulletinForm(SuggestForm):
    number = forms.CharField(label="期号（文号）", max_length=60, help_text="如“第1期”。")
    issued_on = forms.DateField(label="印发日期", widget=DateInput())
    issued_by_code = forms.CharField(label="印发单位", max_length=32)
    title = forms.CharField(label="标题", max_length=200)
    collectives = forms.CharField(
        label="先进集体（每行一个：组织代码或名称，可加“：事迹”）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    individuals = forms.CharField(
        label="先进个人（每行一人：姓名或公民身份号码，可加“：事迹”）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issued_by_code"].widget = SuggestInput(self.org_url, attrs={"class": "form-control"})

    @staticmethod
    def lines(text: str) -> list[tuple[str, str]]:
        """Lines of "名称" or "名称：事迹"."""
        out = []
        for line in (text or "").splitlines():
            parts = re.split(r"[:：]", line.strip(), maxsplit=1)
            if parts[0].strip():
                out.append((parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""))
        return out


class CloseForm(SuggestForm):
    closed_on = forms.DateField(label="结束日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=200, required=False, help_text="如“疫情防控转入常态化”。")
