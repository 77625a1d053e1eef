"""A candidate's default interview options, kept in the account's `preferences` and used to pre-fill the
new-interview form. Stored under one key, so other preferences can live beside them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from candor.accounts.models import User
from candor.interviews.schemas import ALL_KINDS, Difficulty, QuestionKind
from candor.web.forms import LANGUAGES

KEY = "interview_defaults"


class InterviewDefaults(BaseModel):
    model_config = ConfigDict(extra="ignore")

    kinds: list[QuestionKind] = Field(default_factory=lambda: list(ALL_KINDS), min_length=1)
    difficulty: Difficulty | None = None
    question_count: int = Field(default=8, ge=3, le=20)
    language: str = "en"

    @field_validator("language")
    @classmethod
    def known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError("not a language the interviewer speaks")
        return value


def interview_defaults(user: User) -> InterviewDefaults:
    """The user's saved defaults; the built-in ones when none are saved or they no longer validate."""
    saved = (user.preferences or {}).get(KEY)
    try:
        return InterviewDefaults.model_validate(saved) if isinstance(saved, dict) else InterviewDefaults()
    except ValidationError:
        return InterviewDefaults()


def defaults_message(exc: ValidationError) -> str:
    """The first problem, in words."""
    first = exc.errors()[0] if exc.errors() else None
    where = str(first["loc"][0]) if first and first["loc"] else ""
    return {
        "kinds": "Pick at least one kind of question.",
        "question_count": "Choose between 3 and 20 questions.",
        "difficulty": "Pick a difficulty from the list.",
        "language": "Pick a language from the list.",
    }.get(where, "Check the options and try again.")
