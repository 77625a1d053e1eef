"""Building the chain from settings: `CANDOR_LLM_PROVIDERS` is a JSON list of `LLMProviderConfig`."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from candor.providers.llm import (
    CompletionRequest,
    LLMProviderConfig,
    Message,
    build_llm_chain,
)
from tests.fakes.openai_server import FakeOpenAIServer, Reply, ServerError
from tests.providers.conftest import fast_retry

CONFIGS = TypeAdapter(list[LLMProviderConfig])


def test_no_configured_provider_means_no_chain() -> None:
    assert build_llm_chain([]) is None


async def test_chain_from_json_settings_calls_providers_in_order(
    server_a: FakeOpenAIServer, server_b: FakeOpenAIServer
) -> None:
    server_a.always(ServerError(503))
    server_b.script(Reply("Hello.", tokens_in=1_000_000, tokens_out=1_000_000))
    raw = f"""[
        {{"name": "primary", "base_url": "{server_a.base_url}", "api_key": "sk-a", "model": "gpt-4o-mini",
          "timeout_seconds": 2}},
        {{"name": "local", "base_url": "{server_b.base_url}", "model": "llama3.2:3b",
          "input_price_per_mtok": 0.5, "output_price_per_mtok": 1.5}}
    ]"""
    configs = CONFIGS.validate_json(raw)
    assert "sk-a" not in repr(configs)

    chain = build_llm_chain(configs, retry=fast_retry())
    assert chain is not None
    try:
        assert [p.name for p in chain.providers] == ["primary", "local"]
        completion = await chain.complete(CompletionRequest(messages=(Message("user", "Hi"),)))
    finally:
        await chain.aclose()

    assert completion.usage.provider == "local"
    assert completion.usage.cost_usd == pytest.approx(2.0)
    assert server_a.requests[0].headers["authorization"] == "Bearer sk-a"
    assert server_b.requests[0].headers["authorization"] == "Bearer not-needed"


@pytest.mark.parametrize(
    "config",
    [
        {"name": "x", "base_url": "ftp://example.test", "model": "m"},
        {"name": "", "base_url": "http://127.0.0.1:1/v1", "model": "m"},
        {"name": "x", "base_url": "http://127.0.0.1:1/v1", "model": "m", "timeout_seconds": 0},
        {"name": "x", "base_url": "http://127.0.0.1:1/v1", "model": "m", "input_price_per_mtok": 1},
        {"name": "x", "base_url": "http://127.0.0.1:1/v1", "model": "m", "temperature": 1},
    ],
    ids=["scheme", "empty-name", "zero-timeout", "half-a-price", "unknown-key"],
)
def test_invalid_configs_are_rejected(config: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        LLMProviderConfig.model_validate(config)


def test_duplicate_names_are_rejected() -> None:
    config = LLMProviderConfig(name="same", base_url="http://127.0.0.1:1/v1", model="m")
    with pytest.raises(ValueError, match="unique"):
        build_llm_chain([config, config])
