"""The interviewer's voice: the built-in interviewer decides what to ask; a configured model, when there is
one, puts it into natural words as a stream. If every model fails, the built-in words are used, so an
interview never stops because a provider is down."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from candor.core.logging import log
from candor.documents.skills import could_start_skill, find_skills, named_skills
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
_OPENERS = "([{\"'“‘<"  # a skill's name may start after these, inside a word as split by spaces
_INSTRUCTIONS = {
    MessageKind.FOLLOW_UP: "a short follow-up on the candidate's last answer.",
    MessageKind.QUESTION: "a brief neutral transition, then the next question.",
    MessageKind.CLOSING: "thank the candidate and close the interview.",
}


def words(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text) or [text]


class SkillGuard:
    """Keeps a model's streamed words grounded: a skill that neither document, the decided question nor the
    candidate's answer names is never shown, not even in part. Text is shown as it arrives, except its last
    words while they could still become a skill's name ("Kuber", "Google Cloud"); before anything is
    shown it is checked for skills written as names (`named_skills`: "REST", not "the rest")."""

    HOLD_WORDS = 3  # the vocabulary's longest names are three words
    # After the first words, text is checked and shown in batches (the socket coalesces frames alike):
    # a check per chunk cost more CPU than the rest of the turn's streaming.
    BATCH_CHARS = 32
    BATCH_SECONDS = 0.05

    def __init__(self, known: frozenset[str]) -> None:
        self.known = known
        self.held = ""
        self.context = ""  # the last words shown, so a check sees a name that straddles the boundary
        self.stray: list[str] = []
        self.shown_at: float | None = None

    def feed(self, text: str, now: float = 0.0) -> str:
        """What may be shown now (`now`: a monotonic clock in seconds); "" once a stray skill is found (then
        `stray` names it)."""
        if self.stray:
            return ""
        self.held += text
        if (
            self.shown_at is not None
            and len(self.held) < self.BATCH_CHARS
            and now - self.shown_at < self.BATCH_SECONDS
        ):
            return ""
        keep = len(self.held)
        for word in list(re.finditer(r"\S+", self.held))[-self.HOLD_WORDS :]:
            start = word.start() + len(word.group()) - len(word.group().lstrip(_OPENERS))
            if could_start_skill(self.held[start:]):
                keep = word.start()
                break
        if not keep:
            return ""
        self.shown_at = now
        return self._release(keep)

    def finish(self) -> str:
        """The rest, once the stream has ended; "" if it names a stray skill."""
        return "" if self.stray else self._release(len(self.held))

    def _release(self, cut: int) -> str:
        released = self.held[:cut]
        self.stray = [s for s in named_skills(self.context + released) if s not in self.known]
        if self.stray:
            return ""
        self.held = self.held[cut:]
        self.context = "".join(words(self.context + released)[-self.HOLD_WORDS :])
        return released


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
    guard = SkillGuard(
        decision.known_skills | {*find_skills(decision.text), *find_skills(decision.answer_text)}
    )

    async def show(text: str) -> None:
        if text:
            said.append(text)
            await on_delta(text)

    clock = asyncio.get_running_loop().time
    stream = model.stream(request)
    try:
        async for event in stream:
            if isinstance(event, Chunk):
                await show(guard.feed(event.text, clock()))
                if guard.stray:
                    break
            elif isinstance(event, StreamEnd):
                provider = event.usage.provider
                calls.append(call_record(decision.kind.value, event.usage, prompt.version))
        await show(guard.finish())
    except AllProvidersFailed as exc:
        log.warning("all_providers_failed", error=str(exc), partial=bool(said))
        return await _built_in_after(decision, said, on_delta)
    finally:
        await _close(stream)
    if guard.stray:
        # The model named a skill neither document shows: its words stop before it, the built-in ones follow.
        log.warning("model_named_an_ungrounded_skill", skills=guard.stray, provider=provider)
        return await _built_in_after(decision, said, on_delta)
    text = "".join(said).strip()
    if not text:
        for piece in words(decision.text):
            await on_delta(piece)
        return decision.text, Spoken()
    return text, Spoken(provider=provider, prompt_version=prompt.version, calls=tuple(calls))


async def _built_in_after(decision: Decision, said: list[str], on_delta: OnDelta) -> tuple[str, Spoken]:
    """The built-in interviewer takes over. What the candidate already saw stays; the question follows."""
    bridge = "" if not said else (" " if not said[-1][-1:].isspace() else "") + "To put it plainly: "
    for piece in words(bridge + decision.text):
        await on_delta(piece)
    return "".join(said) + bridge + decision.text, Spoken()


async def _close(stream: object) -> None:
    """Close a stream left early, so its connection is released now rather than when it is collected."""
    if isinstance(stream, AsyncGenerator):
        await stream.aclose()
