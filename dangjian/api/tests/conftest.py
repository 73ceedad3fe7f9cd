"""Fixtures shared by the HTTP API tests."""

from __future__ import annotations

import json

import pytest

from dangjian.api.tests.helpers import bearer


@pytest.fixture
def api_as(world, client):
    """api_as(user): a client whose requests carry a fresh bearer token for `user`."""

    class TokenClient:
        def __init__(self, user):
            self.headers = bearer(user)

        def get(self, path, params=None):
            return client.get(path, params or {}, headers=self.headers)

        def post(self, path, data):
            return client.post(path, json.dumps(data), content_type="application/json", headers=self.headers)

        def patch(self, path, data):
            return client.patch(path, json.dumps(data), content_type="application/json", headers=self.headers)

    return TokenClient
