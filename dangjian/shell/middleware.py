"""Requests carrying a NUL character are refused before any view runs.

PostgreSQL text cannot hold NUL (psycopg raises DataError, a 500), SQLite stores it and then
compares oddly; no legitimate form, query or JSON body contains one. Pages get the Chinese 400
page, the API a 422 in its usual shape."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import JsonResponse

MESSAGE = "请求中含有不允许的空字符（NUL），已拒绝。"


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    for values in (request.GET.lists(), request.POST.lists() if request.method == "POST" else ()):
        for key, items in values:
            if "\x00" in key or any("\x00" in item for item in items):
                return True
    if request.content_type == "application/json":
        body = request.body
        return b"\x00" in body or b"\\u0000" in body
    return False


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE, "errors": {"__all__": [MESSAGE]}}, status=422)
            raise BadRequest(MESSAGE)
        return self.get_response(request)
