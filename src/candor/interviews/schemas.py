"""Interview request and response shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from candor.interviews.models import InterviewState, JobState, MessageKind, MessageRole

QuestionKind = Literal["behavioural", "technical", "situational", "motivation"]
Difficulty = Literal["junior", "mid", "senior", "lead"]
ALL_KINDS: tuple[QuestionKind, ...] = ("behavioural", "technical", "situational", "motivation")


class InterviewOptionsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kinds: list[QuestionKind] = Field(default_factory=lambda: list(ALL_KINDS), min_length=1)
    difficulty: Difficulty | None = Field(default=None, description="Default: from the job's seniority.")
    question_count: int = Field(default=8, ge=3, le=20, description="Main questions, 3 to 20.")
    language: str = Field(
        default="en",
        min_length=2,
        max_length=10,
        description="Interview language. Only English ('en', 'en-GB', ...) for now.",
    )
    answer_time_limit_seconds: int | None = Field(default=None, ge=30, le=1800)
    max_follow_ups: int = Field(default=2, ge=0, le=3)
    store_audio: bool = Field(default=False, description="Keep the audio of spoken answers (opt-in).")

    @field_validator("language")
    @classmethod
    def english_only(cls, value: str) -> str:
        # The built-in interviewer's analysis and scoring read English; a model cannot fix that.
        if value.lower().split("-")[0] != "en":
            raise ValueError(
                "only English interviews are supported for now (language 'en'); the built-in interviewer's "
                "answer analysis and scoring read English"
            )
        return value


class InterviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cv_document_id: uuid.UUID
    job_document_id: uuid.UUID | None = None
    job_text: str | None = Field(default=None, max_length=100_000, description="Pasted job description.")
    job_title: str | None = Field(default=None, min_length=1, max_length=200)
    company: str | None = Field(default=None, min_length=1, max_length=200)
    options: InterviewOptionsIn = Field(default_factory=InterviewOptionsIn)

    @model_validator(mode="after")
    def one_job_source(self) -> InterviewCreate:
        if (self.job_document_id is None) == (self.job_text is None):
            raise ValueError("give exactly one of job_document_id or job_text")
        return self


class InterviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    state: InterviewState
    job_title: str
    company: str
    cv_document_id: uuid.UUID | None
    job_document_id: uuid.UUID | None
    options: dict[str, Any]
    question_count: int
    current_question: int
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    overall_score: int | None = None


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    role: MessageRole
    kind: MessageKind
    question_number: int | None
    text: str
    client_msg_id: str | None
    created_at: datetime
    prompt_version: str | None
    provider: str | None
    speech: dict[str, Any] | None = Field(
        default=None,
        description="For a spoken answer: model, provider, confidence, low_confidence, duration_s, edited.",
    )


class Transcript(BaseModel):
    interview_id: uuid.UUID
    state: InterviewState
    messages: list[MessageRead]


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_msg_id: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=20_000)


class ControlIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["repeat", "clarify", "skip", "end"]


class InterviewerReply(BaseModel):
    """What the interviewer says next: the acknowledgement, then its message (or the closing)."""

    ack: str | None
    message: MessageRead | None
    question_number: int | None
    of: int
    is_follow_up: bool
    state: InterviewState
    duplicate: bool = False


class UsageRead(BaseModel):
    calls: int
    tokens_in: int
    tokens_out: int
    cost_usd: float | None
    by_provider: dict[str, int]
    latency_ms_total: float
    audio_seconds: float = Field(description="Speech heard by speech-to-text.")
    characters: int = Field(description="Characters spoken by text-to-speech.")


class AssessmentRead(BaseModel):
    interview_id: uuid.UUID
    state: JobState
    attempts: int
    result: dict[str, Any] | None
    engine_version: str | None = Field(
        default=None, description="The assessor and prompt versions that wrote the result."
    )
    error: str | None
    updated_at: datetime
