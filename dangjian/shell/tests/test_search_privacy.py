"""Searching by ID number never puts the number in a URL, and so never in any log."""

from __future__ import annotations

import logging
import re
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.test.testcases import QuietWSGIRequestHandler
from django.urls import reverse

SEARCH = "/search/"
LOGGERS = ("", "django", "django.request", "django.server", "django.db.backends", "axes", "dangjian")


@pytest.fixture
def all_logs(caplog):
    """Every log record at DEBUG, also from loggers that do not propagate (django.server)."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    saved = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        if lg.name != "root":
            lg.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    yield caplog
    for lg, level in saved:
        lg.setLevel(level)
        if lg.name != "root":
            lg.removeHandler(caplog.handler)


def _all_text(caplog) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        lines.append(repr(record.args))
        lines.append(repr(getattr(record, "request", "")))
    return "\n".join(lines) + caplog.text


def test_navbar_and_search_page_forms_post(world, client_as):
    body = client_as(world.admin).get(reverse("search")).content.decode()
    forms = re.findall(r"<form\b[^>]*action=\"/search/\"[^>]*>", body)
    assert len(forms) == 2  # the navbar and the page
    assert all('method="post"' in f for f in forms), forms
    assert 'hx-post="/search/"' in body
    assert 'hx-get="/search/"' not in body and "hx-push-url" not in body


def test_search_by_id_number_posts_and_finds(world, client_as):
    person = world.people["in_branch"]
    response = client_as(world.admin).post(SEARCH, {"q": person.id_number})
    assert response.status_code == 200
    assert person.name in response.content.decode()


def test_live_search_pushes_only_digit_free_queries_into_the_address_bar(world, client_as):
    client = client_as(world.admin)
    person = world.people["in_branch"]
    named = client.post(SEARCH, {"q": "zxf"}, headers={"HX-Request": "true"})
    assert named["HX-Push-Url"] == "/search/?q=zxf"
    assert person.name in named.content.decode()
    by_id = client.post(SEARCH, {"q": person.id_number}, headers={"HX-Request": "true"})
    assert by_id["HX-Push-Url"] == "/search/"
    assert person.name in by_id.content.decode()
    partial = client.post(SEARCH, {"q": person.id_number[:10]}, headers={"HX-Request": "true"})
    assert person.id_number[:10] not in partial["HX-Push-Url"]


def test_get_with_an_id_number_is_refused_and_not_echoed(world, client_as):
    person = world.people["in_branch"]
    response = client_as(world.admin).get(SEARCH, {"q": person.id_number})
    assert response.status_code == 200
    body = response.content.decode()
    assert person.id_number not in body
    assert person.name not in body  # not searched either: links with ID numbers must not work
    assert "Location" not in response
    assert 'id="search-refused"' in body


def test_name_search_by_get_still_works(world, client_as):
    response = client_as(world.admin).get(SEARCH, {"q": "曾小芳"})
    assert response.status_code == 200
    assert "/people/" in response.content.decode()


def test_no_id_number_reaches_any_log(world, client_as, all_logs):
    person = world.people["in_branch"]
    number = person.id_number
    client = client_as(world.admin)
    client.post(SEARCH, {"q": number})
    client.post(SEARCH, {"q": number}, headers={"HX-Request": "true"})
    client.post(SEARCH, {"q": number.lower()})
    client.get(SEARCH, {"q": number})  # refused, not searched
    Client().post(SEARCH, {"q": number})  # signed out: redirected to the login page
    client.get("/people/0/")  # a 404, which django.request logs with the path
    messages = [r.getMessage() for r in all_logs.records]
    assert any(m.startswith("Not Found: /people/") for m in messages)  # the capture sees requests
    text = _all_text(all_logs)
    assert number not in text and number.lower() not in text


@pytest.fixture
def served(transactional_db, world, live_server, monkeypatch):
    """The live server, logging every request line exactly like `dangjian serve` (runserver)."""
    monkeypatch.setattr(QuietWSGIRequestHandler, "log_message", WSGIRequestHandler.log_message)
    return live_server


def test_the_serve_access_log_never_contains_an_id_number(served, world, all_logs):
    """`dangjian serve` is runserver: its access log is the request line (path and query
    string, never the body). Drive a real server through the same requests as the browser."""
    number = world.people["in_branch"].id_number
    signed_in = Client()
    signed_in.force_login(world.admin)
    csrf = "a" * 32
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    request = urllib.request.Request(
        served.url + SEARCH,
        data=urllib.parse.urlencode({"q": number, "csrfmiddlewaretoken": csrf}).encode(),
        headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
        assert world.people["in_branch"].name in response.read().decode()
    # The server logs the request line after sending the response: wait for it.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [r.getMessage() for r in all_logs.records if r.name == "django.server"]
        if any("POST /search/" in line for line in lines):
            break
        time.sleep(0.05)
    assert any(line.startswith('"POST /search/ HTTP/1.1" 200') for line in lines), lines
    assert number not in _all_text(all_logs)
