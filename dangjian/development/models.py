from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangjian.development.catalog import STEP_CHOICES

CASE_STAGE_CHOICES = [
    (1, "申请入党"),
    (2, "入党积极分子"),
    (3, "发展对象"),
    (4, "接收预备党员"),
    (5, "预备期"),
    (6, "已转正"),
]


class RuleSet(models.Model):
    """A versioned set of rule parameters: the national default, or a local profile.

    `overrides` is {rule id: {"severity": …, "enabled": …, "article": …, parameter: value}}. A local
    profile (with `org`) applies to that org's subtree and inherits from `parent`. The rule set in
    force for a step is the most specific active profile covering the org on the step's date.
    """

    code = models.CharField("编号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey("self", verbose_name="继承自", null=True, blank=True, on_delete=models.PROTECT)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="适用党组织（含下级）", null=True, blank=True, on_delete=models.PROTECT
    )
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    overrides = models.JSONField("参数", default=dict, blank=True)
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "规则集"
        verbose_name_plural = "规则集"
        ordering = ["effective_from", "code"]

    def __str__(self) -> str:
        return self.name

    def merged_overrides(self) -> dict:
        chain = []
        node: RuleSet | None = self
        while node is not None and len(chain) < 10:
            chain.append(node)
            node = node.parent
        merged: dict = {}
        for ruleset in reversed(chain):
            for rule_id, values in (ruleset.overrides or {}).items():
                merged.setdefault(rule_id, {}).update(values)
        return merged


class CaseStatus(models.TextChoices):
    OPEN = "open", "进行中"
    DEFERRED = "deferred", "暂缓发展"
    DECLINED = "declined", "不予发展"
    DISQUALIFIED = "disqualified", "取消预备党员资格"
    CONVERTED = "converted", "已转正"
    ARCHIVED = "archived", "已归档"


