"""A spoken turn in the browser. Chromium's fake microphone plays a WAV of speech made by Piper; the room's
AudioWorklet streams it to the server as 16 kHz PCM, faster-whisper hears it, and the interview goes on. The
interviewer's voice comes back as WAVs the page plays. Nothing here is mocked but the microphone itself."""

from __future__ import annotations

import re
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from candor.providers.speech import BlockingPool, PiperOptions, PiperTTS
from tests.browser.conftest import DESKTOP, OpenTab, launch_chromium
from tests.browser.flows import ROOM_SETTLED, answer, prepare_interview, sign_up
from tests.speech.sounds import word_errors

pytestmark = pytest.mark.browser

ANSWER = (
    "At my last company I led the migration of our payments service to Kubernetes. "
    "I planned the rollout and cut the deploy time from two hours to fifteen minutes."
)
EDITED = ANSWER + " We had no downtime at all."
HEARD = 60_000  # ms: the first answer also loads the speech models
QUESTIONS = "#transcript > li.them:not(.kind-ack):not(.kind-streaming)"


@pytest.fixture(scope="module")
def spoken_answer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The answer as a WAV: half a second of silence, the words, then three seconds of silence."""
    pool = BlockingPool(1, name="test-browser-voice")
    try:
        piper = PiperTTS(PiperOptions(variation=False), pool)
        if not piper.status().available:
            pytest.skip(f"Piper cannot speak here: {piper.status().reason}")
        pcm, rate = piper.synthesize_blocking(ANSWER)
    finally:
        pool.close()
    path = tmp_path_factory.mktemp("voice") / "answer.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(rate) + pcm + bytes(rate * 6))
    return path


@pytest.fixture(scope="module")
async def chromium(spoken_answer: Path) -> AsyncIterator[Browser]:
    """Chromium whose microphone plays `spoken_answer` once, from the moment a page opens it."""
    fake_microphone = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={spoken_answer}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    )
    async with launch_chromium(*fake_microphone) as browser:
        yield browser


async def transcript(page: Page, interview_id: str) -> list[dict[str, Any]]:
    response = await page.request.get(f"/api/v1/interviews/{interview_id}/transcript")
    assert response.ok, await response.text()
    messages: list[dict[str, Any]] = (await response.json())["messages"]
    return messages


async def test_a_spoken_answer_in_the_browser_is_heard_answered_and_spoken_back(open_tab: OpenTab) -> None:
    tab = await open_tab(DESKTOP)
    page = tab.page
    await sign_up(tab)
    iid = await prepare_interview(tab, questions=3)
    await page.wait_for_function(ROOM_SETTLED)
    questions = await page.locator(QUESTIONS).count()

    voice = page.get_by_role("region", name="Voice")
    await voice.get_by_role("button", name="Answer by voice").click()
    await expect(voice.get_by_role("button", name="Stop voice")).to_have_attribute("aria-pressed", "true")
    await expect(voice.locator("#voice-device option")).not_to_have_count(0)

    mine = page.locator("#transcript > li.me")
    await expect(mine).to_have_count(1, timeout=HEARD)
    errors, words = word_errors(ANSWER, await mine.first.locator("p").inner_text())
    assert errors / words <= 0.2, await mine.first.inner_text()

    # The interviewer moves on, and says so aloud: its sentences arrive as audio the page plays.
    await expect(page.locator(QUESTIONS)).to_have_count(questions + 1, timeout=HEARD)
    played = re.compile(r"^[1-9]")
    await expect(page.locator("#voice")).to_have_attribute("data-played", played, timeout=HEARD)

    stored = [m for m in await transcript(page, iid) if m["role"] == "candidate"]
    assert len(stored) == 1
    assert stored[0]["speech"]["model"]
    assert stored[0]["speech"]["confidence"] is not None

    # Typing still works in the same interview, with the microphone on.
    await page.wait_for_function(ROOM_SETTLED)
    await answer(page, "I would rather type this one: I wrote the runbook and trained the on-call team.")
    await expect(mine).to_have_count(2)
    assert tab.errors == []


async def test_a_spoken_answer_can_be_corrected_before_it_is_sent(open_tab: OpenTab) -> None:
    tab = await open_tab(DESKTOP)
    page = tab.page
    await sign_up(tab)
    iid = await prepare_interview(tab, questions=3)
    # The choice is remembered on this device, like the other voice settings.
    await page.evaluate("""() => localStorage.setItem("candor:voice", JSON.stringify({ review: true }))""")
    await page.reload()
    await page.wait_for_function(ROOM_SETTLED)

    voice = page.get_by_role("region", name="Voice")
    await voice.get_by_role("button", name="Answer by voice").click()
    await expect(voice.get_by_label("Review before sending")).to_be_checked()

    box = page.get_by_label("Your answer")
    await expect(box).to_have_value(re.compile("Kubernetes|payments", re.I), timeout=HEARD)
    await expect(page.locator("#transcript > li.me")).to_have_count(0)  # nothing is sent unreviewed
    await box.fill(EDITED)
    await box.press("Control+Enter")
    await expect(page.locator("#transcript > li.me")).to_have_text([re.compile(re.escape(EDITED))])

    stored = [m for m in await transcript(page, iid) if m["role"] == "candidate"]
    assert [m["text"] for m in stored] == [EDITED]
    assert stored[0]["speech"]["edited"] is True
    assert tab.errors == []


async def test_push_to_talk_from_the_keyboard(open_tab: OpenTab, spoken_answer: Path) -> None:
    with wave.open(str(spoken_answer)) as recording:
        speech_ends = recording.getnframes() / recording.getframerate() - 6  # the silence after the words
    tab = await open_tab(DESKTOP)
    page = tab.page
    await sign_up(tab)
    await prepare_interview(tab, questions=3)
    await page.evaluate("""() => localStorage.setItem("candor:voice", JSON.stringify({ ptt: true }))""")
    await page.reload()
    await page.wait_for_function(ROOM_SETTLED)

    voice = page.get_by_role("region", name="Voice")
    await voice.get_by_role("button", name="Answer by voice").click()  # the fake microphone starts now
    talk = voice.get_by_role("button", name="Hold to talk")
    await talk.focus()
    await page.keyboard.down(" ")
    held = voice.get_by_role("button", name="Release to send")
    await expect(held).to_have_attribute("aria-pressed", "true")
    # Hold while the words play (they started when the microphone opened, a little earlier), then let go
    # in the silence after them.
    await page.wait_for_timeout((speech_ends + 3) * 1000)
    await page.keyboard.up(" ")

    mine = page.locator("#transcript > li.me")
    await expect(mine).to_have_count(1, timeout=HEARD)
    errors, words = word_errors(ANSWER, await mine.first.locator("p").inner_text())
    assert errors / words <= 0.2, await mine.first.inner_text()
    assert tab.errors == []
