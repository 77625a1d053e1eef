"""Real speech models, loaded once for the session: faster-whisper tiny.en and the Piper voice, with
variation off so the same text always gives the same audio (and so the same transcript)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from candor.providers.speech import BlockingPool, FasterWhisperSTT, PiperOptions, PiperTTS, WhisperOptions
from candor.speech.audio import resample_pcm16
from tests.fakes.speech_server import FakeSpeechServer

Speak = Callable[[str], bytes]


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: speech stores nothing, and every model call would otherwise run once per database."""
    path = tmp_path / "candor.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def speech_pool() -> Iterator[BlockingPool]:
    pool = BlockingPool(1, name="test-speech")
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def whisper(speech_pool: BlockingPool) -> FasterWhisperSTT:
    engine = FasterWhisperSTT(WhisperOptions(), speech_pool)
    engine.warm_up()
    return engine


@pytest.fixture(scope="session")
def piper(speech_pool: BlockingPool) -> PiperTTS:
    engine = PiperTTS(PiperOptions(variation=False), speech_pool)
    engine.warm_up()
    return engine


@pytest.fixture(scope="session")
def speak(piper: PiperTTS) -> Speak:
    """Text spoken by the Piper voice as PCM16 mono 16 kHz (what a microphone stream carries)."""
    cache: dict[str, bytes] = {}

    def say(text: str) -> bytes:
        if text not in cache:
            pcm, rate = piper.synthesize_blocking(text)
            cache[text] = resample_pcm16(pcm, rate)
        return cache[text]

    return say


@pytest.fixture(scope="session")
def speech_server_session() -> Iterator[FakeSpeechServer]:
    server = FakeSpeechServer()
    with server:
        yield server


@pytest.fixture
def speech_server(speech_server_session: FakeSpeechServer) -> FakeSpeechServer:
    speech_server_session.reset()
    return speech_server_session
