from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.services import history_for
from dangjian.base import panels
from dangjian.base.forms import apply_service_errors
from dangjian.orgs import services
from dangjian.orgs.fields import org_label
from dangjian.orgs.forms import OrgDissolveForm, OrgForm, OrgMoveForm
from dangjian.orgs.models import OrgKind
from dangjian.orgs.selectors import ancestors_in_scope, children_of, suborg_counts, suggest_orgs
from dangjian.people.models import Category, Standing
from dangjian.people.selectors import LIST_FIELDS, active_count, category_counts, people_list, standing_counts

MEMBERS_PER_PAGE = 50


@login_required
def org_tree(request):
    roots = list(scope.scope_roots(request.user).order_by("path"))
    return render(request, "orgs/tree.html", {"nav": "orgs", "nodes": roots})


@login_required
@require_GET
def org_children(request, pk: int):
    org = scope.get_org_for_user(request.user, pk)
    return render(request, "orgs/_tree_nodes.html", {"nodes": children_of(request.user, org)})


def _members_context(request, org):
    direct_only = request.GET.get("direct") == "1"
    standing = request.GET.get("standing", "")
    category = request.GET.get("category", "")
    include_reduced = request.GET.get("reduced") == "1"
    qs = people_list(
        request.user, org, direct_only=direct_only, standing=standing, category=category,
        include_reduced=include_reduced,
    ).only(*LIST_FIELDS)  # fmt: skip
    paginator = Paginator(qs, MEMBERS_PER_PAGE)
    if not direct_only and not include_reduced:
        # The total comes from the pre-aggregated counts: no COUNT over the whole subtree.
        paginator.count = active_count(request.user, org, standing=standing, category=category)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "org": org, "page": page, "people": page.object_list, "direct_only": direct_only,
        "standing": standing, "category": category, "include_reduced": include_reduced,
        "standing_choices": Standing.choices, "category_choices": Category.choices, "query": params.urlencode(),
    }  # fmt: skip


@login_required
def org_detail(request, pk: int):
    org = scope.get_org_for_user(request.user, pk)
    context = _members_context(request, org)
    if request.htmx and request.htmx.target == "members":
        return render(request, "orgs/_members.html", context)
    user = request.user
    context.update(
        nav="orgs",
        ancestors=ancestors_in_scope(user, org),
        children=children_of(user, org, include_dissolved=True),
        standings=standing_counts(user, org),
        categories=category_counts(user, org),
        counts=suborg_counts(user, org),
        can_change_org=org.is_active and scope.can(user, Action.CHANGE_ORG, org),
        can_change_person=org.is_active
        and not org.is_temporary
        and scope.can(user, Action.CHANGE_PERSON, org),
        history=history_for(org)[:20],
    )
    # Feature apps (development, meetings …) add their buttons and cards (base/panels.py).
    context["panels"] = panels.render("org", request, org, context)
    return render(request, "orgs/detail.html", context)


@login_required
@require_GET
def org_suggest(request):
    action = Action.CHANGE_ORG if request.GET.get("for") == "move" else Action.VIEW
    query = request.GET.get("org_code") or request.GET.get("new_parent_code") or request.GET.get("q", "")
    return render(request, "orgs/_suggest.html", {"orgs": suggest_orgs(request.user, query, action)})


LOOKUP_LIMIT = 20


@login_required
@require_GET
def org_lookup(request):
    """The org picker's list (JSON): active orgs in the user's scope whose name contains `q`, whose
    code starts with it, or whose name's pinyin starts with it; at most LOOKUP_LIMIT."""
    action = request.GET.get("for", Action.VIEW)
    if action not in Action.values:
        action = Action.VIEW
    kinds = [k for k in request.GET.get("kind", "").split(",") if k in OrgKind.values]
    query = request.GET.get("q", "")[:60]
    orgs = suggest_orgs(request.user, query, action, LOOKUP_LIMIT + 1, kinds=kinds or None)
    rows = [
        {"code": o.code, "name": o.name, "kind": o.get_kind_display(), "label": org_label(o)}
        for o in orgs[:LOOKUP_LIMIT]
    ]
    return JsonResponse({"results": rows, "more": len(orgs) > LOOKUP_LIMIT})


def _form_page(request, **context):
    context.setdefault("nav", "orgs")
    return render(request, context.pop("template", "core/form_page.html"), context)


def _crumbs(user, org):
    return [(a.name, reverse("org-detail", args=[a.pk])) for a in [*ancestors_in_scope(user, org), org]]


@login_required
def org_create_child(request, pk: int):
    parent = scope.get_org_for_user(request.user, pk, Action.CHANGE_ORG)
    form = OrgForm(request.POST or None, initial={"unit_type": parent.unit_type})
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已设立%(name)s。") % {"name": org.name})
            return redirect("org-detail", org.pk)
    return _form_page(
        request, form=form, title=_("在“%(name)s”下设立组织") % {"name": parent.name}, cancel_url=reverse("org-detail", args=[parent.pk]),
        crumbs=_crumbs(request.user, parent),
    )  # fmt: skip


@login_required
def org_edit(request, pk: int):
    org = scope.get_org_for_user(request.user, pk, Action.CHANGE_ORG)
    initial = {f: getattr(org, f) for f in OrgForm.base_fields}
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("org-detail", org.pk)
    return _form_page(
        request, form=form, title=_("修改：%(name)s") % {"name": org.name}, cancel_url=reverse("org-detail", args=[org.pk]),
        crumbs=_crumbs(request.user, org),
    )  # fmt: skip


@login_required
def org_move(request, pk: int):
    org = scope.get_org_for_user(request.user, pk, Action.CHANGE_ORG)
    form = OrgMoveForm(request.POST or None)
    form.fields["new_parent_code"].widget.attrs.update(
        {"hx-get": reverse("org-suggest") + "?for=move", "hx-trigger": "input changed delay:250ms",
         "hx-target": "#org-options"}
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["new_parent_code"].strip()
        target = scope.orgs_for(request.user, Action.VIEW).filter(code=code).first()
        if target is None:
            form.add_error("new_parent_code", _("找不到该组织代码，或该组织不在您的管理范围内。"))
        else:
            try:
                services.org_move(actor=request.user, org=org, new_parent=target)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error("new_parent_code", str(exc))
            else:
                messages.success(
                    request, _("已将%(name)s转至%(target)s下。") % {"name": org.name, "target": target.name}
                )
                return redirect("org-detail", org.pk)
    return _form_page(
        request, template="people/form.html", form=form, title=_("调整隶属关系：%(name)s") % {"name": org.name},
        cancel_url=reverse("org-detail", args=[org.pk]), crumbs=_crumbs(request.user, org), submit_label=_("确认转移"),
    )  # fmt: skip


@login_required
def org_dissolve(request, pk: int):
    org = scope.get_org_for_user(request.user, pk, Action.CHANGE_ORG)
    form = OrgDissolveForm(request.POST or None, initial={"dissolved_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.org_dissolve(
                actor=request.user, org=org, dissolved_on=form.cleaned_data["dissolved_on"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("已撤销%(name)s，组织档案保留。") % {"name": org.name})
            return redirect("org-detail", org.pk)
    return _form_page(
        request, form=form, title=_("撤销党组织：%(name)s") % {"name": org.name}, submit_label=_("确认撤销"),
        intro=_("撤销后组织档案保留，可以查询；有在册人员或下级组织时不能撤销。"),
        cancel_url=reverse("org-detail", args=[org.pk]), crumbs=_crumbs(request.user, org),
    )  # fmt: skip
