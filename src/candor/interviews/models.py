"""An interview, its transcript, its integrity signals, its model calls, and its assessment."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from candor.core.db import Base, IdMixin, TimestampMixin, utcnow


class InterviewState(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"
    CANCELLED = "cancelled"


# Which states each state may move to. Anything else is a 409 naming the current state.
TRANSITIONS: dict[InterviewState, frozenset[InterviewState]] = {
    InterviewState.DRAFT: frozenset({InterviewState.READY, InterviewState.CANCELLED}),
    InterviewState.READY: frozenset({InterviewState.IN_PROGRESS, InterviewState.CANCELLED}),
    InterviewState.IN_PROGRESS: frozenset(
        {InterviewState.COMPLETED, InterviewState.ABANDONED, InterviewState.CANCELLED}
    ),
    InterviewState.COMPLETED: frozenset(),
    InterviewState.ABANDONED: frozenset(),
    InterviewState.CANCELLED: frozenset(),
}


class Interview(IdMixin, TimestampMixin, Base):
    __tablename__ = "interviews"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cv_document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    job_document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    # The parses as they were when the interview was created: later edits do not rewrite history.
    cv_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    job_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    job_title: Mapped[str] = mapped_column(String(200))
    company: Mapped[str] = mapped_column(String(200))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[InterviewState] = mapped_column(String(20), default=InterviewState.DRAFT)
    plan: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # Where the conversation stands: the main question being asked, and follow-ups asked on it.
    question_index: Mapped[int] = mapped_column(default=0)
    follow_ups_asked: Mapped[int] = mapped_column(default=0)
    # The last acknowledgement sent, so the next one is never the same.
    last_ack: Mapped[str | None] = mapped_column(String(300), default=None)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

    messages: Mapped[list[InterviewMessage]] = relationship(
        back_populates="interview",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="InterviewMessage.seq",
    )

    def can_move_to(self, target: InterviewState) -> bool:
        return target in TRANSITIONS[InterviewState(self.state)]

    @property
    def finished(self) -> bool:
        return not TRANSITIONS[InterviewState(self.state)]


class MessageRole(StrEnum):
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"


class MessageKind(StrEnum):
    OPENING = "opening"
    QUESTION = "question"
    FOLLOW_UP = "follow_up"
    CLARIFICATION = "clarification"
    REPEAT = "repeat"
    ANSWER = "answer"
    SKIP = "skip"
    CLOSING = "closing"


class InterviewMessage(IdMixin, Base):
    """One line of the transcript. Candidate answers carry the client's message id, stored once."""

    __tablename__ = "interview_messages"
    __table_args__ = (
        UniqueConstraint("interview_id", "seq"),
        UniqueConstraint("interview_id", "client_msg_id"),
    )

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[MessageRole] = mapped_column(String(20))
    kind: Mapped[MessageKind] = mapped_column(String(20))
    question_number: Mapped[int | None] = mapped_column(default=None)
    text: Mapped[str] = mapped_column(Text)
    client_msg_id: Mapped[str | None] = mapped_column(String(100), default=None)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    prompt_version: Mapped[str | None] = mapped_column(String(60), default=None)
    provider: Mapped[str | None] = mapped_column(String(60), default=None)
    # For a spoken answer: how it was heard (model, confidence, low_confidence, duration_s, recording_id).
    speech: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    interview: Mapped[Interview] = relationship(back_populates="messages", lazy="raise")


class IntegrityEvent(IdMixin, Base):
    """What the candidate's browser reported while answering: typing, pastes, focus changes."""

    __tablename__ = "integrity_events"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    question_number: Mapped[int | None] = mapped_column(default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModelCall(IdMixin, Base):
    """One call to a language model: who answered, how much it used, how long it took, what it cost."""

    __tablename__ = "model_calls"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(40))
    provider: Mapped[str] = mapped_column(String(60))
    model: Mapped[str] = mapped_column(String(120))
    prompt_version: Mapped[str | None] = mapped_column(String(60), default=None)
    tokens_in: Mapped[int] = mapped_column(default=0)
    tokens_out: Mapped[int] = mapped_column(default=0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    cost_usd: Mapped[float | None] = mapped_column(Float, default=None)
    # Speech services are billed by audio seconds heard and characters spoken, not tokens.
    audio_seconds: Mapped[float | None] = mapped_column(Float, default=None)
    characters: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AudioRecording(IdMixin, Base):
    """A spoken answer's audio, kept only when the candidate opted in, deleted after the retention period.

    The bytes live in the blob store (content-addressed, like uploads); this row is their metadata."""

    __tablename__ = "audio_recordings"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    client_msg_id: Mapped[str | None] = mapped_column(String(100), default=None)
    blob_key: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(20))
    sample_rate: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float] = mapped_column(Float)
    size_bytes: Mapped[int] = mapped_column(Integer)
    model: Mapped[str | None] = mapped_column(String(120), default=None)
    confidence: Mapped[float | None] = mapped_column(Float, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class JobState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class AssessmentRecord(IdMixin, TimestampMixin, Base):
    """The one assessment of an interview, produced by a background job whose state lives here."""

    __tablename__ = "assessments"

    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("interviews.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[JobState] = mapped_column(String(20), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    engine_version: Mapped[str | None] = mapped_column(String(60), default=None)
