"""Speech settings as an operator writes them in the environment or a .env file."""

from __future__ import annotations

from pathlib import Path

import pytest

from candor.core.config import Settings
from candor.speech.engines import SpeechEngines, turn_config


def test_defaults_are_offline_with_the_documented_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANDOR_SPEECH_WHISPER_MODEL_DIR", raising=False)
    settings = Settings(_env_file=None)
    assert settings.speech_offline is True
    assert settings.speech_stt_providers == []
    assert settings.speech_whisper_model_dir is None
    config = turn_config(settings)
    assert (config.silence_ms, config.trailing_fragment_extra_ms) == (1200, 1000)
    assert (config.min_speech_ms, config.barge_in_ms) == (200, 120)
    assert settings.speech_audio_retention_days == 30


def test_an_empty_path_means_unset_and_providers_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_SPEECH_WHISPER_MODEL_DIR", "")
    monkeypatch.setenv("CANDOR_SPEECH_PIPER_VOICE", "/voices/en.onnx")
    monkeypatch.setenv(
        "CANDOR_SPEECH_STT_PROVIDERS",
        '[{"name": "groq", "base_url": "https://api.groq.com/openai/v1", "api_key": "k", "model": "w"}]',
    )
    settings = Settings(_env_file=None)
    assert settings.speech_whisper_model_dir is None
    assert settings.speech_piper_voice == Path("/voices/en.onnx")
    [groq] = settings.speech_stt_providers
    assert groq.name == "groq"
    assert groq.key == "k"


async def test_engines_follow_the_settings() -> None:
    settings = Settings(
        _env_file=None,
        speech_stt_providers=[{"name": "groq", "base_url": "http://127.0.0.1:9/v1", "model": "whisper"}],
        speech_offline=False,
    )
    engines = SpeechEngines.from_settings(settings)
    try:
        assert [e.name for e in engines.stt.engines] == ["groq"]
        assert engines.tts.engines == ()
        assert engines.tts.status().available is False
        assert engines.tts.status().reason == "no engine is configured"
    finally:
        await engines.aclose()
