"""Spoken interviews over the real WebSocket, with real audio: speech made by Piper, heard by faster-whisper.

The audio is streamed faster than real time; the server keeps time by the audio it receives, so turn-taking
decides exactly as it would live."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect

from candor.core.config import Settings
from candor.core.db import Database
from candor.interviews.models import AudioRecording
from candor.providers.speech import BlockingPool, PiperOptions, PiperTTS
from candor.speech.audio import resample_pcm16
from tests.factories.accounts import SignedIn, sign_up
from tests.factories.interviews import create_interview
from tests.interviews.conftest import LiveServer
from tests.interviews.test_live import opened, recv, until
from tests.speech.sounds import silence, word_errors

ANSWER = (
    "At my last company I led the migration of our payments service to Kubernetes. "
    "I planned the rollout and cut the deploy time from two hours to fifteen minutes."
)
FRAME_BYTES = 3200  # 100 ms


@pytest.fixture(scope="module")
def speech_pcm() -> Iterator[Callable[[str], bytes]]:
    pool = BlockingPool(1, name="test-voice")
    piper = PiperTTS(PiperOptions(variation=False), pool)
    cache: dict[str, bytes] = {}

    def say(text: str) -> bytes:
        if text not in cache:
            pcm, rate = piper.synthesize_blocking(text)
            cache[text] = resample_pcm16(pcm, rate)
        return cache[text]

    yield say
    pool.close()


@pytest.fixture
async def user(http: httpx.AsyncClient) -> SignedIn:
    return await sign_up(http)


def url(server: LiveServer, interview_id: str, user: SignedIn) -> str:
    return f"{server.ws}/api/v1/interviews/{interview_id}/live?token={user.access_token}"


class Microphone:
    """A live microphone: sends what it is given, and silence in between, as a browser would. Frames go
    five times faster than real time; the server keeps time by the audio, so nothing changes but speed."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Microphone:
        self.task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task

    def say(self, pcm: bytes) -> None:
        for at in range(0, len(pcm), FRAME_BYTES):
            self.queue.put_nowait(pcm[at : at + FRAME_BYTES])

    async def said(self) -> None:
        """Until everything given to `say` has been sent."""
        await self.queue.join()

    async def _run(self) -> None:
        quiet = silence(100)
        while True:
            if self.queue.empty():
                await self.ws.send(quiet)
            else:
                await self.ws.send(self.queue.get_nowait())
                self.queue.task_done()
            await asyncio.sleep(0.02)


async def events_until(
    ws: ClientConnection, kind: str
) -> tuple[dict[str, Any], list[dict[str, Any] | bytes]]:
    """Text events (schema-checked) and binary frames, in order, until an event of `kind`."""
    seen: list[dict[str, Any] | bytes] = []
    while True:
        frame = await ws.recv()
        if isinstance(frame, bytes):
            seen.append(frame)
            continue
        event: dict[str, Any] = json.loads(frame)
        seen.append(event)
        if event["type"] == kind:
            return event, seen


async def start_voice(ws: ClientConnection, **options: Any) -> dict[str, Any]:
    await ws.send(json.dumps({"type": "voice.start", "sample_rate": 16000, **options}))
    state, _ = await until(ws, "voice.state")
    return state


