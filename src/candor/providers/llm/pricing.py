"""What a model costs, in USD per million input and output tokens.

The defaults are list prices of a few well-known hosted models when this table was written; settings
override them per provider. Local servers (Ollama, vLLM, LM Studio) have no entry, so their cost is
unknown (None) rather than a made-up zero, unless the operator sets a price.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ModelPrice:
    input_per_mtok: float
    output_per_mtok: float

    def cost(self, tokens_in: int, tokens_out: int) -> float:
        return (tokens_in * self.input_per_mtok + tokens_out * self.output_per_mtok) / 1_000_000


DEFAULT_PRICES: Mapping[str, ModelPrice] = {
    # OpenAI
    "gpt-4o": ModelPrice(2.50, 10.00),
    "gpt-4o-mini": ModelPrice(0.15, 0.60),
    "gpt-4.1": ModelPrice(2.00, 8.00),
    "gpt-4.1-mini": ModelPrice(0.40, 1.60),
    "gpt-4.1-nano": ModelPrice(0.10, 0.40),
    # Groq
    "llama-3.1-8b-instant": ModelPrice(0.05, 0.08),
    "llama-3.3-70b-versatile": ModelPrice(0.59, 0.79),
}

# "gpt-4o-mini-2024-07-18" is priced as "gpt-4o-mini".
_DATED_SNAPSHOT = re.compile(r"-\d{4}-\d{2}-\d{2}$")


class PriceTable:
    """Model name to price. Overrides win over the defaults.

    Lookup tries the exact name, then without a router prefix ("openai/gpt-4o-mini" on OpenRouter), then
    without a dated snapshot suffix.
    """

    def __init__(self, overrides: Mapping[str, ModelPrice] | None = None, *, defaults: bool = True) -> None:
        self._prices: dict[str, ModelPrice] = dict(DEFAULT_PRICES) if defaults else {}
        self._prices.update(overrides or {})

    def lookup(self, model: str) -> ModelPrice | None:
        name = model.strip()
        candidates = [name]
        if "/" in name:
            candidates.append(name.rsplit("/", 1)[1])
        candidates += [_DATED_SNAPSHOT.sub("", c) for c in candidates]
        for candidate in candidates:
            if candidate in self._prices:
                return self._prices[candidate]
        return None

    def cost(self, model: str, tokens_in: int, tokens_out: int) -> float | None:
        price = self.lookup(model)
        return None if price is None else price.cost(tokens_in, tokens_out)


# Speech is billed by audio minutes heard and characters spoken. List prices when this was written; the
# offline engines cost nothing; anything else is unknown (None).
OFFLINE_SPEECH_ENGINES = frozenset({"faster-whisper", "piper", "espeak-ng"})
TRANSCRIPTION_PER_MINUTE: Mapping[str, float] = {
    "whisper-1": 0.006,
    "gpt-4o-transcribe": 0.006,
    "gpt-4o-mini-transcribe": 0.003,
    "whisper-large-v3": 0.111 / 60,
    "whisper-large-v3-turbo": 0.04 / 60,
    "distil-whisper-large-v3-en": 0.02 / 60,
}
SPEECH_PER_MILLION_CHARS: Mapping[str, float] = {"tts-1": 15.0, "tts-1-hd": 30.0}


def transcription_cost(provider: str, model: str, seconds: float) -> float | None:
    if provider in OFFLINE_SPEECH_ENGINES:
        return 0.0
    per_minute = TRANSCRIPTION_PER_MINUTE.get(model.rsplit("/", 1)[-1])
    return None if per_minute is None else round(per_minute * seconds / 60, 6)


def speech_cost(provider: str, model: str, characters: int) -> float | None:
    if provider in OFFLINE_SPEECH_ENGINES:
        return 0.0
    per_million = SPEECH_PER_MILLION_CHARS.get(model.rsplit("/", 1)[-1])
    return None if per_million is None else round(per_million * characters / 1_000_000, 6)
