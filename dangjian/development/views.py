from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors
from dangjian.base.params import int_param
from dangjian.development import rulesets as rulesets_module
from dangjian.development import selectors, services
from dangjian.development.catalog import STAGES, STEP_BY_NUMBER, STEPS
from dangjian.development.forms import CaseStatusForm, ReasonForm, RuleSetForm, SpecialBasisForm, StepForm
from dangjian.development.models import DueKind, StepRecord
from dangjian.development.rules import RULE_BY_ID, RULES, SEVERITY_LABELS
from dangjian.orgs.models import GROUP_KINDS, Org, subtree_q
from dangjian.orgs.selectors import ancestors_in_scope, children_of
from dangjian.people.models import Person, Standing


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
    # the approvals (17, 24) only for the higher committee, so a secretary is not sent to a 403.
    recordable = {s.number for s in STEPS} if case.status == "open" else set()
    if case.status in ("converted", "disqualified") and 25 not in done:
        recordable = {25}
    parent = Org.objects.filter(path=case.org.path[: -Org.steplen]).first()
    if parent is None or not scope.can(request.user, Action.CHANGE_PERSON, parent):
        recordable -= set(services.APPROVAL_STEPS)
    if not can_change:
        recordable = set()
    # A step already recorded is corrected, not recorded again (assessments and the conversion
    # meeting after an extension excepted).
    recordable -= {n for n in done if not STEP_BY_NUMBER[n].repeatable and n != 23}
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
            "can_change": can_change, "done": done, "recordable": recordable,
            "returnable": latest.pk if latest is not None and can_change else None,
            "case_open": case.status in ("open", "deferred", "declined"),
            "next_steps": [s for s in _next_steps(done, case) if s.number in recordable],
            "ancestors": [*ancestors_in_scope(request.user, case.org), case.org],
        },
    )  # fmt: skip


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


@login_required
def step_form(request, pk: int, step: int):
    case = selectors.get_case_for_user(request.user, pk)
    definition = STEP_BY_NUMBER.get(step)
    if definition is None:
        raise Http404("步骤不存在：步骤编号应为1至25。")
    approval = step in services.APPROVAL_STEPS
    if not approval and not scope.can(request.user, Action.CHANGE_PERSON, case.org):
        raise PermissionDenied("您无权为该同志记录发展步骤。")
    parent = Org.objects.filter(path=case.org.path[: -Org.steplen]).first()
    if approval and (parent is None or not scope.can(request.user, Action.CHANGE_PERSON, parent)):
        raise PermissionDenied("审批须由上级党委的组织员办理，您无权记录审批。")
    initial = {"on": timezone.localdate()}
    if approval:
        ancestors = list(Org.objects.filter(path__in=[case.org.path[:i] for i in range(4, len(case.org.path), 4)],
                                            has_approval_authority=True).order_by("-depth"))  # fmt: skip
        if ancestors:
            initial["org_code"] = ancestors[0].code
        elif parent:
            initial["org_code"] = parent.code
    warnings = []
    resolutions = _resolutions(case, step)
    choices = [(r.pk, f"{r.meeting.held_on:%Y-%m-%d} {r.meeting.org.name} {r.meeting.get_kind_display()}：{r.get_motion_display()}")
               for r in resolutions]  # fmt: skip
    members = _members(request.user, case, step, request.POST if request.method == "POST" else None)
    search_url = ""
    if step in MEMBER_FIELDS:
        search_url = f"{reverse('case-member-search', args=[case.pk])}?field={MEMBER_FIELDS[step]}"
    form = StepForm(request.POST or None, request.FILES or None, step=step, members=members,
                    initial=initial, resolutions=choices, search_url=search_url)  # fmt: skip
    preview = None
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
            if request.POST.get("preview"):
                preview = services.step_preview(
                    case=case, step=step, on=kwargs["on"], data=kwargs["data"], org=kwargs["org"],
                    resolution=kwargs.get("resolution"),
                )  # fmt: skip
            else:
                try:
                    services.step_record(actor=request.user, evidence=evidence, **kwargs)
                except services.NeedsAcknowledgement as exc:
                    warnings = exc.findings
                    form = StepForm(request.POST, request.FILES, step=step, members=members,
                                    warnings=warnings, resolutions=choices, search_url=search_url)  # fmt: skip
                    form.is_valid()
                    form.add_error(
                        None, "以下提醒需要您确认后才能保存：请勾选“已阅知并确认”，并在说明中写明原因。"
                    )
                except services.RuleViolation as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                    preview = services.step_preview(
                        case=case, step=step, on=kwargs["on"], data=kwargs["data"], org=kwargs["org"],
                        resolution=kwargs.get("resolution"),
                    )  # fmt: skip
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                except PermissionDenied as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, f"已记录：{definition.label}。")
                    return redirect("case-detail", case.pk)
    template = (
        "development/_preview.html" if request.htmx and preview is not None else "development/step_form.html"
    )
    return render(
        request,
        template,
        {"nav": "orgs", "case": case, "definition": definition, "form": form, "preview": preview,
         "cancel_url": reverse("case-detail", args=[case.pk])},
    )  # fmt: skip


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


