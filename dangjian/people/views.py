from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.services import history_for
from dangjian.base import hooks, panels
from dangjian.base.forms import apply_service_errors
from dangjian.orgs.models import Org
from dangjian.orgs.selectors import ancestors_in_scope
from dangjian.people import services
from dangjian.people.forms import BackfillForm, PersonForm, ReduceForm
from dangjian.people.models import Person

PERSON_FORM_FIELDS = (
    "name", "id_number", "gender", "ethnicity", "phone", "education", "category", "work_unit", "standing",
    "applied_on", "activist_on", "candidate_on", "admitted_on", "converted_on", "on_probation_watch",
)  # fmt: skip
BACKFILL_FORM_FIELDS = hooks.STANDING_FIELDS


@login_required
def person_detail(request, pk: int):
    person = scope.get_person_for_user(request.user, pk)
    reveal = request.GET.get("reveal") == "1" and scope.can(
        request.user, Action.VIEW_PERSONAL_DATA, person.org
    )
    can_change = person.is_active and scope.can(request.user, Action.CHANGE_PERSON, person.org)
    context = {
        "nav": "orgs",
        "person": person,
        # 补录 is for someone whose standing no development record gives.
        "can_backfill": can_change and hooks.derived_standing(person) is None,
        "reveal": reveal,
        "can_reveal": scope.can(request.user, Action.VIEW_PERSONAL_DATA, person.org),
        "can_change": can_change,
        "ancestors": [*ancestors_in_scope(request.user, person.org), person.org],
        "history": history_for(person)[:100],
    }
    # Feature apps (development, mobilization …) add their buttons and cards (base/panels.py).
    context["panels"] = panels.render("person", request, person, context)
    return render(request, "people/detail.html", context)


def _resolve_org(user, code: str) -> Org | None:
    code = (code or "").strip()
    return scope.orgs_for(user, Action.VIEW).filter(code=code).first() if code else None


def _person_form_page(request, *, form, title, cancel_url, crumbs):
    return render(
        request,
        "people/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "crumbs": crumbs, "nav": "orgs"},
    )


def _form_data(form: PersonForm) -> dict:
    data = {k: form.cleaned_data[k] for k in PERSON_FORM_FIELDS}
    data["education"] = data["education"] or ""
    return data


@login_required
def person_create(request, org_pk: int):
    org = scope.get_org_for_user(request.user, org_pk, Action.CHANGE_PERSON)
    form = PersonForm(
        request.POST or None, initial={"org_code": org.code}, suggest_url=reverse("org-suggest")
    )
    if request.method == "POST" and form.is_valid():
        target = _resolve_org(request.user, form.cleaned_data["org_code"])
        if target is None:
            form.add_error("org_code", _("找不到该组织代码，或该组织不在您的管理范围内。"))
        else:
            try:
                person = services.person_create(
                    actor=request.user, org=target, backfill_reason=form.cleaned_data["backfill_reason"],
                    **_form_data(form),
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc, {"org": "org_code"})
            except PermissionDenied as exc:
                form.add_error("org_code", str(exc))
            else:
                messages.success(request, _("已为%(name)s建立档案。") % {"name": person.name})
                return redirect("person-detail", person.pk)
    return _person_form_page(
        request, form=form, title=_("新建人员档案"), cancel_url=reverse("org-detail", args=[org.pk]),
        crumbs=[(org.name, reverse("org-detail", args=[org.pk]))],
    )  # fmt: skip


