"""Errors that services raise; views, API and CLI turn them into Chinese messages."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.shortcuts import render


def messages_of(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [str(error) or "没有操作权限。"]
    if hasattr(error, "error_dict"):
        out = []
        for field_errors in error.message_dict.values():
            out.extend(field_errors)
        return out
    return list(error.messages)


def bad_request(request, exception):
    """handler400: the Chinese error page, naming the parameter at fault (params.BadParameter).

    Django's own view renders 400.html without the exception; a SuspiciousOperation's text is
    for the log only, so it is not shown.
    """
    shown = "" if isinstance(exception, SuspiciousOperation) else str(exception)
    return render(request, "400.html", {"exception": shown}, status=400)
