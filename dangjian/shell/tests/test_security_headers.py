"""Response headers and HTTPS settings: Content-Security-Policy without inline script,
no-store for signed-in pages, and a clean `systemcheck --deploy` with the documented settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PACKAGE = Path(__file__).resolve().parents[2]
REPO = PACKAGE.parent


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", ["/login/", "/admin/login/", "/api/docs"])
def test_csp_on_anonymous_pages(db, client, path):
    policy = _csp(client.get(path))
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


@pytest.mark.parametrize(
    "name", ["home", "org-tree", "search", "due-list", "compliance", "password-change", "api-tokens"]
)
def test_csp_on_signed_in_pages_allows_no_inline_or_eval_script(world, client_as, name):
    response = client_as(world.admin).get(reverse(name))
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == ["'self'"]
    body = response.content.decode()
    # Every <script> loads a file, or is JSON data (json_script), never code.
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", body), "inline event handler"
    assert "javascript:" not in body
    assert "hx-on" not in body


TEMPLATE_FILES = sorted(PACKAGE.glob("*/templates/**/*.html"))
INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"""\son(?:click|change|submit|input|load|error|keyup|keydown|focus|blur)\s*=""", re.I),
     "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\bhx-on\b|\bhx-on:|\bhx-vals=['\"]js:|\bhx-vars\b"), "htmx code that needs eval"),
]  # fmt: skip


def test_no_template_has_inline_script():
    assert len(TEMPLATE_FILES) > 40
    problems = []
    for path in TEMPLATE_FILES:
        source = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(source):
                line = source.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(PACKAGE)}:{line}: {what}")
    assert not problems, "\n".join(problems)


def test_the_page_script_is_loaded_and_served(world, client_as):
    body = client_as(world.admin).get(reverse("org-tree")).content.decode()
    assert '<script src="/static/dangjian/app.js"></script>' in body
    response = client_as(world.admin).get("/static/dangjian/app.js")
    assert response.status_code == 200
    script = b"".join(response.streaming_content).decode()
    for hook in ("data-autosubmit", "data-tree-collapse", "data-tree-expand", "data-confirm"):
        assert hook in script


def test_tree_and_filters_use_data_attributes(world, client_as):
    client = client_as(world.admin)
    children = client.get(reverse("org-children", args=[world.city.pk])).content.decode()
    assert "data-tree-expand" in children and "data-tree-collapse" in children
    assert "data-autosubmit" in client.get(reverse("compliance")).content.decode()
    assert "data-autosubmit" in client.get(reverse("due-list")).content.decode()


# --- Cache-Control -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/orgs/", "/search/?q=zxf", "/development/due/", "/api/orgs", "/account/tokens/"]
)
def test_signed_in_responses_are_not_stored(world, client_as, path):
    response = client_as(world.admin).get(path)
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_api_token_responses_are_not_stored(world, client):
    from dangjian.accounts.services import api_token_create

    _, raw = api_token_create(actor=None, user=world.admin, name="t")
    response = client.get("/api/orgs", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_static_files_stay_cacheable(world, client_as):
    response = client_as(world.admin).get("/static/dangjian/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


# --- HTTPS ---------------------------------------------------------------------------------------


def test_https_redirect_is_off_by_default():
    # `make run` serves plain http on 127.0.0.1; the redirect would make it unusable.
    assert not settings.SECURE_SSL_REDIRECT
    assert not settings.SECURE_HSTS_SECONDS


def _deploy_check(**env: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "dj.example.gov.cn",
    }
    return subprocess.run(
        [sys.executable, "-m", "django", "systemcheck", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_the_documented_production_settings(tmp_path):
    # docs/deployment.md: DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DANGJIAN_HTTPS=1.
    result = _deploy_check(DANGJIAN_HTTPS="1", DANGJIAN_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    # Without DANGJIAN_HTTPS the same check warns about HSTS and the redirect.
    plain = _deploy_check(DANGJIAN_VAR_DIR=str(tmp_path))
    assert plain.returncode != 0
    assert "security.W004" in plain.stderr + plain.stdout
    assert "security.W008" in plain.stderr + plain.stdout


def test_https_settings_behind_the_proxy(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DANGJIAN_HTTPS": "1",
        "DANGJIAN_VAR_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout.split(maxsplit=4)  # fmt: skip
    assert out[:4] == ["True", "31536000", "True", "True"]
    assert "HTTP_X_FORWARDED_PROTO" in out[4] and out[4].rstrip().endswith("True True")
