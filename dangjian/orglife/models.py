"""Branch committees (支部委员会, 党委班子) elected for a term, and their members.

A committee is elected on a date for a term (村、社区 5 years, others 3, from the rule set R-TERM);
the next election ends it. The secretary shown on the org page is the committee's 书记. Writes go
through services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Post(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY = "deputy", _("副书记")
    ORGANIZATION = "organization", _("组织委员")
    PROPAGANDA = "propaganda", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    YOUTH = "youth", _("青年委员")
    WOMEN = "women", _("妇女委员")
    MEMBER = "member", _("委员")


class Committee(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="committees"
    )
    elected_on = models.DateField(_("选举日期"))
    term_years = models.PositiveSmallIntegerField(_("任期（年）"))
    term_ends_on = models.DateField(_("任期届满日期"))
    ended_on = models.DateField(_("换届日期"), null=True, blank=True)
    election_meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("选举会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("委员会")
        verbose_name_plural = _("委员会")
        ordering = ["-elected_on", "-id"]
        indexes = [
            models.Index(fields=["org", "-elected_on"], name="committee_org_elected"),
            models.Index(
                fields=["term_ends_on"], name="committee_term_end", condition=models.Q(ended_on=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} {self.elected_on:%Y-%m-%d}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="committee_posts"
    )
    post = models.CharField(_("职务"), max_length=16, choices=Post.choices)
    votes = models.PositiveIntegerField(_("得票数"), null=True, blank=True)

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["committee", "person"], name="committee_member_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_post_display()}"
