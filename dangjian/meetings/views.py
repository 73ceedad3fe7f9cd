from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors
from dangjian.base.params import BadParameter, date_param, int_param
from dangjian.meetings import exports, services
from dangjian.meetings.forms import MeetingForm, ResolutionForm
from dangjian.meetings.models import AttendanceStatus, MeetingKind
from dangjian.meetings.rules import DECISION_KINDS
from dangjian.meetings.selectors import (
    attendance_of,
    attendance_rows,
    get_meeting_for_user,
    meeting_history,
    meetings_for,
    people_for_resolution,
    resolutions_of,
)
from dangjian.orgs.selectors import ancestors_in_scope

MEETINGS_PER_PAGE = 50
EXPORT_LIMIT = 50000  # a year of a city's branch life is about 200,000: export a county or a year
MEETING_FORM_FIELDS = (
    "kind", "held_on", "title", "topic", "place", "chair", "lecturer", "lecturer_is_secretary", "expected_voters",
    "present_voters", "written_opinions", "online", "notes", "purposes",
)  # fmt: skip


def _crumbs(user, org) -> list[tuple[str, str]]:
    return [(a.name, reverse("org-detail", args=[a.pk])) for a in [*ancestors_in_scope(user, org), org]]


@login_required
@require_GET
def meeting_list(request, org_pk: int):
    """An org's meetings; with ?subtree=1, ?kind=, ?from= and ?to= the records behind a figure."""
    org = scope.get_org_for_user(request.user, org_pk)
    subtree = request.GET.get("subtree") == "1"
    kind = request.GET.get("kind", "")
    kind = kind if kind in MeetingKind.values else ""
    start = date_param(request.GET.get("from"), "from", label=_("起始日期"))
    end = date_param(request.GET.get("to"), "to", label=_("截止日期"))
    meetings = meetings_for(request.user, org, include_subtree=subtree, kind=kind, start=start, end=end)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(content_type=exports.XLSX)
        exports.meeting_list(response, meetings.prefetch_related("purposes")[:EXPORT_LIMIT], org.name)
        name = _("%(name)s会议记录.xlsx") % {"name": org.name}
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    page = Paginator(meetings.prefetch_related("purposes"), MEETINGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "meetings/list.html",
        {
            "nav": "orgs", "org": org, "page": page, "meetings": page.object_list,
            "crumbs": _crumbs(request.user, org), "subtree": subtree, "kind": kind, "kinds": MeetingKind.choices,
            "start": start, "end": end, "query": query.urlencode(),
            "can_record": org.is_active and scope.can(request.user, Action.CHANGE_PERSON, org),
        },
    )  # fmt: skip


