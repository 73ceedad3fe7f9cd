"""The canonical development-record workbook (INTERCHANGE.md): sheets, headers and cell kinds.

Imports, exports, the template and the error report all read the layout from here, so the three
agree by construction. A column's `kind` says how its cells are read:
text, id (公民身份号码: text only), date, dates (`;`-separated), ids (`;`-separated ID numbers),
int, number, choice (one of `choices`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ORGS = "党组织"
MEMBERS = "党员名册"
RECORDS = "发展纪实"
SHEETS = (ORGS, MEMBERS, RECORDS)

ORG_KIND_LABELS = {
    "党委": "committee", "党工委": "working_committee", "党总支": "general_branch", "党支部": "branch",
    "联合党支部": "joint_branch", "党小组": "party_group", "临时党委": "temp_committee",
    "临时党支部": "temp_branch", "临时党小组": "temp_group",
}  # fmt: skip
UNIT_TYPE_LABELS = {
    "机关": "organ", "事业单位": "institution", "企业": "enterprise", "医院": "hospital", "学校": "school",
    "村": "village", "社区": "community", "其他": "other",
}  # fmt: skip
YES_NO = {"是": True, "否": False}
STANDING_LABELS = ("正常", "留党察看")
POLITICAL_REVIEW_RESULTS = ("合格", "不合格")
CONVERSION_RESULTS = ("按期转正", "延长预备期", "取消预备党员资格")


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"
    step: int | None = None
    required: bool = False
    choices: tuple[str, ...] = field(default=())
    width: int = 14


def _c(header, key, kind="text", step=None, required=False, choices=(), width=14) -> Column:
    return Column(header, key, kind, step, required, tuple(choices), width)


COLUMNS: dict[str, tuple[Column, ...]] = {
    ORGS: (
        _c("组织编码", "code", required=True),
        _c("组织名称", "name", required=True, width=30),
        _c("上级组织编码", "parent_code"),
        _c("组织类别", "kind", "choice", required=True, choices=ORG_KIND_LABELS),
        _c("审批权限", "approval_authority", "choice", choices=YES_NO, width=10),
        _c("单位类型", "unit_type", "choice", choices=UNIT_TYPE_LABELS, width=10),
    ),
    MEMBERS: (
        _c("姓名", "name", required=True, width=10),
        _c("公民身份号码", "id_number", "id", required=True, width=22),
        _c("所在党组织编码", "org_code", required=True),
        _c("入党日期", "admitted_on", "date", required=True, width=12),
        _c("转正日期", "converted_on", "date", width=12),
        _c("党籍状态", "standing", "choice", choices=STANDING_LABELS, width=10),
    ),
    RECORDS: (
        _c("姓名", "name", required=True, width=10),
        _c("公民身份号码", "id_number", "id", required=True, width=22),
        _c("所在党组织编码", "org_code", required=True),
        _c("人员类别", "category", "choice"),  # choices filled from people.Category below
        _c("递交入党申请书日期", "applied_on", "date", 1, required=True),
        _c("谈话日期", "talked_on", "date", 2),
        _c("确定入党积极分子日期", "activist_on", "date", 3),
        _c("积极分子备案日期", "activist_filed_on", "date", 4),
        _c("培养联系人", "contacts", "ids", 5, width=42),
        _c("指定培养联系人日期", "contacts_on", "date", 5),
        _c("培养考察日期", "assessments", "dates", 6, width=36),
        _c("确定发展对象日期", "candidate_on", "date", 7),
        _c("发展对象备案日期", "candidate_filed_on", "date", 8),
        _c("入党介绍人", "introducers", "ids", 9, width=42),
        _c("确定入党介绍人日期", "introducers_on", "date", 9),
        _c("政审结论日期", "political_review_on", "date", 10),
        _c("政审结论", "political_review_result", "choice", 10, choices=POLITICAL_REVIEW_RESULTS),
        _c("集中培训开始日期", "training_start", "date", 11),
        _c("集中培训结束日期", "training_end", "date", 11),
        _c("培训学时", "training_hours", "number", 11, width=10),
        _c("支委会审查日期", "committee_review_on", "date", 12),
        _c("预审日期", "prereview_on", "date", 13),
        _c("公示开始日期", "notice_start", "date", 13),
        _c("公示结束日期", "notice_end", "date", 13),
        _c("填写入党志愿书日期", "form_on", "date", 14),
        _c("支部大会日期", "admission_meeting_on", "date", 15),
        _c("应到会有表决权人数", "admission_expected", "int", 15, width=10),
        _c("实到会有表决权人数", "admission_present", "int", 15, width=10),
        _c("赞成票", "admission_yes", "int", 15, width=8),
        _c("反对票", "admission_no", "int", 15, width=8),
        _c("弃权票", "admission_abstain", "int", 15, width=8),
        _c("上级党委谈话日期", "committee_talk_on", "date", 16),
        _c("审批党组织编码", "approving_org_code", "text", 17),
        _c("审批日期", "approved_on", "date", 17),
        _c("审批备案日期", "approval_filed_on", "date", 18),
        _c("入党宣誓日期", "oath_on", "date", 20),
        _c("转正申请日期", "conversion_applied_on", "date", 22),
        _c("转正支部大会日期", "conversion_meeting_on", "date", 23),
        _c("转正应到会有表决权人数", "conversion_expected", "int", 23, width=10),
        _c("转正实到会有表决权人数", "conversion_present", "int", 23, width=10),
        _c("转正赞成票", "conversion_yes", "int", 23, width=8),
        _c("转正反对票", "conversion_no", "int", 23, width=8),
        _c("转正弃权票", "conversion_abstain", "int", 23, width=8),
        _c("转正结论", "conversion_result", "choice", 23, choices=CONVERSION_RESULTS),
        _c("延长预备期月数", "extension_months", "int", 23, width=10),
        _c("转正审批日期", "conversion_approved_on", "date", 24),
        _c("归档日期", "archived_on", "date", 25),
        _c("特殊情况依据", "special_basis", width=24),
        _c("备注", "remarks", width=30),
    ),
}

# Steps with one date column each (the others are built with their data in the importer).
SIMPLE_STEPS = {
    1: "applied_on", 2: "talked_on", 3: "activist_on", 4: "activist_filed_on", 7: "candidate_on",
    8: "candidate_filed_on", 12: "committee_review_on", 14: "form_on", 16: "committee_talk_on",
    18: "approval_filed_on", 20: "oath_on", 22: "conversion_applied_on", 25: "archived_on",
}  # fmt: skip
VOTE_KEYS = ("expected", "present", "yes", "no", "abstain")


def columns_by_header(sheet: str) -> dict[str, Column]:
    return {c.header: c for c in COLUMNS[sheet]}


def category_labels() -> dict[str, str]:
    """人员类别 label → code, from people.Category (Chinese labels, whatever the active language)."""
    from django.utils import translation

    from dangjian.people.models import Category

    with translation.override("zh-hans"):
        return {str(label): value for value, label in Category.choices}
