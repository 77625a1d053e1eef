"""/api/v1/transcriptions and /api/v1/speech over ASGI: real models, real audio, real problems."""

from __future__ import annotations

import io
import uuid
import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from candor.core.config import Settings
from candor.main import create_app
from tests.factories.accounts import SignedIn, sign_up
from tests.factories.interviews import create_interview
from tests.speech.conftest import Speak
from tests.speech.sounds import dbfs, encode, mix, noise, silence, word_errors

SENTENCE = "I usually start by talking to the people who will use the feature every day."
WAV = "audio/wav"


@asynccontextmanager
async def serve(settings: Settings, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=changes))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.fixture
async def user(client: httpx.AsyncClient) -> SignedIn:
    return await sign_up(client)


def wav_file(pcm: bytes, rate: int = 16_000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return out.getvalue()


async def transcribe(
    client: httpx.AsyncClient,
    user: SignedIn,
    data: bytes,
    name: str = "answer.wav",
    kind: str = WAV,
    **fields: str,
) -> httpx.Response:
    return await client.post(
        "/api/v1/transcriptions", files={"file": (name, data, kind)}, data=fields, headers=user.headers
    )


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body


async def test_speech_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/transcriptions", files={"file": ("a.wav", b"x", WAV)})
    assert_problem(response, 401, "not_authenticated")
    assert_problem(await client.post("/api/v1/speech", json={"text": "Hi."}), 401, "not_authenticated")
    assert_problem(await client.get("/api/v1/speech/status"), 401, "not_authenticated")


async def test_every_common_format_is_transcribed(
    client: httpx.AsyncClient, user: SignedIn, speak: Speak
) -> None:
    pcm = silence(300) + speak(SENTENCE) + silence(300)
    uploads = [
        ("answer.wav", wav_file(pcm), WAV),
        ("answer.flac", encode(pcm, "flac", "flac"), "audio/flac"),
        ("answer.mp3", encode(pcm, "mp3", "libmp3lame", rate=22_050), "audio/mpeg"),
        ("answer.ogg", encode(pcm, "ogg", "libopus"), "audio/ogg"),
        ("answer.webm", encode(pcm, "webm", "libopus"), "audio/webm;codecs=opus"),
    ]
    for name, data, kind in uploads:
        response = await transcribe(client, user, data, name, kind)
        assert response.status_code == 200, (name, response.text)
        body = response.json()
        assert word_errors(SENTENCE, body["text"])[0] <= 2, (name, body["text"])
        assert body["model"] == "tiny.en"
        assert body["provider"] == "faster-whisper"
        assert body["duration"] == pytest.approx(len(pcm) / 32_000, abs=0.1)
        assert 0.5 < body["confidence"] <= 1
        assert body["low_confidence"] is False
        assert body["segments"][0]["text"]
        assert body["segments"][0]["avg_logprob"] is not None


async def test_raw_pcm_must_say_it_is_16_khz(client: httpx.AsyncClient, user: SignedIn, speak: Speak) -> None:
    pcm = speak("We ship on Tuesdays.")
    ok = await transcribe(client, user, pcm, "answer.pcm", "audio/pcm", sample_rate="16000")
    assert ok.status_code == 200
    assert "tuesday" in ok.json()["text"].lower()

    body = await client.post(
        "/api/v1/transcriptions",
        content=pcm,
        headers={**user.headers, "content-type": "audio/L16; rate=16000; channels=1"},
    )
    assert body.status_code == 200
    assert "tuesday" in body.json()["text"].lower()

    wrong = assert_problem(
        await transcribe(client, user, pcm, "answer.pcm", "audio/pcm", sample_rate="8000"),
        422,
        "wrong_sample_rate",
    )
    assert "16000 Hz, not 8000 Hz" in wrong["detail"]
    assert wrong["expected_sample_rate"] == 16_000
    missing = assert_problem(
        await transcribe(client, user, pcm, "answer.raw", "application/octet-stream"),
        422,
        "wrong_sample_rate",
    )
    assert "sample_rate=16000" in missing["detail"]
    nonsense = await transcribe(client, user, pcm, "a.pcm", "audio/pcm", sample_rate="fast")
    assert_problem(nonsense, 422, "wrong_sample_rate")
    odd = await transcribe(client, user, pcm + b"\0", "a.pcm", "audio/pcm", sample_rate="16000")
    assert_problem(odd, 422, "invalid_audio")


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"%PDF-1.7 this is a document, not a recording" * 20, 415, "unsupported_audio"),
        (b"just some text\n" * 100, 415, "unsupported_audio"),
        (b"", 422, "empty_audio"),
        (wav_file(b"")[:44], 422, "empty_audio"),
    ],
    ids=["pdf", "text", "empty", "header-only-wav"],
)
async def test_what_is_not_audio_is_refused_clearly(
    client: httpx.AsyncClient, user: SignedIn, data: bytes, status: int, code: str
) -> None:
    assert_problem(await transcribe(client, user, data), status, code)


