"""Background exports (ExportJob) and the Word templates admins may replace (DocumentTemplate)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportKind(models.TextChoices):
    ROSTER = "roster", "党员花名册"
    DEVELOPMENT_ROSTER = "roster_dev", "入党申请人、入党积极分子、发展对象名册"
    STATISTICS = "statistics", "统计表"
    DUE = "due", "待办事项清单"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExportJob(models.Model):
    """A large export run by the worker; only its owner may see it and download the file."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类别", max_length=16, choices=ExportKind.choices)
    org = models.ForeignKey("orgs.Org", verbose_name="党组织", on_delete=models.CASCADE, related_name="+")
    unmask = models.BooleanField("含完整身份证号和电话", default=False)
    status = models.CharField("状态", max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    total = models.PositiveIntegerField("总行数", default=0)
    done = models.PositiveIntegerField("已完成行数", default=0)
    file = models.FileField("文件", upload_to="exports/", blank=True)
    filename = models.CharField("文件名", max_length=200, blank=True)
    error = models.CharField("错误信息", max_length=500, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.org_id} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, int(self.done * 100 / self.total)) if self.total else 0


class TemplateKind(models.TextChoices):
    CANDIDATE_NOTICE = "candidate_notice", "发展对象公示"
    ADMISSION_NOTICE = "admission_notice", "拟接收预备党员公示"
    ACTIVIST_FILING = "activist_filing", "入党积极分子备案表"
    CANDIDATE_FILING = "candidate_filing", "发展对象备案表"
    APPROVAL_SUMMARY = "approval_summary", "接收预备党员审批汇总表"
    APPRAISAL_SHEET = "appraisal_sheet", "民主评议党员结果表"
    MEETING_RECORD = "meeting_record", "会议记录"
    DUES_NOTICE = "dues_notice", "党费收缴使用情况公示"


class DocumentTemplate(models.Model):
    """A Word (.docx, docxtpl) template uploaded by an admin; the newest active one of a kind wins."""

    kind = models.CharField("文书类别", max_length=24, choices=TemplateKind.choices)
    file = models.FileField("模板文件", upload_to="document-templates/")
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["kind", "is_active"], name="doctemplate_kind_active")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"
