"""The parts of pages that htmx updates in place: settings forms, and feedback that arrives by itself."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.async_api import Page, expect

from candor.interviews.tasks import assess_interview
from tests.browser.conftest import DESKTOP, PHONE, AppServer, OpenTab
from tests.browser.flows import ANSWERS, CV, sign_up
from tests.factories.interviews import JOB_TEXT, DroppedQueue

pytestmark = pytest.mark.browser
STAYED = "() => window.stayed === true"


async def _api(page: Page, method: str, path: str, **body: Any) -> Any:
    """Call the JSON API as the page's own scripts do: the session cookie, and the CSRF header."""
    csrf = next(c["value"] for c in await page.context.cookies() if c["name"] == "candor_csrf")
    response = await page.request.fetch(path, method=method, headers={"X-CSRF-Token": csrf}, **body)
    assert response.ok, await response.text()
    return await response.json()


async def test_settings_save_in_place_and_fill_in_new_interviews(open_tab: OpenTab) -> None:
    tab = await open_tab(PHONE)
    page = tab.page
    await sign_up(tab)
    await tab.goto("/app/settings")
    await page.evaluate("() => { window.stayed = true; }")  # gone if the page were reloaded

    defaults = page.get_by_role("region", name="Interview defaults")
    for kind in ("Behavioural", "Technical", "Situational", "Motivation"):
        await defaults.get_by_label(kind).uncheck()
    await defaults.get_by_label("Difficulty").select_option(label="Senior")
    await defaults.get_by_label("Number of questions").fill("5")
    await defaults.get_by_role("button", name="Save defaults").click()
    await expect(defaults.get_by_role("alert")).to_have_text("Pick at least one kind of question.")
    await expect(defaults.get_by_label("Difficulty")).to_have_value("senior")  # kept to correct
    await expect(defaults.get_by_label("Number of questions")).to_have_value("5")

    await defaults.get_by_label("Behavioural").check()
    await defaults.get_by_label("Technical").check()
    await defaults.get_by_label("Language").select_option(label="French")
    await defaults.get_by_role("button", name="Save defaults").click()
    await expect(page.locator("#defaults-status")).to_have_text(re.compile("^Saved."))
    await expect(defaults.get_by_role("alert")).to_have_count(0)

    profile = page.get_by_role("region", name="Profile")
    await profile.get_by_label("Display name").fill("Grace Hopper")
    await profile.get_by_role("button", name="Save").click()
    await expect(page.locator("#profile-status")).to_have_text("Saved.")
    assert await page.evaluate(STAYED)

    await page.get_by_role("link", name="New interview").click()
    await expect(page.get_by_label("Behavioural")).to_be_checked()
    await expect(page.get_by_label("Technical")).to_be_checked()
    await expect(page.get_by_label("Situational")).not_to_be_checked()
    await expect(page.get_by_label("Motivation")).not_to_be_checked()
    await expect(page.get_by_label("Difficulty")).to_have_value("senior")
    await expect(page.get_by_label("Number of questions")).to_have_value("5")
    await expect(page.get_by_label("Language")).to_have_value("fr")
    await page.get_by_role("link", name="Dashboard").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Grace Hopper")
    # The browser itself logs the refused (422) save; nothing else went wrong.
    assert len(tab.errors) == 1
    assert "status of 422" in tab.errors[0]
    assert tab.dialogs == []


async def test_an_expired_form_says_so_in_place(open_tab: OpenTab) -> None:
    tab = await open_tab(DESKTOP)
    page = tab.page
    await sign_up(tab)
    await tab.goto("/app/settings")
    await page.context.clear_cookies(name="candor_csrf")
    await page.get_by_role("button", name="Save defaults").click()
    await expect(page.locator("#page-alert")).to_contain_text("The form had expired. Reload the page")
    await expect(page.locator("#defaults-status")).to_have_text("")
    # The browser itself logs the refused request; nothing else went wrong.
    assert len(tab.errors) == 1
    assert "status of 403" in tab.errors[0]


async def test_feedback_appears_by_itself_when_the_assessment_is_ready(
    open_tab: OpenTab, server: AppServer
) -> None:
    assert server.app is not None
    held = server.app.state.jobs = DroppedQueue()  # the assessment waits, as it does for a busy worker
    tab = await open_tab(DESKTOP)
    page = tab.page
    await sign_up(tab)
    file = {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": CV.read_bytes()}
    cv = await _api(page, "POST", "/api/v1/documents", multipart={"kind": "cv", "file": file})
    options = {"question_count": 3}
    created = await _api(
        page,
        "POST",
        "/api/v1/interviews",
        data={"cv_document_id": cv["id"], "job_text": JOB_TEXT, "options": options},
    )
    iid = created["id"]
    await _api(page, "POST", f"/api/v1/interviews/{iid}/start")
    await _api(
        page, "POST", f"/api/v1/interviews/{iid}/answers", data={"client_msg_id": "a1", "text": ANSWERS[0]}
    )
    await _api(page, "POST", f"/api/v1/interviews/{iid}/control", data={"action": "end"})

    await tab.goto(f"/app/interviews/{iid}/feedback")
    await expect(page.get_by_role("heading", name="Assessment in progress")).to_be_visible()
    await page.evaluate("() => { window.stayed = true; }")
    assert held.dropped == [uuid.UUID(iid)]
    await assess_interview(server.app.state.db, uuid.UUID(iid))

    await expect(page.get_by_role("region", name="Overall")).to_be_visible()
    await expect(page.locator("#feedback-status")).to_have_text("Your feedback is ready.")
    await expect(page.locator("article.answer-card")).to_have_count(1)
    assert await page.evaluate(STAYED)
    assert tab.errors == []