def _form_page(request, *, form, title, org, cancel_url, submit_label=None):
    return render(
        request,
        "meetings/form.html",
        {
            "nav": "orgs", "form": form, "title": title, "cancel_url": cancel_url, "submit_label": submit_label,
            "decision_kinds": ",".join(sorted(DECISION_KINDS)),
            "crumbs": [*_crumbs(request.user, org), (_("会议记录"), reverse("meeting-list", args=[org.pk]))],
        },
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.CHANGE_PERSON)
    form = MeetingForm(
        request.POST or None, request.FILES or None, org=org, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in MEETING_FORM_FIELDS}
        try:
            meeting = services.meeting_record(
                actor=request.user, org=org, minutes=form.cleaned_data.get("minutes") or None, **data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("会议已记录，请逐个登记表决事项。"))
            return redirect("meeting-detail", meeting.pk)
    return _form_page(
        request, form=form, title=_("记录会议：%(name)s") % {"name": org.name}, org=org,
        cancel_url=reverse("meeting-list", args=[org.pk]),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk, Action.CHANGE_PERSON)
    initial = {f: getattr(meeting, f) for f in MEETING_FORM_FIELDS if f != "purposes"}
    initial["purposes"] = list(meeting.purposes.values_list("kind", flat=True))
    initial["minutes"] = meeting.minutes or None
    form = MeetingForm(request.POST or None, request.FILES or None, org=meeting.org, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in MEETING_FORM_FIELDS}
        minutes = form.cleaned_data.get("minutes")
        if minutes is not False and not isinstance(minutes, UploadedFile):
            minutes = None  # unchanged
        try:
            services.meeting_update(actor=request.user, meeting=meeting, minutes=minutes, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("会议记录已更正。"))
            return redirect("meeting-detail", meeting.pk)
    return _form_page(
        request, form=form, title=_("更正会议记录：%(title)s") % {"title": meeting.display_title},
        org=meeting.org, cancel_url=reverse("meeting-detail", args=[meeting.pk]),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request, pk: int):
    """The meeting, its resolutions with the computed quorum and pass, and the form to add one."""
    user = request.user
    meeting = get_meeting_for_user(user, pk)
    can_change = meeting.org.is_active and scope.can(user, Action.CHANGE_PERSON, meeting.org)
    if request.method == "POST" and not can_change:
        raise PermissionDenied(_("您无权在该会议上记录决议。"))
    form = None
    if can_change and meeting.takes_decisions:
        data = request.POST if request.method == "POST" else None
        form = ResolutionForm(
            data, people=people_for_resolution(user, meeting), initial={"secret_ballot": True}
        )
        if data is not None and form.is_valid():
            try:
                resolution = services.resolution_record(actor=user, meeting=meeting, **form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("person", str(exc))
            else:
                messages.success(
                    request,
                    _("已记录：%(person)s · %(motion)s。")
                    % {"person": resolution.person.name, "motion": resolution.get_motion_display()},
                )
                return redirect("meeting-detail", meeting.pk)
    resolutions = list(resolutions_of(meeting))
    attendance = attendance_of(meeting)
    return render(
        request,
        "meetings/detail.html",
        {
            "nav": "orgs", "meeting": meeting, "org": meeting.org, "resolutions": resolutions, "form": form,
            "can_change": can_change, "crumbs": _crumbs(user, meeting.org),
            "history": meeting_history(meeting, [r.pk for r in resolutions])[:50],
            "attendance": attendance, "purposes": list(meeting.purposes.all()),
            "attendance_summary": {
                "total": len(attendance), **{s: sum(1 for a in attendance if a.status == s) for s in AttendanceStatus.values},
            },
        },
    )  # fmt: skip


@login_required
@require_GET
def meeting_minutes(request, pk: int):
    """The attachment, served through the scope check (never from a public media URL)."""
    meeting = get_meeting_for_user(request.user, pk)
    if not meeting.minutes:
        raise Http404(_("该会议没有会议记录附件。"))
    try:
        handle = meeting.minutes.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("会议记录附件已丢失。")) from exc
    return FileResponse(handle, as_attachment=True, filename=PurePath(meeting.minutes.name).name)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_attendance(request, pk: int):
    """Take the attendance list at once, from the roster of the meeting's date."""
    meeting = get_meeting_for_user(request.user, pk, Action.CHANGE_PERSON)
    rows, note = attendance_rows(meeting)
    errors: list[str] = []
    written = meeting.written_opinions
    if request.method == "POST":
        entries = []
        for row in rows:
            pid = row["person"].pk
            status = request.POST.get(f"status_{pid}", "")
            reason = request.POST.get(f"reason_{pid}", "")
            row.update(status=status, reason=reason)
            if status:  # left out: not on this meeting's list (a stand-in roster)
                entries.append((pid, status, reason))
        try:
            written = int_param(request.POST.get("written_opinions"), "written_opinions",
                                label=_("提交书面意见人数"), maximum=100000) or 0  # fmt: skip
            services.attendance_record(
                actor=request.user, meeting=meeting, entries=entries,
                written_opinions=written if meeting.takes_decisions else None,
            )  # fmt: skip
        except ValidationError as exc:
            errors = (
                [m for ms in exc.message_dict.values() for m in ms]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
        except BadParameter as exc:
            errors = [exc.message]
        else:
            messages.success(request, _("到会情况已登记。"))
            return redirect("meeting-detail", meeting.pk)
    return render(
        request,
        "meetings/attendance.html",
        {
            "nav": "orgs", "meeting": meeting, "org": meeting.org, "rows": rows, "note": note, "errors": errors,
            "statuses": AttendanceStatus.choices, "written": written,
            "crumbs": [*_crumbs(request.user, meeting.org), (_("会议记录"), reverse("meeting-list", args=[meeting.org.pk]))],
        },
    )  # fmt: skip
