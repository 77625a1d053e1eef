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


class AssessedByView(BaseModel):
    engine: str = "built-in"
    provider: str | None = None
    model: str | None = None
    rechecked: int = 0
    note: str | None = None

    @property
    def summary(self) -> str:
        """One line on who scored the answers, for the reader to weigh the scores by."""
        if self.engine == "model":
            line = (
                f"Scored by {self.provider} ({self.model}) at temperature 0; every score quotes your answer"
            )
            if self.rechecked:
                line += f", and {self.rechecked} very low score{'s were' if self.rechecked > 1 else ' was'} "
                line += "re-read before it stood"
            return line + "."
        return self.note or "Scored by Candor's built-in assessor, from measures of your words."


class FeedbackView(BaseModel):
    overall: int
    rubric: dict[str, float] = Field(default_factory=dict)
    answers: list[AnswerView] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    weaknesses: list[str] = Field(default_factory=list)
    cv_improvements: list[str] = Field(default_factory=list)
    not_assessed: list[str] = Field(default_factory=list)
    assessed_by: AssessedByView = Field(default_factory=AssessedByView)
