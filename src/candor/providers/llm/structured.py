"""Completions that must parse as a Pydantic model, with one chance to repair a malformed answer."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from candor.providers.llm.base import (
    CompletionRequest,
    LLMProvider,
    Message,
    ProviderBadResponse,
    Usage,
)

T = TypeVar("T", bound=BaseModel)

REPAIR_PROMPT_VERSION = "json-repair-v1"
REPAIR_INSTRUCTION = (
    "That reply is not valid for the requested JSON format:\n{errors}\n"
    "Reply again with the corrected JSON object only: no explanation, no code fences."
)

_FENCE = re.compile(r"^\s*```[A-Za-z0-9_-]*\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


async def complete_structured(
    provider: LLMProvider,
    request: CompletionRequest,
    model: type[T],
    *,
    context: dict[str, Any] | None = None,
) -> tuple[T, list[Usage]]:
    """Ask in JSON mode and validate against `model`; on failure, send the errors back once.

    `context` reaches the model's validators (pydantic's validation context), for checks that need more
    than the reply: that a quote is copied from the text it quotes, say.

    Returns the parsed object and the usage of every call made (one or two). Raises `InvalidReply` (a
    `ProviderBadResponse`) when the repaired answer is still invalid, and any `ProviderError` the provider
    raises. In JSON mode
    some servers (OpenAI among them) insist that the prompt itself mention JSON: the caller's prompt does.
    """
    request = replace(request, json_mode=True)
    first = await provider.complete(request)
    usages = [first.usage]
    try:
        return parse_json_reply(first.text, model, context), usages
    except ValidationError as exc:
        errors = _describe(exc)

    repair = replace(
        request,
        messages=(
            *request.messages,
            Message("assistant", first.text),
            Message("user", REPAIR_INSTRUCTION.format(errors=errors)),
        ),
    )
    second = await provider.complete(repair)
    usages.append(second.usage)
    try:
        return parse_json_reply(second.text, model, context), usages
    except ValidationError as exc:
        raise InvalidReply(
            f"invalid {model.__name__} after one repair: {_describe(exc)}",
            provider=second.usage.provider,
            usages=usages,
        ) from exc


class InvalidReply(ProviderBadResponse):
    """The reply was still invalid after its repair. `usages`: what the two calls cost, to be recorded."""

    def __init__(self, message: str, *, provider: str, usages: list[Usage]) -> None:
        super().__init__(message, provider=provider)
        self.usages = usages


def parse_json_reply(text: str, model: type[T], context: dict[str, Any] | None = None) -> T:
    """Validate a model's reply, tolerating a ```json fence around it. Raises `ValidationError`."""
    match = _FENCE.match(text)
    return model.model_validate_json(match.group(1) if match else text.strip(), context=context)


def _describe(error: ValidationError, limit: int = 10) -> str:
    lines = []
    for item in error.errors(include_url=False)[:limit]:
        where = ".".join(str(part) for part in item["loc"]) or "(root)"
        lines.append(f"- {where}: {item['msg']}")
    return "\n".join(lines)
