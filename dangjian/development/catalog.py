"""The canonical 5 stages / 25 steps of 发展党员 (RULES.md §2), with stable addresses.

Each step has a number 1–25 and a code "stage.position" (1.1 … 5.5) that stays the same whatever a
local catalog calls it, so reports stay comparable. `facts` names the keys the step fills in the
flat facts record (INTERCHANGE.md sheet 发展纪实), which is what the rule engine reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    standing: str  # the person's standing while the stage is under way


STAGES = (
    Stage(1, "申请入党", "applicant"),
    Stage(2, "入党积极分子的确定和培养教育", "activist"),
    Stage(3, "发展对象的确定和考察", "candidate"),
    Stage(4, "预备党员的接收", "candidate"),
    Stage(5, "预备党员的教育考察和转正", "probationary"),
)


@dataclass(frozen=True)
class Step:
    number: int
    stage: int
    position: int
    name: str
    actor: str
    article: str
    facts: tuple[str, ...] = ()
    repeatable: bool = False  # recorded many times (assessments, probation education)
    meeting: str = ""  # meeting kind whose resolution the step comes from
    motion: str = ""
    evidence: tuple[str, ...] = field(default=())
    acting: str = "branch"  # whose org records the step: "branch", or "committee" (the superior committee)

    @property
    def code(self) -> str:
        return f"{self.stage}.{self.position}"

    @property
    def label(self) -> str:
        return f"第{self.number}步 {self.name}"


STEPS: tuple[Step, ...] = (
    Step(1, 1, 1, "递交入党申请书", "申请人", "细则第五、六条", ("applied_on",), evidence=("application",)),
    Step(2, 1, 2, "党组织派人谈话", "党支部", "细则第七条", ("talked_on",), evidence=("talk_record",)),
    Step(3, 2, 1, "推荐和确定入党积极分子", "支部委员会", "细则第八条", ("activist_on",),
         meeting="branch_committee", motion="designate_activist", evidence=("recommendation", "minutes")),
    Step(4, 2, 2, "上级党委备案（积极分子）", "党支部", "细则第八条", ("activist_filed_on",), evidence=("filing",)),
    Step(5, 2, 3, "指定培养联系人", "党支部", "细则第九条", ("contacts", "contacts_on")),
    Step(6, 2, 4, "培养教育考察", "党支部", "细则第十、十一、十二条", ("assessments",), repeatable=True,
         evidence=("assessment_form", "thought_report")),
    Step(7, 3, 1, "确定发展对象", "支部委员会", "细则第十三条", ("candidate_on",),
         meeting="branch_committee", motion="designate_candidate", evidence=("opinions", "minutes")),
    Step(8, 3, 2, "上级党委备案（发展对象）", "党支部", "细则第十三条", ("candidate_filed_on",), evidence=("filing",)),
    Step(9, 3, 3, "确定入党介绍人", "党支部", "细则第十四、十五条", ("introducers", "introducers_on")),
    Step(10, 3, 4, "进行政治审查", "党支部", "细则第十六条", ("political_review_on", "political_review_result"),
         evidence=("political_review",)),
    Step(11, 3, 5, "开展集中培训", "基层党委", "细则第十七条", ("training_start", "training_end", "training_hours"),
         evidence=("training_certificate",)),
    Step(12, 4, 1, "支部委员会审查", "支部委员会", "细则第十九条", ("committee_review_on",),
         meeting="branch_committee", motion="committee_review", evidence=("minutes",)),
    Step(13, 4, 2, "上级党委预审", "基层党委", "细则第十九条", ("prereview_on", "notice_start", "notice_end"),
         evidence=("prereview",), acting="committee"),
    Step(14, 4, 3, "填写入党志愿书", "发展对象", "细则第十四、十五条", ("form_on", "form_number"), evidence=("admission_form",)),
    Step(15, 4, 4, "支部大会讨论", "支部党员大会", "细则第二十、二十一条",
         ("admission_meeting_on", "admission_expected", "admission_present", "admission_yes", "admission_no",
          "admission_abstain"), meeting="branch_general", motion="admit", evidence=("minutes",)),
    Step(16, 4, 5, "上级党委派人谈话", "基层党委", "细则第二十四条", ("committee_talk_on",), evidence=("talk_record",),
         acting="committee"),
    Step(17, 4, 6, "上级党委审批", "基层党委", "细则第二十五条", ("approved_on", "approving_org"),
         meeting="party_committee", motion="approve_admission", acting="committee"),
    Step(18, 4, 7, "再上一级党委组织部门备案", "基层党委", "细则第二十五条", ("approval_filed_on",), evidence=("filing",),
         acting="committee"),
    Step(19, 4, 8, "编入党支部和党小组", "党支部", "细则第二十七条", ("assigned_on",)),
    Step(20, 4, 9, "入党宣誓", "基层党委或党支部", "党章第六条", ("oath_on",)),
    Step(21, 5, 1, "继续教育考察", "党支部", "细则第三十二条", ("probation_assessments",), repeatable=True,
         evidence=("assessment_form", "thought_report")),
    Step(22, 5, 2, "提出转正申请", "预备党员", "细则第三十三条", ("conversion_applied_on",), evidence=("conversion_application",)),
    Step(23, 5, 3, "支部大会讨论（转正）", "支部党员大会", "细则第三十二、三十三条",
         ("conversion_meeting_on", "conversion_expected", "conversion_present", "conversion_yes", "conversion_no",
          "conversion_abstain", "conversion_result", "extension_months"),
         meeting="branch_general", motion="convert", evidence=("minutes",)),
    Step(24, 5, 4, "上级党委审批（转正）", "基层党委", "党章第七条", ("conversion_approved_on",),
         meeting="party_committee", motion="approve_conversion", acting="committee"),
    Step(25, 5, 5, "材料归档", "党支部", "细则第三十七条", ("archived_on",)),
)  # fmt: skip

STEP_BY_NUMBER = {s.number: s for s in STEPS}
# Recorded by the superior committee (the nearest committee above the branch with the authority to
# approve admissions), with that committee as the acting org (RULES.md §2 steps 13, 16–18, 24; §2a).
SUPERIOR_STEPS = tuple(s.number for s in STEPS if s.acting == "committee")
STEP_CHOICES = [(s.number, s.label) for s in STEPS]

EVIDENCE_KINDS = {
    "application": "入党申请书",
    "talk_record": "谈话记录",
    "recommendation": "推荐材料",
    "minutes": "会议记录",
    "filing": "备案材料",
    "assessment_form": "培养教育考察登记表",
    "thought_report": "思想汇报",
    "opinions": "征求意见记录",
    "political_review": "政审材料",
    "training_certificate": "培训结业证书",
    "prereview": "预审意见",
    "admission_form": "入党志愿书",
    "conversion_application": "转正申请书",
    "other": "其他",
}

# Steps whose date decides a milestone: (step, milestone) — used to derive the standing.
MILESTONE_STEPS = {1: "applied_on", 3: "activist_on", 7: "candidate_on", 17: "admitted", 24: "converted"}
