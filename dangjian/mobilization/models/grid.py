"""Grid coverage (包保): compounds → buildings → units, each with its lead."""

from __future__ import annotations

from django.db import models

from .campaigns import Campaign


class GridLevel(models.TextChoices):
    COMPOUND = "compound", "小区"
    BUILDING = "building", "楼栋"
    UNIT = "unit", "单元"


LEAD_TITLES = {GridLevel.COMPOUND: "小区长", GridLevel.BUILDING: "楼栋长", GridLevel.UNIT: "单元长"}


LEVEL_DEPTH = {GridLevel.COMPOUND: 1, GridLevel.BUILDING: 2, GridLevel.UNIT: 3}


class GridNode(models.Model):
    """A compound, building or unit under grid coverage (包保), with its lead (小区长/楼栋长/单元长).

    `key` is the node's full name ("阳光小区/3栋/2单元"), unique in the campaign: the spreadsheet
    import finds nodes by it. A node without a lead is a gap in the coverage report.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="grid_nodes"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="包保党组织", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField("层级", max_length=10, choices=GridLevel.choices)
    name = models.CharField("名称", max_length=60)
    key = models.CharField("完整名称", max_length=200)
    lead_person = models.ForeignKey(
        "people.Person",
        verbose_name="负责人档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_leads",
    )
    lead_name = models.CharField("负责人", max_length=40, blank=True)
    lead_phone = models.CharField("负责人电话", max_length=20, blank=True)
    lead_since = models.DateField("负责起始日期", null=True, blank=True)
    registration = models.ForeignKey(
        "CommunityRegistration",
        verbose_name="双报到",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_placements",
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "包保网格"
        verbose_name_plural = "包保网格"
        ordering = ["key", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="grid_node_key_unique")]
        indexes = [
            models.Index(fields=["campaign", "level", "lead_name"], name="grid_campaign_level_lead"),
            models.Index(fields=["org"], name="grid_org"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def has_lead(self) -> bool:
        return bool(self.lead_name)

    @property
    def lead_title(self) -> str:
        return LEAD_TITLES[self.level]
