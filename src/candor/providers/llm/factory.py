"""Build the provider chain from settings (`CANDOR_LLM_PROVIDERS`, a JSON list of `LLMProviderConfig`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from candor.providers.llm.chain import BreakerPolicy, ProviderChain, RetryPolicy
from candor.providers.llm.openai_compat import OpenAICompatibleProvider
from candor.providers.llm.pricing import ModelPrice, PriceTable


class LLMProviderConfig(BaseModel):
    """One OpenAI-compatible endpoint, e.g.
    `{"name": "groq", "base_url": "https://api.groq.com/openai/v1", "api_key": "...",
    "model": "llama-3.1-8b-instant"}`. Prices are USD per million tokens; set both or neither (then the
    built-in table is used, and an unknown model's cost is recorded as unknown).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    base_url: str = Field(pattern=r"^https?://")
    api_key: SecretStr | None = None
    model: str = Field(min_length=1)
    timeout_seconds: float = Field(default=30.0, gt=0)
    input_price_per_mtok: float | None = Field(default=None, ge=0)
    output_price_per_mtok: float | None = Field(default=None, ge=0)
    stream_usage: bool = Field(
        default=True, description="Send stream_options.include_usage; turn off for servers that reject it."
    )

    @model_validator(mode="after")
    def _prices_together(self) -> Self:
        if (self.input_price_per_mtok is None) != (self.output_price_per_mtok is None):
            raise ValueError("set both input_price_per_mtok and output_price_per_mtok, or neither")
        return self

    @property
    def price(self) -> ModelPrice | None:
        if self.input_price_per_mtok is None or self.output_price_per_mtok is None:
            return None
        return ModelPrice(self.input_price_per_mtok, self.output_price_per_mtok)


def build_provider(config: LLMProviderConfig) -> OpenAICompatibleProvider:
    price = config.price
    prices = PriceTable({config.model: price}) if price is not None else PriceTable()
    return OpenAICompatibleProvider(
        config.name,
        base_url=config.base_url,
        model=config.model,
        api_key=config.api_key.get_secret_value() if config.api_key is not None else None,
        timeout_s=config.timeout_seconds,
        prices=prices,
        stream_usage=config.stream_usage,
    )


def build_llm_chain(
    configs: Sequence[LLMProviderConfig],
    *,
    retry: RetryPolicy | None = None,
    breaker: BreakerPolicy | None = None,
    timeout_s: float | None = None,
) -> ProviderChain | None:
    """The chain in the configured order, or None when no provider is configured (offline interviewer only).

    The chain's per-attempt limit defaults to the longest provider timeout plus a second, so each
    provider's own (HTTP) timeout fires first and reports which phase stalled.
    """
    if not configs:
        return None
    providers = [build_provider(c) for c in configs]
    limit = timeout_s if timeout_s is not None else max(c.timeout_seconds for c in configs) + 1.0
    return ProviderChain(providers, timeout_s=limit, retry=retry, breaker=breaker)


@asynccontextmanager
async def open_llm_chain(configs: Sequence[LLMProviderConfig]) -> AsyncIterator[ProviderChain | None]:
    """`build_llm_chain` for one piece of work (a command, a worker task): its connections are closed when
    the work ends."""
    chain = build_llm_chain(configs)
    try:
        yield chain
    finally:
        if chain is not None:
            await chain.aclose()
