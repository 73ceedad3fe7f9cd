"""Logins: lockout after repeated failures (django-axes), the failed-login log, password rules,
the password change page and session lifetime."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.conftest import PASSWORD
from dangjian.shell.demo import DEMO_PASSWORD

LIMIT = settings.AXES_FAILURE_LIMIT
LOCKED_TEXT = "登录失败次数过多"


def _login(client, username: str, password: str, *, url: str = "/login/", ip: str = "10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_right_password_after_many_wrong_ones_is_refused_with_a_chinese_lockout_page(world, client):
    for _ in range(LIMIT * 3):
        _login(client, "secretary", "wrong-password")
    response = _login(client, "secretary", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED_TEXT in body and "分钟后再试" in body
    assert not _signed_in(client)


def test_below_the_limit_the_right_password_still_works(world, client):
    for _ in range(LIMIT - 1):
        assert _login(client, "secretary", "wrong-password").status_code == 200
    response = _login(client, "secretary", PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_the_account_is_locked_from_every_address(world, client):
    for i in range(LIMIT):
        _login(client, "secretary", "wrong-password", ip=f"10.0.1.{i}")
    response = _login(client, "secretary", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429
    assert not _signed_in(client)


def test_the_address_is_locked_for_every_account(world, client):
    for i in range(LIMIT):
        _login(client, f"guess{i}", "wrong-password", ip="10.0.2.1")
    assert _login(client, "viewer", PASSWORD, ip="10.0.2.1").status_code == 429
    assert not _signed_in(client)
    # Another address still signs in to the same account.
    assert _login(client, "viewer", PASSWORD, ip="10.0.2.2").status_code == 302
    assert _signed_in(client)


def test_lockout_expires_after_the_cool_off(world, client):
    for _ in range(LIMIT):
        _login(client, "secretary", "wrong-password")
    assert _login(client, "secretary", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)):
        assert _login(client, "secretary", PASSWORD).status_code == 302


def test_admin_login_is_locked_too(world, client):
    for _ in range(LIMIT * 2):
        _login(client, "root", "wrong-password", url="/admin/login/")
    response = _login(client, "root", PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert not _signed_in(client)


def test_every_failed_login_is_logged_without_the_password(world, client, caplog):
    secret = "Very-Secret-Guess-42"
    with caplog.at_level(logging.DEBUG):
        _login(client, "organizer", secret, ip="10.0.3.7")
        _login(client, "organizer", secret, ip="10.0.3.7")
    ours = [r for r in caplog.records if r.name == "dangjian.security"]
    assert len(ours) == 2
    assert all("organizer" in r.getMessage() and "10.0.3.7" in r.getMessage() for r in ours)
    assert all(r.levelno == logging.WARNING for r in ours)
    everything = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert secret not in everything


def test_test_client_login_still_works(world, client):
    # The lockout backend needs the request; calls without one (the test client) pass through.
    assert client.login(username="secretary", password=PASSWORD)
    assert client.get(reverse("home")).status_code == 200


# --- password rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, fragment",
    [
        ("organizer", "太相似"),  # the username itself
        ("Organizer1", "太相似"),
        ("1234567890123", "只包含数字"),
        (DEMO_PASSWORD, "dangjian"),
        ("My-DangJian-2026", "dangjian"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(world, password, fragment):
    with pytest.raises(ValidationError) as info:
        validate_password(password, world.organizer)
    assert any(fragment in m for m in info.value.messages), info.value.messages


def test_a_good_password_passes(world):
    validate_password("Hongqi-Piaopiao-1921", world.organizer)


def test_admin_cannot_set_the_demo_password(world):
    form = AdminPasswordChangeForm(world.viewer, {"password1": DEMO_PASSWORD, "password2": DEMO_PASSWORD})
    assert not form.is_valid()
    assert "dangjian" in str(form.errors)


def test_password_change_page_is_linked_and_refuses_weak_passwords(world, client_as):
    client = client_as(world.secretary)
    home = client.get(reverse("home")).content.decode()
    assert reverse("password-change") in home
    page = client.get(reverse("password-change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    response = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD},
    )
    assert response.status_code == 200
    assert "密码不能包含" in response.content.decode()
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(PASSWORD)


def test_password_change_page_changes_the_password_and_keeps_the_session(world, client_as):
    client = client_as(world.secretary)
    new = "Hongqi-Piaopiao-1921"
    response = client.post(
        reverse("password-change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(new)
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_password_change_needs_the_old_password(world, client_as):
    client = client_as(world.secretary)
    new = "Hongqi-Piaopiao-1921"
    response = client.post(
        reverse("password-change"), {"old_password": "nope", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    world.secretary.refresh_from_db()
    assert world.secretary.check_password(PASSWORD)


def test_demo_loader_may_still_set_the_demo_password(db):
    from dangjian.accounts.services import user_create

    user = user_create(actor=None, username="demo_user", password=DEMO_PASSWORD)
    assert User.objects.get(pk=user.pk).check_password(DEMO_PASSWORD)


# --- sessions ------------------------------------------------------------------------------------


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    assert settings.SESSION_REFRESH_SECONDS == 300
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_session_ends_after_two_idle_hours_and_activity_keeps_it(world, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _login(client, "secretary", PASSWORD).status_code == 302
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        assert not cookie["expires"] and not cookie["max-age"]  # ends when the browser closes
    with time_machine.travel(start + dt.timedelta(minutes=100), tick=False):
        assert client.get(reverse("home")).status_code == 200  # activity pushes the expiry on
    with time_machine.travel(start + dt.timedelta(minutes=200), tick=False):
        assert client.get(reverse("home")).status_code == 200  # 100 minutes after the last request
    with time_machine.travel(start + dt.timedelta(minutes=200 + 121), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_activity_within_the_refresh_margin_writes_no_session_row(world, client):
    """Pages count their queries: the idle timeout must not add a session write to every page."""
    from django.contrib.sessions.models import Session

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _login(client, "secretary", PASSWORD).status_code == 302
        expiry = Session.objects.get().expire_date
    with time_machine.travel(start + dt.timedelta(seconds=120), tick=False):
        client.get(reverse("home"))
        assert Session.objects.get().expire_date == expiry  # within 5 minutes: not rewritten
    with time_machine.travel(start + dt.timedelta(seconds=400), tick=False):
        client.get(reverse("home"))
        assert Session.objects.get().expire_date > expiry  # past the margin: pushed forward
