"""The interviewer's data shapes: options, the plan, per-answer analysis and the final assessment.

All models are frozen pydantic models that serialise to plain JSON, so the interview service can store
them as they are and read them back with `model_validate`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Bump when planning, analysis or scoring change what they produce; stored with every plan and assessment.
ENGINE_VERSION = "offline-2026.11.1"

QuestionKind = Literal["behavioural", "technical", "situational", "motivation"]
Difficulty = Literal["junior", "mid", "senior", "lead"]
Stage = Literal["warmup", "depth", "gap", "behavioural", "motivation", "closing"]
Dimension = Literal["relevance", "depth", "structure", "communication", "role_fit"]

ALL_KINDS: tuple[QuestionKind, ...] = ("behavioural", "technical", "situational", "motivation")
STAGES: tuple[Stage, ...] = ("warmup", "depth", "gap", "behavioural", "motivation", "closing")
DIMENSIONS: tuple[Dimension, ...] = ("relevance", "depth", "structure", "communication", "role_fit")

# The competency of the closing "your questions for us" slot: asked, never scored.
CLOSING_COMPETENCY = "candidate_questions"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InterviewOptions(_Frozen):
    """How an interview is set up. The closing "your questions for us" slot counts inside `question_count`
    and is planned only when "motivation" is among `kinds`."""

    kinds: list[QuestionKind] = Field(default_factory=lambda: list(ALL_KINDS), min_length=1)
    difficulty: Difficulty | None = Field(
        default=None, description="None: taken from the position's seniority (unknown: mid)."
    )
    question_count: int = Field(default=8, ge=3, le=20)
    language: str = "en"
    answer_time_limit_seconds: int | None = Field(default=None, gt=0)
    max_follow_ups: int = Field(default=2, ge=0, le=3)
    store_audio: bool = Field(default=False, description="Keep spoken answers' audio (opt-in).")


class PlannedQuestion(_Frozen):
    id: str
    number: int = Field(ge=1)
    stage: Stage
    kind: QuestionKind
    competency: str
    text: str
    rationale: str = Field(description="Why this question was chosen; for reviewers, never shown as such.")
    cv_snippet: str | None = None
    job_snippet: str | None = None
    bank_id: str
    entities: list[str] = Field(default_factory=list, description="CV and position entities named in text.")


class InterviewPlan(_Frozen):
    questions: list[PlannedQuestion]
    difficulty: Difficulty
    bank_version: str
    engine_version: str = ENGINE_VERSION


class AnswerAnalysis(_Frozen):
    word_count: int = Field(ge=0)
    relevance: float = Field(ge=0, le=1)
    specificity: float = Field(ge=0, le=1)
    has_numbers: bool
    tools_named: list[str]
    star: dict[str, bool]
    ownership: float = Field(ge=0, le=1, description="Share of 'I' among 'I' and 'we'; 0.5 when neither.")
    missing: list[str] = Field(description="What a follow-up could ask for, most important first.")
    injection: str | None = Field(default=None, description="Why the answer looks like steering, if it does.")
    vague: bool


class AnswerScore(_Frozen):
    dimension: Dimension
    score: int = Field(ge=1, le=5)
    justification: str


class TurnRecord(_Frozen):
    question: str
    answer: str
    kind: QuestionKind | None = None
    competency: str | None = None
    follow_ups: list[tuple[str, str]] = Field(default_factory=list)
    reference_answer: str | None = None
    skipped: bool = False
    transcript_confidence: float | None = Field(
        default=None, ge=0, le=1, description="For a spoken answer: how sure speech-to-text was of its words."
    )
    low_confidence: bool = Field(
        default=False, description="Speech-to-text was unsure: the transcript may be inaccurate; not judged."
    )


class AnswerAssessment(_Frozen):
    question: str
    answer_excerpt: str
    scores: list[AnswerScore] = Field(description="Empty when the question was skipped or is not scored.")
    average: float = Field(ge=0, le=5, description="0 when not scored.")
    better_answer: str | None = None
    flags: list[str] = Field(default_factory=list)


class AssessedBy(_Frozen):
    """Who scored the answers: the built-in assessor, or a model (checked against the transcript).

    `note` says why a configured model's scores were not used, when they were not."""

    engine: Literal["built-in", "model"] = "built-in"
    provider: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    rechecked: int = Field(default=0, ge=0, description="Very low model scores re-read before they stood.")
    note: str | None = None


class Assessment(_Frozen):
    overall: int = Field(ge=1, le=10)
    rubric: dict[str, float]
    answers: list[AnswerAssessment]
    strengths: list[str]
    weaknesses: list[str]
    cv_improvements: list[str]
    integrity_flags: list[str]
    not_assessed: list[str]
    engine_version: str = ENGINE_VERSION
    assessed_by: AssessedBy = Field(default_factory=AssessedBy)