@login_required
def person_edit(request, pk: int):
    person = scope.get_person_for_user(request.user, pk, Action.CHANGE_PERSON)
    initial = {k: getattr(person, k) for k in PERSON_FORM_FIELDS}
    initial["org_code"] = person.org.code
    form = PersonForm(request.POST or None, initial=initial, suggest_url=reverse("org-suggest"))
    del form.fields["backfill_reason"]
    # The standing and its dates are shown, never taken from this form: they come from the
    # development records, or for someone without records from 补录 (person_backfill).
    if hooks.derived_standing(person) is not None:
        help_text = _("由发展纪实的步骤记录生成，请在发展纪实中办理。")
    else:
        help_text = _("请在档案页通过“补录入党信息”修改，并写明补录原因。")
    for key in hooks.STANDING_FIELDS:
        form.fields[key].disabled = True
        form.fields[key].help_text = help_text
    if request.method == "POST" and form.is_valid():
        target = _resolve_org(request.user, form.cleaned_data["org_code"])
        if target is None:
            form.add_error("org_code", _("找不到该组织代码，或该组织不在您的管理范围内。"))
        else:
            try:
                services.person_update(actor=request.user, person=person, org=target, **_form_data(form))
            except ValidationError as exc:
                apply_service_errors(form, exc, {"org": "org_code"})
            except PermissionDenied as exc:
                form.add_error("org_code", str(exc))
            else:
                messages.success(request, _("档案已保存。"))
                return redirect("person-detail", person.pk)
    return _person_form_page(
        request, form=form, title=_("修改档案：%(name)s") % {"name": person.name}, cancel_url=reverse("person-detail", args=[person.pk]),
        crumbs=[(person.org.name, reverse("org-detail", args=[person.org_id])), (person.name, reverse("person-detail", args=[person.pk]))],
    )  # fmt: skip


@login_required
def person_backfill(request, pk: int):
    """补录入党信息: the standing and milestone dates of someone without development records, with
    the reason they come from."""
    person = scope.get_person_for_user(request.user, pk, Action.CHANGE_PERSON)
    detail = reverse("person-detail", args=[person.pk])
    if not person.is_active:
        messages.error(request, _("该人员已减少（不在册），档案不能再修改。"))
        return redirect(detail)
    if hooks.derived_standing(person) is not None:
        messages.error(
            request,
            _(
                "该同志已建立发展纪实，政治面貌和各阶段日期由发展纪实的步骤记录生成，不能补录；请在发展纪实中办理。"
            ),
        )
        return redirect(detail)
    initial = {k: getattr(person, k) for k in BACKFILL_FORM_FIELDS}
    form = BackfillForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_backfill(
                actor=request.user,
                person=person,
                **{k: form.cleaned_data[k] for k in (*BACKFILL_FORM_FIELDS, "reason")},
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"backfill_reason": "reason"})
        else:
            messages.success(
                request, _("已补录%(name)s的入党信息，档案已标记为“补录”。") % {"name": person.name}
            )
            return redirect(detail)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form, "title": _("补录入党信息：%(name)s") % {"name": person.name}, "submit_label": _("保存补录"),
            "intro": _(
                "用于系统中没有发展纪实的人员（系统建立前入党、从外单位转入等）：填写政治面貌和已知的各阶段日期，"
                "并写明补录原因。补录人、补录时间和原因记入档案和变更记录，在合规检查中列出。早期日期不详的可以不填，"
                "正式党员须填写接收为预备党员日期和转为正式党员日期。"
            ),
            "cancel_url": detail, "crumbs": [(person.org.name, reverse("org-detail", args=[person.org_id])), (person.name, detail)],
            "nav": "orgs",
        },
    )  # fmt: skip


@login_required
def person_reduce(request, pk: int):
    person = scope.get_person_for_user(request.user, pk, Action.CHANGE_PERSON)
    form = ReduceForm(request.POST or None, initial={"reduced_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_reduce(
                actor=request.user, person=person, reduction=form.cleaned_data["reduction"],
                reduced_on=form.cleaned_data["reduced_on"], note=form.cleaned_data["reduction_note"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc, {"note": "reduction_note"})
        else:
            messages.success(request, _("已办理%(name)s的减少手续，档案保留。") % {"name": person.name})
            return redirect("person-detail", person.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form, "title": _("办理减少：%(name)s") % {"name": person.name}, "submit_label": _("确认减少"),
            "intro": _("减少后档案仍然保留，可以查询，但不再计入在册人数。"),
            "cancel_url": reverse("person-detail", args=[person.pk]),
            "crumbs": [(person.name, reverse("person-detail", args=[person.pk]))], "nav": "orgs",
        },
    )  # fmt: skip


def person_queryset_for_api(user):
    return scope.people_for(user).select_related("org")


__all__ = ["Person"]
