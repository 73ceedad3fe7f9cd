"""The HTTP API: documentation and authentication."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from dangjian.accounts.models import ApiToken
from dangjian.accounts.services import api_token_create
from dangjian.api.tests.helpers import HAN, bearer, new_person_payload
from dangjian.people.models import Person

# --- Documentation ----------------------------------------------------------------------------


def test_openapi_schema_lists_the_endpoints(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "党建 API"
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/orgs",
        "/api/orgs/{org_id}",
        "/api/orgs/{org_id}/children",
        "/api/people",
        "/api/people/{person_id}",
    }
    assert {"get", "post"} <= set(paths["/api/people"])
    assert "patch" in paths["/api/people/{person_id}"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page_uses_only_local_assets(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""<(?:script|link)\b[^>]*?(?:src|href)=["']([^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    external = [a for a in assets if re.match(r"(https?:)?//", a)]
    assert external == []
    assert "cdn." not in html and "unpkg" not in html
    # And the local files are really there to be served.
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset


# --- Authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/orgs", "/api/people", "/api/people/1", "/api/orgs/1/children"])
def test_unauthenticated_is_401_in_chinese(client, db, path):
    response = client.get(path)
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert HAN.search(detail), detail


def test_bearer_token_works_and_records_use(world, client):
    token, raw = api_token_create(actor=None, user=world.secretary, name="脚本")
    assert token.digest != raw and raw not in token.digest  # only the digest is stored
    assert token.last_used_at is None
    response = client.get("/api/orgs", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert [o["code"] for o in response.json()] == ["BR-A1-1"]
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer dj_not-a-real-token", "Bearer ", "Token abc", "dj_nothing"],
    ids=["bad", "empty", "scheme", "bare"],
)
def test_bad_token_is_401(world, client, header):
    response = client.get("/api/orgs", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效。"


def test_token_of_inactive_user_is_refused(world, client):
    headers = bearer(world.admin)
    world.admin.is_active = False
    world.admin.save()
    assert client.get("/api/orgs", headers=headers).status_code == 401


def test_deleted_token_is_refused(world, client):
    headers = bearer(world.admin)
    assert client.get("/api/orgs", headers=headers).status_code == 200
    ApiToken.objects.filter(user=world.admin).delete()
    assert client.get("/api/orgs", headers=headers).status_code == 401


def test_session_auth_works(world, client_as):
    response = client_as(world.viewer).get("/api/orgs")
    assert response.status_code == 200
    assert [o["code"] for o in response.json()] == ["CTY-A"]


def test_session_post_needs_csrf_token(world):
    """A logged-in browser session must not be usable for cross-site writes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.secretary)
    before = Person.objects.count()
    response = client.post(
        "/api/people",
        json.dumps(new_person_payload("BR-A1-1")),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert Person.objects.count() == before
