"""What the interviewer decides to say, who said it, and what was said (shared by service and voice)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from candor.interviewer import ENGINE_VERSION, PlannedQuestion
from candor.interviews.models import InterviewMessage, InterviewState, MessageKind
from candor.providers.llm.base import Usage

ENGINE_PROMPT_VERSION = f"builtin-{ENGINE_VERSION}"


@dataclass(frozen=True)
class Reply:
    """What the interviewer said, and where the interview stands after it."""

    message: InterviewMessage | None
    question_number: int | None
    of: int
    is_follow_up: bool
    state: InterviewState


@dataclass(frozen=True)
class Decision:
    """What the interviewer will say next, in the built-in interviewer's words, and after which message."""

    kind: MessageKind
    text: str
    question: PlannedQuestion | None
    after_seq: int
    answer_text: str
    of: int
    job_title: str
    company: str
    # The skills the CV and the position name: all a model phrasing this may name besides the answer's.
    known_skills: frozenset[str] = frozenset()

    @property
    def is_follow_up(self) -> bool:
        return self.kind == MessageKind.FOLLOW_UP


@dataclass(frozen=True)
class Spoken:
    """Who put the interviewer's words together: the built-in interviewer, or a model (with its calls)."""

    provider: str = "builtin"
    prompt_version: str = ENGINE_PROMPT_VERSION
    calls: tuple[dict[str, Any], ...] = ()


def call_record(purpose: str, usage: Usage, prompt_version: str) -> dict[str, Any]:
    """One model call as `ModelCall` fields: what it was for, who answered, what it used and cost."""
    return {
        "purpose": purpose,
        "provider": usage.provider,
        "model": usage.model,
        "prompt_version": prompt_version,
        "tokens_in": usage.tokens_in,
        "tokens_out": usage.tokens_out,
        "latency_ms": usage.latency_ms,
        "cost_usd": usage.cost_usd,
    }
