"""Error pages of the site."""

from django.core.exceptions import SuspiciousOperation
from django.shortcuts import render


def bad_request(request, exception):
    """handler400: the Chinese error page, naming the parameter at fault (params.BadParameter).

    Django's own view renders 400.html without the exception; a SuspiciousOperation's text is
    for the log only, so it is not shown.
    """
    shown = "" if isinstance(exception, SuspiciousOperation) else str(exception)
    return render(request, "400.html", {"exception": shown}, status=400)