async def test_malformed_requests_are_4xx(client: httpx.AsyncClient, user: SignedIn) -> None:
    as_json = await client.post("/api/v1/transcriptions", json={"audio": "..."}, headers=user.headers)
    assert_problem(as_json, 415, "unsupported_audio")
    no_file = await client.post(
        "/api/v1/transcriptions", data={"sample_rate": "16000"}, files={"x": ("", b"")}, headers=user.headers
    )
    assert no_file.status_code == 422
    two = await client.post(
        "/api/v1/transcriptions",
        files=[("file", ("a.wav", b"1", WAV)), ("file", ("b.wav", b"2", WAV))],
        headers=user.headers,
    )
    assert_problem(two, 422, "invalid_input")


async def test_limits_are_enforced_while_reading(settings: Settings, speak: Speak) -> None:
    async with serve(settings, speech_max_upload_mb=0.05, speech_max_audio_seconds=2) as client:
        user = await sign_up(client)
        big = wav_file(silence(3000))  # 96 KB: over the 50 KB upload limit
        body = assert_problem(await transcribe(client, user, big), 413, "audio_too_large")
        assert body["limit_bytes"] == int(0.05 * 1024 * 1024)
        # Small when compressed, long when decoded: refused by duration, as it decodes.
        long = encode(silence(1000) + speak(SENTENCE) + silence(1000), "ogg", "libopus")
        assert len(long) < 0.05 * 1024 * 1024
        too_long = assert_problem(
            await transcribe(client, user, long, "a.ogg", "audio/ogg"), 422, "audio_too_long"
        )
        assert "longer than 2 seconds" in too_long["detail"]


async def test_silence_is_heard_as_nothing_with_low_confidence(
    client: httpx.AsyncClient, user: SignedIn
) -> None:
    response = await transcribe(client, user, wav_file(silence(4000) + noise(2000, -50)))
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == ""
    assert body["segments"] == []
    assert body["confidence"] == 0.0
    assert body["low_confidence"] is True


async def test_speech_drowned_in_noise_is_flagged_low_confidence(
    client: httpx.AsyncClient, user: SignedIn, speak: Speak
) -> None:
    clean = silence(300) + speak("We cut the page load time in half by removing work that nobody needed.")
    noisy = mix(clean, noise(len(clean) / 32, dbfs(clean) + 5, seed=4), 0)  # 5 dB more noise than speech
    clean_body = (await transcribe(client, user, wav_file(clean))).json()
    noisy_body = (await transcribe(client, user, wav_file(noisy))).json()
    assert clean_body["low_confidence"] is False
    assert noisy_body["low_confidence"] is True
    assert noisy_body["confidence"] < clean_body["confidence"] - 0.2


async def test_vocabulary_can_be_sent_with_the_recording(
    client: httpx.AsyncClient, user: SignedIn, speak: Speak
) -> None:
    pcm = speak("Our frontend uses React with TypeScript, and we cache sessions in Redis.")
    plain = (await transcribe(client, user, wav_file(pcm))).json()["text"]
    biased = (await transcribe(client, user, wav_file(pcm), vocabulary="TypeScript, Redis, React")).json()[
        "text"
    ]
    assert "TypeScript" not in plain
    assert "TypeScript" in biased