class Case(models.Model):
    """One person's development (发展党员) case; its stage is derived from its step records."""

    person = models.OneToOneField(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="case"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="党支部", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField("状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    status_reason = models.CharField("状态说明", max_length=300, blank=True)
    stage = models.PositiveSmallIntegerField("阶段", choices=CASE_STAGE_CHOICES, default=1)
    last_step = models.PositiveSmallIntegerField("最近完成步骤", default=0)
    last_step_on = models.DateField("最近步骤日期", null=True, blank=True)
    special_basis = models.CharField(
        "特殊情况依据", max_length=200, blank=True, help_text="如“2020疫情防控一线”（火线入党）。"
    )
    source = models.CharField("来源", max_length=100, blank=True, help_text="如 一线推荐、补录（文件名）")
    is_backfill = models.BooleanField("补录", default=False)
    remarks = models.TextField("备注", blank=True, help_text="补录时台账的备注和非标准列的内容。")
    blocking = models.PositiveSmallIntegerField("未解决违规数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "发展党员纪实"
        verbose_name_plural = "发展党员纪实"
        indexes = [
            models.Index(fields=["org", "status", "stage"], name="case_org_status_stage"),
            models.Index(fields=["status", "stage"], name="case_status_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}的发展纪实"

    @property
    def frontline(self) -> bool:
        return bool(self.special_basis.strip())


class RecordKind(models.TextChoices):
    RECORD = "record", "步骤记录"
    RETURN = "return", "退回"


class StepRecord(models.Model):
    """One recorded step, or the return (退回) of one. Append-only and hash-chained (全程纪实).

    A correction is a new record that supersedes the old one; a return is a marker record (kind
    "return") that supersedes the returned one, with the reason and the user. No row is changed
    after it is written except `is_current`, a cached flag: a record is current iff it is of kind
    "record" and no later record supersedes it (`chain.verify` recomputes it). `prev_hash` and
    `hash` chain every record to the one before it in id order (see development/chain.py).
    """

    case = models.ForeignKey(Case, verbose_name="发展纪实", on_delete=models.PROTECT, related_name="records")
    step = models.PositiveSmallIntegerField("步骤", choices=STEP_CHOICES)
    on = models.DateField("日期")
    org = models.ForeignKey("orgs.Org", verbose_name="办理党组织", on_delete=models.PROTECT, related_name="+")
    # PROTECT: the recorder is part of the hashed content, so a user who recorded steps is
    # deactivated, never deleted (SET_NULL would change the records behind the chain's back).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField("记录人姓名", max_length=150, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name="会议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.ForeignKey(
        "meetings.Resolution",
        verbose_name="决议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField("内容", default=dict, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    filing_ref = models.CharField("备案文号", max_length=100, blank=True)
    findings = models.JSONField("记录时的检查结果", default=list, blank=True)
    acknowledged = models.JSONField("已确认的提醒", default=list, blank=True)
    is_backfill = models.BooleanField("补录", default=False)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="更正的记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    kind = models.CharField("类型", max_length=8, choices=RecordKind.choices, default=RecordKind.RECORD)
    is_current = models.BooleanField("有效", default=True)
    correction_reason = models.CharField("更正原因", max_length=300, blank=True)
    # Set by chain.append before hashing (not auto_now_add, which would overwrite it on save).
    created_at = models.DateTimeField("记录时间", default=timezone.now)
    prev_hash = models.CharField("前一记录哈希", max_length=64, blank=True, default="")
    hash = models.CharField("哈希", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "步骤记录"
        verbose_name_plural = "步骤记录"
        ordering = ["case", "step", "on", "id"]
        constraints = [
            # One current record per step, except the repeatable assessments (6, 21) and the
            # conversion meeting, which happens again after a probation extension (23).
            models.UniqueConstraint(
                fields=["case", "step"],
                condition=Q(is_current=True) & ~Q(step__in=[6, 21, 23]),
                name="one_current_record_per_step",
            ),
        ]
        indexes = [models.Index(fields=["case", "is_current", "step"], name="step_case_current")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.on:%Y-%m-%d}"

    @property
    def is_return(self) -> bool:
        return self.kind == RecordKind.RETURN


class RecordChainHead(models.Model):
    """The chain's head (one row, pk 1): the last step record's id and hash, and the record count.

    Every append locks this row (select_for_update) inside its transaction, so appends are
    serialised and two writers cannot fork the chain; `chain.verify` compares it with the last record,
    which is how deleting the newest records is noticed.
    """

    last_id = models.BigIntegerField("最后记录编号", default=0)
    hash = models.CharField("链首哈希", max_length=64)
    count = models.BigIntegerField("记录数", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "全程纪实链首"
        verbose_name_plural = "全程纪实链首"

    def __str__(self) -> str:
        return f"{self.count} 条记录，链首哈希 {self.hash[:12]}…"


class Evidence(models.Model):
    record = models.ForeignKey(
        StepRecord, verbose_name="步骤记录", on_delete=models.PROTECT, related_name="evidence"
    )
    kind = models.CharField("材料类型", max_length=32)
    number = models.CharField("编号", max_length=60, blank=True, help_text="如入党志愿书编号")
    file = models.FileField("文件", upload_to="evidence/%Y/%m/", blank=True)
    title = models.CharField("名称", max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.title or self.kind


class DueKind(models.TextChoices):
    TALK = "talk", "谈话"
    ASSESSMENT = "assessment", "半年考察"
    CULTIVATION = "cultivation", "培养期满一年"
    APPROVAL = "approval", "接收预备党员待审批"
    PROBATION_END = "probation_end", "预备期将满"
    CONVERSION_APPROVAL = "conversion_approval", "转正待审批"
    ARCHIVE = "archive", "材料待归档"
    INACTIVE_BRANCH = "inactive_branch", "一年无发展活动"
    # Branch life (the orglife app's source, development/due.py register_source)
    ORG_LIFE = "org_life", "组织生活"
    TERM = "term", "换届"
    BRANCH_SETUP = "branch_setup", "支部设置"
    # 组织关系转接 (the transfers app's source)
    TRANSFER = "transfer", "组织关系转接"


class DueStatus(models.TextChoices):
    OVERDUE = "overdue", "已逾期"
    SOON = "soon", "即将到期"
    PENDING = "pending", "待办理"  # a task whose deadline is more than a month away
    READY = "ready", "可以办理"


class DueItem(models.Model):
    """One thing that is due (待办), kept current by the due-list refresh and by every step."""

    org = models.ForeignKey("orgs.Org", verbose_name="党组织", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, verbose_name="发展纪实", null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField("事项", max_length=24, choices=DueKind.choices)
    status = models.CharField("状态", max_length=12, choices=DueStatus.choices)
    due_on = models.DateField("期限")
    message = models.CharField("说明", max_length=300)
    refreshed_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "待办事项"
        verbose_name_plural = "待办事项"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["org", "due_on"], name="due_org_date")]

    def __str__(self) -> str:
        return self.message


class FormNumberRange(models.Model):
    """A run of 入党志愿书 numbers the 组织部 issued to a committee (号段): step 14 of a case below that
    committee takes its numbers from here, and a number once used or voided is never used again."""

    org = models.ForeignKey("orgs.Org", verbose_name="领取单位", on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(
        "编号前缀", max_length=20, blank=True, help_text="如 行政区划代码加年份 5116022026"
    )
    first = models.PositiveIntegerField("起始号")
    last = models.PositiveIntegerField("终止号")
    width = models.PositiveSmallIntegerField("序号位数")
    issued_on = models.DateField("发放日期")
    document_ref = models.CharField("文号或登记号", max_length=100, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发放人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "入党志愿书号段"
        verbose_name_plural = "入党志愿书号段"
        ordering = ["org__path", "issued_on", "prefix", "first"]
        constraints = [
            models.CheckConstraint(condition=Q(last__gte=models.F("first")), name="formrange_order")
        ]

    def __str__(self) -> str:
        return f"{self.number(self.first)}—{self.number(self.last)}"

    def number(self, seq: int) -> str:
        return f"{self.prefix}{seq:0{self.width}d}"

    @property
    def size(self) -> int:
        return self.last - self.first + 1


class FormNumberState(models.TextChoices):
    USED = "used", "已使用"
    VOID = "void", "已作废"


class FormNumber(models.Model):
    """A number of a range that is no longer free: used by a case's step 14, or voided (a spoiled
    form, a corrected or returned step) with the reason. Unique, so no number is handed out twice."""

    range = models.ForeignKey(
        FormNumberRange, verbose_name="号段", on_delete=models.PROTECT, related_name="numbers"
    )
    seq = models.PositiveIntegerField("序号")
    number = models.CharField("编号", max_length=40, unique=True)
    state = models.CharField("状态", max_length=8, choices=FormNumberState.choices)
    case = models.ForeignKey(Case, verbose_name="发展纪实", null=True, blank=True, on_delete=models.PROTECT)
    record = models.ForeignKey(
        StepRecord, verbose_name="步骤记录", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField("日期")
    reason = models.CharField("作废原因", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "入党志愿书编号"
        verbose_name_plural = "入党志愿书编号"
        ordering = ["range", "seq"]
        constraints = [models.UniqueConstraint(fields=["range", "seq"], name="formnumber_range_seq")]

    def __str__(self) -> str:
        return self.number


class Mentor(models.Model):
    """一对一帮带 (seed 003): a full member who mentors a probationary member through probation.
    Assigning another mentor ends the current one on that day, so the rows are the history."""

    case = models.ForeignKey(Case, verbose_name="发展纪实", on_delete=models.PROTECT, related_name="mentors")
    mentor = models.ForeignKey(
        "people.Person", verbose_name="帮带人", on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField("开始日期")
    until = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "一对一帮带"
        verbose_name_plural = "一对一帮带"
        ordering = ["case", "since", "id"]

    def __str__(self) -> str:
        return f"{self.mentor}帮带{self.case.person}"
