"""The assessment of a whole interview: the built-in assessor, and a model's assessment with Candor's checks.

Transcripts: the strong and the vague simulated candidates (`candor.interviewer.personas`) over the three
sample pairs of `tests/interviewer`, 8 questions each: six transcripts. The model is the fake
OpenAI-compatible server in a process of its own, grading at once with `tests/fakes/assessor.fair`
(valid JSON that quotes the answer). Timed, per transcript, warm:

- built-in: `assess(turns, cv, job)`;
- with the model: `assess_transcript(turns, cv, job, chain)` (the built-in scoring, one JSON-mode call per
  scored answer, four at a time, and the checks);
- the provider alone: the same requests (captured from Candor's own calls), sent straight to the fake with
  httpx, four at a time: what the model's calls cost without Candor around them.

`python -m bench.assessment fake-provider` runs the grading fake on its own (the bench starts it that way).
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bench.interviews import PLANNING_PAIRS, DocumentKind, _parse, fake_provider
from bench.stats import Summary
from candor.documents.schemas import CVParse, JobParse
from candor.interviewer import InterviewOptions, TurnRecord, assess
from candor.interviewer.personas import PERSONAS, simulate_interview
from candor.interviews.judge import CONCURRENT_CALLS, assess_transcript
from candor.providers.llm.factory import LLMProviderConfig, build_llm_chain

WARMUP = 3
RUNS = 10  # per transcript: 60 timed assessments per engine
QUESTIONS = 8


@dataclass(frozen=True)
class AssessmentBench:
    transcripts: int
    answers_scored: int
    built_in: Summary
    with_model: Summary
    provider_alone: Summary
    model_calls_per_assessment: float


def _transcripts() -> list[tuple[list[TurnRecord], CVParse, JobParse]]:
    out = []
    for cv_file, job_file in PLANNING_PAIRS:
        cv = CVParse.model_validate(_parse("cvs", cv_file, DocumentKind.CV))
        job = JobParse.model_validate(_parse("jobs", job_file, DocumentKind.JOB))
        for persona in ("strong", "vague"):
            done = simulate_interview(PERSONAS[persona], cv, job, InterviewOptions(question_count=QUESTIONS))
            out.append((done.turns, cv, job))
    return out


async def _measure(base_url: str) -> AssessmentBench:
    transcripts = _transcripts()
    config = LLMProviderConfig(name="fake", base_url=base_url, model="fake-model", api_key="x")
    chain = build_llm_chain([config])
    assert chain is not None
    built_in: list[float] = []
    with_model: list[float] = []
    alone: list[float] = []
    calls = 0
    limit = asyncio.Semaphore(CONCURRENT_CALLS)
    async with httpx.AsyncClient(base_url=base_url, timeout=30, trust_env=False) as client:

        async def send(body: dict[str, Any]) -> None:
            async with limit:
                response = await client.post("/chat/completions", json=body)
                response.raise_for_status()

        try:
            for run in range(WARMUP + RUNS):
                for turns, cv, job in transcripts:
                    started = time.perf_counter()
                    assess(turns, cv, job)
                    built = (time.perf_counter() - started) * 1000

                    started = time.perf_counter()
                    assessed = await assess_transcript(turns, cv, job, chain)
                    modelled = (time.perf_counter() - started) * 1000
                    assert assessed.assessment.assessed_by.engine == "model", assessed.assessment.assessed_by

                    bodies = await _captured(base_url, len(assessed.calls))
                    started = time.perf_counter()
                    await asyncio.gather(*(send(b) for b in bodies))
                    direct = (time.perf_counter() - started) * 1000
                    if run >= WARMUP:
                        built_in.append(built)
                        with_model.append(modelled)
                        alone.append(direct)
                        calls += len(assessed.calls)
        finally:
            await chain.aclose()
    scored = sum(1 for turns, _, _ in transcripts for t in turns if t.answer and not t.skipped)
    return AssessmentBench(
        transcripts=len(transcripts),
        answers_scored=scored,
        built_in=Summary.of(built_in),
        with_model=Summary.of(with_model),
        provider_alone=Summary.of(alone),
        model_calls_per_assessment=calls / len(with_model),
    )


async def _captured(base_url: str, count: int) -> list[dict[str, Any]]:
    """The request bodies of Candor's last `count` calls, as the fake recorded them."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10, trust_env=False) as client:
        response = await client.get("/_fake/requests", params={"last": count})
        response.raise_for_status()
        bodies: list[dict[str, Any]] = response.json()
        return bodies


def run() -> AssessmentBench:
    with fake_provider("bench.assessment") as (base_url, _):
        return asyncio.run(_measure(base_url))


def markdown(bench: AssessmentBench) -> list[str]:
    overhead_p50 = bench.with_model.p50 - bench.provider_alone.p50
    overhead_p95 = bench.with_model.p95 - bench.provider_alone.p95
    return [
        f"{bench.transcripts} transcripts of {QUESTIONS} questions (the strong and the vague simulated "
        "candidates on the three sample pairs of `tests/interviewer`), each assessed "
        f"{RUNS} times after {WARMUP} warm-up runs. With the model: `assess_transcript` against the fake "
        "OpenAI-compatible server in a process of its own, grading at once with valid JSON that quotes "
        f"the answer ({bench.model_calls_per_assessment:.1f} calls per assessment, "
        f"{CONCURRENT_CALLS} at a time). "
        "Provider alone: the same request bodies sent straight to the fake with httpx, "
        f"{CONCURRENT_CALLS} at a time, in the same run.",
        "",
        "| Assessment of one interview | n | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {name} | {s.count} | {s.p50:.1f} | {s.p95:.1f} | {s.p99:.1f} | {s.max:.1f} |"
            for name, s in (
                ("Built-in assessor", bench.built_in),
                ("With the model (built-in scoring + calls + checks)", bench.with_model),
                ("Provider alone (the same calls)", bench.provider_alone),
            )
        ),
        "",
        f"Candor's own time around the model's calls (with the model minus provider alone): p50 "
        f"{overhead_p50:.1f} ms, p95 {overhead_p95:.1f} ms, of which the built-in scoring it starts from is "
        f"p50 {bench.built_in.p50:.1f} ms. A real model takes seconds per call; this is what Candor adds.",
    ]


def _serve_fake_provider() -> None:
    from tests.fakes.assessor import fair, grading
    from tests.fakes.openai_server import FakeOpenAIServer

    with FakeOpenAIServer(default=grading(fair)) as server:
        sys.stdout.write(f"{server.port}\n")
        sys.stdout.flush()
        sys.stdin.read()  # until the bench closes our stdin


def main() -> None:
    if sys.argv[1:] == ["fake-provider"]:
        _serve_fake_provider()
        return
    sys.stdout.write("\n".join(markdown(run())) + "\n")


if __name__ == "__main__":
    main()
