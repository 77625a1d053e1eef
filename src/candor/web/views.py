"""What the feedback page reads from a stored assessment: tolerant of fields added by later engines."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ScoreView(BaseModel):
    dimension: str
    score: int
    justification: str = ""


class AnswerView(BaseModel):
    question: str
    answer_excerpt: str = ""
    scores: list[ScoreView] = Field(default_factory=list)
    average: float = 0
    better_answer: str | None = None
    flags: list[str] = Field(default_factory=list)


class FeedbackView(BaseModel):
    overall: int
    rubric: dict[str, float] = Field(default_factory=dict)
    answers: list[AnswerView] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    weaknesses: list[str] = Field(default_factory=list)
    cv_improvements: list[str] = Field(default_factory=list)
    not_assessed: list[str] = Field(default_factory=list)
