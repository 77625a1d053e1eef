"""A spoken turn on a real server: end of the candidate's speech to the first audio of the acknowledgement.

A real Candor server (uvicorn, one worker, loopback, freshly migrated SQLite, the offline speech engines)
and one candidate: after the first question, the client turns voice on and streams a spoken answer (Piper's
voice, resampled to 16 kHz) in real time, 40 ms a frame, then silence, as a microphone does. The clock
starts when the last frame holding speech has been sent. Recorded: the `transcript.final`, the `ack`, and
the first binary frame of the interviewer's voice that follows the ack (the acknowledgement, spoken).

The turn waits 1.2 s of silence on purpose (patient turn-taking), so the figures are also given beyond that
wait. Baseline, in the same run and process-free: the same models called directly for the same work, one
after the other: faster-whisper transcribing the whole answer, then Piper synthesising the acknowledgement.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench import load_me
from bench.interviews import CV_FILE, FIXTURES, _job_text, _say
from bench.stats import Summary
from candor.providers.speech import (
    BlockingPool,
    FasterWhisperSTT,
    PiperOptions,
    PiperTTS,
    SpeechRequest,
    TranscriptionRequest,
    WhisperOptions,
)
from candor.speech.audio import resample_pcm16

ANSWER = (
    "At my last company I led the migration of our payments service to Kubernetes. I planned the rollout "
    "myself and we cut the deploy time from two hours to fifteen minutes."
)
FRAME_MS = 40
FRAME_BYTES = 16 * 2 * FRAME_MS
SILENCE_MS = 1200
RUNS = 5


@dataclass(frozen=True)
class VoiceTurn:
    to_final: Summary
    to_ack: Summary
    to_first_audio: Summary
    baseline: Summary
    answer_seconds: float
    runs: int


async def _recv(ws: ClientConnection) -> dict[str, Any] | bytes:
    frame = await ws.recv()
    if isinstance(frame, bytes):
        return frame
    event: dict[str, Any] = json.loads(frame)
    return event


async def _until(ws: ClientConnection, kind: str) -> None:
    while True:
        event = await _recv(ws)
        if isinstance(event, dict) and event["type"] == kind:
            return


async def _setup(client: httpx.AsyncClient) -> tuple[str, str]:
    signed = await client.post(
        "/api/v1/auth/signup",
        json={"email": "voice@example.com", "password": "bench-password-123", "session": "token"},
    )
    token: str = signed.json()["tokens"]["access_token"]
    return token, _job_text()


async def _one_turn(base: str, token: str, job_text: str, speech: bytes) -> tuple[float, float, float]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as client:
        cv = await client.post(
            "/api/v1/documents",
            data={"kind": "cv"},
            files={"file": (CV_FILE, (FIXTURES / "cvs" / CV_FILE).read_bytes(), "application/pdf")},
            headers=headers,
        )
        created = await client.post(
            "/api/v1/interviews",
            json={"cv_document_id": cv.json()["id"], "job_text": job_text, "options": {"question_count": 3}},
            headers=headers,
        )
    ws_url = (
        base.replace("http://", "ws://") + f"/api/v1/interviews/{created.json()['id']}/live?token={token}"
    )
    async with connect(ws_url, max_size=1 << 22) as ws:
        await _until(ws, "question.done")
        await _until(ws, "question.done")
        await ws.send(json.dumps({"type": "voice.start", "sample_rate": 16000}))
        await _until(ws, "voice.state")
        final = ack = first_audio = None
        pace = asyncio.get_running_loop()

        async def microphone() -> None:
            nonlocal spoken_at
            start = pace.time()
            frames = [speech[i : i + FRAME_BYTES] for i in range(0, len(speech), FRAME_BYTES)]
            quiet = bytes(FRAME_BYTES)
            for n in range(10_000):
                frame = frames[n] if n < len(frames) else quiet
                await ws.send(frame)
                if n == len(frames) - 1:
                    spoken_at = time.perf_counter()
                await asyncio.sleep(max(0.0, start + (n + 1) * FRAME_MS / 1000 - pace.time()))

        spoken_at = 0.0
        mic = asyncio.create_task(microphone())
        try:
            while first_audio is None:
                event = await _recv(ws)
                now = time.perf_counter()
                if isinstance(event, bytes):
                    if ack is not None:
                        first_audio = now
                elif event["type"] == "transcript.final":
                    final = now
                elif event["type"] == "ack":
                    ack = now
        finally:
            mic.cancel()
        assert final is not None
        assert ack is not None
        return final - spoken_at, ack - spoken_at, first_audio - spoken_at


async def _measure(base: str) -> VoiceTurn:
    pool = BlockingPool(1, name="bench-voice")
    piper = PiperTTS(PiperOptions(variation=False), pool)
    whisper = FasterWhisperSTT(WhisperOptions(), pool)
    piper.warm_up()
    whisper.warm_up()
    pcm, rate = piper.synthesize_blocking(ANSWER)
    speech = resample_pcm16(pcm, rate)
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as client:
        token, job_text = await _setup(client)
    finals, acks, audios, baseline = [], [], [], []
    for run in range(RUNS + 1):
        f, a, s = await _one_turn(base, token, job_text, speech)
        started = time.perf_counter()
        heard = await whisper.transcribe(TranscriptionRequest(speech))
        await piper.synthesize(SpeechRequest("Thank you, that is clear."))
        direct = time.perf_counter() - started
        if run == 0 or not heard.text:
            continue  # the first turn loads the server's models
        finals.append(f * 1000)
        acks.append(a * 1000)
        audios.append(s * 1000)
        baseline.append(direct * 1000)
    pool.close()
    return VoiceTurn(
        Summary.of(finals),
        Summary.of(acks),
        Summary.of(audios),
        Summary.of(baseline),
        len(speech) / 32000,
        RUNS,
    )


def run() -> VoiceTurn:
    with tempfile.TemporaryDirectory(prefix="candor-bench-") as tmp:
        data_dir = Path(tmp)
        url = f"sqlite+aiosqlite:///{data_dir / 'candor.db'}"
        load_me.migrate(url)
        with load_me.serve(url, data_dir) as (base, _pid):
            _say("a spoken turn, in real time ...")
            return asyncio.run(_measure(base))


def markdown(turn: VoiceTurn) -> list[str]:
    def row(label: str, s: Summary) -> str:
        return (
            f"| {label} | {s.p50:.0f} | {s.p95:.0f} | {s.p50 - SILENCE_MS:.0f} | {s.p95 - SILENCE_MS:.0f} |"
        )

    return [
        f"A spoken answer of {turn.answer_seconds:.1f} s streamed in real time over the live socket to a "
        f"real server, {turn.runs} timed turns after one warm-up (see `bench/voice_live.py`). Times from the "
        "last frame holding speech; the turn ends after 1.2 s of silence on purpose, so the last two "
        "columns are the time beyond that wait (negative where the synthesized audio's own trailing quiet "
        "already counted toward it).",
        "",
        "| From end of speech to | p50 ms | p95 ms | beyond the wait, p50 | beyond the wait, p95 |",
        "|---|---:|---:|---:|---:|",
        row("`transcript.final`", turn.to_final),
        row("`ack`", turn.to_ack),
        row("first audio byte of the spoken acknowledgement", turn.to_first_audio),
        "",
        "Baseline, same run: the bare models doing the same work after the answer (faster-whisper on the "
        f"whole answer, then Piper on a short acknowledgement): p50 {turn.baseline.p50:.0f} ms, p95 "
        f"{turn.baseline.p95:.0f} ms. Candor transcribes while the candidate speaks, so at the end of the "
        "turn only the last piece is left.",
    ]


if __name__ == "__main__":
    print("\n".join(markdown(run())))  # noqa: T201
