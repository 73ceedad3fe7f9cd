"""双报到: a working member registered with the community where they live."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .campaigns import Campaign


class CommunityRegistration(models.Model):
    """双报到: a working party member registered with the community where they live.

    The community places them in its teams or grid roles; their own unit (the person's org) and
    the community both see the registration and the placements.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="registrations"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="community_registrations"
    )
    community = models.ForeignKey(
        "orgs.Org", verbose_name="报到社区党组织", on_delete=models.PROTECT, related_name="+"
    )
    registered_on = models.DateField("报到日期")
    address = models.CharField("居住小区", max_length=120, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "双报到"
        verbose_name_plural = "双报到"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=Q(ended_on__isnull=True),
                name="one_active_registration",
            )
        ]
        indexes = [models.Index(fields=["campaign", "community"], name="registration_community")]

    def __str__(self) -> str:
        return f"{self.person} → {self.community}"
