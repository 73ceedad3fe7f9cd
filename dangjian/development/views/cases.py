"""The development pages of a case: the board, the case page, opening, status, special basis,
returning a step, what is due, evidence downloads.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors
from dangjian.base.params import int_param
from dangjian.development import acting, selectors, services
from dangjian.development.catalog import STAGES, STEP_BY_NUMBER, STEPS
from dangjian.development.forms import CaseStatusForm, MentorForm, ReasonForm, SpecialBasisForm
from dangjian.development.models import DueKind, StepRecord
from dangjian.orgs.selectors import ancestors_in_scope


@login_required
def board(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk)
    return render(
        request,
        "development/board.html",
        {"nav": "orgs", "org": org, "columns": selectors.board(request.user, org),
         "totals": selectors.board_totals(request.user, org),
         "ancestors": ancestors_in_scope(request.user, org)},
    )  # fmt: skip


@login_required
def case_detail(request, pk: int):
    case = selectors.get_case_for_user(request.user, pk)
    records = list(selectors.case_timeline(case))
    by_step: dict[int, list] = {}
    for r in records:
        by_step.setdefault(r.step, []).append(r)
    findings = services.case_findings(case)
    can_change = scope.can(request.user, Action.CHANGE_PERSON, case.org)
    done = {r.step for r in records if r.is_current}
    # Steps the user may open a form for: all while open, only 材料归档 once converted or disqualified;
    # the superior steps (13, 16, 17, 18, 24) only for the superior committee, so a secretary is not
    # sent to a 403: she sees them as recorded by the committee.
    recordable = {s.number for s in STEPS} if case.status == "open" else set()
    if case.status in ("converted", "disqualified") and 25 not in done:
        recordable = {25}
    committee = acting.acting_org(case.org, services.SUPERIOR_STEPS[0])
    by_committee = set()
    if not scope.can(request.user, Action.CHANGE_PERSON, committee):
        by_committee = recordable & set(services.SUPERIOR_STEPS)
        recordable -= by_committee
    if not can_change:
        recordable = by_committee = set()
    # A step already recorded is corrected, not recorded again (assessments and the conversion
    # meeting after an extension excepted).
    recordable -= {n for n in done if not STEP_BY_NUMBER[n].repeatable and n != 23}
    by_committee -= done
    upcoming = _next_steps(done, case)
    current = [r for r in records if r.is_current]
    latest = max(current, key=lambda r: (r.step, r.on, r.pk), default=None)
    stages = []
    for stage in STAGES:
        steps = [(s, by_step.get(s.number, [])) for s in STEPS if s.stage == stage.number]
        stages.append((stage, steps))
    return render(
        request,
        "development/case.html",
        {
            "nav": "orgs", "case": case, "person": case.person, "stages": stages, "findings": findings,
            "mentors": list(case.mentors.select_related("mentor")),
            "can_change": can_change, "done": done, "recordable": recordable,
            "returnable": latest.pk if latest is not None and _may_return(request.user, latest, case) else None,
            "case_open": case.status in ("open", "deferred", "declined"),
            "next_steps": [s for s in upcoming if s.number in recordable],
            "by_committee": by_committee, "committee": committee,
            "awaiting_committee": [s for s in upcoming if s.number in by_committee],
            "ancestors": [*ancestors_in_scope(request.user, case.org), case.org],
        },
    )  # fmt: skip


def _may_return(user, record, case) -> bool:
    """The right step_return checks: the superior committee's for its own records, else the branch's."""
    org = record.org if record.step in services.SUPERIOR_STEPS else case.org
    return scope.can(user, Action.CHANGE_PERSON, org)


def _next_steps(done: set[int], case) -> list:
    from dangjian.development.rules import DEPENDS

    if case.status in ("converted", "disqualified"):
        return [] if 25 in done else [STEP_BY_NUMBER[25]]
    if case.status != "open":
        return []
    out = []
    reached = max((STEP_BY_NUMBER[n].stage for n in done), default=1)
    for step in STEPS:
        if step.number in done and not step.repeatable:
            continue
        if step.repeatable and step.stage < reached:
            continue  # activist assessments are over once the person is a candidate
        deps = DEPENDS.get(step.number, ())
        skippable = {3, 4, 5, 6} if case.frontline else set()
        if all(d in done or d in skippable for d in deps):
            out.append(step)
    return out[:6]


@login_required
@require_POST
def case_open(request, person_pk: int):
    person = scope.get_person_for_user(request.user, person_pk, Action.CHANGE_PERSON)
    try:
        case = services.case_open(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("person-detail", person.pk)
    messages.success(request, f"已为{person.name}建立发展纪实。")
    return redirect("case-detail", case.pk)


def _case_action(request, pk, form_class, title, action, submit_label, initial=None, with_case=False):
    case = selectors.get_case_for_user(request.user, pk, Action.CHANGE_PERSON)
    extra = {"case": case} if with_case else {}
    form = form_class(request.POST or None, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            action(case, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("case-detail", case.pk)
    return render(
        request,
        "core/form_page.html",
        {"nav": "orgs", "form": form, "title": f"{title}：{case.person.name}", "submit_label": submit_label,
         "cancel_url": reverse("case-detail", args=[case.pk]),
         "crumbs": [(case.person.name, reverse("case-detail", args=[case.pk]))]},
    )  # fmt: skip


@login_required
def case_status(request, pk: int):
    return _case_action(
        request, pk, CaseStatusForm, "暂缓、不予发展或恢复", submit_label="确认",
        action=lambda case, data: services.case_set_status(
            actor=request.user, case=case, status=data["status"], reason=data["reason"]
        ),
    )  # fmt: skip


@login_required
def case_special_basis(request, pk: int):
    return _case_action(
        request, pk, SpecialBasisForm, "火线入党（特殊情况依据）", submit_label="保存",
        action=lambda case, data: services.case_set_special_basis(
            actor=request.user, case=case, special_basis=data["special_basis"]
        ),
    )  # fmt: skip


@login_required
def case_mentor(request, pk: int):
    return _case_action(
        request, pk, MentorForm, "一对一帮带", submit_label="保存", with_case=True,
        initial={"on": timezone.localdate()},
        action=lambda case, data: services.mentor_assign(
            actor=request.user, case=case, mentor=data["mentor"], on=data["on"], note=data["note"]
        ),
    )  # fmt: skip


@login_required
def record_return(request, pk: int):
    record = StepRecord.objects.select_related("case", "org").filter(pk=pk).first()
    if record is None:
        raise Http404("记录不存在或不在您的管理范围内。")  # as out of scope: existence is not revealed
    case = selectors.get_case_for_user(request.user, record.case_id)
    if not _may_return(request.user, record, case):
        if record.step in services.SUPERIOR_STEPS and record.org_id != case.org_id:
            raise PermissionDenied(
                f"{record.get_step_display()}由上级党委（{record.org.name}）记录，只能由其组织员退回。"
            )
        raise PermissionDenied("您无权退回该步骤。")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_return(actor=request.user, record=record, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已退回。")
            return redirect("case-detail", case.pk)
    return render(
        request,
        "core/form_page.html",
        {"nav": "orgs", "form": form, "title": f"退回：{record.get_step_display()}", "submit_label": "确认退回",
         "cancel_url": reverse("case-detail", args=[case.pk]),
         "crumbs": [(case.person.name, reverse("case-detail", args=[case.pk]))]},
    )  # fmt: skip


@login_required
def due_list(request):
    org_id = int_param(request.GET.get("org"), "org", label="党组织")
    org = scope.get_org_for_user(request.user, org_id) if org_id is not None else None
    items = selectors.due_for(request.user, org)
    kind = request.GET.get("kind", "")
    if kind in DueKind.values:
        items = items.filter(kind=kind)
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "development/due.html",
        {"nav": "due", "org": org, "page": page, "kind": kind, "kinds": DueKind.choices},
    )


@login_required
def evidence_download(request, pk: int):
    from django.http import FileResponse, Http404

    from dangjian.development.models import Evidence

    item = Evidence.objects.select_related("record").filter(pk=pk).first()
    if item is None or not item.file:
        raise Http404("材料不存在。")
    selectors.get_case_for_user(request.user, item.record.case_id)  # 404 outside the user's scope
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.title or item.file.name)
