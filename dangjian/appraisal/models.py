"""民主评议党员: once a year per branch, every full member graded, probationary members taking part.

An `Appraisal` is one branch's 民主评议 of one year; an `AppraisalEntry` is one member's part in it
(a full member's grade, or a probationary member's participation without a grade); a 不合格 grade
opens a `FollowUp`: the organizational measure (限期改正, 劝其退党, 除名) and later its outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


class Measure(models.TextChoices):
    CORRECT = "correct", _("限期改正")
    PERSUADE = "persuade", _("劝其退党")
    REMOVE = "remove", _("除名")


class Outcome(models.TextChoices):
    CORRECTED = "corrected", _("已改正")
    NOT_CORRECTED = "not_corrected", _("逾期仍未改正")
    WITHDREW = "withdrew", _("已退党")
    REMOVED = "removed", _("已除名")


# Which outcomes close which measure: 限期改正 ends corrected or not (then a new decision follows);
# 劝其退党 ends in withdrawal, or in removal when the member refuses to withdraw; 除名 in removal.
OUTCOMES_OF = {
    Measure.CORRECT: (Outcome.CORRECTED, Outcome.NOT_CORRECTED),
    Measure.PERSUADE: (Outcome.WITHDREW, Outcome.REMOVED),
    Measure.REMOVE: (Outcome.REMOVED,),
}


class Appraisal(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="appraisals"
    )
    year = models.PositiveSmallIntegerField(_("评议年度"))
    held_on = models.DateField(_("评议日期"))
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("评议会议"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("民主评议党员")
        verbose_name_plural = _("民主评议党员")
        ordering = ["-year", "org__path"]
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="appraisal_org_year")]
        indexes = [models.Index(fields=["year", "org"], name="appraisal_year_org")]

    def __str__(self) -> str:
        return f"{self.org} {self.year}"


class AppraisalEntry(models.Model):
    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("民主评议党员"), on_delete=models.CASCADE, related_name="entries"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="appraisal_entries"
    )
    # Blank for a 预备党员: takes part in the 民主评议, is not graded.
    grade = models.CharField(_("评定等次"), max_length=16, choices=Grade.choices, blank=True)
    is_probationary = models.BooleanField(_("预备党员"), default=False)

    class Meta:
        verbose_name = _("民主评议结果")
        verbose_name_plural = _("民主评议结果")
        constraints = [models.UniqueConstraint(fields=["appraisal", "person"], name="appraisal_entry_person")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_grade_display() or '-'}"


class FollowUp(models.Model):
    """The organizational measure after a 不合格 grade, and its outcome (open until the outcome)."""

    entry = models.OneToOneField(
        AppraisalEntry, verbose_name=_("民主评议结果"), on_delete=models.CASCADE, related_name="followup"
    )
    measure = models.CharField(_("组织处置"), max_length=16, choices=Measure.choices, blank=True)
    decided_on = models.DateField(_("处置决定日期"), null=True, blank=True)
    deadline = models.DateField(_("改正期限"), null=True, blank=True)
    outcome = models.CharField(_("处置结果"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(_("结果日期"), null=True, blank=True)
    outcome_note = models.CharField(_("结果说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("不合格党员组织处置")
        verbose_name_plural = _("不合格党员组织处置")

    def __str__(self) -> str:
        return f"{self.entry.person} {self.get_measure_display() or '-'}"

    @property
    def is_closed(self) -> bool:
        return bool(self.outcome)

    @property
    def status_label(self) -> str:
        if self.outcome:
            return str(_("已办结"))
        if self.measure:
            return str(_("处置中"))
        return str(_("待决定处置"))
