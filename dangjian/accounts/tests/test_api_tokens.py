"""API tokens: guessing is throttled per address, tokens expire, owners and admins revoke them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.admin import ApiTokenAdmin
from dangjian.accounts.models import ApiToken
from dangjian.accounts.services import api_token_create, api_token_revoke
from dangjian.conftest import PASSWORD, make_user

HAN = re.compile(r"[\u4e00-\u9fff]")
LIMIT = settings.AXES_FAILURE_LIMIT


def _get(client, raw: str, ip: str = "10.1.0.1"):
    return client.get("/api/orgs", headers={"Authorization": f"Bearer {raw}"}, REMOTE_ADDR=ip)


def test_bad_tokens_lock_the_address_with_a_chinese_json_message(world, client):
    _, good = api_token_create(actor=None, user=world.secretary, name="脚本")
    for i in range(LIMIT - 1):
        assert _get(client, f"dj_guess-{i}").status_code == 401
    last = _get(client, "dj_guess-last")
    assert last.status_code == 429
    assert "登录失败次数过多" in last.json()["detail"]
    # Locked: even the right token is refused from this address …
    response = _get(client, good)
    assert response.status_code == 429
    assert HAN.search(response.json()["detail"])
    # … and so is a password login from it; another address is not affected.
    login = client.post("/login/", {"username": "secretary", "password": PASSWORD}, REMOTE_ADDR="10.1.0.1")
    assert login.status_code == 429
    assert _get(client, good, ip="10.1.0.2").status_code == 200


def test_bad_tokens_are_logged(world, client, caplog):
    with caplog.at_level("WARNING", logger="dangjian.security"):
        _get(client, "dj_guess-logged", ip="10.1.0.9")
    messages = [r.getMessage() for r in caplog.records if r.name == "dangjian.security"]
    assert len(messages) == 1 and "10.1.0.9" in messages[0] and "api-token" in messages[0]
    assert "dj_guess-logged" not in caplog.text


def test_new_tokens_expire_after_the_default_days(world):
    before = timezone.now()
    token, _ = api_token_create(actor=None, user=world.secretary, name="脚本")
    days = settings.DANGJIAN_API_TOKEN_DAYS
    assert days == 90
    assert before + dt.timedelta(days=days) <= token.expires_at <= timezone.now() + dt.timedelta(days=days)


def test_expired_token_is_refused_in_chinese(world, client):
    token, raw = api_token_create(actor=None, user=world.secretary, name="脚本", valid_days=1)
    assert _get(client, raw).status_code == 200
    with time_machine.travel(token.expires_at + dt.timedelta(seconds=1)):
        response = _get(client, raw)
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


def test_owner_revokes_a_token_on_the_tokens_page(world, client_as):
    token, raw = api_token_create(actor=None, user=world.secretary, name="统计脚本")
    client = client_as(world.secretary)
    page = client.get(reverse("api-tokens")).content.decode()
    assert "统计脚本" in page and token.prefix in page
    assert raw not in page  # the secret is shown only when created
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = _get(client, raw)
    assert refused.status_code == 401 and "吊销" in refused.json()["detail"]


def test_tokens_page_creates_a_token_and_shows_the_secret_once(world, client_as):
    client = client_as(world.viewer)
    response = client.post(reverse("api-tokens"), {"name": "对接系统", "valid_days": 30})
    assert response.status_code == 200
    secret = re.search(r'id="new-token-secret">([^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=world.viewer)
    assert token.digest == ApiToken.digest_of(secret)
    assert (token.expires_at - timezone.now()).days in (29, 30)
    assert secret not in client.get(reverse("api-tokens")).content.decode()
    assert _get(client, secret).status_code == 200


def test_others_cannot_revoke_your_token(world, client_as):
    token, _ = api_token_create(actor=None, user=world.organizer, name="脚本")
    response = client_as(world.secretary).post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    with pytest.raises(Exception, match="无权"):
        api_token_revoke(actor=world.viewer, token=token)


def test_org_admin_revokes_tokens_of_users_in_their_subtree(world, client_as):
    token, _ = api_token_create(actor=None, user=world.organizer, name="脚本")
    client = client_as(world.admin)
    assert "脚本" in client.get(reverse("api-tokens")).content.decode()  # listed for the admin
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    # A user without roles (or a superuser) is nobody's subtree.
    lone = make_user("lone")
    lone_token, _ = api_token_create(actor=None, user=lone, name="x")
    assert client.post(reverse("api-token-revoke", args=[lone_token.pk])).status_code == 404


def test_admin_action_revokes_selected_tokens(world):
    t1, _ = api_token_create(actor=None, user=world.organizer, name="a")
    t2, _ = api_token_create(actor=None, user=world.viewer, name="b")
    request = RequestFactory().post("/admin/accounts/apitoken/")
    request.user = world.root
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    ApiTokenAdmin(ApiToken, site).revoke(request, ApiToken.objects.filter(pk__in=[t1.pk, t2.pk]))
    assert ApiToken.objects.filter(pk__in=[t1.pk, t2.pk], revoked_at__isnull=False).count() == 2
