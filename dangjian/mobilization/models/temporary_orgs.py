"""Temporary party organizations (the link of an `orgs.Org` of a temporary kind to its campaign)
and the members seconded to them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from dangjian.orgs.models import OrgKind

from .campaigns import Campaign

TEMPORARY_ORG_KINDS = (OrgKind.TEMP_COMMITTEE, OrgKind.TEMP_BRANCH, OrgKind.TEMP_GROUP)


class TemporaryOrg(models.Model):
    """A temporary party organization of a campaign: the `orgs.Org` row plus how it was set up.

    Approved by a committee (RULES.md §7.4), its secretary appointed by that committee; it ends
    when the campaign closes (the org is dissolved, never deleted).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="temporary_orgs"
    )
    org = models.OneToOneField(
        "orgs.Org", verbose_name="临时党组织", on_delete=models.PROTECT, related_name="temporary_link"
    )
    approved_by = models.ForeignKey(
        "orgs.Org", verbose_name="批准设立的党组织", on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField("批准日期")
    approval_ref = models.CharField("批准文号", max_length=100, blank=True)
    secretary = models.ForeignKey(
        "people.Person", verbose_name="书记", on_delete=models.PROTECT, related_name="+"
    )
    mission = models.CharField("任务", max_length=200, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "临时党组织"
        verbose_name_plural = "临时党组织"
        indexes = [models.Index(fields=["campaign"], name="temporg_campaign")]

    def __str__(self) -> str:
        return self.org.name


class TemporaryRole(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    COMMITTEE = "committee", "委员"
    MEMBER = "member", "党员"


class Secondment(models.Model):
    """A party member seconded to a temporary org. Their home org (组织关系) does not change."""

    temporary_org = models.ForeignKey(
        TemporaryOrg, verbose_name="临时党组织", on_delete=models.PROTECT, related_name="secondments"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="secondments"
    )
    home_org = models.ForeignKey(
        "orgs.Org", verbose_name="原所在党组织", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        "职务", max_length=12, choices=TemporaryRole.choices, default=TemporaryRole.MEMBER
    )
    joined_on = models.DateField("编入日期")
    left_on = models.DateField("离开日期", null=True, blank=True)

    class Meta:
        verbose_name = "临时党组织成员"
        verbose_name_plural = "临时党组织成员"
        constraints = [
            models.UniqueConstraint(
                fields=["temporary_org", "person"],
                condition=Q(left_on__isnull=True),
                name="one_active_secondment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.temporary_org}"
