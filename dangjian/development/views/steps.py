"""Recording a step: the step form, the meeting resolutions and party members it may name, member search."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors
from dangjian.development import acting, selectors, services
from dangjian.development.catalog import STEP_BY_NUMBER
from dangjian.development.forms import StepForm
from dangjian.development.rules import joint_bodies, name_list
from dangjian.orgs.models import subtree_q
from dangjian.people.models import Person, Standing

STEP_MOTIONS = {
    3: ("designate_activist",), 7: ("designate_candidate",), 12: ("committee_review",), 15: ("admit",),
    17: ("approve_admission",), 23: ("convert", "extend_probation", "disqualify"), 24: ("approve_conversion",),
}  # fmt: skip
MOTION_RESULTS = {"convert": "按期转正", "extend_probation": "延长预备期", "disqualify": "取消预备党员资格"}


def _resolutions(case, step: int) -> list:
    """This person's recorded resolutions for the step's motion, newest first."""
    from dangjian.meetings.models import Resolution

    motions = STEP_MOTIONS.get(step)
    if not motions:
        return []
    return list(
        Resolution.objects.filter(person_id=case.person_id, motion__in=motions)
        .select_related("meeting", "meeting__org")
        .order_by("-meeting__held_on", "-id")[:20]
    )


MEMBER_FIELDS = {5: "contacts", 9: "introducers"}
MEMBER_SEARCH_LIMIT = 20


def _eligible_members() -> Q:
    return Q(standing=Standing.FULL, reduction="")


def _members(user, case, step: int, data=None) -> list[Person]:
    """Whom steps 5 and 9 may name: the case branch's full members, listed, plus the ids posted that
    are full members in the user's scope (found through member_search). Nobody else is ever listed,
    so a posted id outside both is an invalid choice and nothing is saved."""
    field = MEMBER_FIELDS.get(step)
    if field is None:
        return []
    own = (
        Person.objects.filter(subtree_q(case.org.path, "org__path"), _eligible_members())
        .exclude(pk=case.person_id)
        .select_related("org")
        .order_by("name_sort_key")[:300]
    )
    members = list(own)
    posted = {int(v) for v in (data.getlist(field) if data is not None else []) if str(v).isdigit()}
    posted -= {p.pk for p in members}
    if posted:
        members += (
            scope.people_for(user, Action.VIEW)
            .filter(_eligible_members(), pk__in=posted)
            .exclude(pk=case.person_id)
            .select_related("org")
            .order_by("name_sort_key")
        )
    return members


@login_required
def member_search(request, pk: int):
    """Full members outside the case's branch, for steps 5 and 9: only whom the user may see."""
    from dangjian.people.selectors import search_people

    case = selectors.get_case_for_user(request.user, pk)
    if not scope.can(request.user, Action.CHANGE_PERSON, case.org):
        raise PermissionDenied("您无权为该同志记录发展步骤。")
    field = request.GET.get("field")
    if field not in MEMBER_FIELDS.values():
        field = "contacts"
    query = (request.GET.get("q") or "").strip()
    context = {"field": field, "people": [], "too_short": len(query) < 2}
    if not context["too_short"]:
        among = _eligible_members() & ~Q(pk=case.person_id) & ~subtree_q(case.org.path, "org__path")
        found = list(search_people(request.user, query, MEMBER_SEARCH_LIMIT + 1, among=among))
        people = [(p.pk, f"{p.name}（{p.org.name}）") for p in found[:MEMBER_SEARCH_LIMIT]]
        context.update(people=people, more=len(found) > MEMBER_SEARCH_LIMIT)
    return render(request, "development/_member_results.html", context)


def _resolve_org(request, form, case):
    if "org_code" not in form.cleaned_data:
        return None
    code = form.cleaned_data["org_code"].strip()
    org = scope.orgs_for(request.user, Action.VIEW).filter(code=code).first()
    if org is None:
        form.add_error("org_code", "找不到该组织代码，或该组织不在您的管理范围内。")
    return org


def _problems_of(form) -> list[str]:
    """A form's own errors, as the check lists them (the field named)."""
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out += [f"{label}：{e}" if label else e for e in errors]
    return out