def _case_action(request, pk, form_class, title, action, submit_label):
    case = selectors.get_case_for_user(request.user, pk, Action.CHANGE_PERSON)
    form = form_class(request.POST or None)
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
def record_return(request, pk: int):
    record = StepRecord.objects.select_related("case", "org").filter(pk=pk).first()
    if record is None:
        raise Http404("记录不存在或不在您的管理范围内。")  # as out of scope: existence is not revealed
    case = selectors.get_case_for_user(request.user, record.case_id)
    # The same right step_return checks: the upper committee's for an approval, else the branch's.
    org = record.org if record.step in services.APPROVAL_STEPS else case.org
    if not scope.can(request.user, Action.CHANGE_PERSON, org):
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


def _effective(overrides: dict | None) -> dict:
    from dangjian.development.rules import effective_rules

    return {e.rule.id: {"severity": e.severity, "enabled": e.enabled, "params": e.params, "article": e.article}
            for e in effective_rules(overrides)}  # fmt: skip


@login_required
def ruleset_list(request):
    rulesets = (
        selectors.rulesets_for(request.user)
        .select_related("org", "parent")
        .order_by("org__path", "effective_from")
    )
    return render(
        request,
        "development/rulesets.html",
        {"nav": "rules", "rulesets": rulesets, "can_create": rulesets_module.can_edit(request.user, _admin_root(request.user))},
    )  # fmt: skip


def _admin_root(user):
    roots = list(scope.scope_roots(user)[:1])
    return roots[0] if roots else None


@login_required
def ruleset_detail(request, pk: int):
    from dangjian.audit.services import history_for

    ruleset = selectors.get_ruleset_for_user(request.user, pk)
    base = _effective(ruleset.parent.merged_overrides() if ruleset.parent else None)
    editable = rulesets_module.can_edit(request.user, ruleset.org)
    initial_values = _effective(ruleset.merged_overrides())
    form = RuleSetForm(
        request.POST or None, base=initial_values, editing=True,
        initial={"name": ruleset.name, "effective_from": ruleset.effective_from, "effective_to": ruleset.effective_to,
                 "description": ruleset.description},
    )  # fmt: skip
    form.base = base
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("您无权修改该规则集。")
        if form.is_valid():
            try:
                rulesets_module.ruleset_update(
                    actor=request.user, ruleset=ruleset, name=form.cleaned_data["name"],
                    effective_from=form.cleaned_data["effective_from"], effective_to=form.cleaned_data["effective_to"],
                    description=form.cleaned_data["description"], overrides=form.overrides(),
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "规则集已保存。")
                return redirect("ruleset-detail", ruleset.pk)
    return render(
        request,
        "development/ruleset.html",
        {"nav": "rules", "ruleset": ruleset, "form": form, "editable": editable, "history": history_for(ruleset)[:50]},
    )  # fmt: skip


