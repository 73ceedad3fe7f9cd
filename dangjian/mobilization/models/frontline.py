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


class ReviewLevel(models.TextChoices):
    """The levels a campaign's frontline recommendations pass (seed 000: 一线推荐、逐级审核)."""

    BRANCH = "branch", "被推荐人所在党支部"
    COMMITTEE = "committee", "基层党委"
    DEPARTMENT = "department", "组织部（动员的领导党组织）"


class ReviewDecision(models.TextChoices):
    AGREE = "agree", "同意"
    RETURN = "return", "退回"


class FrontlineReview(models.Model):
    """One level's decision on a recommendation: agreed (the next level reviews) or returned with
    the reason (the recommendation stops there)."""

    recommendation = models.ForeignKey(
        FrontlineRecommendation, verbose_name="一线推荐", on_delete=models.CASCADE, related_name="reviews"
    )
    level = models.CharField("审核层级", max_length=12, choices=ReviewLevel.choices)
    org = models.ForeignKey("orgs.Org", verbose_name="审核党组织", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("审核意见", max_length=8, choices=ReviewDecision.choices)
    reason = models.CharField("理由", max_length=300, blank=True)
    decided_on = models.DateField("审核日期")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "一线推荐审核"
        verbose_name_plural = "一线推荐审核"
        ordering = ["recommendation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "level"], name="one_review_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.get_decision_display()}"
