"""Grid coverage pages: the grid, a lead, the coverage report, the import and its template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.forms import apply_service_errors

from .. import gridfile, selectors, services
from ..forms import GridImportForm, GridLeadForm, GridNodeForm, person_label, resolve_org, resolve_person
from ._common import GRID_PAGE_SIZE, _chosen_org, _context, _page, _require_manage, _resolve, _urls

# ---- grid coverage -----------------------------------------------------------------------------


def _lead_from(form, user, campaign, registrations=()):
    data = form.cleaned_data
    if data.get("registration"):
        reg = next((r for r in registrations if r.pk == data["registration"]), None)
        return services.GridLead(registration=reg)
    if data.get("lead_ref"):
        person = _resolve(
            form, "lead_ref", resolve_person, selectors.visible_people(user, campaign), data["lead_ref"]
        )
        return services.GridLead(person=person)
    return services.GridLead(name=data.get("lead_name", ""), phone=data.get("lead_phone", ""))


@login_required
def grid(request, pk: int):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    _require_manage(request, campaign)
    org = _chosen_org(request, campaign) if campaign.is_active else None
    form = (
        GridNodeForm(request.POST or None, people_url=_urls(campaign)["people_url"])
        if org is not None
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        lead = _lead_from(form, user, campaign)
        data = form.cleaned_data
        if not form.errors:
            try:
                node = services.grid_node_save(
                    actor=user, campaign=campaign, org=org, compound=data["compound"], building=data["building"],
                    unit=data["unit"], lead=lead,
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"已保存“{node.key}”。")
                return redirect(f"{request.path}?org={org.code}")
    gaps_only = request.GET.get("gaps") == "1"
    compounds_qs = selectors.grid_compounds(user, campaign)
    if gaps_only:
        from ..models import GridNode

        gap_roots = GridNode.objects.filter(campaign=campaign, lead_name="").values_list("key", flat=True)
        names = {k.split("/")[0] for k in gap_roots}
        compounds_qs = compounds_qs.filter(key__in=names)
    page = _page(request, compounds_qs, GRID_PAGE_SIZE)
    rows = selectors.grid_rows(list(page))
    return render(
        request, "mobilization/grid.html",
        _context(request, campaign, "grid", page=page, rows=rows, form=form, org=org, gaps_only=gaps_only,
                 levels=selectors.coverage_counts(user, campaign)),
    )  # fmt: skip


@login_required
def grid_lead(request, pk: int):
    user = request.user
    node = selectors.get_grid_node_for_user(user, pk)
    campaign = node.campaign
    if not (campaign.is_active and scope.can(user, Action.CHANGE_PERSON, node.org)):
        raise PermissionDenied("您无权调整该网格的包保负责人。")
    registrations = list(selectors.registrations(user, campaign).filter(community__path__in=[
        node.org.path[:i] for i in range(4, len(node.org.path) + 1, 4)]))  # fmt: skip
    initial = {"lead_name": node.lead_name if not node.lead_person_id else "", "lead_phone": node.lead_phone}
    if node.lead_person_id:
        initial["lead_ref"] = person_label(node.lead_person)
    form = GridLeadForm(request.POST or None, initial=initial, registrations=registrations,
                        people_url=_urls(campaign)["people_url"])  # fmt: skip
    if request.method == "POST" and form.is_valid():
        lead = (
            services.GridLead()
            if form.cleaned_data["clear"]
            else _lead_from(form, user, campaign, registrations)
        )
        if not form.errors:
            try:
                services.grid_lead_set(actor=user, node=node, lead=lead)
            except ValidationError as exc:
                apply_service_errors(form, exc, {"lead": "lead_name"})
            else:
                messages.success(request, f"已保存“{node.key}”的{node.lead_title}。")
                return redirect(f"{reverse('mobilization-grid', args=[campaign.pk])}?org={node.org.code}")
    return render(
        request, "core/form_page.html",
        {"nav": "mobilization", "form": form, "title": f"{node.key}：{node.lead_title}",
         "cancel_url": reverse("mobilization-grid", args=[campaign.pk]),
         "crumbs": [("战时动员", reverse("campaign-list")), (campaign.name, reverse("campaign-dashboard", args=[campaign.pk])),
                    ("网格包保", reverse("mobilization-grid", args=[campaign.pk]))]},
    )  # fmt: skip


@login_required
def coverage(request, pk: int):
    campaign = selectors.get_campaign_for_user(request.user, pk)
    report = selectors.coverage(request.user, campaign)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            gridfile.coverage_xlsx(report, campaign),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''coverage-{campaign.code}.xlsx"
        return response
    return render(request, "mobilization/coverage.html", _context(request, campaign, "grid", report=report))


@login_required
def grid_import(request, pk: int):
    user = request.user
    campaign = selectors.get_campaign_for_user(user, pk)
    if not campaign.is_active or selectors.default_org(user, campaign) is None:
        raise PermissionDenied("您无权为本次动员导入网格包保。")
    org = _chosen_org(request, campaign)
    form = GridImportForm(request.POST or None, request.FILES or None, initial={"org_code": org.code if org else ""},
                          org_url=_urls(campaign)["org_url"])  # fmt: skip
    problems: list = []
    result = None
    if request.method == "POST" and form.is_valid():
        managed = scope.orgs_for(user, Action.CHANGE_PERSON).filter(path__startswith=campaign.org.path)
        default = _resolve(form, "org_code", resolve_org, managed, form.cleaned_data["org_code"])
        upload = form.cleaned_data["file"]
        if not form.errors:
            try:
                table = gridfile.read_table(upload.read(), upload.name)
            except gridfile.UnreadableGrid as exc:
                form.add_error("file", str(exc))
            else:
                rows, found = gridfile.parse(user, campaign, table, default_org=default)
                problems = [(p.row, p.column, p.message) for p in found]
                if not problems:
                    try:
                        result = services.grid_import(
                            actor=user,
                            campaign=campaign,
                            rows=rows,
                            dry_run=bool(request.POST.get("dry_run")),
                        )
                    except services.GridImportError as exc:
                        problems = exc.problems
                if result is not None and not result.dry_run:
                    messages.success(
                        request,
                        f"已导入：新增网格{result.created}个，确定负责人{result.leads_set}名，未变化{result.unchanged}行。",
                    )
                    return redirect("mobilization-coverage", campaign.pk)
    return render(
        request, "mobilization/grid_import.html",
        _context(request, campaign, "grid", form=form, problems=problems, result=result),
    )  # fmt: skip


@login_required
def grid_template(request, pk: int):
    selectors.get_campaign_for_user(request.user, pk)
    response = HttpResponse(
        gridfile.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename=grid-template.xlsx"
    return response
