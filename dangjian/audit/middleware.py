"""Groups every change made while serving one request under one request id."""

import uuid
from contextvars import ContextVar

current_request_id: ContextVar[uuid.UUID | None] = ContextVar("current_request_id", default=None)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request_id.set(uuid.uuid4())
        try:
            return self.get_response(request)
        finally:
            current_request_id.reset(token)
