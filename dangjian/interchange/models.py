"""A large workbook import, run by the worker with progress (like the large exports)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "未导入"  # problems found: nothing written


class ImportJob(models.Model):
    """One upload's import; only its owner sees it. The uploaded files are kept until it ends."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.CASCADE, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="导入到", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dry_run = models.BooleanField("只检查", default=False)
    filename = models.CharField("文件名", max_length=300)
    folder = models.CharField("上传文件目录", max_length=100, editable=False)
    rows = models.PositiveIntegerField("行数", default=0)
    status = models.CharField("状态", max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    phase = models.CharField("当前阶段", max_length=40, blank=True)
    step = models.PositiveSmallIntegerField("已完成阶段", default=0)
    summary = models.TextField("结果", blank=True)
    error = models.TextField("未导入的原因", blank=True)
    problem_count = models.PositiveIntegerField("问题数", default=0)
    report = models.CharField("问题清单", max_length=100, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