async def test_a_spoken_answer_is_heard_stored_and_answered(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn, speech_pcm: Callable[[str], bytes]
) -> None:
    iid = (await create_interview(http, user, question_count=3))["id"]
    async with connect(url(live_server, iid, user), max_size=1 << 22) as ws:
        await opened(ws)
        assert (await start_voice(ws))["state"] == "listening"
        async with Microphone(ws) as mic:
            mic.say(speech_pcm(ANSWER))
            final, seen = await events_until(ws, "transcript.final")
            ack, _ = await until(ws, "ack")  # sent as the answer for the candidate
            _done, after = await events_until(ws, "question.done")
        states = [e["state"] for e in seen if isinstance(e, dict) and e["type"] == "voice.state"]
        assert states[0] == "speaking"
        errors, words = word_errors(ANSWER, final["text"])
        assert errors / words <= 0.15, final["text"]
        assert "kubernetes" in final["text"].lower()  # from the CV and job vocabulary
        assert 0 < final["confidence"] <= 1
        assert final["low_confidence"] is False

        assert ack["client_msg_id"] == final["transcript_id"]
        assert any(isinstance(e, dict) and e["type"] == "question.delta" for e in after)

        # The interviewer speaks: each sentence a WAV announced by speech.audio, as the text streams.
        header, _spoken = await events_until(ws, "speech.audio")
        audio = await ws.recv()
        assert isinstance(audio, bytes)
        assert len(audio) == header["bytes"]
        with wave.open(io.BytesIO(audio)) as wav:
            assert wav.getframerate() == header["sample_rate"]
            assert wav.getnframes() > 0

    transcript = (await http.get(f"/api/v1/interviews/{iid}/transcript", headers=user.headers)).json()
    answer = next(m for m in transcript["messages"] if m["client_msg_id"] == final["transcript_id"])
    assert answer["text"] == final["text"]
    assert answer["speech"]["model"]
    assert answer["speech"]["confidence"] == final["confidence"]
    usage = (await http.get(f"/api/v1/interviews/{iid}/usage", headers=user.headers)).json()
    assert usage["audio_seconds"] >= 5
    assert usage["characters"] > 0


async def test_push_to_talk_and_an_edited_transcript(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn, speech_pcm: Callable[[str], bytes]
) -> None:
    iid = (await create_interview(http, user, question_count=3))["id"]
    async with connect(url(live_server, iid, user), max_size=1 << 22) as ws:
        await opened(ws)
        await start_voice(ws, speak=False, auto_send=False)
        await ws.send(json.dumps({"type": "voice.talk", "down": True}))
        # While the button is held, even a long pause does not end the answer.
        held = speech_pcm("I led the migration to Kubernetes.") + silence(3000)
        held += speech_pcm("It cut the deploy time by ninety percent.")
        for at in range(0, len(held), FRAME_BYTES):
            await ws.send(held[at : at + FRAME_BYTES])
        await ws.send(json.dumps({"type": "voice.talk", "down": False}))
        final, _ = await events_until(ws, "transcript.final")
        assert "kubernetes" in final["text"].lower()
        assert "deploy time" in final["text"].lower()

        # Reviewed before sending: the candidate fixes a word; the answer keeps how it was heard.
        edited = final["text"] + " I owned the rollout plan."
        await ws.send(json.dumps({"type": "answer", "client_msg_id": final["transcript_id"], "text": edited}))
        ack, _ = await until(ws, "ack")
        assert ack["duplicate"] is False

    transcript = (await http.get(f"/api/v1/interviews/{iid}/transcript", headers=user.headers)).json()
    answer = next(m for m in transcript["messages"] if m["client_msg_id"] == final["transcript_id"])
    assert answer["text"] == edited
    assert answer["speech"]["edited"] is True
    assert answer["speech"]["low_confidence"] is False


