"""What the dues pages share: breadcrumbs, month and period parameters, file responses."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from dangjian.base.params import BadParameter, month_param
from dangjian.dues.months import month_label, month_of
from dangjian.orgs.selectors import ancestors_in_scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_PERIOD_MONTHS = 120


def crumbs(user, org) -> list[tuple[str, str]]:
    return [(a.name, reverse("org-detail", args=[a.pk])) for a in [*ancestors_in_scope(user, org), org]]


def dues_crumbs(user, org) -> list[tuple[str, str]]:
    return [*crumbs(user, org), (_("党费"), reverse("dues-home", args=[org.pk]))]


def current_month() -> int:
    return month_of(timezone.localdate())


def month_arg(request, name: str = "month", default: int | None = None) -> int:
    """A YYYY-MM parameter as a month number (a bad one is a 400 with a Chinese message)."""
    day = month_param(request.GET.get(name), name, label=_("月份"))
    return month_of(day) if day else (default if default is not None else current_month())


def period_arg(request) -> tuple[int, int]:
    """from/to (YYYY-MM, both included); by default this year up to this month."""
    now = current_month()
    first = month_arg(request, "from", now - now % 12)
    last = month_arg(request, "to", max(now, first))
    if last < first:
        raise BadParameter("to", _("结束月份不能早于开始月份。"))
    if last - first >= MAX_PERIOD_MONTHS:
        raise BadParameter("from", _("统计期间最长10年。"))
    return first, last


def month_options(center: int, before: int = 12, after: int = 0) -> list[tuple[str, str]]:
    return [(month_label(m), month_label(m)) for m in range(center + after, center - before - 1, -1)]


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
