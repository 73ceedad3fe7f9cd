"""Response headers that keep personal data out of shared and browser caches."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers


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
