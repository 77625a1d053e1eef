"""The new-interview form as the browser posts it without JavaScript: files, pasted text and options."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from candor.core.errors import InvalidInput, PayloadTooLarge
from candor.interviews.schemas import ALL_KINDS, InterviewOptionsIn

LANGUAGES = {"en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "nl": "Dutch"}
DIFFICULTIES = {
    "": "Match the job",
    "junior": "Junior",
    "mid": "Mid-level",
    "senior": "Senior",
    "lead": "Lead",
}
KIND_LABELS = {
    "behavioural": "Behavioural",
    "technical": "Technical",
    "situational": "Situational",
    "motivation": "Motivation",
}


@dataclass
class Upload:
    data: bytes
    filename: str


@dataclass
class NewInterviewForm:
    """What the candidate typed, kept to fill the form again when something is wrong."""

    cv_document_id: uuid.UUID | None = None
    job_document_id: uuid.UUID | None = None
    job_text: str = ""
    job_title: str = ""
    company: str = ""
    kinds: list[str] = field(default_factory=lambda: list(ALL_KINDS))
    difficulty: str = ""
    question_count: str = "8"
    language: str = "en"
    answer_time_limit_seconds: str = ""
    max_follow_ups: str = "2"

    @classmethod
    def from_form(cls, form: FormData) -> NewInterviewForm:
        def text(name: str, default: str = "") -> str:
            value = form.get(name)
            return value.strip() if isinstance(value, str) else default

        return cls(
            cv_document_id=_uuid(text("cv_document_id")),
            job_document_id=_uuid(text("job_document_id")),
            job_text=text("job_text"),
            job_title=text("job_title"),
            company=text("company"),
            kinds=[k for k in form.getlist("kinds") if isinstance(k, str)],
            difficulty=text("difficulty"),
            question_count=text("question_count", "8"),
            language=text("language", "en"),
            answer_time_limit_seconds=text("answer_time_limit_seconds"),
            max_follow_ups=text("max_follow_ups", "2"),
        )

    def options(self) -> InterviewOptionsIn:
        data: dict[str, Any] = {
            "kinds": self.kinds,
            "difficulty": self.difficulty or None,
            "question_count": self.question_count or "8",
            "language": self.language or "en",
            "answer_time_limit_seconds": self.answer_time_limit_seconds or None,
            "max_follow_ups": self.max_follow_ups or "2",
        }
        try:
            return InterviewOptionsIn.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(_options_message(exc)) from None


def _options_message(exc: ValidationError) -> str:
    field_name = str(exc.errors()[0]["loc"][0]) if exc.errors() and exc.errors()[0]["loc"] else ""
    return {
        "kinds": "Pick at least one kind of question.",
        "question_count": "Choose between 3 and 20 questions.",
        "answer_time_limit_seconds": "An answer time limit must be between 30 and 1800 seconds, or empty.",
        "max_follow_ups": "Follow-ups per question must be 0 to 3.",
        "difficulty": "Pick a difficulty from the list.",
        "language": "Pick a language from the list.",
    }.get(field_name, "Check the interview options and try again.")


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


async def read_file(form: FormData, name: str, max_bytes: int) -> Upload | None:
    """The named file, or None when the picker was left empty."""
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    data = await value.read(max_bytes + 1)
    if len(data) > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise PayloadTooLarge(f"The file is larger than {limit} MB. Upload a smaller one.")
    return Upload(data, value.filename)
