"""Login throttling (django-axes) and the log of failed logins.

Failed passwords and bad API tokens are recorded by axes; an account and, separately, an address
are locked for AXES_COOLOFF_TIME after AXES_FAILURE_LIMIT failures.
"""

from __future__ import annotations

import logging

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("dangjian.security")

# The marker put in place of the secret when a bad API token is reported as a failed login.
API_TOKEN_SENDER = "api-token"


class LockoutBackend(AxesStandaloneBackend):
    """axes' lockout check; authenticate() calls without a request have nothing to throttle.

    Only code calls authenticate() without a request (the test client's login(), scripts): every
    login form and the admin pass the request, so they are always checked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    hops = settings.DANGJIAN_PROXY_COUNT
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list[str]:
    # Without a username (bad API tokens) only the address can be counted; counting the empty
    # username would lock every token client everywhere after a few typos.
    if (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) is None:
        return ["ip_address"]
    return ["username", "ip_address"]


def lockout_message(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return _("登录失败次数过多，账号已被锁定。请联系系统管理员解锁。")
    minutes = max(1, int(cool_off.total_seconds() // 60))
    return _("登录失败次数过多，该账号或网络地址已被暂时锁定，请 %(minutes)d 分钟后再试。") % {
        "minutes": minutes
    }


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    status = settings.AXES_HTTP_RESPONSE_CODE
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=status)
    return render(request, "registration/lockout.html", {"message": message}, status=status)


def address_locked(request: HttpRequest) -> bool:
    """Whether the request's address is locked out (bad passwords or bad tokens from it)."""
    if not settings.AXES_ENABLED:
        return False
    return not AxesProxyHandler.is_allowed(request, {settings.AXES_USERNAME_FORM_FIELD: None})


def report_bad_api_token(request: HttpRequest) -> None:
    """Count a bad API token as a failed login of the request's address (the token is not kept)."""
    user_login_failed.send(
        sender=API_TOKEN_SENDER,
        credentials={settings.AXES_USERNAME_FORM_FIELD: None, "token": "********"},
        request=request,
    )


@receiver(user_login_failed, dispatch_uid="dangjian.security.log_failed_login")
def log_failed_login(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    # Django has already replaced the password in `credentials`; only the username is logged.
    username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    log.warning(
        "login failed: username=%r address=%s path=%s via=%s",
        username if sender != API_TOKEN_SENDER else None,
        client_ip(request) if request is not None else "-",
        request.path if request is not None else "-",
        "api-token" if sender == API_TOKEN_SENDER else "password",
    )
