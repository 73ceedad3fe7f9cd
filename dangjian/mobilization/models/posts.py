"""Vanguard posts and responsibility zones."""

from __future__ import annotations

from django.db import models

from .campaigns import Campaign


class PostKind(models.TextChoices):
    POST = "post", "党员先锋岗"
    ZONE = "zone", "党员责任区"


class Post(models.Model):
    """A vanguard post (党员先锋岗) or responsibility zone (党员责任区) held by a party member."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="posts"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="设岗党组织", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=8, choices=PostKind.choices)
    name = models.CharField("名称", max_length=100)
    place = models.CharField("地点（范围）", max_length=200)
    duties = models.CharField("职责", max_length=300, blank=True)
    holder = models.ForeignKey(
        "people.Person", verbose_name="责任党员", on_delete=models.PROTECT, related_name="posts"
    )
    starts_on = models.DateField("设立日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "先锋岗/责任区"
        verbose_name_plural = "先锋岗/责任区"
        ordering = ["kind", "name", "id"]
        indexes = [
            models.Index(fields=["campaign", "kind"], name="post_campaign_kind"),
            models.Index(fields=["org"], name="post_org"),
        ]

    def __str__(self) -> str:
        return self.name
