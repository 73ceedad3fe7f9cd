"""The org picker: one form field for every page that chooses a party organization.

The input is a plain text box. With JavaScript (static/dangjian/app.js, `[data-org-picker]`) it
lists the orgs in the user's scope matching what is typed — a name, a code or a pinyin prefix —
from the `org-lookup` endpoint, and a choice fills in "名称（代码）". Without JavaScript an org
code (or an exact name) is typed. Either way the value is resolved on the server, inside the
acting user's scope: an unknown org and one outside the scope get the same Chinese error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.orgs.models import Org

# "东城镇第一党支部（BR-A1-1）": the code in the trailing brackets (full- or half-width).
LABELLED = re.compile(r"[（(]\s*([^（）()\s]+)\s*[）)]\s*$")


def org_label(org: Org) -> str:
    """What the picker shows for a chosen org, and reads back."""
    return f"{org.name}（{org.code}）"


def org_lookup_url(*, kinds: Iterable[str] | None = None, action: str = Action.VIEW) -> str:
    params = {}
    if kinds:
        params["kind"] = ",".join(kinds)
    if action != Action.VIEW:
        params["for"] = action
    return reverse("org-lookup") + (f"?{urlencode(params)}" if params else "")


def resolve_org(
    user,
    text: str,
    *,
    kinds: Iterable[str] | None = None,
    action: str = Action.VIEW,
    include_dissolved: bool = False,
) -> Org:
    """The org named by `text` ("名称（代码）", a code, or an exact name) in the user's scope, or a
    ValidationError in Chinese. Unknown and out of scope read the same: nothing leaks."""
    text = (text or "").strip()
    qs = scope.orgs_for(user, action)
    if not include_dissolved:
        qs = qs.filter(dissolved_on__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    labelled = LABELLED.search(text)
    codes = [labelled.group(1), text] if labelled else [text]
    for code in codes:
        org = qs.filter(code=code).first()
        if org is not None:
            return org
    named = list(qs.filter(name=text)[:2]) or list(qs.filter(code__iexact=text)[:2])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise ValidationError(
            _("有多个名为“%(name)s”的党组织，请从列表中选择，或填写组织代码。") % {"name": text},
            code="ambiguous",
        )
    raise ValidationError(
        _("找不到“%(text)s”，或该党组织不在您的管理范围内。请从列表中选择，或填写组织代码。")
        % {"text": text[:60]},
        code="unknown",
    )


class OrgPickerInput(forms.TextInput):
    """A text input that app.js turns into a searchable list (a combobox with a listbox)."""

    def __init__(self, url: str = "", attrs=None, autosubmit: bool = False):
        super().__init__(attrs)
        self.url = url
        self.autosubmit = autosubmit

    def format_value(self, value):
        if isinstance(value, Org):
            return org_label(value)
        return super().format_value(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {})}
        list_id = f"{attrs.get('id') or self.attrs.get('id') or 'id_' + name}-listbox"
        attrs.update(
            {"autocomplete": "off", "role": "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
             "aria-controls": list_id, "data-org-picker": self.url or reverse("org-lookup"),
             "placeholder": attrs.get("placeholder") or _("输入名称、代码或拼音")}
        )  # fmt: skip
        if self.autosubmit:
            attrs["data-picker-submit"] = ""
        return format_html(
            '<div class="org-picker">{}<div class="org-picker-list list-group shadow-sm" id="{}" role="listbox" '
            'aria-label="{}" hidden></div></div>',
            super().render(name, value, attrs, renderer),
            list_id,
            _("匹配的党组织"),
        )


class OrgField(forms.Field):
    """A party organization chosen by typing; cleans to an Org in the bound user's scope (or None).

    The form sets `field.user` (see OrgPickerForm) before validation."""

    widget = OrgPickerInput
    default_error_messages = {"required": gettext_lazy("请选择党组织。")}

    def __init__(
        self, *, kinds: Iterable[str] | None = None, action: str = Action.VIEW, include_dissolved: bool = False,
        autosubmit: bool = False, **kwargs,
    ):  # fmt: skip
        kwargs.setdefault("label", gettext_lazy("党组织"))
        kwargs.setdefault(
            "help_text", gettext_lazy("输入组织名称、代码或拼音（如 dongcheng），从列表中选择。")
        )
        super().__init__(**kwargs)
        self.kinds = tuple(kinds) if kinds else None
        self.action = action
        self.include_dissolved = include_dissolved
        self.user = None
        self.widget = OrgPickerInput(org_lookup_url(kinds=self.kinds, action=action), autosubmit=autosubmit)

    def to_python(self, value):
        if isinstance(value, Org) or value is None:
            return value
        text = str(value).strip()
        if not text:
            return None
        if self.user is None:
            raise ValidationError(_("请重新登录后再试。"))
        return resolve_org(
            self.user, text, kinds=self.kinds, action=self.action, include_dissolved=self.include_dissolved
        )


class OrgPickerForm(forms.Form):
    """A one-field form (the field named `name`) for the GET filters of report pages."""

    def __init__(
        self, user, data=None, *, name: str = "org", initial: Org | None = None, label=None, required: bool = False,
        kinds: Iterable[str] | None = None, action: str = Action.VIEW, autosubmit: bool = False, small: bool = False,
    ):  # fmt: skip
        super().__init__(data if data is not None and name in data else None, initial={name: initial})
        field = OrgField(kinds=kinds, action=action, required=required, autosubmit=autosubmit)
        if label is not None:
            field.label = label
        field.user = user
        field.widget.attrs["class"] = "form-control form-control-sm" if small else "form-control"
        self.fields[name] = field
        self.name = name

    @property
    def org(self) -> Org | None:
        """The chosen org when the submitted value is valid; None when nothing (or a bad value) came."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data[self.name]

    @property
    def field(self):
        return self[self.name]
