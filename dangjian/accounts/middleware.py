"""Response headers that keep personal data out of shared and browser caches."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.cache import add_never_cache_headers

IDLE_KEY = "idle_seen"


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user.

    Anything a signed-in user sees may carry personal data (names, ID numbers, phones), and the
    back button or a shared proxy must not replay it after logout. Static files never get here:
    WhiteNoise answers them earlier in the chain.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without a request (a working-day idle timeout).

    Each save pushes the session's expiry to now + SESSION_COOKIE_AGE. Saving on every request
    (SESSION_SAVE_EVERY_REQUEST) would write the session row on every page; here it is written at
    most once per SESSION_REFRESH_SECONDS, so the timeout is exact to within that margin.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = time.time()
            if now - session.get(IDLE_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[IDLE_KEY] = now
        return self.get_response(request)


@receiver(user_logged_in)
def _mark_login_as_activity(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[IDLE_KEY] = time.time()
