"""The interviewer's voice: the built-in interviewer decides what to ask; a configured model, when there is
one, puts it into natural words as a stream. If every model fails, the built-in words are used, so an
interview never stops because a provider is down."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from candor.core.logging import log
from candor.interviews.models import MessageKind
from candor.interviews.turns import Decision, Spoken, call_record
from candor.prompts import load_prompt
from candor.providers.llm.base import (
    AllProvidersFailed,
    Chunk,
    CompletionRequest,
    LLMProvider,
    Message,
    StreamEnd,
)

OnDelta = Callable[[str], Awaitable[None]]
_INSTRUCTIONS = {
    MessageKind.FOLLOW_UP: "a short follow-up on the candidate's last answer.",
    MessageKind.QUESTION: "a brief neutral transition, then the next question.",
    MessageKind.CLOSING: "thank the candidate and close the interview.",
}


def words(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text) or [text]


async def speak(decision: Decision, model: LLMProvider | None, on_delta: OnDelta) -> tuple[str, Spoken]:
    """Say the decision, streaming pieces to `on_delta`; return the whole text and who said it."""
    if model is None or decision.kind == MessageKind.CLOSING:
        for piece in words(decision.text):
            await on_delta(piece)
        return decision.text, Spoken()
    prompt = load_prompt("interviewer_turn")
    request = CompletionRequest(
        messages=(
            Message(
                "system",
                prompt.render(
                    job_title=decision.job_title,
                    company=decision.company,
                    instruction=_INSTRUCTIONS[decision.kind],
                    decided=decision.text,
                    answer=decision.answer_text[:4000],
                ),
            ),
        ),
        temperature=0.3,
        max_tokens=200,
        prompt_version=prompt.version,
    )
    said: list[str] = []
    calls: list[dict[str, Any]] = []
    provider = model.name
    try:
        async for event in model.stream(request):
            if isinstance(event, Chunk):
                said.append(event.text)
                await on_delta(event.text)
            elif isinstance(event, StreamEnd):
                provider = event.usage.provider
                calls.append(call_record(decision.kind.value, event.usage, prompt.version))
    except AllProvidersFailed as exc:
        log.warning("all_providers_failed", error=str(exc), partial=bool(said))
        # The built-in interviewer takes over. What the candidate already saw stays; the question follows.
        bridge = "" if not said else " To put it plainly: "
        for piece in words(bridge + decision.text):
            await on_delta(piece)
        return "".join(said) + bridge + decision.text, Spoken()
    text = "".join(said).strip()
    if not text:
        for piece in words(decision.text):
            await on_delta(piece)
        return decision.text, Spoken()
    return text, Spoken(provider=provider, prompt_version=prompt.version, calls=tuple(calls))
