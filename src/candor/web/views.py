"""What the feedback page reads from a stored assessment: tolerant of fields added by later engines."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ScoreView(BaseModel):
    dimension: str
    score: int
    justification: str = ""


_UNSCORED = {
    "skipped": "Not scored: you skipped this question.",
    "not_scored": "Not scored: your questions for the interviewer are for you to learn about the role, "
    "not part of the score.",
    "low_confidence_transcript": "Not scored: speech-to-text was unsure of your words, so the transcript "
    "may be inaccurate.",
}
_NOTES = {
    "vague": "The answer stayed general.",
    "injection": "Part of the answer tried to steer the interviewer; only the rest was scored.",
}


class AnswerView(BaseModel):
    question: str
    answer_excerpt: str = ""
    scores: list[ScoreView] = Field(default_factory=list)
    average: float = 0
    better_answer: str | None = None
    flags: list[str] = Field(default_factory=list)

    @property
    def why_not_scored(self) -> str:
        """Why an answer without scores has none, in words."""
        for flag in self.flags:
            if flag in _UNSCORED:
                return _UNSCORED[flag]
            if flag.startswith("not_scored: "):
                return f"Not scored: {flag.removeprefix('not_scored: ')}."
        return "Not scored."

    @property
    def notes(self) -> list[str]:
        """What else the assessor noticed about a scored answer, in words."""
        known = {*_UNSCORED, *_NOTES}
        return [_NOTES.get(f, f) for f in self.flags if f in _NOTES or (f not in known and ":" not in f)]


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
