"""Commendation bulletins and the collectives and individuals they name."""

from __future__ import annotations

from django.db import models

from .campaigns import Campaign
from .teams import Team


class Bulletin(models.Model):
    """A commendation bulletin (通报表扬) of the campaign: number, date, issuing org."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="bulletins"
    )
    number = models.CharField("期号（文号）", max_length=60)
    issued_on = models.DateField("印发日期")
    issued_by = models.ForeignKey(
        "orgs.Org", verbose_name="印发单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "通报表扬"
        verbose_name_plural = "通报表扬"
        ordering = ["issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="bulletin_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CommendationKind(models.TextChoices):
    COLLECTIVE = "collective", "先进集体"
    INDIVIDUAL = "individual", "先进个人"


class Commendation(models.Model):
    """A collective or an individual named in a bulletin."""

    bulletin = models.ForeignKey(
        Bulletin, verbose_name="通报", on_delete=models.PROTECT, related_name="commendations"
    )
    kind = models.CharField("类别", max_length=12, choices=CommendationKind.choices)
    name = models.CharField("名称（姓名）", max_length=120)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="党组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name="队伍", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="人员档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    citation = models.CharField("事迹", max_length=300, blank=True)

    class Meta:
        verbose_name = "表扬对象"
        verbose_name_plural = "表扬对象"
        ordering = ["bulletin", "kind", "id"]

    def __str__(self) -> str:
        return self.name
