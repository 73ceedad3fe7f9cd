"""Shared form helpers: turn a service's ValidationError into form errors."""

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(
    form: forms.Form, error: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field_map.get(field, field)
            target = target if target in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def without_length_caps(form: forms.Form) -> None:
    """Drop the `maxlength` Django puts on text inputs: a browser cuts a longer paste silently,
    where the server's check names the limit ("…不超过 40 个字符"). The length is still enforced."""
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)


class StyledForm(forms.Form):
    """A form whose widgets carry the Bootstrap classes the templates expect."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_length_caps(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            else:
                field.widget.attrs.setdefault("class", "form-control")
