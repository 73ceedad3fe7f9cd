"""Screenshots for the user manual (docs/用户手册.md): walks through the manual's tasks on the running
demo (make run, freshly loaded) in headless Chromium, as the 支部书记, the 党委组织员 and the 组织部
clerk would, and writes small PNGs to docs/screenshots/manual/.

.venv/bin/python docs/take_manual_screenshots.py [http://127.0.0.1:8000]

It adds one applicant (a new file, a case, the first step and a meeting) to the demo: run it on a
fresh demo database (`make clean && make run`), not on real data.
"""

import datetime as dt
import io
import sys
import time
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect, sync_playwright

from dangjian.base.idnumber import make_id_number

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent / "screenshots" / "manual"
PASSWORD = "dangjian-demo"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
BRANCH = "花桥镇大田村党支部"
TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()  # the server's day (Asia/Shanghai)


def save(page, name: str, *, full_page: bool = False, element=None) -> None:
    """A palette PNG (256 colours): a few tens of kB instead of hundreds."""
    raw = (element or page).screenshot(**({} if element else {"full_page": full_page}))
    image = Image.open(io.BytesIO(raw)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(OUT / f"{name}.png", optimize=True)
    print("  ", name)


def login(context, username: str):
    page = context.new_page()
    page.goto(f"{BASE}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{BASE}/")
    return page


def secretary_tasks(browser) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page = login(context, "secretary")
    save(page, "01-home")
    page.locator("#account-toggle").click()
    save(page, "02-account-menu", element=page.locator("nav.navbar").locator("xpath=.."))
    page.keyboard.press("Escape")

    # 1. A new applicant: the file, then the case.
    page.get_by_role("link", name=BRANCH).first.click()
    save(page, "03-branch")
    page.get_by_role("link", name="新建人员档案").click()
    applied = TODAY - dt.timedelta(days=3)
    page.fill("#id_name", "林晓雨")
    page.fill("#id_id_number", make_id_number("511602", dt.date(2001, 5, 12), int(time.time()) % 500, "F"))
    page.select_option("#id_gender", "F")
    page.fill("#id_phone", "13981234567")
    page.select_option("#id_standing", "applicant")
    page.fill("#id_applied_on", applied.isoformat())
    save(page, "04-new-applicant", full_page=True)
    page.locator("form").get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("林晓雨")
    page.get_by_role("button", name="建立发展纪实").click()
    expect(page.locator("h1")).to_contain_text("发展纪实")
    save(page, "05-case-opened")

    # 2. Step 1 (the application), then step 2 (谈话): 保存前检查 with a date in the future, then
    # the right date and 保存.
    case_url = page.url
    page.locator('ol.timeline li[data-step="1"]').get_by_role("link", name="记录", exact=True).click()
    page.fill("#id_on", applied.isoformat())
    page.locator("#step-form").get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(case_url)
    page.locator('ol.timeline li[data-step="2"]').get_by_role("link", name="记录", exact=True).click()
    page.fill("#id_on", (TODAY + dt.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="保存前检查").click()
    expect(page.locator("#preview")).to_be_visible()
    save(page, "06-preview-refused", full_page=True)
    page.fill("#id_on", applied.isoformat())
    page.get_by_role("button", name="保存前检查").click()
    expect(page.locator("#preview li").first).to_be_visible()
    save(page, "07-preview-passed", full_page=True)
    page.locator("#step-form").get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(case_url)
    save(page, "08-step-saved")

    # 3. A meeting of the branch.
    page.goto(f"{BASE}/")
    page.get_by_role("link", name=BRANCH).first.click()
    page.get_by_role("link", name="会议记录").click()
    save(page, "09-meetings")
    page.get_by_role("link", name="记录会议").click()
    page.fill("#id_held_on", TODAY.isoformat())
    page.select_option("#id_kind", "themed_day")
    page.fill("#id_title", "主题党日：重温入党誓词")
    page.fill("#id_topic", "重温入党誓词，学习党章")
    page.fill("#id_place", "村党群服务中心")
    page.get_by_label("党课", exact=True).check()
    page.fill("#id_lecturer", "张书记")
    page.get_by_label("由党组织书记讲授").check()
    save(page, "10-meeting-form", full_page=True)
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="登记到会情况").click()
    page.locator("#roster select").first.select_option("leave")
    page.locator("#roster input").first.fill("外出务工")
    save(page, "10a-attendance", full_page=True)
    page.get_by_role("button", name="登记").click()
    save(page, "10b-meeting", full_page=True)
    page.goto(f"{BASE}/")
    page.get_by_role("link", name=BRANCH).first.click()
    save(page, "10c-committee", element=page.locator("#committee-card"))
    page.get_by_role("link", name="组织生活").click()
    save(page, "10d-orglife", full_page=True)
    page.goto(f"{BASE}/")
    page.get_by_role("link", name=BRANCH).first.click()
    page.locator("#dues-link").click()
    save(page, "10e-dues-collection", full_page=True)

    # 4. Rosters and documents.
    page.goto(f"{BASE}/documents/")
    save(page, "11-documents", full_page=True)
    page.get_by_role("link", name="拟接收预备党员公示").click()
    save(page, "12-notice", full_page=True)
    page.locator("#notice-recorded a").first.click()  # the window recorded with the 预审
    save(page, "12-notice-list", full_page=True)
    page.goto(f"{BASE}/documents/roster/members/")
    save(page, "13-roster")

    # 5. 补录 for a member who joined before the system.
    page.goto(f"{BASE}/development/compliance/")
    save(page, "14-compliance-summary")
    page.locator("#compliance-backfill-link").click()
    save(page, "15-backfill-list")
    page.locator("#backfill-table tbody a").first.click()
    save(page, "16-backfilled-person")
    page.get_by_role("link", name="补录入党信息").click()
    save(page, "17-backfill-form", full_page=True)
    context.close()


def organizer_tasks(browser) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page = login(context, "organizer")
    save(page, "18-organizer-home")
    page.goto(f"{BASE}/development/due/")
    save(page, "19-due-list")
    context.close()


def clerk_tasks(browser) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page = login(context, "zzb_admin")
    page.goto(f"{BASE}/documents/briefing/")
    save(page, "20-briefing-form", full_page=True)
    page.get_by_role("button", name="生成", exact=True).click()
    save(page, "21-briefing", full_page=True)
    page.goto(f"{BASE}/stats/")
    save(page, "22-stats", full_page=True)
    page.goto(f"{BASE}/mobilization/")
    save(page, "23-campaigns")
    page.goto(f"{BASE}/mobilization/new/")
    save(page, "24-campaign-new", full_page=True)
    page.goto(f"{BASE}/mobilization/")
    page.get_by_role("link", name="新冠肺炎疫情防控").first.click()
    save(page, "25-campaign-dashboard", full_page=True)
    page.goto(f"{BASE}/dues/org/1/stats/")  # the jurisdiction's root (the demo's first org)
    save(page, "26-dues-stats", full_page=True)
    context.close()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        secretary_tasks(browser)
        organizer_tasks(browser)
        clerk_tasks(browser)
        browser.close()
    print("screenshots written to", OUT)


if __name__ == "__main__":
    main()
