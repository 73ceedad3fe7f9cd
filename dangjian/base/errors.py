"""Errors that services raise; views, API and CLI turn them into Chinese messages."""

from django.core.exceptions import PermissionDenied, ValidationError


def messages_of(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [str(error) or "没有操作权限。"]
    if hasattr(error, "error_dict"):
        out = []
        for field_errors in error.message_dict.values():
            out.extend(field_errors)
        return out
    return list(error.messages)
