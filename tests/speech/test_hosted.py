"""Hosted engines over real HTTP (a local server speaking the OpenAI audio protocol) and the fallback to
the offline ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from candor.providers.llm.chain import BreakerPolicy
from candor.providers.speech import (
    AllProvidersFailed,
    BlockingPool,
    FasterWhisperSTT,
    OpenAISpeechToText,
    OpenAITextToSpeech,
    PiperTTS,
    SpeechRequest,
    SpeechToTextChain,
    SpeechUnavailable,
    TextToSpeechChain,
    TranscriptionRequest,
    WhisperOptions,
)
from candor.providers.speech.base import ProviderAuthError, ProviderRateLimited, ProviderUnavailable
from tests.fakes.openai_server import Hang, MalformedBody, RateLimited, Reply, ServerError, Unauthorized
from tests.fakes.speech_server import FakeSpeechServer
from tests.speech.conftest import Speak


@pytest.fixture
async def hosted_stt(speech_server: FakeSpeechServer) -> AsyncIterator[OpenAISpeechToText]:
    engine = OpenAISpeechToText(
        "groq", base_url=speech_server.base_url, model="whisper-large-v3", api_key="sk-test", timeout_s=2.0
    )
    yield engine
    await engine.aclose()


@pytest.fixture
async def hosted_tts(speech_server: FakeSpeechServer) -> AsyncIterator[OpenAITextToSpeech]:
    engine = OpenAITextToSpeech(
        "openai", base_url=speech_server.base_url, model="gpt-4o-mini-tts", voice="alloy", timeout_s=2.0
    )
    yield engine
    await engine.aclose()


async def test_hosted_transcription_speaks_the_wire_protocol(
    hosted_stt: OpenAISpeechToText, speech_server: FakeSpeechServer, speak: Speak
) -> None:
    speech_server.script(Reply("We migrated to Kubernetes last spring."))
    audio = speak("We migrated to Kubernetes last spring.")
    transcript = await hosted_stt.transcribe(
        TranscriptionRequest(audio, vocabulary=("Kubernetes", "pgbouncer"))
    )

    assert transcript.text == "We migrated to Kubernetes last spring."
    assert transcript.provider == "groq"
    assert transcript.model == "whisper-large-v3"
    assert transcript.confidence is not None
    assert transcript.confidence > 0.8
    [sent] = speech_server.requests
    assert sent.path == "/v1/audio/transcriptions"
    assert sent.headers["authorization"] == "Bearer sk-test"
    assert sent.body["model"] == "whisper-large-v3"
    assert sent.body["response_format"] == "verbose_json"
    assert sent.body["language"] == "en"
    assert sent.body["prompt"] == "The candidate talks about Kubernetes, pgbouncer."
    assert sent.body["file"]["content_type"] == "audio/wav"
    assert sent.body["file"]["size"] == len(audio) + 44, "PCM goes up as a WAV file"


async def test_hosted_speech_comes_back_as_pcm(
    hosted_tts: OpenAITextToSpeech, speech_server: FakeSpeechServer
) -> None:
    audio = await hosted_tts.synthesize(SpeechRequest("Tell me about a hard bug.", voice="alloy"))
    assert audio.sample_rate == 24_000
    assert audio.provider == "openai"
    assert audio.voice == "alloy"
    assert audio.duration == pytest.approx(0.06 * len("Tell me about a hard bug."), abs=0.01)
    [sent] = speech_server.requests
    assert sent.body == {
        "input": "Tell me about a hard bug.",
        "model": "gpt-4o-mini-tts",
        "voice": "alloy",
        "response_format": "wav",
    }


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        (ServerError(503), ProviderUnavailable),
        (Unauthorized(), ProviderAuthError),
        (RateLimited(retry_after="7"), ProviderRateLimited),
    ],
)
async def test_hosted_failures_become_provider_errors(
    hosted_stt: OpenAISpeechToText,
    speech_server: FakeSpeechServer,
    behaviour: ServerError | Unauthorized | RateLimited,
    error: type[Exception],
) -> None:
    speech_server.script(behaviour)
    with pytest.raises(error) as caught:
        await hosted_stt.transcribe(TranscriptionRequest(b"\0\0" * 1600))
    if isinstance(caught.value, ProviderRateLimited):
        assert caught.value.retry_after == 7.0


async def test_a_failing_hosted_engine_falls_back_to_the_offline_one(
    hosted_stt: OpenAISpeechToText, whisper: FasterWhisperSTT, speech_server: FakeSpeechServer, speak: Speak
) -> None:
    chain = SpeechToTextChain([hosted_stt, whisper])
    speech_server.script(ServerError(500), MalformedBody(), Hang(5.0))
    for _ in range(3):
        transcript = await chain.transcribe(
            TranscriptionRequest(speak("I enjoy mentoring junior developers."))
        )
        assert transcript.provider == "faster-whisper"
        assert "mentoring" in transcript.text.lower()
    assert len(speech_server.requests) == 3
    speech_server.script(Reply("Hosted again."))
    assert (await chain.transcribe(TranscriptionRequest(speak("Hosted again.")))).provider == "groq"


async def test_an_open_circuit_skips_the_hosted_engine(
    hosted_stt: OpenAISpeechToText, whisper: FasterWhisperSTT, speech_server: FakeSpeechServer, speak: Speak
) -> None:
    chain = SpeechToTextChain(
        [hosted_stt, whisper], breaker=BreakerPolicy(failure_threshold=2, cooldown_s=60)
    )
    speech_server.always(ServerError(500))
    for _ in range(4):
        await chain.transcribe(TranscriptionRequest(speak("Yes, I led that migration.")))
    assert len(speech_server.requests) == 2, "after two failures the hosted engine is not called"


async def test_speech_falls_back_piece_by_piece(
    hosted_tts: OpenAITextToSpeech, piper: PiperTTS, speech_server: FakeSpeechServer
) -> None:
    chain = TextToSpeechChain([hosted_tts, piper])
    speech_server.script(Reply("ok"), ServerError(502), Reply("ok"))
    text = "First sentence here. Second sentence here. Third sentence here."
    chunks = [c async for c in chain.stream(SpeechRequest(text))]
    assert [c.text for c in chunks] == [
        "First sentence here.",
        "Second sentence here.",
        "Third sentence here.",
    ]
    assert [c.provider for c in chunks] == ["openai", "piper", "openai"]
    assert [c.sample_rate for c in chunks] == [24_000, 22_050, 24_000]
    assert chain.voices == ("alloy", "en_US-joe-medium")


async def test_when_every_engine_fails_each_reason_is_kept(
    hosted_stt: OpenAISpeechToText, speech_server: FakeSpeechServer, tmp_path: Path
) -> None:
    pool = BlockingPool(1)
    try:
        offline = FasterWhisperSTT(WhisperOptions(model_dir=tmp_path / "missing"), pool)
        chain = SpeechToTextChain([hosted_stt, offline])
        speech_server.always(Unauthorized())
        status = chain.status()
        assert status.available, "a hosted engine counts as available until it fails"
        with pytest.raises(AllProvidersFailed) as caught:
            await chain.transcribe(TranscriptionRequest(b"\0\0" * 1600))
        kinds = [type(e) for e in caught.value.errors]
        assert kinds == [ProviderAuthError, SpeechUnavailable]
        assert "groq" in str(caught.value)
        assert "missing" in str(caught.value)
    finally:
        pool.close()
