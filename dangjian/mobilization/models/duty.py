"""Duty shifts, the people who served, and the pre-aggregated people on duty per org and day."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .campaigns import Campaign
from .teams import Team, TeamMember


class DutyShift(models.Model):
    """One shift of a team's duty plan (定点分组值班): a place, a day, a period and its lead.

    The shift lead's record of who served is `services` (no personal check-ins); `served` is
    their number, kept by the service.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="duty_shifts"
    )
    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.PROTECT, related_name="shifts")
    on = models.DateField("日期")
    place = models.CharField("值守地点", max_length=100)
    period = models.CharField("班次", max_length=40, help_text="如 08:00-12:00、白班、夜班")
    lead = models.ForeignKey(
        TeamMember, verbose_name="带班人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned = models.PositiveSmallIntegerField("计划人数", default=0)
    served = models.PositiveSmallIntegerField("实际值守人数", default=0)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled = models.BooleanField("已取消", default=False)

    class Meta:
        verbose_name = "值班班次"
        verbose_name_plural = "值班班次"
        ordering = ["on", "place", "period", "id"]
        indexes = [
            models.Index(fields=["campaign", "on"], name="shift_campaign_day"),
            models.Index(fields=["team", "on"], name="shift_team_day"),
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.place} {self.period}"


class DutyService(models.Model):
    """A team member who served a shift, as recorded by the shift lead."""

    shift = models.ForeignKey(
        DutyShift, verbose_name="班次", on_delete=models.CASCADE, related_name="services"
    )
    member = models.ForeignKey(TeamMember, verbose_name="队员", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "值守记录"
        verbose_name_plural = "值守记录"
        constraints = [models.UniqueConstraint(fields=["shift", "member"], name="one_service_per_shift")]

    def __str__(self) -> str:
        return f"{self.member} · {self.shift}"


class DutyDay(models.Model):
    """People on duty per campaign, org (the teams' org) and day: distinct people, pre-aggregated.

    Rewritten for one (campaign, org, day) whenever a shift of that org and day is recorded, so the
    daily counts and the dashboard read these rows instead of every service record.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    on = models.DateField("日期")
    people = models.PositiveIntegerField("在岗人数", default=0)

    class Meta:
        verbose_name = "每日在岗人数"
        verbose_name_plural = "每日在岗人数"
        constraints = [models.UniqueConstraint(fields=["campaign", "org", "on"], name="duty_day_unique")]
        indexes = [models.Index(fields=["campaign", "on"], name="duty_day_campaign_day")]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.org_id}: {self.people}"
