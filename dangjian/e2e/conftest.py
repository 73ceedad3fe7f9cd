"""Fixtures for the browser tests: one headless Chromium per test session, a fresh context per test.

The live server runs in a thread of the test process against the transactional test database, so
the `world` fixture must be built on `transactional_db` (not `db`): `e2e_world` asks for it first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from dangjian.conftest import PASSWORD, World

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made from the test
# (fixtures, assertions on the database) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("DANGJIAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(
    os.environ.get("DANGJIAN_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "var" / "screenshots"
)

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def e2e_world(transactional_db, world) -> World:
    """The shared `world`, on a database the live server thread can see."""
    return world


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
    )  # fmt: skip
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page: Page) -> Callable[[str], Page]:
    """login("secretary") signs in through the login form and waits for the home page."""

    def do_login(username: str, password: str = PASSWORD) -> Page:
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="工作概况")).to_be_visible()
        return page

    return do_login


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def shot(page: Page, screenshot_dir: Path) -> Callable[[str], Path]:
    """shot("01-login") saves a full-page PNG into the screenshot folder."""

    def take(name: str) -> Path:
        path = screenshot_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
