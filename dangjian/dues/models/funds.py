"""The money of every org: opening balances, hand-ups, allocations and their lines, spending,
requests for funds, and the per-org, per-month aggregate."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.dues.models.members import yuan
from dangjian.dues.months import month_label

# ---- the money of every org ------------------------------------------------------------------------


class FundOpening(models.Model):
    """An org's balance of dues when its ledger starts here (期初结余), once per org."""

    org = models.OneToOneField(
        "orgs.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.PositiveIntegerField(_("起始月份"))
    amount_fen = models.BigIntegerField(_("期初结余（分）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("期初结余")
        verbose_name_plural = _("期初结余")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="dues_opening_nonneg")
        ]

    def __str__(self) -> str:
        return f"{self.org.name} · {month_label(self.month)}"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class HandUp(models.Model):
    """上缴: an org hands its share of dues to the next-higher org (or, at the top of the tree, to a
    body outside it: `to_name`), on a date, for a period of months; `centre_fen` of it is the
    voluntary money going entirely to the Centre."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("上缴党组织"), on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("接收党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_name = models.CharField(_("接收单位"), max_length=120, blank=True)
    handed_on = models.DateField(_("上缴日期"))
    fund_month = models.PositiveIntegerField(_("入账月份"))
    period_from = models.PositiveIntegerField(_("所属期起"))
    period_to = models.PositiveIntegerField(_("所属期止"))
    amount_fen = models.BigIntegerField(_("上缴金额（分）"))
    centre_fen = models.BigIntegerField(_("其中上缴中央（分）"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费上缴")
        verbose_name_plural = _("党费上缴")
        ordering = ["-handed_on", "-id"]
        indexes = [
            models.Index(fields=["org", "fund_month"], name="dues_handup_org"),
            models.Index(fields=["to_org", "fund_month"], name="dues_handup_to"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="dues_handup_positive"),
            models.CheckConstraint(
                condition=models.Q(centre_fen__gte=0, centre_fen__lte=models.F("amount_fen")),
                name="dues_handup_centre_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org.name} · {self.handed_on:%Y-%m-%d}"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)

    @property
    def recipient(self) -> str:
        return self.to_org.name if self.to_org_id else self.to_name


class Purpose(models.TextChoices):
    """What allocated or spent dues are for (党费规定第十七至二十一条; the 2020 notice's three uses)."""

    VISIT = "visit", _("慰问")
    SUPPORT = "support", _("支持基层党组织")
    SUBSIDY = "subsidy", _("补助")
    TRAINING = "training", _("培训")
    COMMENDATION = "commendation", _("表彰")
    EDUCATION = "education", _("党员教育")


class Allocation(models.Model):
    """下拨: a higher org's collective decision (a meeting) to give dues to lower orgs or to people
    for one purpose, earmarked (专款专用), optionally under a campaign. Lines to orgs move the money
    into their accounts, where what they spend is reported against it; lines to people (慰问, 补助)
    are paid out directly. `source`: the allocation received from above that this one passes on."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("下拨党组织"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    title = models.CharField(_("事由"), max_length=200)
    earmark = models.CharField(_("专款专用要求"), max_length=300, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("研究决定的会议"), on_delete=models.PROTECT, related_name="+"
    )
    campaign = models.ForeignKey(
        "mobilization.Campaign", verbose_name=_("战时动员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    source = models.ForeignKey(
        "self", verbose_name=_("转拨的上级下拨"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="passed_on",
    )  # fmt: skip
    allocated_on = models.DateField(_("下拨日期"))
    fund_month = models.PositiveIntegerField(_("入账月份"))
    amount_fen = models.BigIntegerField(_("下拨金额（分）"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费下拨")
        verbose_name_plural = _("党费下拨")
        ordering = ["-allocated_on", "-id"]
        indexes = [
            models.Index(fields=["org", "fund_month"], name="dues_alloc_org"),
            models.Index(fields=["campaign"], name="dues_alloc_campaign"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="dues_alloc_positive")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class AllocationLine(models.Model):
    """One recipient of an allocation: a lower org (its account receives the money), or a person —
    a member (`person`) or anyone else by name (因疫致贫的群众) — paid directly."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="lines")
    to_org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("接收党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient = models.CharField(_("对象"), max_length=60, blank=True)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("下拨明细")
        verbose_name_plural = _("下拨明细")
        ordering = ["id"]
        indexes = [models.Index(fields=["to_org"], name="dues_alloc_line_org")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="dues_alloc_line_positive"),
        ]

    def __str__(self) -> str:
        return self.recipient

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class Spending(models.Model):
    """Dues an org spent: from an allocation it received (earmarked: reported against it), or from its
    own dues (then by a collective decision: `meeting`)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("使用党组织"), on_delete=models.PROTECT, related_name="+"
    )
    allocation = models.ForeignKey(
        Allocation, verbose_name=_("使用的下拨党费"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="spendings",
    )  # fmt: skip
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    spent_on = models.DateField(_("使用日期"))
    fund_month = models.PositiveIntegerField(_("入账月份"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    description = models.CharField(_("使用情况"), max_length=300)
    meeting = models.ForeignKey(
        "meetings.Meeting", verbose_name=_("研究决定的会议"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费使用")
        verbose_name_plural = _("党费使用")
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["org", "fund_month"], name="dues_spending_org")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="dues_spending_positive")
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待研究")
    GRANTED = "granted", _("已下拨")
    DECLINED = "declined", _("未同意")


class FundRequest(models.Model):
    """A request for dues, made only to the next-higher org (never skipping a level)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("申请党组织"), on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "orgs.Org", verbose_name=_("受理党组织"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    amount_fen = models.BigIntegerField(_("申请金额（分）"))
    reason = models.CharField(_("申请理由"), max_length=300)
    requested_on = models.DateField(_("申请日期"))
    campaign = models.ForeignKey(
        "mobilization.Campaign", verbose_name=_("战时动员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    allocation = models.OneToOneField(
        Allocation,
        verbose_name=_("下拨"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="request",
    )
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费下拨申请")
        verbose_name_plural = _("党费下拨申请")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="dues_request_positive")
        ]

    def __str__(self) -> str:
        return f"{self.org.name} · {self.get_purpose_display()}"

    @property
    def amount(self) -> Decimal:
        return yuan(self.amount_fen)


class OrgMonth(models.Model):
    """The aggregate of one org and one month, kept by every service (and rebuilt by the bulk load):

    - the collection of the month's dues (collecting orgs): ledger rows (`members`), rows without a
      norm (`unpriced`), due, paid toward the month, `covered` = Σ min(paid, due), settled rows
      and rows under an approved relief;
    - the money (every org): `opening` + collected + received − handed up − allocated − spent =
      `closing`, where `opening` is the previous row's closing (or the org's FundOpening);
      `collected` counts the payments received in the month (by payment date), `centre` the
      voluntary money of it (or received from below) due to the Centre.
    """

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    month = models.PositiveIntegerField()
    members = models.IntegerField(default=0)
    unpriced = models.IntegerField(default=0)
    due_fen = models.BigIntegerField(default=0)
    paid_fen = models.BigIntegerField(default=0)
    covered_fen = models.BigIntegerField(default=0)
    settled = models.IntegerField(default=0)
    relieved = models.IntegerField(default=0)
    opening_fen = models.BigIntegerField(default=0)
    collected_fen = models.BigIntegerField(default=0)
    voluntary_fen = models.BigIntegerField(default=0)
    centre_fen = models.BigIntegerField(default=0)
    received_fen = models.BigIntegerField(default=0)
    handed_up_fen = models.BigIntegerField(default=0)
    centre_up_fen = models.BigIntegerField(default=0)
    allocated_fen = models.BigIntegerField(default=0)
    spent_fen = models.BigIntegerField(default=0)
    closing_fen = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("党费月度汇总")
        verbose_name_plural = _("党费月度汇总")
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="dues_org_month_once")]
        indexes = [models.Index(fields=["month", "org"], name="dues_org_month_month")]

    def __str__(self) -> str:
        return f"{self.org_id} · {month_label(self.month)}"


COLLECTION_COLUMNS = ("members", "unpriced", "due_fen", "paid_fen", "covered_fen", "settled", "relieved")
FLOW_COLUMNS = (
    "collected_fen", "voluntary_fen", "centre_fen", "received_fen", "handed_up_fen", "centre_up_fen",
    "allocated_fen", "spent_fen",
)  # fmt: skip
# How each flow moves the balance.
FLOW_SIGN = {
    "collected_fen": 1, "received_fen": 1, "handed_up_fen": -1, "allocated_fen": -1, "spent_fen": -1,
    "voluntary_fen": 0, "centre_fen": 0, "centre_up_fen": 0,
}  # fmt: skip
