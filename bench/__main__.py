"""Run every benchmark and write docs/benchmarks.md (overwritten each run)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from bench import assessment, cv, interviews, load_me, machine, speech, voice_live
from bench.cv import ACCURACY_BARS, FileTiming
from bench.interviews import InterviewBench, LiveRun
from bench.load_me import DatabaseRun
from bench.stats import Summary, ratio
from candor.documents.accuracy import AccuracyReport

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
OUTPUT = ROOT / "docs" / "benchmarks.md"
ME_REQUESTS = 5000
PARSE_TARGET_MS = 100.0
ME_TARGET_MS = 25.0
TWO_PAGE_PDF = "resumematcher_bruce_wayne_fullstack.pdf"
# Targets for live interviews: Candor's own time to the first token (p95) at 100 and at 500 interviews.
OVERHEAD_TARGETS_MS = {100: 20.0, 500: 50.0}
ACK_TARGET_MS = 100.0
TWO_WORKERS_CONCURRENCY = 500
PLANNING_TARGET_MS = 200.0


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def _machine_section() -> list[str]:
    lines = ["| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in machine.describe()]
    return lines


def _parsing_section(timings: list[FileTiming]) -> list[str]:
    lines = [
        "`parse_document(data, fmt, DocumentKind.CV, max_pages=20)`: extraction and the CV parser, "
        f"in-process and warm ({cv.WARMUP_RUNS} warm-up runs, then {cv.TIMED_RUNS} timed runs per file). "
        "Baseline: the bare library reading the same bytes (pypdfium2 `PdfDocument` then "
        "`get_textpage().get_text_range()` per page; python-docx paragraphs; `bytes.decode` for text).",
        "",
        "| File | Pages | KiB | Parse p50 ms | Parse p95 ms | Baseline p50 ms | Baseline p95 ms "
        "| Ratio (p50) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        pages = "-" if t.pages is None else str(t.pages)
        # Plain text has no extraction to speak of; a ratio against decoding a few bytes means nothing.
        versus = ratio(t.parse.p50, t.baseline.p50) if t.baseline.p50 >= 0.05 else "n/a"
        lines.append(
            f"| {t.name} | {pages} | {t.size_kib:.0f} | {t.parse.p50:.1f} | {t.parse.p95:.1f} "
            f"| {t.baseline.p50:.2f} | {t.baseline.p95:.2f} | {versus} |"
        )
    two_page = next((t for t in timings if t.name == TWO_PAGE_PDF), None)
    if two_page is not None:
        met = "met" if two_page.parse.p95 <= PARSE_TARGET_MS else "**missed**"
        lines += [
            "",
            f"Target: p95 ≤ {PARSE_TARGET_MS:.0f} ms for a 2-page PDF. `{TWO_PAGE_PDF}` "
            f"({two_page.pages} pages): p95 {two_page.parse.p95:.1f} ms, target {met}.",
        ]
    return lines


def _accuracy_section(report: AccuracyReport) -> list[str]:
    lines = [
        "`candor.documents.accuracy.evaluate(tests/fixtures)` against `tests/fixtures/cvs/expected.json` "
        "(1.00 is a perfect score; skills, employers, titles and institutions are F1).",
        "",
        "```",
        report.table(),
        "```",
        "",
        "| Field | Mean | Bar | |",
        "|---|---:|---:|---|",
    ]
    for field, score in report.aggregate.items():
        bar = ACCURACY_BARS.get(field)
        if bar is None:
            lines.append(f"| {field} | {score:.2f} | - | no bar |")
        else:
            lines.append(f"| {field} | {score:.2f} | {bar:.2f} | {'met' if score >= bar else '**missed**'} |")
    return lines


def _load_section(run: DatabaseRun) -> list[str]:
    lines = [
        f"#### {run.database}",
        "",
        "| Endpoint | Clients | Requests | p50 ms | p95 ms | p99 ms | max ms | req/s | p95 vs baseline "
        "| Server CPU ms/req | Client CPU share | Errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    baselines = {r.concurrency: r for r in run.results if r.target == load_me.TARGETS[0]}
    for r in run.results:
        base = baselines[r.concurrency]
        lines.append(
            f"| {r.target.label} | {r.concurrency} | {r.latency.count} | {r.latency.p50:.1f} "
            f"| {r.latency.p95:.1f} | {r.latency.p99:.1f} | {r.latency.max:.1f} | {r.throughput:.0f} "
            f"| {ratio(r.latency.p95, base.latency.p95)} | {r.server_cpu_ms:.2f} | {r.client_cpu_share:.0%} "
            f"| {r.errors} |"
        )
    me = next(r for r in run.results if r.target.path == load_me.ME_PATH and r.concurrency == 50)
    met = "met" if me.latency.p95 <= ME_TARGET_MS else "**missed**"
    # Little's law for a closed loop: mean latency = clients / throughput. A p95 under the target needs
    # at least clients / target requests a second, which bounds the CPU one request may take in one worker.
    needed = me.concurrency / (ME_TARGET_MS / 1000)
    mean_ms = me.concurrency / me.throughput * 1000
    lines += [
        "",
        f"Target: `/me` p95 ≤ {ME_TARGET_MS:.0f} ms at 50 concurrent clients: p95 {me.latency.p95:.1f} ms, "
        f"target {met}. With {me.concurrency} clients in a closed loop the mean latency is clients ÷ "
        f"throughput ({me.concurrency} ÷ {me.throughput:.0f} req/s = {mean_ms:.0f} ms), "
        f"so a p95 of {ME_TARGET_MS:.0f} ms needs more than {needed:.0f} req/s from one worker: under "
        f"{1000 / needed:.2f} ms of server CPU a request, against {me.server_cpu_ms:.2f} ms measured for "
        f"`/me` and {baselines[50].server_cpu_ms:.2f} ms for the bare route.",
    ]
    return lines


def _met(value: float, target: float) -> str:
    return "met" if value <= target else "**missed**"


def _interviews_label(run: LiveRun) -> str:
    return str(run.concurrency) if run.workers == 1 else f"{run.concurrency} (2 workers)"


def _interviews_section(bench: InterviewBench) -> list[str]:
    low, high = interviews.THINK_SECONDS
    lines = [
        "A real server as above (uvicorn, one worker, loopback, a freshly migrated SQLite database), with "
        "`CANDOR_LLM_PROVIDERS` pointing at the fake OpenAI-compatible server of "
        "`tests/fakes/openai_server.py`, run in a process of its own and streaming a fixed "
        f"{len(interviews.PROVIDER_REPLY)}-character reply at once in "
        f"{interviews.PROVIDER_CHUNK_CHARS}-character chunks. So every question and follow-up the candidates "
        "get is phrased by the model path (`candor.interviews.voice.speak`), and the only model time is the "
        "fake's.",
        "",
        f"Setup, not timed ({bench.setup_seconds:.0f} s): accounts sign up, upload `{interviews.CV_FILE}` "
        f"and create {interviews.INTERVIEWS_PER_USER} interviews each through the REST API, the job "
        f"description's text pasted (`job_text`), `question_count` {interviews.QUESTION_COUNT}. Timed: N "
        "candidates in one process (the bench's own, on uvloop, with the `websockets` client and its default "
        "permessage-deflate, as browsers negotiate) each connect to `/api/v1/interviews/{id}/live?token=...` "
        "and wait for the first question; then all start together. "
        f"Each waits a random think time ({low:.0f}-{high:.0f} s, uniform), sends an answer with a unique "
        f"`client_msg_id` and reads until `question.done`, {interviews.ANSWERS} times. Real candidates "
        "think for a minute or more, so this offers the server ten times the load of N real interviews or "
        "more.",
        "",
        "- **Answer → ack**: the answer is sent until its `ack` arrives (the answer is committed first).",
        "- **Answer → first token**: the answer is sent until the first `question.delta` of the reply.",
        "- **Provider alone**: time to the first content chunk of a streaming chat completion sent "
        "straight to the fake with httpx, with the body `speak` sends (the `interviewer_turn` prompt "
        "rendered, `temperature`, `max_tokens`, `stream_options`), measured in the same run after the "
        f"candidates: {interviews.SEQUENTIAL_PROVIDER_CALLS} calls one at a time, then N clients with the "
        "candidates' own think times (same count, same pacing).",
        "- **Overhead** = answer → first token minus the provider's own time to first token at the same "
        "concurrency, percentile by percentile (the two are not paired turn by turn).",
        "",
        "Client, server and fake provider share the machine's cores; the CPU columns (CPU seconds ÷ wall "
        "seconds of the timed phase, 100% = one core) show who was busy.",
        "",
        "| Interviews | Measure | n | p50 ms | p95 ms | p99 ms | max ms |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]

    def row(n: str, label: str, s: Summary) -> str:
        return f"| {n} | {label} | {s.count} | {s.p50:.1f} | {s.p95:.1f} | {s.p99:.1f} | {s.max:.1f} |"

    for r in bench.runs:
        o, n = r.overhead, _interviews_label(r)
        lines += [
            row(n, "answer → ack", r.ack),
            row(n, "answer → first token", r.first_token),
            row(n, "provider alone, one at a time", r.provider_sequential),
            row(n, f"provider alone, {r.concurrency} clients", r.provider_concurrent),
            f"| {n} | **Candor's overhead** | | {o.p50:.1f} | {o.p95:.1f} | {o.p99:.1f} | |",
        ]
    lines += [
        "",
        "| Interviews | Connected | Answers sent | Acked | Lost | Lost after ack | Duplicated "
        "| Client errors | Timed phase s | Answers/s | Server CPU | Client CPU | Provider CPU |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in bench.runs:
        errors = ", ".join(f"{name} ×{count}" for name, count in r.errors.most_common()) or "none"
        lines.append(
            f"| {_interviews_label(r)} | {r.connected} | {r.sent} | {r.acked} | {r.lost} | {r.lost_acked} "
            f"| {r.duplicated} | {errors} | {r.wall_seconds:.1f} | {r.answers_per_second:.1f} "
            f"| {r.server_cpu_share:.0%} | {r.client_cpu_share:.0%} | {r.provider_cpu_share:.0%} |"
        )
    lines += [
        "",
        "Lost: a sent `client_msg_id` missing from `GET /api/v1/interviews/{id}/transcript` afterwards (an "
        "answer whose socket failed before the `ack` is not stored, as the protocol says); lost after ack: "
        "missing although acknowledged; duplicated: present more than once.",
    ]
    for r in bench.runs:
        if r.workers == 1 and r.server_cpu_share >= 0.9:
            lines += [
                "",
                f"At {r.concurrency} interviews the server process used {r.server_cpu_share:.0%} of a core: "
                f"its one worker was saturated at {r.answers_per_second:.1f} answers/s, short of the "
                f"~{r.concurrency / sum(interviews.THINK_SECONDS) * 2:.0f}/s the candidates offered: "
                "these latencies are mostly queueing.",
            ]
    if bench.server_errors:
        lines += ["", "The server logged these errors during the run:", ""]
        lines += [f"- `{message}` ×{count}" for message, count in bench.server_errors.most_common(10)]
    lines += [
        "",
        f'The rows marked "2 workers" ran {TWO_WORKERS_CONCURRENCY} other interviews against a second '
        "server, `candor serve --workers 2` (two uvicorn processes sharing the port and one SQLite file, so "
        "their writes meet at SQLite's lock), on its own freshly migrated database: how far this 2-core "
        "machine goes with a process per core. Server CPU is both processes together.",
        "",
        "Targets (reported, not asserted; one process unless marked):",
        "",
    ]
    for r in bench.runs:
        target = OVERHEAD_TARGETS_MS.get(r.concurrency)
        if target is not None:
            lines.append(
                f"- Overhead p95 ≤ {target:.0f} ms at {_interviews_label(r)} interviews: "
                f"{r.overhead.p95:.1f} ms, {_met(r.overhead.p95, target)}."
            )
    for r in bench.runs:
        lines.append(
            f"- Ack p95 ≤ {ACK_TARGET_MS:.0f} ms at {_interviews_label(r)} interviews: {r.ack.p95:.1f} ms, "
            f"{_met(r.ack.p95, ACK_TARGET_MS)}."
        )
    lost = sum(r.lost + r.duplicated for r in bench.runs)
    lines.append(
        f"- Zero lost or duplicated answers: {sum(r.lost for r in bench.runs)} lost "
        f"({sum(r.lost_acked for r in bench.runs)} of them acknowledged), "
        f"{sum(r.duplicated for r in bench.runs)} duplicated, {'met' if lost == 0 else '**missed**'}."
    )
    return lines


def _planning_section(planning: Summary) -> list[str]:
    pairs = ", ".join(f"`{cv}` with `{job}`" for cv, job in interviews.PLANNING_PAIRS)
    return [
        "`candor.interviewer.plan_interview(cv, job, InterviewOptions(question_count=8))`, in-process and "
        f"warm, on the three sample pairs of `tests/interviewer` ({pairs}), parsed once with "
        f"`parse_document` beforehand: {interviews.PLANNING_WARMUP} warm-up plans per pair, then "
        f"{planning.count} timed plans, the pairs taking turns.",
        "",
        "| Plans | p50 ms | p95 ms | p99 ms | max ms |",
        "|---:|---:|---:|---:|---:|",
        f"| {planning.count} | {planning.p50:.2f} | {planning.p95:.2f} | {planning.p99:.2f} "
        f"| {planning.max:.2f} |",
        "",
        f"Target: p95 ≤ {PLANNING_TARGET_MS:.0f} ms: p95 {planning.p95:.2f} ms, "
        f"target {_met(planning.p95, PLANNING_TARGET_MS)}.",
    ]


def main() -> None:
    started = time.perf_counter()
    _say("CV parsing ...")
    timings = cv.time_parsing(FIXTURES)
    _say("Parser accuracy ...")
    report = cv.accuracy(FIXTURES)
    _say("GET /api/v1/auth/me on SQLite ...")
    runs = [load_me.run_sqlite(ME_REQUESTS)]
    postgres_url = os.environ.get("TEST_DATABASE_URL")
    if postgres_url:
        _say("GET /api/v1/auth/me on PostgreSQL ...")
        runs.append(load_me.run_postgres(postgres_url, ME_REQUESTS))
    _say("Interview planning ...")
    planning = interviews.time_planning()
    _say("Assessment ...")
    assessed = assessment.markdown(assessment.run())
    _say("Live interviews over WebSockets ...")
    live = interviews.run()
    _say("Live interviews, two API processes ...")
    live_two = interviews.run((TWO_WORKERS_CONCURRENCY,), workers=2)
    live = InterviewBench(
        live.runs + live_two.runs,
        live.setup_seconds + live_two.setup_seconds,
        live.server_errors + live_two.server_errors,
    )
    _say("Speech ...")
    spoken = speech.markdown(asyncio.run(speech.measure()))
    _say("A spoken turn over the live socket ...")
    spoken_turn = voice_live.markdown(voice_live.run())

    doc = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`bench/`); every run overwrites this file. Times are wall-clock on the "
        "machine below. Each figure has a baseline measured in the same run, so compare ratios across "
        "machines rather than milliseconds.",
        "",
        "## Machine",
        "",
        *_machine_section(),
        "",
        "## CV parsing",
        "",
        *_parsing_section(timings),
        "",
        "## CV parser accuracy",
        "",
        *_accuracy_section(report),
        "",
        "## `GET /api/v1/auth/me` under load",
        "",
        "A real server: uvicorn, one worker, on a loopback port, over a freshly migrated database, "
        "`CANDOR_LOG_LEVEL=WARNING`. One account signs up; the load generator (a minimal HTTP/1.1 client "
        "on uvloop, in a separate process; see `bench/load.py`) runs N clients in a closed loop, each on its "
        f"own keep-alive connection: {ME_REQUESTS} "
        "timed requests per endpoint at 50 clients in two interleaved rounds (250 warm-up requests before "
        "each), then 1,000 at one client to show the cost of one request without queueing. The baseline is a "
        "bare Starlette route mounted in the same app, behind the same middleware; `/healthz` is a FastAPI "
        "route with no dependencies. Server CPU ms/req is the server process's CPU time divided by the "
        "requests it served (warm-up included); a client CPU share near 100% means the load generator, not "
        "the server, was the limit.",
        "",
    ]
    for run in runs:
        doc += [*_load_section(run), ""]
    if not postgres_url:
        doc += ["PostgreSQL was not measured: set `TEST_DATABASE_URL` to include it.", ""]
    doc += [
        "## Live interviews over WebSockets",
        "",
        *_interviews_section(live),
        "",
        "## Interview planning",
        "",
        *_planning_section(planning),
        "",
        "## Assessment",
        "",
        *assessed,
        "",
        "## Speech",
        "",
        *spoken,
        "",
        "### A spoken turn, end to end",
        "",
        *spoken_turn,
        "",
    ]
    doc.append(f"The whole bench took {time.perf_counter() - started:.0f} s.")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("\n".join(doc) + "\n", encoding="utf-8")
    sys.stdout.write("\n".join(doc) + "\n")
    _say(f"Wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
