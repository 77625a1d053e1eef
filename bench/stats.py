"""Percentiles and the few summaries the bench reports."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    """Latencies in milliseconds."""

    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, millis: Sequence[float]) -> Summary:
        return cls(
            count=len(millis),
            p50=percentile(millis, 50),
            p95=percentile(millis, 95),
            p99=percentile(millis, 99),
            max=max(millis) if millis else math.nan,
        )


def ratio(value: float, baseline: float) -> str:
    if baseline <= 0 or math.isnan(baseline) or math.isnan(value):
        return "n/a"
    return f"{value / baseline:.1f}×"
