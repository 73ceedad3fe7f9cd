"""The signed-in user's own account: password and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangjian.accounts import services
from dangjian.accounts.forms import ApiTokenCreateForm, StyledPasswordChangeForm
from dangjian.accounts.models import ApiToken, Role, RoleAssignment
from dangjian.base.forms import apply_service_errors


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StyledPasswordChangeForm
    template_name = "core/form_page.html"
    success_url = reverse_lazy("home")
    extra_context = {"title": gettext_lazy("修改密码"), "submit_label": gettext_lazy("修改密码")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(crumbs=[(_("首页"), reverse("home"))], cancel_url=reverse("home"))
        return context

    def form_valid(self, form):
        try:
            services.password_change(
                actor=self.request.user,
                user=self.request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        # Stay signed in here; every other session of this user ends with the old password hash.
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return redirect(self.get_success_url())


def _managed_tokens(user):
    """Tokens of other users that this user may revoke as 组织部管理员 (not their own)."""
    if user.is_superuser or not RoleAssignment.objects.filter(user=user, role=Role.ORG_ADMIN).exists():
        return []
    candidates = (
        ApiToken.objects.filter(revoked_at__isnull=True, user__is_superuser=False)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username", "-created_at")
    )
    return [t for t in candidates if services.can_revoke_token(user, t)]


@login_required
def api_tokens(request):
    new_secret = None
    form = ApiTokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _, new_secret = services.api_token_create(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                valid_days=form.cleaned_data["valid_days"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            form = ApiTokenCreateForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "nav": "account",
            "form": form,
            "tokens": tokens,
            "new_secret": new_secret,
            "managed_tokens": _managed_tokens(request.user),
        },
    )


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if not services.can_revoke_token(request.user, token):
        # Like every out-of-scope object: someone else's token does not exist for you.
        raise Http404(_("API 令牌不存在或不在您的管理范围内。"))
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("API 令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("api-tokens")