async def test_speech_is_spoken_as_wav_and_heard_back(client: httpx.AsyncClient, user: SignedIn) -> None:
    response = await client.post(
        "/api/v1/speech", json={"text": "Tell me about a time you changed your mind."}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "audio/wav"
    assert response.headers["x-speech-provider"] == "piper"
    with wave.open(io.BytesIO(response.content)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, 22_050)
        assert reader.getnframes() / 22_050 > 1.0
    heard = await transcribe(client, user, response.content)
    assert word_errors("Tell me about a time you changed your mind.", heard.json()["text"])[0] <= 1


async def test_bad_speech_requests_are_4xx(
    client: httpx.AsyncClient, user: SignedIn, settings: Settings
) -> None:
    async def speech(payload: dict[str, Any]) -> httpx.Response:
        return await client.post("/api/v1/speech", json=payload, headers=user.headers)

    assert_problem(await speech({"text": "   "}), 422, "empty_text")
    too_long = assert_problem(await speech({"text": "word " * 1000}), 422, "text_too_long")
    assert too_long["limit_chars"] == settings.speech_max_text_chars
    voice = assert_problem(await speech({"text": "Hi.", "voice": "nobody"}), 422, "unknown_voice")
    assert "en_US-joe-medium" in voice["voices"]
    assert_problem(await speech({"text": "Hi.", "format": "mp3"}), 422, "invalid_input")
    assert_problem(await speech({"words": "Hi."}), 422, "invalid_input")
    ok = await speech({"text": "Hi.", "voice": "en_US-joe-medium", "format": "wav"})
    assert ok.status_code == 200


async def test_each_user_is_rate_limited(settings: Settings, speak: Speak) -> None:
    async with serve(settings, speech_rate_limit_per_minute=2) as client:
        first, second = await sign_up(client), await sign_up(client)
        for _ in range(2):
            assert (
                await client.post("/api/v1/speech", json={"text": "Ok."}, headers=first.headers)
            ).status_code == 200
        limited = await client.post("/api/v1/speech", json={"text": "Ok."}, headers=first.headers)
        body = assert_problem(limited, 429, "speech_rate_limited")
        assert 1 <= int(limited.headers["retry-after"]) <= 30
        assert body["retry_after"] == int(limited.headers["retry-after"])
        assert (
            await client.post("/api/v1/speech", json={"text": "Ok."}, headers=second.headers)
        ).status_code == 200
        # Transcriptions have a bucket of their own.
        assert (await transcribe(client, first, wav_file(speak("Yes.")))).status_code == 200


async def test_status_says_voice_is_available(client: httpx.AsyncClient, user: SignedIn) -> None:
    body = (await client.get("/api/v1/speech/status", headers=user.headers)).json()
    assert body["available"] is True
    assert body["transcription"]["engines"] == [{"name": "faster-whisper", "available": True, "reason": None}]
    assert body["speech"]["engines"][0] == {"name": "piper", "available": True, "reason": None}
    assert "en_US-joe-medium" in body["voices"]


async def test_without_the_models_voice_is_unavailable_and_typed_interviews_work(
    settings: Settings, tmp_path: Path, speak: Speak
) -> None:
    missing = {
        "speech_whisper_model_dir": tmp_path / "no-whisper",
        "speech_piper_voice": tmp_path / "no-voice" / "voice.onnx",
    }
    async with serve(settings, **missing) as client:
        user = await sign_up(client)
        status = (await client.get("/api/v1/speech/status", headers=user.headers)).json()
        assert status["transcription"]["available"] is False
        assert "no-whisper" in status["transcription"]["reason"]
        assert "CANDOR_SPEECH_WHISPER_MODEL_DIR" in status["transcription"]["reason"]
        assert status["speech"]["engines"][0]["available"] is False
        assert status["available"] is False

        unavailable = assert_problem(
            await transcribe(client, user, wav_file(speak("Hello."))), 503, "voice_unavailable"
        )
        assert "Typed answers still work" in unavailable["detail"]

        interview = await create_interview(client, user, question_count=3)
        started = await client.post(f"/api/v1/interviews/{interview['id']}/start", headers=user.headers)
        assert started.status_code == 200, started.text
        answered = await client.post(
            f"/api/v1/interviews/{interview['id']}/answers",
            json={"client_msg_id": uuid.uuid4().hex, "text": "I led the migration to Kubernetes."},
            headers=user.headers,
        )
        assert answered.status_code == 200, answered.text


async def test_the_openapi_document_lists_the_endpoints(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "multipart/form-data" in paths["/api/v1/transcriptions"]["post"]["requestBody"]["content"]
    assert {"413", "415", "422", "429", "503"} <= set(paths["/api/v1/transcriptions"]["post"]["responses"])
    assert "audio/wav" in paths["/api/v1/speech"]["post"]["responses"]["200"]["content"]
