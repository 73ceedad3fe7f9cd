"""Members' dues: categories, norms, reliefs, the monthly ledger, payments, 党章第九条 decisions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.dues.months import month_label

FEN = Decimal("0.01")


def yuan(fen: int | None) -> Decimal | None:
    """Whole fen as yuan (Decimal with two places)."""
    return None if fen is None else (Decimal(fen) / 100).quantize(FEN)


class DuesCategory(models.TextChoices):
    """What a member's dues are reckoned from (党费规定第二至六条)."""

    IN_SERVICE = "in_service", _("在职党员（月工资）")
    ANNUAL_SALARY = "annual_salary", _("年薪制（当月实际收入）")
    SELF_EMPLOYED = "self_employed", _("灵活就业、个体（上季度月平均纯收入）")
    RETIRED = "retired", _("离退休（离退休费）")
    FARMER = "farmer", _("农民（定额）")
    STUDENT = "student", _("学生（定额）")
    UNEMPLOYED = "unemployed", _("下岗失业（定额）")
    SUBSISTENCE = "subsistence", _("依靠抚恤、救济或享受低保（定额）")


INCOME_CATEGORIES = frozenset(
    {DuesCategory.IN_SERVICE, DuesCategory.ANNUAL_SALARY, DuesCategory.SELF_EMPLOYED, DuesCategory.RETIRED}
)
FLAT_CATEGORIES = frozenset(
    {DuesCategory.FARMER, DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.SUBSISTENCE}
)


