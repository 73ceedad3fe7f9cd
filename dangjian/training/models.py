"""Training classes (培训班) and who took part (参训学员), with the 学时 each completion credits.

A class is organized by one org; its participants are people in the organizer's scope, each with
the category they were trained as (党员, 发展对象, 村干部 …: what the figures count by). A completed
participation credits its 学时 to the person's year (the year the class ended). Writes go through
services.py; a 发展对象培训 completion also records step 11 of the 发展党员纪实 (development).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.people.models import Standing

__all__ = ["Participation", "TraineeCategory", "TrainingClass", "TrainingKind", "category_for_standing"]


class TrainingKind(models.TextChoices):
    ACTIVIST = "activist", _("入党积极分子培训")
    CANDIDATE = "candidate", _("发展对象培训")
    MEMBER_ROTATION = "member_rotation", _("党员集中轮训")
    PARTY_AFFAIRS_CADRE = "party_affairs_cadre", _("党务干部培训")
    VILLAGE_CADRE = "village_cadre", _("村干部培训")
    ONLINE = "online", _("线上学习")
    OTHER = "other", _("其他")


class TraineeCategory(models.TextChoices):
    """What a participant was trained as: the figures count 人次 by it (乡镇党务干部 54, 村干部 180)."""

    MEMBER = "member", _("党员")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    TOWN_PARTY_CADRE = "town_party_cadre", _("乡镇党务干部")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    OTHER = "other", _("其他")


_BY_STANDING = {
    Standing.ACTIVIST: TraineeCategory.ACTIVIST,
    Standing.CANDIDATE: TraineeCategory.CANDIDATE,
    Standing.PROBATIONARY: TraineeCategory.MEMBER,
    Standing.FULL: TraineeCategory.MEMBER,
}


def category_for_standing(standing: str) -> str:
    """The category a participant is trained as when none is given: from where they stand."""
    return _BY_STANDING.get(standing, TraineeCategory.OTHER).value


def inclusive_days(start: dt.date, end: dt.date) -> int:
    """2024-06-01 to 2024-06-03 is 3 days."""
    return (end - start).days + 1


class TrainingClass(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("举办党组织"), on_delete=models.PROTECT, related_name="training_classes"
    )
    name = models.CharField(_("培训班名称"), max_length=200)
    kind = models.CharField(_("培训类别"), max_length=24, choices=TrainingKind.choices)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"))
    days = models.PositiveSmallIntegerField(_("培训天数"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    place = models.CharField(_("培训地点"), max_length=200, blank=True)
    online = models.BooleanField(_("线上培训"), default=False)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-start_on", "-id"]
        indexes = [
            models.Index(fields=["org", "-start_on"], name="training_org_start"),
            models.Index(fields=["end_on", "kind"], name="training_end_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_on__gte=models.F("start_on")), name="training_end_after_start"
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_hours_positive"),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="training_days_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def span_days(self) -> int:
        return inclusive_days(self.start_on, self.end_on)


class Participation(models.Model):
    """One person in one class; `hours` is what the completion credits (the class's by default)."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("培训班"), on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="trainings"
    )
    category = models.CharField(_("参训类别"), max_length=24, choices=TraineeCategory.choices)
    completed = models.BooleanField(_("已结业"), default=False)
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    hours = models.DecimalField(_("认定学时"), max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "person"], name="participation_once_per_class"),
            models.CheckConstraint(
                condition=models.Q(completed=False)
                | models.Q(completed_on__isnull=False, hours__isnull=False),
                name="participation_completed_has_date_and_hours",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "completed"], name="participation_person"),
            models.Index(fields=["training_class", "completed", "category"], name="participation_class_cat"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.training_class.name}"

    @property
    def credited_hours(self) -> Decimal:
        return self.hours if self.completed and self.hours is not None else Decimal(0)
