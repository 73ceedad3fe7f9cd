"""The reserve pool (后备力量库): who is kept in reserve for which post of which village or community.

One entry is one person in the pool of one org (a village or community branch, or any org): a
person with a file (一人一档: a party member, an applicant …) or someone outside the party, whose
name, gender, birth date and education the entry keeps itself. The yearly review (每年一次微调) is
a row per entry and year (kept / removed with the reason; the registration is the "added" row), and
the tasks given to them (交任务、压担子) are rows with their outcome. Writes go through services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.people.models import Education, Gender

__all__ = [
    "EntryStatus",
    "PoolEntry",
    "PoolReview",
    "PoolTask",
    "ReservedPost",
    "ReviewResult",
    "SourceChannel",
    "TaskOutcome",
]


class SourceChannel(models.TextChoices):
    GRADUATE = "graduate", _("高校毕业生")
    VETERAN = "veteran", _("复员转业军人")
    RETURNED_MIGRANT = "returned_migrant", _("返乡农民工")
    ENTREPRENEUR = "entrepreneur", _("致富能手")
    OTHER = "other", _("其他")


class ReservedPost(models.TextChoices):
    SECRETARY = "secretary", _("村（社区）党组织书记")
    DIRECTOR = "director", _("村（居）委会主任")
    COMMITTEE = "committee", _("“两委”委员")
    OTHER = "other", _("其他村（社区）干部")


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("在库")
    APPOINTED = "appointed", _("已选任")
    REMOVED = "removed", _("已出库")


class ReviewResult(models.TextChoices):
    ADDED = "added", _("新增入库")
    KEPT = "kept", _("保留")
    REMOVED = "removed", _("调整出库")


class TaskOutcome(models.TextChoices):
    OPEN = "open", _("进行中")
    GOOD = "good", _("完成良好")
    DONE = "done", _("基本完成")
    FAILED = "failed", _("未完成")


class PoolEntry(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属党组织"), on_delete=models.PROTECT, related_name="pool_entries",
        db_index=False,
    )  # fmt: skip
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员档案"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="pool_entries",
    )  # fmt: skip
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=24, choices=Education.choices, blank=True)
    occupation = models.CharField(_("职业"), max_length=60, blank=True)
    source = models.CharField(_("来源渠道"), max_length=24, choices=SourceChannel.choices)
    reserved_for = models.CharField(_("储备岗位"), max_length=16, choices=ReservedPost.choices)
    registered_on = models.DateField(_("入库日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.ACTIVE
    )
    status_on = models.DateField(_("出库或选任日期"), null=True, blank=True)
    status_reason = models.CharField(_("出库原因或选任职务"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("后备力量")
        verbose_name_plural = _("后备力量")
        ordering = ["org_id", "registered_on", "id"]
        indexes = [models.Index(fields=["org", "status"], name="pool_org_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "person"], condition=models.Q(status="active", person__isnull=False),
                name="pool_person_once_active_per_org",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active") | models.Q(status_on__isnull=False), name="pool_status_dated"
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == EntryStatus.ACTIVE


class PoolReview(models.Model):
    """One line of the yearly review (年度微调) of one entry."""

    entry = models.ForeignKey(
        PoolEntry, verbose_name=_("后备力量"), on_delete=models.CASCADE, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    result = models.CharField(_("结果"), max_length=12, choices=ReviewResult.choices)
    reviewed_on = models.DateField(_("日期"))
    reason = models.CharField(_("理由"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度调整")
        verbose_name_plural = _("年度调整")
        ordering = ["entry_id", "year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "year"], condition=~models.Q(result="added"), name="pool_review_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.year} {self.result}"


class PoolTask(models.Model):
    """A task given to someone in the pool (交任务、压担子) and how it went."""

    entry = models.ForeignKey(
        PoolEntry, verbose_name=_("后备力量"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("任务"), max_length=200)
    assigned_on = models.DateField(_("交办日期"))
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    outcome = models.CharField(
        _("完成情况"), max_length=12, choices=TaskOutcome.choices, default=TaskOutcome.OPEN
    )
    closed_on = models.DateField(_("评定日期"), null=True, blank=True)
    outcome_note = models.CharField(_("评定说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交办人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("交办任务")
        verbose_name_plural = _("交办任务")
        ordering = ["entry_id", "assigned_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="open") | models.Q(closed_on__isnull=False),
                name="pool_task_closed_dated",
            )
        ]

    def __str__(self) -> str:
        return self.title
