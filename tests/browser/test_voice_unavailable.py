"""A server that cannot hear speech: the room says why, and the interview is typed as usual."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from candor.core.config import Settings
from tests.browser.conftest import DESKTOP, OpenTab
from tests.browser.flows import ROOM_SETTLED, answer, prepare_interview, sign_up

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No offline speech engines and no hosted ones."""
    return settings.model_copy(update={"speech_offline": False})


async def test_without_speech_engines_the_room_says_so_and_typing_works(open_tab: OpenTab) -> None:
    tab = await open_tab(DESKTOP)
    page = tab.page
    await sign_up(tab)
    await prepare_interview(tab, questions=3)
    voice = page.get_by_role("region", name="Voice")
    await expect(voice.get_by_role("button", name="Answer by voice")).to_be_disabled()
    await expect(voice.get_by_role("status")).to_contain_text("Voice is not available on this server")
    await page.wait_for_function(ROOM_SETTLED)
    await answer(page, "Typing works: I led the migration to Kubernetes and cut deploys to fifteen minutes.")
    assert tab.errors == []
