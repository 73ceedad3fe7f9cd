"""Front-line recommendations into the development pipeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .campaigns import Campaign


class FrontlineRecommendation(models.Model):
    """一线推荐: someone who stood out in the campaign, recommended into the development pipeline.

    The case is opened (or found) at the person's home branch, with the campaign as its source; a
    temporary org may recommend but passes the record on to the home org (RULES.md §7.4). Until the
    home org has a case for the person, `case` is empty (待接收).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="recommendations"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="被推荐人",
        on_delete=models.PROTECT,
        related_name="frontline_recommendations",
    )
    recommended_by = models.ForeignKey(
        "orgs.Org", verbose_name="推荐党组织", on_delete=models.PROTECT, related_name="+"
    )
    recommended_on = models.DateField("推荐日期")
    reason = models.CharField("一线表现", max_length=300)
    case = models.ForeignKey(
        "development.Case",
        verbose_name="发展纪实",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "一线推荐"
        verbose_name_plural = "一线推荐"
        ordering = ["-recommended_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="one_recommendation_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.campaign}"
