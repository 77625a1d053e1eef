"""Steps a candidate takes in the browser, shared by the browser tests."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urljoin

from playwright.async_api import Page, expect

from candor.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.browser.conftest import Tab
from tests.conftest import FIXTURES

CV = FIXTURES / "cvs" / "resumematcher_bruce_wayne_fullstack.pdf"
JOB = FIXTURES / "jobs" / "job_desc_full_stack_engineer.pdf"
PASSWORD = "correct-horse-battery"
ANSWERS = (
    "At OpenAI I led the move of our inference API to Kubernetes. I measured p99 latency first, then "
    "added a Redis cache in front of PostgreSQL and rolled it out behind a flag, one region a week. "
    "I chose a gradual rollout over a big switch because a failure would have hit every customer. "
    "As a result p99 latency fell from 900 ms to 120 ms and incidents dropped by 40% in a quarter.",
    "When two teams disagreed about our API design, I wrote a one-page comparison of both options with "
    "the costs of each, ran a short meeting where each side tested the other's proposal, and we agreed on "
    "a versioned REST API. I owned the migration plan myself, and we shipped it two weeks early with no "
    "breaking change for our clients.",
    "I want this role because I enjoy building products end to end, from the React front end to the "
    "Node.js services and the database. In my first six months I would learn the product deeply, ship "
    "two features with the team, and improve test coverage, as I did at Uber where it rose from 45% to 80%.",
)

# The scripts and stylesheets a page references itself.
PAGE_ASSETS = """() => [
    ...[...document.querySelectorAll("script[src]")].map((s) => s.src),
    ...[...document.querySelectorAll("link[rel=stylesheet]")].map((l) => l.href),
]"""
_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*)["'](\.{1,2}/[^"']+)["']""")
# The newest message of the transcript is on screen, above the answer form that sticks to the bottom.
NEWEST_MESSAGE_VISIBLE = """() => {
    const items = document.querySelectorAll("#transcript > li");
    const last = items[items.length - 1];
    if (!last) return false;
    const form = document.getElementById("answer-form");
    const limit = form && !form.hidden ? form.getBoundingClientRect().top : window.innerHeight;
    const box = last.getBoundingClientRect();
    return box.bottom <= limit + 1 && box.bottom > 0;
}"""
# The room is waiting for an answer, or the interview is over.
ROOM_SETTLED = (
    """() => !document.getElementById("send").disabled || !document.getElementById("done").hidden"""
)


async def sign_up(tab: Tab, name: str = "Ada Lovelace") -> str:
    """From the landing page to the new-interview page, through the sign-up form."""
    page = tab.page
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    await tab.goto("/")
    await page.get_by_role("link", name="Start practising").click()
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Your name").fill(name)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign up").click()
    await expect(page).to_have_url(re.compile(r"/app/interviews/new$"))
    return email


async def log_in_as_demo(tab: Tab) -> None:
    page = tab.page
    await tab.goto("/login")
    await page.get_by_label("Email").fill(DEMO_EMAIL)
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/app$"))


async def prepare_interview(
    tab: Tab, *, cv_name: str | None = None, job_title: str | None = None, questions: int = 3
) -> str:
    """On the new-interview page: upload the CV (correcting the name if asked), attach the job description,
    set the options, start. Returns the interview's id, once the room is open."""
    page = tab.page
    await page.get_by_label("Choose your CV").set_input_files(CV)
    await expect(page.locator("#cv-status")).to_contain_text("Check what we found")
    if cv_name is not None:
        await page.get_by_label("Name", exact=True).fill(cv_name)
        await page.get_by_role("button", name="Save corrections").click()
        await expect(page.locator("#cv-status")).to_have_text("Corrections saved.")
    await page.get_by_label("or attach it as a file").set_input_files(JOB)
    if job_title is not None:
        await page.get_by_label("Job title").fill(job_title)
    await page.get_by_label("Number of questions").fill(str(questions))
    await page.get_by_role("button", name="Start the interview").click()
    await expect(page).to_have_url(re.compile(r"/app/interviews/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[1]


async def answer(page: Page, text: str) -> None:
    """Type an answer and send it with Ctrl+Enter; wait until the server has acknowledged it."""
    mine = page.locator("#transcript > li.me")
    before = await mine.count()
    box = page.get_by_label("Your answer")
    await box.fill(text)
    await box.press("Control+Enter")
    await expect(mine).to_have_count(before + 1)
    await expect(box).to_have_value("")


async def answer_until_done(page: Page, extra: str = "", limit: int = 12) -> int:
    """Answer every question (follow-ups included) until the interviewer closes. Returns how many answers.
    After each new question, the newest message must be readable above the answer form."""
    sent = 0
    while True:
        await page.wait_for_function(ROOM_SETTLED)
        if await page.locator("#done").is_visible():
            return sent
        await page.wait_for_function(NEWEST_MESSAGE_VISIBLE)
        await answer(page, ANSWERS[sent % len(ANSWERS)] + extra)
        sent += 1
        assert sent <= limit, "the interview never ended"


async def asset_bytes(page: Page) -> int:
    """What the page's scripts (with the modules they import) and stylesheets weigh, uncompressed."""
    pending = list(await page.evaluate(PAGE_ASSETS))
    seen: set[str] = set()
    total = 0
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        response = await page.request.get(url)
        assert response.ok, f"{url}: {response.status}"
        body = await response.body()
        total += len(body)
        if url.endswith(".js"):
            pending += [urljoin(url, found) for found in _IMPORT.findall(body.decode())]
    return total