class DuesNorm(models.Model):
    """A member's 党费标准 from a month on: category, base (personal data), rate and monthly amount.

    The amount is computed when the norm is recorded, under the rule set in force on the first day
    of `from_month` (its rule and article are kept with it); the norm in force for a month is the
    latest one starting on or before it. The base is shown only to the branch's secretary, 组织委员
    and dues collector (accounts `VIEW_DUES_INCOME`) and never written to the change log."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_norms"
    )
    from_month = models.PositiveIntegerField(_("起始月份"))
    category = models.CharField(_("党费类别"), max_length=16, choices=DuesCategory.choices)
    income_fen = models.BigIntegerField(_("交纳基数（分）"), null=True, blank=True)
    rate = models.DecimalField(_("交纳比例"), max_digits=6, decimal_places=4, null=True, blank=True)
    amount_fen = models.BigIntegerField(_("每月应交（分）"))
    rule = models.CharField(_("依据规则"), max_length=24)
    article = models.CharField(_("依据条款"), max_length=100, blank=True)
    ruleset = models.CharField(_("规则集"), max_length=40, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核定人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("党费标准")
        verbose_name_plural = _("党费标准")
        ordering = ["person_id", "-from_month"]
        constraints = [
            models.UniqueConstraint(fields=["person", "from_month"], name="dues_norm_once_per_month"),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="dues_norm_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {month_label(self.from_month)}"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)

    @property
    def income(self) -> Decimal | None:
        return yuan(self.income_fen)


class ReliefKind(models.TextChoices):
    REDUCE = "reduce", _("少交")
    EXEMPT = "exempt", _("免交")


class ReliefStatus(models.TextChoices):
    PENDING = "pending", _("待上级党委审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class DuesRelief(models.Model):
    """A hardship reduction or exemption (党费规定第七条): the branch's decision (a meeting) and the
    next-higher 党委's approval, both recorded. Only an approved relief changes what is due."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="dues_reliefs"
    )
    org = models.ForeignKey("orgs.Org", verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("减免方式"), max_length=8, choices=ReliefKind.choices)
    amount_fen = models.BigIntegerField(_("减免期间每月交纳（分）"), default=0)
    from_month = models.PositiveIntegerField(_("起始月份"))
    to_month = models.PositiveIntegerField(_("截止月份"))
    reason = models.CharField(_("困难情况"), max_length=300)
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("支部研究会议"), on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        "orgs.Org", verbose_name=_("审批党委"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ReliefStatus.choices, default=ReliefStatus.PENDING
    )
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    reference = models.CharField(_("批复文号"), max_length=60, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费减免")
        verbose_name_plural = _("党费减免")
        ordering = ["-from_month", "-id"]
        indexes = [models.Index(fields=["person", "status"], name="dues_relief_person")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_month__gte=models.F("from_month")), name="dues_relief_months_ordered"
            ),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="dues_relief_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_kind_display()}"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class DuesMonth(models.Model):
    """One member's dues of one month (the ledger): what is due (NULL while no norm is set) and what
    has been paid toward it. `org` is the collecting org (the member's branch; a party group's
    members are collected by its branch). Rows are created when a branch's month is opened, or by
    a payment in advance; `paid_fen` is the sum of the month's payments (verified by the check)."""

    # (person, month) is unique and (org, month) indexed: no separate index on either key
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="dues_months", db_index=False
    )
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", db_index=False)
    month = models.PositiveIntegerField()
    due_fen = models.BigIntegerField(null=True)
    paid_fen = models.BigIntegerField(default=0)
    relieved = models.BooleanField(default=False)  # an approved relief (少交 or 免交) applies
    settled = models.BooleanField(default=False)  # due known and paid in full (a 免交 month too)

    class Meta:
        verbose_name = _("党费月度应交")
        verbose_name_plural = _("党费月度应交")
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="dues_month_once")]
        indexes = [
            models.Index(fields=["org", "month"], name="dues_month_org"),
            # Arrears are the few unsettled rows: their own index, whatever the size of the ledger.
            models.Index(
                fields=["month", "org"], name="dues_month_unsettled", condition=models.Q(settled=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {month_label(self.month)}"


class PaymentKind(models.TextChoices):
    DUES = "dues", _("党费")
    VOLUNTARY = "voluntary", _("自愿多交")


class PaymentWay(models.TextChoices):
    CASH = "cash", _("现金")
    TRANSFER = "transfer", _("银行转账")
    WECHAT = "wechat", _("微信")
    ALIPAY = "alipay", _("支付宝")
    PAYROLL = "payroll", _("工资代扣")
    OTHER = "other", _("其他")


class DuesPayment(models.Model):
    """Money received from one member: dues toward one month (`month`), or a voluntary payment
    (`month` = the month it was paid). A receipt covering several months (预交) is several rows
    with one `receipt`. A voluntary single payment at or above R-DUES-VOLUNTARY's threshold goes
    entirely to the Centre (`to_centre`). A mistaken row is reversed (kept, marked), never deleted."""

    # (person, month) and (org, fund_month) are indexed: no separate index on either key
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="dues_payments", db_index=False
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("收缴党组织"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(_("类别"), max_length=10, choices=PaymentKind.choices, default=PaymentKind.DUES)
    month = models.PositiveIntegerField(_("所属月份"))
    paid_on = models.DateField(_("交纳日期"))
    fund_month = models.PositiveIntegerField(_("入账月份"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    to_centre = models.BooleanField(_("全部上缴中央"), default=False)
    way = models.CharField(_("交纳方式"), max_length=10, choices=PaymentWay.choices)
    collector_name = models.CharField(_("收缴人"), max_length=60, blank=True)
    receipt = models.CharField(_("收据号"), max_length=32)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    reversed_on = models.DateField(_("冲正日期"), null=True, blank=True)
    reversal_reason = models.CharField(_("冲正原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费交纳记录")
        verbose_name_plural = _("党费交纳记录")
        ordering = ["-paid_on", "-id"]
        indexes = [
            models.Index(fields=["org", "fund_month"], name="dues_payment_org_fund"),
            models.Index(fields=["person", "month"], name="dues_payment_person"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="dues_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {month_label(self.month)}"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)

    @property
    def is_reversed(self) -> bool:
        return self.reversed_on is not None


class LapseDecision(models.Model):
    """党章第九条: a member who has not paid for R-DUES-ARREARS's `lapse_months` in a row without a
    valid reason is to be treated as having left the Party — a decision the branch takes and
    records (never automatic). `first_month` identifies the run of unpaid months it decided on."""

    class Outcome(models.TextChoices):
        VALID_REASON = "valid_reason", _("有正当理由，不作自行脱党处理")
        EDUCATE = "educate", _("批评教育，限期补交")
        LAPSED = "lapsed", _("认定为自行脱党，按程序除名")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="dues_lapse_decisions")
    org = models.ForeignKey("orgs.Org", verbose_name=_("党支部"), on_delete=models.PROTECT, related_name="+")
    first_month = models.PositiveIntegerField(_("未交纳起始月份"))
    months = models.PositiveIntegerField(_("连续未交纳月数"))
    outcome = models.CharField(_("研究结果"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(_("情况说明"), max_length=300)
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("支部研究会议"), on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("研究日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党章第九条处理")
        verbose_name_plural = _("党章第九条处理")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "first_month"], name="dues_lapse_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_outcome_display()}"
