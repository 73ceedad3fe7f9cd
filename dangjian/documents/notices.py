"""公示 (public notices) of 发展对象 and 拟接收预备党员: the window the user chooses, and who is on it.

The user picks the first day of the notice (a working day on the State Council calendar) and its
length in working days: at least what R-NOTICE asks for in the rule set in force for the org (5 by
default; RULES.md §2c), counted with `dangjian.workcal`. The last day follows from the two.

Who is on a notice: the people whose decision the notice announces, and only them, judged by the
current step records of their case (so a notice printed again later lists the same people):

- 发展对象公示: the 支部委员会 has designated them (step 7 确定发展对象, dated on or before the
  notice's first day: "经党支部委员会研究，拟将以下同志确定为发展对象"), and the designation has not
  been filed with the superior committee (step 8 备案), nor the case moved past stage 3, by the
  notice's last day: the filing comes after the notice.
- 拟接收预备党员公示: the superior committee's 预审 (step 13) is recorded on or before the notice's
  first day, and the 支部大会 that admits them (step 15, or anything after it) is not recorded by
  the notice's last day: R-NOTICE wants the notice to end before that meeting. When the 预审 record
  carries its own 公示 dates, the person belongs to the notice beginning on that day only.

People designated or pre-reviewed in other windows, already filed or admitted, or whose case is
deferred or declined, are not listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.base.forms import DateInput, StyledForm
from dangjian.base.phone import normalize_phone
from dangjian.development.models import Case, CaseStatus, StepRecord
from dangjian.documents import word
from dangjian.documents.briefing import cn_date
from dangjian.documents.models import TemplateKind
from dangjian.orgs.models import Org, subtree_q
from dangjian.workcal.calendar import CalendarUnknown, WorkCalendar

MAX_WORKING_DAYS = 30
SHOWN = 500


@dataclass(frozen=True)
class NoticeKind:
    decided_step: int  # the decision the notice announces, taken on or before its first day
    blocking: Q  # steps that come after the notice: none of them recorded by its last day
    intro: str


NOTICE_KINDS = {
    TemplateKind.CANDIDATE_NOTICE: NoticeKind(
        7, Q(step=8) | Q(step__gte=12), "经党支部委员会研究确定为发展对象、尚未报上级党委备案的同志"
    ),
    TemplateKind.ADMISSION_NOTICE: NoticeKind(
        13, Q(step__gte=15), "已经上级党委预审、尚未召开支部大会讨论接收的同志"
    ),
}


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    working_days: int


def minimum_working_days(org: Org, on: dt.date) -> int:
    """The 公示 length R-NOTICE asks for in the rule set in force for `org` on `on` (5 by default)."""
    from dangjian.development.services import rules_in_force

    return next(
        (int(e.params.get("working_days", 5)) for e in rules_in_force(org, on) if e.rule.id == "R-NOTICE"), 5
    )


def notice_window(org: Org, start: dt.date, working_days: int) -> Window:
    """The notice of `working_days` working days from `start`; ValidationError (Chinese) when `start`
    is not a working day, the calendar of the year is unknown, or the length is below the rule."""
    calendar = WorkCalendar()
    try:
        if not calendar.is_workday(start):
            raise ValidationError(
                f"公示开始日期须为工作日：{cn_date(start)}是休息日（周末或法定节假日），请另选一个工作日。"
            )
        minimum = minimum_working_days(org, start)
        if working_days < minimum:
            raise ValidationError(f"公示期不少于{minimum}个工作日（现行发展党员规则的规定）。")
        if working_days > MAX_WORKING_DAYS:
            raise ValidationError(f"公示期最多{MAX_WORKING_DAYS}个工作日。")
        end = calendar.add_working_days(start, working_days)
    except CalendarUnknown as exc:
        raise ValidationError(
            f"{exc.message}请先在“工作日历”中录入该年的节假日安排，再确定公示期。"
        ) from None
    return Window(start, end, working_days)


def notice_cases(org: Org, kind: str, window: Window) -> QuerySet[Case]:
    """The cases of `org`'s subtree whose people the notice of `kind` in `window` names."""
    spec = NOTICE_KINDS[kind]
    current = StepRecord.objects.filter(case=OuterRef("pk"), is_current=True)
    decided = current.filter(step=spec.decided_step, on__lte=window.start)
    if kind == TemplateKind.ADMISSION_NOTICE:
        decided = decided.filter(
            Q(data__notice_start__isnull=True)
            | Q(data__notice_start=None)
            | Q(data__notice_start="")
            | Q(data__notice_start=window.start.isoformat())
        )
    passed = current.filter(spec.blocking, on__lte=window.end)
    return (
        Case.objects.filter(subtree_q(org.path, "org__path"), Exists(decided))
        .exclude(Exists(passed))
        .exclude(status__in=[CaseStatus.DEFERRED, CaseStatus.DECLINED])
        .select_related("person", "person__org", "org")
        .order_by("org__path", "person__name_sort_key", "id")
    )


