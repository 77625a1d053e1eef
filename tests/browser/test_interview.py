"""A candidate's whole journey in a real browser, on a desktop and on a phone; and a dropped connection."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import ViewportSize, expect

from tests.browser.conftest import DESKTOP, PHONE, AppServer, OpenTab
from tests.browser.flows import (
    ANSWERS,
    ROOM_SETTLED,
    answer,
    answer_until_done,
    prepare_interview,
    sign_up,
)

pytestmark = pytest.mark.browser

# Markup that would run if any of these places rendered it instead of showing it.
CV_NAME = "<img/src=x/onerror=alert('cv-name')>"
JOB_TITLE = "<script>alert('job-title')</script> Engineer"
IN_ANSWER = " <img src=x onerror=\"alert('answer')\">"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
async def test_from_sign_up_through_an_interview_to_the_feedback(
    open_tab: OpenTab, viewport: ViewportSize
) -> None:
    tab = await open_tab(viewport)
    page = tab.page
    await sign_up(tab)
    iid = await prepare_interview(tab, cv_name=CV_NAME, job_title=JOB_TITLE, questions=3)

    await expect(page.locator("#transcript")).to_contain_text(CV_NAME)  # the greeting names the candidate
    await expect(page.get_by_role("heading", level=1)).to_contain_text(JOB_TITLE)
    answered = await answer_until_done(page, extra=IN_ANSWER)
    assert answered >= 3
    await expect(page.locator("#progress")).not_to_contain_text("Starting")
    await expect(page.locator("#transcript > li.me").first).to_contain_text(IN_ANSWER.strip())

    # The assessment runs in the background; the room, then the feedback page, say when it is ready.
    await expect(page.locator("#done-text")).to_have_text("Your assessment is ready.")
    await page.get_by_role("link", name="See your feedback").click()
    await expect(page).to_have_url(re.compile(rf"/app/interviews/{iid}/feedback$"))
    overall = page.get_by_role("region", name="Overall")
    await expect(overall).to_be_visible()
    await expect(overall.locator(".big-score")).to_have_text(re.compile(r"^\s*([1-9]|10)\s*/10\s*$"))
    rubric = overall.get_by_role("img", name=re.compile("Rubric scores out of 5"))
    for dimension in ("Relevance", "Depth", "Structure", "Communication", "Role fit"):
        await expect(rubric).to_have_attribute("aria-label", re.compile(rf"{dimension} \d\.\d"))
    cards = page.locator("article.answer-card")
    await expect(cards).to_have_count(3)
    for n in range(3):
        await expect(cards.nth(n).get_by_role("heading", name=f"Question {n + 1}")).to_be_visible()
    for n in range(2):
        await expect(cards.nth(n)).to_contain_text(re.compile(r"Average \d\.\d/5"))
    # The last question invites the candidate's own questions: said why it has no score.
    await expect(cards.nth(2)).to_contain_text("your questions for the interviewer are for you")
    await expect(cards.nth(2)).not_to_contain_text("Average")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(JOB_TITLE)

    # Markup typed by the candidate was shown as text everywhere, and never ran.
    await page.get_by_role("link", name="Dashboard").click()
    await expect(page.locator(".interviews")).to_contain_text(JOB_TITLE)
    await expect(page.locator(".interviews")).to_contain_text(re.compile(r"Score \d+/10"))
    assert tab.dialogs == []
    assert tab.errors == []


async def test_a_dropped_connection_keeps_the_draft_and_reconnects(
    open_tab: OpenTab, server: AppServer
) -> None:
    tab = await open_tab(DESKTOP)
    page = tab.page
    await sign_up(tab)
    iid = await prepare_interview(tab, questions=3)
    await page.wait_for_function(ROOM_SETTLED)
    await answer(page, ANSWERS[0])
    await page.wait_for_function(ROOM_SETTLED)
    draft = "A draft that is typed but not sent when the server goes away: " + ANSWERS[1]
    box = page.get_by_label("Your answer")
    await box.fill(draft)

    # The server restarts (as a deploy does): Uvicorn closes the socket from its side.
    await server.stop()
    banner = page.locator("#banner")
    await expect(banner).to_be_visible()
    await expect(banner).to_contain_text("Connection lost")
    await expect(page.get_by_role("button", name="Send answer")).to_be_disabled()
    stored = await page.evaluate("(key) => localStorage.getItem(key)", f"candor:draft:{iid}")
    assert stored == draft
    await server.start()

    # It comes back by itself, where it was, with the draft still in the box and sendable.
    await expect(banner).to_be_hidden(timeout=20_000)
    await expect(page.get_by_role("button", name="Send answer")).to_be_enabled()
    await expect(box).to_have_value(draft)
    questions = page.locator("#transcript > li.them.kind-question")
    asked = await questions.count()
    await answer(page, draft)
    await expect(page.locator("#transcript > li.me").last).to_contain_text("typed but not sent")
    await page.wait_for_function(ROOM_SETTLED)
    assert await questions.count() + await page.locator("#transcript > li.kind-follow_up").count() > asked
    assert await page.evaluate("(key) => localStorage.getItem(key)", f"candor:draft:{iid}") is None
    # While the server was down, the browser's reconnection attempts were refused; nothing else went wrong.
    assert [e for e in tab.errors if "WebSocket connection to" not in e] == []
    assert tab.dialogs == []
