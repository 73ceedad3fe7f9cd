"""Screenshots for the README: drives the running server (make run) in headless Chromium.

.venv/bin/python docs/take_screenshots.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "dangjian-demo"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


def login(page, username):
    page.goto(f"{BASE}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{BASE}/")


def main():
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        login(page, "zzb_admin")
        page.screenshot(path=OUT / "home-admin.png")
        page.click("text=组织架构")
        page.click("#org-tree > li > button.toggle")
        page.wait_for_selector("#org-tree li li")
        page.locator("#org-tree li li button.toggle").first.click()
        page.wait_for_selector("#org-tree li li li")
        page.screenshot(path=OUT / "tree.png")
        page.click("#org-tree > li > a")
        page.wait_for_selector("#members table")
        page.screenshot(path=OUT / "org-city.png")
        page.locator("#members tbody a").first.click()
        page.wait_for_selector("text=变更记录")
        page.screenshot(path=OUT / "person.png", full_page=True)
        page.goto(f"{BASE}/search/?q=wxm")
        page.screenshot(path=OUT / "search.png")
        context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        page = context.new_page()
        login(page, "secretary")
        page.screenshot(path=OUT / "home-secretary.png")
        browser.close()
    print("screenshots written to", OUT)


if __name__ == "__main__":
    main()