def recorded_windows(org: Org, limit: int = 10) -> list[tuple[dt.date, int, int]]:
    """The 公示 windows the superior committee recorded with its 预审 (step 13) for cases of `org`'s
    subtree not yet past the 支部大会: (start, working days, people), latest first, to pick from."""
    pending = StepRecord.objects.filter(case=OuterRef("case"), is_current=True, step__gte=15)
    rows = (
        StepRecord.objects.filter(subtree_q(org.path, "case__org__path"), step=13, is_current=True)
        .exclude(Exists(pending))
        .exclude(case__status__in=[CaseStatus.DEFERRED, CaseStatus.DECLINED])
        .values_list("data__notice_start", "data__notice_end")
    )
    counted: dict[tuple[str, str], int] = {}
    for start, end in rows:
        if start and end:
            counted[(start, end)] = counted.get((start, end), 0) + 1
    calendar = WorkCalendar()
    out = []
    for (start, end), people in sorted(counted.items(), reverse=True)[:limit]:
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
            out.append((first, calendar.working_days_between(first, last), people))
        except (ValueError, CalendarUnknown):
            continue
    return out


class NoticeForm(StyledForm):
    start = forms.DateField(label=_("公示开始日期"), widget=DateInput(), help_text=_("须为工作日。"))
    working_days = forms.IntegerField(label=_("公示工作日数"), min_value=1, max_value=MAX_WORKING_DAYS)
    contact_name = forms.CharField(label=_("联系人"), max_length=20, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("印在公示落款上方；不填则留空待手写。"),
    )

    def __init__(self, *args, org: Org, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.org = org
        self.window: Window | None = None

    def clean_contact_phone(self) -> str:
        return normalize_phone(self.cleaned_data["contact_phone"])

    def contact(self) -> str:
        return word.contact_line(
            self.cleaned_data.get("contact_name", "").strip(), self.cleaned_data.get("contact_phone", "")
        )

    def clean(self):
        data = super().clean()
        start, days = data.get("start"), data.get("working_days")
        if start is not None and days is not None:
            try:
                self.window = notice_window(self.org, start, days)
            except ValidationError as exc:
                self.add_error("start", exc)
        return data


@login_required
def notice_page(request, kind):
    """Choose the window of a 公示, see who is on it, and download the Word document."""
    from dangjian.documents.views import _attachment, _org, _unsafe_template

    if kind not in NOTICE_KINDS:
        raise Http404("未知的文书类别。")
    org = _org(request)
    today = timezone.localdate()
    minimum = minimum_working_days(org, today)
    if "start" in request.GET:
        form = NoticeForm(request.GET, org=org)
    else:
        form = NoticeForm(initial={"start": _next_workday(today), "working_days": minimum}, org=org)
    context = {
        "nav": "documents", "org": org, "kind": kind, "label": TemplateKind(kind).label, "form": form,
        "minimum": minimum, "intro": NOTICE_KINDS[kind].intro,
        "recorded": recorded_windows(org) if kind == TemplateKind.ADMISSION_NOTICE else [],
    }  # fmt: skip
    if not form.is_bound:
        return render(request, "documents/notice.html", context)
    if not form.is_valid() or form.window is None:
        return render(request, "documents/notice.html", context, status=400)
    window = form.window
    cases = notice_cases(org, kind, window)
    total = cases.count()
    context.update(window=window, total=total, cases=list(cases[:SHOWN]))
    if request.GET.get("download") and not total:  # an empty notice is not generated
        return render(request, "documents/notice.html", context, status=400)
    if request.GET.get("download"):
        try:
            data = word.render(
                kind,
                word.list_context(
                    org, cases, today=today, notice=(window.start, window.end), contact=form.contact()
                ),
            )
        except word.UnsafeTemplate as exc:
            return _unsafe_template(request, exc)
        label = TemplateKind(kind).label
        return _attachment(
            data, f"{org.name}-{label}-{window.start:%Y%m%d}-{window.end:%Y%m%d}.docx", word.DOCX
        )
    return render(request, "documents/notice.html", context)


def _next_workday(day: dt.date) -> dt.date | None:
    """The first working day on or after `day` (None when the calendar does not know it)."""
    try:
        return WorkCalendar().add_working_days(day, 1)
    except CalendarUnknown:
        return None
