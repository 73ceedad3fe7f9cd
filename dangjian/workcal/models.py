"""Hand-entered calendar data: per-day overrides and the years whose holiday schedule is complete.

The chinese-calendar library is the seed data (2004–2026). An override row wins over the library,
so a correction, or a whole new year, can be entered when the State Council notice (国务院办公厅
关于部分节假日安排的通知, usually in November) comes out, before the library is upgraded. A year
outside the library counts as known only once a CalendarYear row marks it complete.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class _Edited(models.Model):
    """Who last changed a calendar row, and when (the change log holds the full history)."""

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        abstract = True


class CalendarDay(_Edited):
    """One day whose status is fixed by hand (holiday on a weekday, make-up workday, correction)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否上班"))
    name = models.CharField(_("名称"), max_length=40, help_text=_("如：春节、国庆节、调休上班。"))
    source = models.CharField(_("依据"), max_length=120, help_text=_("如：国办发明电〔2025〕7号。"))

    class Meta(_Edited.Meta):
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        status = _("上班") if self.is_workday else _("休息")
        return f"{self.date.isoformat()} {status} {self.name}"


class CalendarYear(_Edited):
    """A year whose holiday schedule has been entered. complete=True makes the year known."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    complete = models.BooleanField(_("已完整录入"), default=False)
    source = models.CharField(_("依据"), max_length=120, blank=True)

    class Meta(_Edited.Meta):
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年"
