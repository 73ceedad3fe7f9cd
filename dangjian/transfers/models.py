"""组织关系转接 inside the system: a transfer with its own life, each transition a row.

发起 (submitted) → 审核 by the approving committee (pending: the letter is issued, 待接收) → 已接收;
or 退回 (by the reviewer or the receiver) / 撤销 (by the sender), always with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Reason(models.TextChoices):
    WORK = "work", "工作调动"
    STUDY = "study", "升学"
    GRADUATION = "graduation", "毕业"
    RETIREMENT = "retirement", "退休"
    RESIDENCE = "residence", "居住地变更"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    PENDING = "pending", "待接收"
    RECEIVED = "received", "已接收"
    RETURNED = "returned", "已退回"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATUSES = (Status.SUBMITTED, Status.PENDING)


class EventKind(models.TextChoices):
    SUBMIT = "submit", "发起"
    APPROVE = "approve", "审核通过，开具介绍信"
    RECEIVE = "receive", "接收"
    RECEIVE_OUTSIDE = "receive_outside", "从系统外转入"
    RECEIPT = "receipt", "回执已收回，转出（减少）"
    RETURN = "return", "退回"
    CANCEL = "cancel", "撤销"


class Transfer(models.Model):
    """One member's move from one org to another inside the system (党员组织关系转接)."""

    person = models.ForeignKey(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="transfers"
    )
    # Inside the system: the sending org. From outside it: its name as text (from_outside).
    from_org = models.ForeignKey(
        "orgs.Org", verbose_name="转出党组织", on_delete=models.PROTECT, related_name="transfers_out",
        null=True, blank=True,
    )  # fmt: skip
    from_outside = models.CharField("系统外转出党组织", max_length=120, blank=True)
    # Inside the system: the receiving org. To an org outside the system: its name as text (to_outside).
    to_org = models.ForeignKey(
        "orgs.Org", verbose_name="接收党组织", on_delete=models.PROTECT, related_name="transfers_in",
        null=True, blank=True,
    )  # fmt: skip
    to_outside = models.CharField("转往系统外党组织", max_length=120, blank=True)
    # The 基层党委 with approval authority over the sending org, which issues the letter (RULES.md §7.3).
    reviewer = models.ForeignKey(
        "orgs.Org", verbose_name="审核党委", on_delete=models.PROTECT, related_name="transfers_reviewed"
    )
    reason = models.CharField("转接原因", max_length=16, choices=Reason.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    letter_no = models.CharField("介绍信编号", max_length=40, blank=True)
    submitted_on = models.DateField("发起日期")
    issued_on = models.DateField("开具日期", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    closed_reason = models.CharField("退回或撤销原因", max_length=300, blank=True)
    # Outside the system: the letter's 回执 (return stub) as it came back, and what it said.
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    receipt_note = models.CharField("回执说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-submitted_on", "-id"]
        constraints = [
            # One open transfer per person: the member cannot be on the way to two places.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["submitted", "pending"]),
                name="transfer_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=(Q(to_org__isnull=False) & Q(to_outside=""))
                | (Q(to_org__isnull=True) & ~Q(to_outside="")),
                name="transfer_inside_or_outside",
            ),
            models.CheckConstraint(
                condition=(Q(from_org__isnull=False) & Q(from_outside=""))
                | (Q(from_org__isnull=True) & ~Q(from_outside="") & Q(to_org__isnull=False)),
                name="transfer_from_inside_or_outside",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="transfer_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}：{self.from_name} → {self.to_name}"

    @property
    def is_from_outside(self) -> bool:
        return self.from_org_id is None

    @property
    def from_name(self) -> str:
        return self.from_outside if self.from_org_id is None else self.from_org.name

    @property
    def is_outside(self) -> bool:
        return self.to_org_id is None

    @property
    def to_name(self) -> str:
        return self.to_outside if self.to_org_id is None else self.to_org.name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TransferEvent(models.Model):
    """One transition of a transfer: who, when, from which state to which, why."""

    transfer = models.ForeignKey(
        Transfer, verbose_name="转接", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("事项", max_length=16, choices=EventKind.choices)
    from_status = models.CharField("原状态", max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=Status.choices)
    on = models.DateField("日期")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("经办人", max_length=150, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "转接记录"
        verbose_name_plural = "转接记录"
        ordering = ["transfer", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.on}）"
