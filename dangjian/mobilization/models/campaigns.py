"""A campaign (战时动员), its kind and status."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CampaignKind(models.TextChoices):
    EPIDEMIC = "epidemic", "疫情防控"
    FLOOD = "flood", "防汛救灾"
    DISASTER = "disaster", "抢险救灾"
    EVENT = "event", "重大活动保障"
    OTHER = "other", "其他"


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    CLOSED = "closed", "已结束"


class Campaign(models.Model):
    """An emergency or campaign (战时动员) run by one org; everything else hangs under it."""

    code = models.CharField("编号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=16, choices=CampaignKind.choices)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织领导的党组织", on_delete=models.PROTECT, related_name="campaigns"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("计划结束日期", null=True, blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    frontline_basis = models.CharField(
        "火线入党依据",
        max_length=200,
        blank=True,
        help_text="适用2020年疫情防控一线发展党员特殊规定时填写（文件名称）；一线推荐的发展纪实记为特殊情况。",
    )
    review_levels = models.CharField(
        "一线推荐逐级审核", max_length=60, blank=True,
        help_text="逗号分隔的审核层级（branch 党支部、committee 基层党委、department 组织部），依次审核同意后才建立发展纪实；空：被推荐人所在党组织接收即可。",
    )  # fmt: skip
    description = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "战时动员"
        verbose_name_plural = "战时动员"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="campaign_org_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == CampaignStatus.ACTIVE

    @property
    def frontline(self) -> bool:
        return bool(self.frontline_basis.strip())