async def test_audio_is_kept_only_when_the_candidate_opted_in(
    live_server: LiveServer,
    http: httpx.AsyncClient,
    user: SignedIn,
    settings: Settings,
    speech_pcm: Callable[[str], bytes],
) -> None:
    kept = (await create_interview(http, user, question_count=3, store_audio=True))["id"]
    not_kept = (await create_interview(http, user, question_count=3))["id"]
    for iid in (kept, not_kept):
        async with connect(url(live_server, iid, user), max_size=1 << 22) as ws:
            await opened(ws)
            await start_voice(ws, speak=False)
            async with Microphone(ws) as mic:
                mic.say(speech_pcm(ANSWER))
                await until(ws, "ack")

    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            rows = list((await session.execute(select(AudioRecording))).scalars())
    finally:
        await db.dispose()
    assert [str(r.interview_id) for r in rows] == [kept]
    (row,) = rows
    blob = Path(settings.audio_dir) / row.blob_key[:2] / row.blob_key[2:4] / row.blob_key
    with wave.open(str(blob)) as wav:
        assert wav.getframerate() == row.sample_rate == 16000
        assert abs(wav.getnframes() / 16000 - row.duration_s) < 0.5
    assert row.size_bytes == blob.stat().st_size
    assert row.model


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (b"\x00" * 3, "bad_audio"),  # half a sample
        (b"\x00" * 64_002, "bad_audio"),  # over two seconds in one frame
        (json.dumps({"type": "voice.start", "sample_rate": 44100}), "wrong_sample_rate"),
        (json.dumps({"type": "voice.talk", "down": "maybe"}), "invalid_event"),
    ],
)
async def test_bad_audio_gets_an_error_and_the_interview_goes_on(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn, frame: bytes | str, code: str
) -> None:
    iid = (await create_interview(http, user, question_count=3))["id"]
    async with connect(url(live_server, iid, user), max_size=1 << 22) as ws:
        await opened(ws)
        if isinstance(frame, bytes):
            await start_voice(ws, speak=False)
        await ws.send(frame)
        error, _ = await until(ws, "error")
        assert error["code"] == code
        # Typing still works.
        await ws.send(
            json.dumps({"type": "answer", "client_msg_id": "typed-1", "text": "I led the rollout."})
        )
        ack, _ = await until(ws, "ack")
        assert ack["client_msg_id"] == "typed-1"
        assert (await recv(ws))["type"] in ("question.delta", "question.done")


async def test_talking_over_the_interviewer_stops_its_voice(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn, speech_pcm: Callable[[str], bytes]
) -> None:
    iid = (await create_interview(http, user, question_count=3))["id"]
    async with connect(url(live_server, iid, user), max_size=1 << 22) as ws:
        await opened(ws)
        await start_voice(ws)
        await ws.send(json.dumps({"type": "playback", "state": "playing"}))  # the browser is playing
        async with Microphone(ws) as mic:
            mic.say(silence(500) + speech_pcm(ANSWER))
            stop, seen = await events_until(ws, "speech.stop")
            assert stop["reason"] == "barge_in"
            # The interviewer yielded before the answer was even finished: no transcript came first.
            assert not any(isinstance(e, dict) and e["type"] == "transcript.final" for e in seen)
            await ws.send(json.dumps({"type": "playback", "state": "idle"}))
            final, _ = await events_until(ws, "transcript.final")
        assert "kubernetes" in final["text"].lower()


async def test_voice_options_change_while_voice_is_on(
    live_server: LiveServer, http: httpx.AsyncClient, user: SignedIn, speech_pcm: Callable[[str], bytes]
) -> None:
    """The browser's "review before sending" switch, turned on while the candidate speaks: what was heard
    so far is kept, and the answer waits for the candidate instead of being sent."""
    iid = (await create_interview(http, user, question_count=3))["id"]
    first = "At my last company I led the migration of our payments service to Kubernetes."
    second = "I planned the rollout and cut the deploy time from two hours to fifteen minutes."
    async with connect(url(live_server, iid, user), max_size=1 << 22) as ws:
        await opened(ws)
        await start_voice(ws, speak=False, auto_send=True)
        async with Microphone(ws) as mic:
            mic.say(speech_pcm(first))
            speaking, _ = await until(ws, "voice.state")
            assert speaking["state"] == "speaking"
            await mic.said()  # the first sentence is all sent: mid-answer
            options = {"type": "voice.start", "sample_rate": 16000, "speak": False, "auto_send": False}
            await ws.send(json.dumps(options))
            mic.say(speech_pcm(second))
            final, _ = await events_until(ws, "transcript.final")
            await ws.send(json.dumps({"type": "ping"}))
            _pong, seen = await events_until(ws, "pong")
        assert "kubernetes" in final["text"].lower()
        assert "deploy time" in final["text"].lower()
        assert not [e for e in seen if isinstance(e, dict) and e["type"] == "ack"]

    transcript = (await http.get(f"/api/v1/interviews/{iid}/transcript", headers=user.headers)).json()
    assert [m for m in transcript["messages"] if m["role"] == "candidate"] == []
