"""Language-model providers: the Protocol, an OpenAI-compatible adapter, the fallback chain, JSON output."""

from candor.providers.llm.base import (
    AllProvidersFailed,
    Chunk,
    CircuitOpen,
    Completion,
    CompletionRequest,
    LLMProvider,
    Message,
    ProviderAuthError,
    ProviderBadResponse,
    ProviderError,
    ProviderRateLimited,
    ProviderRequestRejected,
    ProviderTimeout,
    ProviderUnavailable,
    StreamEnd,
    StreamEvent,
    Usage,
)
from candor.providers.llm.chain import BreakerPolicy, CircuitState, ProviderChain, RetryPolicy
from candor.providers.llm.factory import LLMProviderConfig, build_llm_chain, build_provider
from candor.providers.llm.openai_compat import OpenAICompatibleProvider
from candor.providers.llm.pricing import DEFAULT_PRICES, ModelPrice, PriceTable
from candor.providers.llm.structured import complete_structured

__all__ = [
    "DEFAULT_PRICES",
    "AllProvidersFailed",
    "BreakerPolicy",
    "Chunk",
    "CircuitOpen",
    "CircuitState",
    "Completion",
    "CompletionRequest",
    "LLMProvider",
    "LLMProviderConfig",
    "Message",
    "ModelPrice",
    "OpenAICompatibleProvider",
    "PriceTable",
    "ProviderAuthError",
    "ProviderBadResponse",
    "ProviderChain",
    "ProviderError",
    "ProviderRateLimited",
    "ProviderRequestRejected",
    "ProviderTimeout",
    "ProviderUnavailable",
    "RetryPolicy",
    "StreamEnd",
    "StreamEvent",
    "Usage",
    "build_llm_chain",
    "build_provider",
    "complete_structured",
]
