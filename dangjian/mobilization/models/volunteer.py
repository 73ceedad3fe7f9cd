"""Volunteer service events."""

from __future__ import annotations

from django.db import models

from .campaigns import Campaign
from .teams import Team


class VolunteerEvent(models.Model):
    """One volunteer service event (志愿服务): date, place, organizer, participants, people served."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="volunteer_events"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, verbose_name="服务队", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    on = models.DateField("日期")
    place = models.CharField("地点", max_length=100)
    title = models.CharField("服务内容", max_length=200)
    participants = models.PositiveIntegerField("参与人数")
    people_served = models.PositiveIntegerField("服务群众（人次）", default=0)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务"
        verbose_name_plural = "志愿服务"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["campaign", "on"], name="volunteer_campaign_day")]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.title}"
