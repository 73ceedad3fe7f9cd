from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")


class StyledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["old_password"].widget.attrs["autofocus"] = True

    def save(self, commit: bool = True):  # pragma: no cover - the view saves through the service
        raise NotImplementedError("password changes go through accounts.services.password_change")


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=60, help_text=_("例如：统计脚本、对接某系统。"))
    valid_days = forms.IntegerField(
        label=_("有效期（天）"), min_value=1, max_value=366, initial=settings.DANGJIAN_API_TOKEN_DAYS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