@login_required
def ruleset_create(request):
    from dangjian.development.models import RuleSet

    national = RuleSet.objects.filter(org__isnull=True, is_active=True).order_by("-effective_from").first()
    base = _effective(national.merged_overrides() if national else None)
    form = RuleSetForm(request.POST or None, base=base, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["org_code"].strip()
        org = scope.orgs_for(request.user).filter(code=code).first() if code else None
        if code and org is None:
            form.add_error("org_code", "找不到该组织代码，或该组织不在您的管理范围内。")
        else:
            try:
                ruleset = rulesets_module.ruleset_create(
                    actor=request.user, code=form.cleaned_data["code"], name=form.cleaned_data["name"], org=org,
                    effective_from=form.cleaned_data["effective_from"], effective_to=form.cleaned_data["effective_to"],
                    parent=national, overrides=form.overrides(), description=form.cleaned_data["description"],
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("org_code", str(exc))
            else:
                messages.success(request, "本地规则集已建立。")
                return redirect("ruleset-detail", ruleset.pk)
    return render(
        request, "development/ruleset.html", {"nav": "rules", "form": form, "editable": True, "ruleset": None}
    )


# ---- the compliance check ----------------------------------------------------------------------

COMPLIANCE_PAGE_SIZE = 100
COMPLIANCE_ORG_ROWS = 20


def _compliance_filters(request) -> dict:
    """The page's filters from the query string; an org outside the user's scope is a 404."""
    user = request.user
    roots = list(scope.scope_roots(user).order_by("path"))
    if not roots:
        raise Http404("您没有可以查看的党组织。")
    code = request.GET.get("org", "").strip()
    org = None
    if code:
        org = scope.orgs_for(user).filter(code=code).first()
        if org is None:
            raise Http404("党组织不存在或不在您的管理范围内。")
    rule = request.GET.get("rule", "")
    severity = request.GET.get("severity", "")
    step = request.GET.get("step", "")
    return {
        "roots": roots, "org": org, "query": request.GET.get("q", "").strip()[:40],
        "rule": rule if rule in RULE_BY_ID else "",
        "severity": severity if severity in SEVERITY_LABELS else "",
        "step": int(step) if step.isdigit() and int(step) in STEP_BY_NUMBER else None,
    }  # fmt: skip


def _compliance_org_choices(user, org, roots) -> list[tuple[str, str, str]]:
    """(code, name, indentation) for the org chooser: the scope's roots, the chosen org's ancestors in
    scope and the chosen org (or the only root), then its sub-orgs (party groups left out)."""
    base = org or (roots[0] if len(roots) == 1 else None)
    chain = [*ancestors_in_scope(user, base), base] if base is not None else []
    choices, seen = [], set()
    for o in [*roots, *chain]:
        if o.pk not in seen:
            seen.add(o.pk)
            choices.append((o.code, o.name, "\u00a0\u00a0" * max(0, o.depth - roots[0].depth)))
    if base is not None:
        for child in children_of(user, base).exclude(kind__in=GROUP_KINDS):
            choices.append((child.code, child.name, "\u00a0\u00a0" * max(0, child.depth - roots[0].depth)))
    return choices


def _may_unmask(user, filters: dict) -> bool:
    orgs = [filters["org"]] if filters["org"] is not None else filters["roots"]
    return all(scope.can(user, Action.VIEW_PERSONAL_DATA, o) for o in orgs)


@login_required
def compliance(request):
    filters = _compliance_filters(request)
    org, roots = filters["org"], filters["roots"]
    result = selectors.compliance_for(
        request.user, org=org, query=filters["query"], rule=filters["rule"], severity=filters["severity"],
        step=filters["step"],
    )  # fmt: skip
    page = Paginator(result.findings, COMPLIANCE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "development/compliance.html",
        {
            "nav": "compliance", **filters, "result": result, "page": page,
            "org_choices": _compliance_org_choices(request.user, org, roots),
            "rules": [(r.id, r.title) for r in RULES], "severities": list(SEVERITY_LABELS.items()),
            "steps": [(s.number, s.name) for s in STEPS],
            "by_org": result.by_org[:COMPLIANCE_ORG_ROWS], "org_rows_hidden": max(0, len(result.by_org) - COMPLIANCE_ORG_ROWS),
            "ancestors": ancestors_in_scope(request.user, org) if org is not None else [],
            "can_unmask": _may_unmask(request.user, filters),
        },
    )  # fmt: skip


@login_required
def compliance_export(request):
    """The page's filtered findings as the compliance workbook; ID numbers masked unless `unmask=1`
    and the user may see them (查看完整身份证号) over the whole chosen scope."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    from dangjian.development import compliance as checks

    filters = _compliance_filters(request)
    org = filters["org"]
    unmask = request.GET.get("unmask") == "1"
    if unmask and not _may_unmask(request.user, filters):
        raise Http404("无权导出完整公民身份号码。")
    result = selectors.compliance_for(
        request.user, org=org, query=filters["query"], rule=filters["rule"], severity=filters["severity"],
        step=filters["step"],
    )  # fmt: skip
    report = checks.Report(
        ruleset=result.report.ruleset, checked=result.report.checked, findings=result.findings
    )
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    scope_name = org.name if org is not None else "、".join(r.name for r in filters["roots"])
    checks.write_xlsx(report, response, unmask=unmask, title=f"合规检查报告（{scope_name}）")
    response["Content-Disposition"] = content_disposition_header(True, checks.default_xlsx_name())
    return response
