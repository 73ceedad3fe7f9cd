"""The compliance check (合规检查) page and its workbook export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.development import selectors
from dangjian.development.catalog import STEP_BY_NUMBER, STEPS
from dangjian.development.rules import CASE_RULES, RULE_BY_ID, SEVERITY_LABELS
from dangjian.orgs.fields import OrgPickerForm
from dangjian.orgs.selectors import ancestors_in_scope
from dangjian.people.selectors import backfilled_people

COMPLIANCE_PAGE_SIZE = 100
COMPLIANCE_ORG_ROWS = 20


def _compliance_filters(request) -> dict:
    """The page's filters from the query string; an org outside the user's scope is a 404."""
    user = request.user
    roots = list(scope.scope_roots(user).order_by("path"))
    if not roots:
        raise Http404("您没有可以查看的党组织。")
    # The org picker: a code from a link, or a name / code / pinyin typed ("名称（代码）" chosen). A value
    # that names no org in the user's scope is the picker's error, and the page checks the whole scope.
    label = _("党组织（含下级）")
    picker = OrgPickerForm(user, request.GET, name="org", label=label, autosubmit=True, small=True)
    org = picker.org
    if not picker.errors:
        picker = OrgPickerForm(user, name="org", initial=org, label=label, autosubmit=True, small=True)
    picker.fields["org"].widget.attrs.update(id="f-org", placeholder=_("全部（管理范围）"))
    rule = request.GET.get("rule", "")
    severity = request.GET.get("severity", "")
    step = request.GET.get("step", "")
    return {
        "roots": roots, "org": org, "org_picker": picker, "query": request.GET.get("q", "").strip()[:40],
        "rule": rule if rule in RULE_BY_ID else "",
        "severity": severity if severity in SEVERITY_LABELS else "",
        "step": int(step) if step.isdigit() and int(step) in STEP_BY_NUMBER else None,
    }  # fmt: skip


def _may_unmask(user, filters: dict) -> bool:
    orgs = [filters["org"]] if filters["org"] is not None else filters["roots"]
    return all(scope.can(user, Action.VIEW_PERSONAL_DATA, o) for o in orgs)


# What the page shows: the summary (counts by rule and by org, the 补录 people; the default), the
# findings (once asked for, or once a rule, severity, step or person is chosen), or the 补录 list.
SUMMARY, FINDINGS, BACKFILL = "summary", "findings", "backfill"


def _compliance_view(request, filters: dict) -> str:
    asked = request.GET.get("view", "")
    if asked in (FINDINGS, BACKFILL):
        return asked
    if filters["rule"] or filters["severity"] or filters["step"] is not None or filters["query"]:
        return FINDINGS
    return SUMMARY


def _backfilled(user, filters: dict):
    """The 补录 people in the chosen scope (and matching the person filter)."""
    people = backfilled_people(user, filters["org"])
    query = filters["query"]
    if query:
        people = people.filter(Q(name__contains=query) | Q(id_number=query.upper()))
    return people


@login_required
def compliance(request):
    filters = _compliance_filters(request)
    org = filters["org"]
    view = _compliance_view(request, filters)
    backfilled = _backfilled(request.user, filters)
    common = {
        "nav": "compliance", **filters, "view": view,
        "ancestors": ancestors_in_scope(request.user, org) if org is not None else [],
        "can_unmask": _may_unmask(request.user, filters),
        "rules": [(r.id, r.title) for r in CASE_RULES], "severities": list(SEVERITY_LABELS.items()),
        "steps": [(s.number, s.name) for s in STEPS],
    }  # fmt: skip
    if view == BACKFILL:
        page = Paginator(backfilled, COMPLIANCE_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "development/compliance.html", {**common, "page": page})
    result = selectors.compliance_for(
        request.user, org=org, query=filters["query"], rule=filters["rule"], severity=filters["severity"],
        step=filters["step"],
    )  # fmt: skip
    page = None
    if view == FINDINGS:
        page = Paginator(result.findings, COMPLIANCE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "development/compliance.html",
        {
            **common, "result": result, "page": page, "backfilled_count": backfilled.count(),
            "by_org": result.by_org[:COMPLIANCE_ORG_ROWS], "org_rows_hidden": max(0, len(result.by_org) - COMPLIANCE_ORG_ROWS),
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
    if filters["org_picker"].errors:
        raise Http404("党组织不存在或不在您的管理范围内。")
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
    checks.write_xlsx(report, response, unmask=unmask, scope=scope_name)
    response["Content-Disposition"] = content_disposition_header(True, checks.default_xlsx_name())
    return response
