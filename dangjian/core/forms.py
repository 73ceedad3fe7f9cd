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
