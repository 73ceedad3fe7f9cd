"""Teams (突击队、先锋队、应急队、志愿服务队) and their members."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .campaigns import Campaign


class TeamKind(models.TextChoices):
    SHOCK = "shock", "党员突击队"
    VANGUARD = "vanguard", "党员先锋队"
    EMERGENCY = "emergency", "党员应急队"
    VOLUNTEER = "volunteer", "志愿服务队"


PARTY_TEAM_KINDS = frozenset({TeamKind.SHOCK, TeamKind.VANGUARD, TeamKind.EMERGENCY})


class Team(models.Model):
    """A shock, vanguard, emergency or volunteer team formed by an org for the campaign."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="teams"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组建的党组织", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=12, choices=TeamKind.choices)
    name = models.CharField("名称", max_length=100)
    mission = models.CharField("任务", max_length=300, blank=True)
    starts_on = models.DateField("组建日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "队伍"
        verbose_name_plural = "队伍"
        ordering = ["kind", "name", "id"]
        indexes = [
            models.Index(fields=["campaign", "kind"], name="team_campaign_kind"),
            models.Index(fields=["org"], name="team_org"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    LEADER = "leader", "队长"
    MEMBER = "member", "队员"


class TeamMember(models.Model):
    """A team member: a person with a file (party member, activist …) or someone without one (群众)."""

    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(
        "people.Person",
        verbose_name="人员档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    name = models.CharField("姓名", max_length=40)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    is_party_member = models.BooleanField("党员", default=False)
    role = models.CharField("职务", max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)
    registration = models.ForeignKey(
        "CommunityRegistration",
        verbose_name="双报到",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_placements",
    )
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("离队日期", null=True, blank=True)

    class Meta:
        verbose_name = "队员"
        verbose_name_plural = "队员"
        ordering = ["team", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=Q(left_on__isnull=True, person__isnull=False),
                name="one_active_team_membership",
            )
        ]

    def __str__(self) -> str:
        return self.name
