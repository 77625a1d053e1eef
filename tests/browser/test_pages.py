"""Every page, at a desktop size, a phone size and the narrowest phone we support: accessible (axe-core finds
nothing serious), no sideways scrolling, light (under 150 KB of scripts and styles), no console error (CSP
refusals included). A screenshot of each is kept under test-artifacts/screenshots/ for people to look at."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import ViewportSize, expect

from candor.demo import load_demo
from tests.browser.conftest import DESKTOP, PHONE, SMALL_PHONE, AppServer, OpenTab, Tab
from tests.browser.flows import NEWEST_MESSAGE_VISIBLE, ROOM_SETTLED, asset_bytes, log_in_as_demo
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# Served from the app's own origin, so the page's CSP lets it run; no page references it for users.
AXE_URL = "/static/vendor/axe-core/axe.min.js"
AXE_RUN = """async () => {
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}"""
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
BUDGET = 150 * 1024


async def check(tab: Tab, name: str) -> None:
    """What every page must satisfy, checked on the page as it is now; then its screenshot."""
    page = tab.page
    weight = await asset_bytes(page)
    assert 0 < weight < BUDGET, f"{name}: {weight} bytes of scripts and styles"
    assert await page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} scrolls sideways at {tab.size}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SCREENSHOTS / f"{name}-{tab.size}.png", full_page=True)
    await page.add_script_tag(url=AXE_URL)
    violations = await page.evaluate(AXE_RUN)
    assert violations == [], f"{name} at {tab.size}:\n" + "\n".join(violations)


async def visit(tab: Tab, path: str, name: str) -> None:
    await tab.goto(path)
    await check(tab, name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE, SMALL_PHONE], ids=["desktop", "phone", "small-phone"])
async def test_every_page_is_accessible_light_and_fits(
    open_tab: OpenTab, server: AppServer, viewport: ViewportSize
) -> None:
    demo = await load_demo(server.settings)
    iid = demo.interview_id
    tab = await open_tab(viewport)
    page = tab.page

    await visit(tab, "/", "landing")
    await visit(tab, "/signup", "signup")
    await visit(tab, "/login", "login")
    await log_in_as_demo(tab)
    await check(tab, "dashboard")
    await visit(tab, "/app/interviews/new", "new-interview")
    await visit(tab, "/app/history", "history")
    await visit(tab, "/app/settings", "settings")
    await visit(tab, f"/app/interviews/{iid}", "transcript")
    await visit(tab, f"/app/interviews/{iid}/feedback", "feedback")
    await expect(page.get_by_role("region", name="Overall")).to_be_visible()

    # A live room: practise again for the same job, and wait for the first question.
    await page.get_by_role("button", name="Practise again for this job").click()
    await expect(page).to_have_url(re.compile(r"/app/interviews/[0-9a-f-]{36}$"))
    await page.wait_for_function(ROOM_SETTLED)
    await page.wait_for_function(NEWEST_MESSAGE_VISIBLE)
    await check(tab, "room")
    await page.screenshot(path=SCREENSHOTS / f"room-as-seen-{tab.size}.png")  # the sticky form in place

    # The 404 page: the browser itself reports the missing document's status, and nothing else may.
    before = len(tab.errors)
    await visit(tab, "/app/no-such-page", "not-found")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    missing = tab.errors[before:]
    assert len(missing) == 1
    assert "status of 404" in missing[0]
    del tab.errors[before:]

    assert tab.errors == []
    assert tab.dialogs == []