@login_required
def step_form(request, pk: int, step: int):
    case = selectors.get_case_for_user(request.user, pk)
    definition = STEP_BY_NUMBER.get(step)
    if definition is None:
        raise Http404("步骤不存在：步骤编号应为1至25。")
    superior = step in services.SUPERIOR_STEPS
    committee = acting.acting_org(case.org, step) if superior else None
    if not scope.can(request.user, Action.CHANGE_PERSON, committee or case.org):
        # The branch's secretary is told whose step it is; anyone else may not record at all.
        if superior and scope.can(request.user, Action.CHANGE_PERSON, case.org):
            raise PermissionDenied(acting.refusal(step, committee))
        raise PermissionDenied("您无权为该同志记录发展步骤。")
    initial = {"on": timezone.localdate()}
    if committee is not None:
        initial["org_code"] = committee.code
    warnings = []
    resolutions = _resolutions(case, step)
    choices = [(r.pk, f"{r.meeting.held_on:%Y-%m-%d} {r.meeting.org.name} {r.meeting.get_kind_display()}：{r.get_motion_display()}")
               for r in resolutions]  # fmt: skip
    members = _members(request.user, case, step, request.POST if request.method == "POST" else None)
    search_url = ""
    if step in MEMBER_FIELDS:
        search_url = f"{reverse('case-member-search', args=[case.pk])}?field={MEMBER_FIELDS[step]}"
    # The rule set in force today names the 联审 bodies (step 13) and the aspects of an assessment (6).
    today = timezone.localdate()
    bodies = joint_bodies(services.rule_in_force(case.org, "R-JOINT", today).params) if step == 13 else []
    aspects = (
        name_list(services.rule_in_force(case.org, "R-ASSESS", today).params.get("aspects"))
        if step == 6
        else []
    )
    form = StepForm(request.POST or None, request.FILES or None, step=step, members=members,
                    initial=initial, resolutions=choices, search_url=search_url, joint_bodies=bodies, aspects=aspects)  # fmt: skip
    preview = None
    checking = request.method == "POST" and bool(request.POST.get("preview"))
    if request.method == "POST" and form.is_valid():
        org = _resolve_org(request, form, case)
        if not form.errors:
            kwargs = dict(
                case=case, step=step, on=form.cleaned_data["on"], data=form.step_data(), org=org,
                note=form.cleaned_data.get("note", ""), filing_ref=form.cleaned_data.get("filing_ref", ""),
                acknowledge=form.cleaned_data.get("acknowledge", []),
            )  # fmt: skip
            evidence = form.evidence()
            chosen = next((r for r in resolutions if r.pk == form.cleaned_data.get("resolution")), None)
            if chosen is not None:
                kwargs.update(meeting=chosen.meeting, resolution=chosen, on=chosen.meeting.held_on)
                if step in services.APPROVAL_STEPS:
                    kwargs["org"] = chosen.meeting.org
                if step == 23:
                    kwargs["data"].setdefault("result", MOTION_RESULTS[chosen.motion])

            def check():
                return services.step_preview(
                    case=case, step=step, on=kwargs["on"], data=kwargs["data"], org=kwargs["org"],
                    meeting=kwargs.get("meeting"), resolution=kwargs.get("resolution"), actor=request.user,
                )  # fmt: skip

            if checking:
                preview = check()
            else:
                try:
                    services.step_record(actor=request.user, evidence=evidence, **kwargs)
                except services.NeedsAcknowledgement as exc:
                    warnings = exc.findings
                    form = StepForm(request.POST, request.FILES, step=step, members=members, warnings=warnings,
                                    resolutions=choices, search_url=search_url, joint_bodies=bodies, aspects=aspects)  # fmt: skip
                    form.is_valid()
                    form.add_error(
                        None, "以下提醒需要您确认后才能保存：请勾选“已阅知并确认”，并在说明中写明原因。"
                    )
                except services.RuleViolation as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                    preview = check()
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                    preview = check()
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, f"已记录：{definition.label}。")
                    return redirect("case-detail", case.pk)
    if checking and preview is None:  # the form itself refused the input: the check says so
        preview = services.Preview(_problems_of(form), [])
    template = "development/_preview.html" if request.htmx and checking else "development/step_form.html"
    return render(
        request,
        template,
        {"nav": "orgs", "case": case, "definition": definition, "form": form, "preview": preview,
         "cancel_url": reverse("case-detail", args=[case.pk])},
    )  # fmt: skip
