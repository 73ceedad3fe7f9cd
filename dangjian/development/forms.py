from django import forms

from dangjian.base import uploads
from dangjian.base.forms import DateInput, StyledForm
from dangjian.development.catalog import EVIDENCE_KINDS, STEP_BY_NUMBER
from dangjian.development.rules import JOINT_AGREED, JOINT_OBJECTED, RULES
from dangjian.people.models import Person, Standing

EVIDENCE_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx")
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


class MemberChecks(forms.CheckboxSelectMultiple):
    """The case branch's full members as checkboxes, and a scoped search that adds others (steps 5, 9)."""

    template_name = "development/widgets/member_checks.html"

    def __init__(self, *args, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.search_url = search_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        return context


MEMBER_REFUSED = "所选党员（编号%(value)s）不是本支部或您管理范围内的正式党员，未保存。"


class StepForm(StyledForm):
    """The fields every step has; step-specific fields are added by `for_step`."""

    on = forms.DateField(label="日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=500, required=False)
    filing_ref = forms.CharField(label="备案文号", max_length=100, required=False)
    org_code = forms.CharField(label="审批党委代码", max_length=32, required=False)
    acknowledge = forms.MultipleChoiceField(
        label="已阅知并确认以下提醒", required=False, widget=forms.CheckboxSelectMultiple
    )

    VOTES = ("expected", "present", "yes", "no", "abstain")

    def __init__(
        self,
        *args,
        step: int,
        members=(),
        warnings=(),
        resolutions=(),
        search_url="",
        joint_bodies=(),
        aspects=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.step = step
        self.joint_bodies = list(joint_bodies)
        self.aspects = list(aspects)
        for number, aspect in enumerate(self.aspects):  # 培养教育考察 by aspect (R-ASSESS's aspects)
            self.fields[f"aspect{number}"] = forms.CharField(
                label=f"{aspect}方面", required=False, max_length=500,
                widget=forms.Textarea(attrs={"rows": 2, "col": "col-12"}),
            )  # fmt: skip
        if resolutions:
            self.fields["resolution"] = forms.TypedChoiceField(
                label="会议决议（选择后日期、票数按会议记录）", coerce=int, required=False, empty_value=None,
                choices=[("", "—— 不关联会议记录，手工填写 ——"), *resolutions],
            )  # fmt: skip
        if STEP_BY_NUMBER[step].acting != "committee":
            del self.fields["org_code"]
        else:  # the superior committee records the step as itself (development.acting)
            self.fields["org_code"].required = True
            if step not in (17, 24):
                self.fields["org_code"].label = "办理党委代码"
        if step not in (4, 8, 18):
            del self.fields["filing_ref"]
        member_choices = [(p.pk, f"{p.name}（{p.org.name}）") for p in members]
        # `members` holds only whom the user may choose: an id outside it is refused, never saved.
        for number, key, label in ((5, "contacts", "培养联系人（勾选1至2名正式党员）"),
                                   (9, "introducers", "入党介绍人（勾选2名正式党员）")):  # fmt: skip
            if step == number:
                self.fields[key] = forms.TypedMultipleChoiceField(
                    label=label, choices=member_choices, coerce=int,
                    error_messages={"invalid_choice": MEMBER_REFUSED},
                    widget=MemberChecks(attrs={"class": "member-checks", "col": "col-12"}, search_url=search_url),
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
                label="入党志愿书编号",
                max_length=60,
                required=False,
                help_text="上级党委领取了号段的，留空即自动取下一个空号。",
            )
        for number, body in enumerate(self.joint_bodies):  # 联合审查 at 预审 (R-JOINT's bodies)
            self.fields[f"joint{number}_on"] = forms.DateField(
                label=f"{body}联审日期", required=False, widget=DateInput()
            )
            self.fields[f"joint{number}_conclusion"] = forms.ChoiceField(
                label=f"{body}联审意见", required=False,
                choices=[("", "——"), (JOINT_AGREED, JOINT_AGREED), (JOINT_OBJECTED, JOINT_OBJECTED)],
            )  # fmt: skip
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
        definition = STEP_BY_NUMBER[step]
        kinds = [(k, EVIDENCE_KINDS[k]) for k in definition.evidence] + [("other", EVIDENCE_KINDS["other"])]
        self.fields["evidence_kind"] = forms.ChoiceField(label="佐证材料类型", choices=kinds, required=False)
        self.fields["evidence_file"] = forms.FileField(
            label="佐证材料（PDF、图片或Word，20MB以内）", required=False,
            widget=forms.ClearableFileInput(attrs={"accept": ",".join(EVIDENCE_EXTENSIONS)}),
        )  # fmt: skip
        if warnings:
            self.fields["acknowledge"].choices = [(f.rule, f"【{f.rule}】{f.message}") for f in warnings]
            # Full width, and no "form-check-input" class: Django puts a CheckboxSelectMultiple's class on
            # its wrapper <div> too, which Bootstrap then squeezes into a 1em box.
            self.fields["acknowledge"].widget.attrs = {"col": "col-12"}
        else:  # keep acknowledgements that were already given, invisibly
            self.fields["acknowledge"].choices = [(r.id, r.id) for r in RULES]
            self.fields["acknowledge"].widget = forms.MultipleHiddenInput()
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select | forms.SelectMultiple):
                field.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(field.widget, forms.CheckboxSelectMultiple | forms.MultipleHiddenInput):
                field.widget.attrs.setdefault("class", "form-control")

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            if not upload.name.lower().endswith(EVIDENCE_EXTENSIONS):
                raise forms.ValidationError("佐证材料只能是PDF、图片、Word或Excel文件。")
            if upload.size > EVIDENCE_MAX_BYTES:
                raise forms.ValidationError("佐证材料不能超过20MB。")
            try:  # the content, not the name: a PDF renamed .xlsx or HTML named .pdf is refused
                uploads.check_uploaded_file(upload, set(EVIDENCE_EXTENSIONS), max_bytes=EVIDENCE_MAX_BYTES)
            except uploads.UploadRefused as exc:
                raise forms.ValidationError(str(exc)) from None
        return upload

    def evidence(self) -> list[dict]:
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return []
        number = self.cleaned_data.get("form_number", "")
        return [{"kind": self.cleaned_data.get("evidence_kind") or "other", "file": upload, "title": upload.name,
                 "number": number}]  # fmt: skip

    def step_data(self) -> dict:
        skip = {
            "on",
            "note",
            "filing_ref",
            "org_code",
            "acknowledge",
            "evidence_kind",
            "evidence_file",
            "resolution",
        }
        data = {}
        for key, value in self.cleaned_data.items():
            if key in skip or key.startswith(("joint", "aspect")) or value in (None, "", []):
                continue
            data[key] = float(value) if key == "hours" else value
        joint = {}
        for number, body in enumerate(self.joint_bodies):
            on, conclusion = (
                self.cleaned_data.get(f"joint{number}_on"),
                self.cleaned_data.get(f"joint{number}_conclusion"),
            )
            if on or conclusion:
                joint[body] = {"on": on.isoformat() if on else "", "conclusion": conclusion or ""}
        if joint:
            data["joint_review"] = joint
        aspects = {
            a: text for n, a in enumerate(self.aspects) if (text := self.cleaned_data.get(f"aspect{n}"))
        }
        if aspects:
            data["aspects"] = aspects
        return data


class CaseStatusForm(StyledForm):
    status = forms.ChoiceField(
        label="处理", choices=[("deferred", "暂缓发展"), ("declined", "不予发展"), ("open", "恢复发展")]
    )
    reason = forms.CharField(label="原因", max_length=300)


class SpecialBasisForm(StyledForm):
    special_basis = forms.CharField(
        label="特殊情况依据",
        max_length=200,
        help_text="火线入党：写明依据文件，如“2020疫情防控一线（中组部2020年2月23日通知）”。",
    )


class MentorForm(StyledForm):
    mentor = forms.ModelChoiceField(label="帮带人（本支部正式党员）", queryset=Person.objects.none())
    on = forms.DateField(label="开始日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = (
            Person.objects.filter(org=case.org, standing=Standing.FULL, reduced_on__isnull=True)
            .exclude(pk=case.person_id)
            .order_by("name_pinyin", "pk")
        )


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", max_length=300)


# A rule parameter's name in plain words (the rule's own wording where a key means different things).
PARAM_LABELS = {
    "min_age": "最低年龄（周岁）", "months": "期限（月）", "years": "期限（年）", "min": "最少（人）",
    "max": "最多（人）", "count": "人数", "valid_months": "有效期（月）", "min_days": "最少天数",
    "min_hours": "最少学时", "working_days": "公示工作日数", "required": "必须公示", "min_months": "最短（月）",
    "max_months": "最长（月）", "window_start": "适用起始日期", "window_end": "适用截止日期",
    "bodies": "联审部门（逗号分隔）", "aspects": "考察方面（逗号分隔）",
}  # fmt: skip
RULE_PARAM_LABELS: dict[tuple[str, str], str] = {
    ("R-LIFE-COMMITTEE", "min_full_members"): "正式党员达到（人）才要求",
    ("R-JOINT", "required"): "必须联合审查",
    ("R-LIFE-LECTURE", "secretary_per_year"): "书记每年讲党课（次）",
    ("R-APPRAISAL", "months"): "周期（月）",
    ("R-APPRAISAL", "excellent_max_numerator"): "优秀比例上限（分子）",
    ("R-APPRAISAL", "excellent_max_denominator"): "优秀比例上限（分母）",
    ("R-TERM", "village_years"): "村、社区党组织任期（年）",
    ("R-TERM", "other_years"): "其他党组织任期（年）",
    ("R-TERM", "remind_months"): "届满前提醒（月）",
    ("R-BRANCH-SIZE", "min_full_members"): "正式党员少于（人）建议联合支部",
    ("R-BRANCH-SIZE", "max_members"): "党员多于（人）建议分设",
    ("R-BRANCH-SIZE", "committee_from"): "正式党员达到（人）应设支委会",
    ("R-STUDY", "member_hours"): "党员每年学时",
    ("R-STUDY", "secretary_hours"): "支部书记每年学时（本地规定，0为不设）",
    ("R-DUES-RATE", "bracket_1"): "第一档上限（元，含）", ("R-DUES-RATE", "rate_1"): "第一档比例（%）",
    ("R-DUES-RATE", "bracket_2"): "第二档上限（元，含）", ("R-DUES-RATE", "rate_2"): "第二档比例（%）",
    ("R-DUES-RATE", "bracket_3"): "第三档上限（元，含）", ("R-DUES-RATE", "rate_3"): "第三档比例（%）",
    ("R-DUES-RATE", "rate_top"): "超过第三档的比例（%）",
    ("R-DUES-RETIRED", "bracket"): "离退休费分档（元，含）", ("R-DUES-RETIRED", "rate_low"): "分档及以下比例（%）",
    ("R-DUES-RETIRED", "rate_high"): "超过分档的比例（%）",
    ("R-DUES-FLAT", "farmer_min"): "农民党员每月最低（元）", ("R-DUES-FLAT", "farmer_max"): "农民党员每月最高（元）",
    ("R-DUES-FLAT", "flat"): "学生、下岗失业、抚恤救济、低保党员每月（元）",
    ("R-DUES-ROUNDING", "mode"): "舍入方式（half_up 四舍五入、half_even 银行家舍入、down 舍去、up 进位）",
    ("R-DUES-VOLUNTARY", "centre_threshold"): "一次自愿多交达到（元）全部上缴中央",
    ("R-DUES-ADVANCE", "max_months"): "预交最多（月）",
    ("R-DUES-HANDUP", "branch_percent"): "党支部、党总支上缴比例（%）",
    ("R-DUES-HANDUP", "grassroots_percent"): "基层党委上缴比例（%）",
    ("R-DUES-HANDUP", "county_percent"): "县级党委上缴比例（%）",
    ("R-DUES-HANDUP", "city_percent"): "市级党委上缴比例（%）",
    ("R-DUES-ARREARS", "remind_months"): "欠缴达到（月）提醒",
    ("R-DUES-ARREARS", "lapse_months"): "连续未交纳达到（月）按党章第九条处理",
    ("R-TALENT-POOL", "per_village"): "每个村（社区）至少后备力量（人）",
    ("R-TRANSFER-VALIDITY", "days"): "介绍信有效期（天）",
}  # fmt: skip
# Cadence parameters: a period, not a deadline.
for _rule_id in (
    "R-LIFE-GENERAL",
    "R-LIFE-COMMITTEE",
    "R-LIFE-GROUP",
    "R-LIFE-THEMED",
    "R-LIFE-LECTURE",
    "R-LIFE-MEETING",
):
    RULE_PARAM_LABELS[(_rule_id, "months")] = "周期（月）"

SEVERITY_CHOICES = [("violation", "违规"), ("warning", "提醒")]


def param_label(rule_id: str, key: str) -> str:
    return RULE_PARAM_LABELS.get((rule_id, key)) or PARAM_LABELS.get(key, key)


def readonly_rows(values: dict) -> list[tuple]:
    """The rules as text for someone who may not edit the rule set: (rule, enabled, severity label,
    [(parameter label, value)]), from the effective values ({rule id: {severity, enabled, params}})."""
    severities = dict(SEVERITY_CHOICES)
    rows = []
    for rule in RULES:
        current = values[rule.id]
        params = []
        for key, default in rule.params.items():
            value = current["params"].get(key, default)
            if isinstance(default, bool):
                value = "是" if value else "否"
            params.append((param_label(rule.id, key), value))
        rows.append(
            (rule, current["enabled"], severities.get(current["severity"], current["severity"]), params)
        )
    return rows


class RuleSetForm(StyledForm):
    """A rule set's header fields plus, for every rule, enabled / severity / parameters."""

    name = forms.CharField(label="名称", max_length=100)
    code = forms.CharField(label="编号", max_length=40, help_text="全辖区唯一，如 GA-2026-公示")
    org_code = forms.CharField(label="适用党组织代码（含下级）", max_length=32, required=False)
    effective_from = forms.DateField(label="生效日期", widget=DateInput())
    effective_to = forms.DateField(label="失效日期", required=False, widget=DateInput())
    description = forms.CharField(
        label="说明（依据文件）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, base: dict, editing: bool = False, **kwargs):
        """`base`: the effective values before this rule set ({rule id: {severity, enabled, params}}).
        Read-only users get `readonly_rows()` instead of the inputs."""
        super().__init__(*args, **kwargs)
        self.base = base
        if editing:
            del self.fields["code"]
            del self.fields["org_code"]
        self.rule_rows = []
        for rule in RULES:
            current = base[rule.id]
            enabled = forms.BooleanField(label="启用", required=False, initial=current["enabled"])
            enabled.widget.attrs["class"] = "form-check-input"
            severity = forms.ChoiceField(label="严重程度", choices=SEVERITY_CHOICES,
                                         initial=current["severity"], required=False)  # fmt: skip
            severity.widget.attrs["class"] = "form-select form-select-sm"
            self.fields[f"{rule.id}__enabled"] = enabled
            self.fields[f"{rule.id}__severity"] = severity
            params = []
            for key, default in rule.params.items():
                value = current["params"].get(key, default)
                label = param_label(rule.id, key)
                if isinstance(default, bool):
                    field = forms.BooleanField(label=label, required=False, initial=value)
                    field.widget.attrs["class"] = "form-check-input"
                elif isinstance(default, int):
                    field = forms.IntegerField(label=label, min_value=0, initial=value, required=False)
                    field.widget.attrs["class"] = "form-control form-control-sm"
                else:
                    field = forms.CharField(label=label, initial=value, required=False)
                    field.widget.attrs["class"] = "form-control form-control-sm"
                self.fields[f"{rule.id}__{key}"] = field
                params.append(f"{rule.id}__{key}")
            self.rule_rows.append((rule, f"{rule.id}__enabled", f"{rule.id}__severity", params))

    def overrides(self) -> dict:
        """Only what differs from the base: a profile states its local deviations, nothing more."""
        out: dict = {}
        for rule, enabled_key, severity_key, params in self.rule_rows:
            base = self.base[rule.id]
            changed: dict = {}
            if self.cleaned_data[enabled_key] != base["enabled"]:
                changed["enabled"] = self.cleaned_data[enabled_key]
            if self.cleaned_data[severity_key] and self.cleaned_data[severity_key] != base["severity"]:
                changed["severity"] = self.cleaned_data[severity_key]
            for key in params:
                name = key.split("__", 1)[1]
                if self.cleaned_data[key] in (None, "") and not isinstance(rule.params[name], bool):
                    continue  # left empty: keep the inherited value
                if self.cleaned_data[key] != base["params"].get(name, rule.params[name]):
                    changed[name] = self.cleaned_data[key]
            if changed:
                out[rule.id] = changed
        return out
