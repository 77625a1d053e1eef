"""Live interviews under load over real WebSockets, and the built-in interviewer's planning time.

A real Candor server (uvicorn, one worker, loopback, freshly migrated SQLite) is configured to phrase every
question through an OpenAI-compatible provider: the fake from `tests/fakes/openai_server.py`, in a process of
its own, which streams a fixed reply at once. Before the timed phase, users sign up, upload a CV and create
interviews through the REST API (with bounded concurrency: argon2 makes a sign-up slow on purpose).

Timed phase, for N = 100 and 500: N candidates each open `/api/v1/interviews/{id}/live`, wait for the
first question, then all start together; each waits a random think time and sends an answer (a unique
`client_msg_id`), reads until `question.done`, and does that three times. For each answer we record
answer sent → `ack` and answer sent → first `question.delta`. In the same run, the provider's own time to
first token is measured by streaming the same request shape straight to the fake with httpx, one at a time
and then with the same N clients and think times; Candor's overhead is the difference. Afterwards every
transcript is fetched and each sent `client_msg_id` must appear in it exactly once.

`python -m bench.interviews fake-provider` runs the fake provider on its own (it prints its port, and stops
when its stdin closes); the bench starts it that way.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvloop
from websockets.asyncio.client import ClientConnection, connect

from bench import load_me
from bench.stats import Summary, percentile
from candor.documents.detection import detect_format
from candor.documents.parsing import parse_document
from candor.documents.schemas import CVParse, DocumentKind, JobParse
from candor.interviewer import InterviewOptions, plan_interview
from candor.prompts import load_prompt

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CV_FILE = "resumematcher_bruce_wayne_fullstack.pdf"
JOB_FILE = "job_desc_full_stack_engineer.pdf"
PLANNING_PAIRS = (  # the sample pairs of tests/interviewer
    ("resumematcher_barry_allen_fe.pdf", "job_desc_front_end_engineer.pdf"),
    ("resumematcher_bruce_wayne_fullstack.pdf", "job_desc_full_stack_engineer.pdf"),
    ("jsonresume_richard_hendriks_layoutA.docx", "Backend_Developer.docx"),
)
PLANNING_WARMUP = 5
PLANNING_RUNS = 67  # per pair: 201 timed plans

CONCURRENCIES = (100, 500)
ANSWERS = 3
# Five questions and three answers: every answer is followed by a question or a follow-up phrased by the model
# (the closing is never sent to a model), and no interview ends, so no assessment job runs during the timing.
QUESTION_COUNT = 5
THINK_SECONDS = (2.0, 6.0)
INTERVIEWS_PER_USER = 25
SETUP_CONCURRENCY = 4
CONNECT_CONCURRENCY = 25
SEQUENTIAL_PROVIDER_CALLS = 300
TURN_TIMEOUT_SECONDS = 60.0
PROVIDER_REPLY = (
    "Thank you for walking me through that. Let us stay with the same project for a moment: how did you "
    "decide what to test first, and what would you change if you built it again today?"
)
PROVIDER_CHUNK_CHARS = 4
ANSWER_TEXTS = (
    "At my last company I led the rewrite of our checkout service from a monolith into three Node.js "
    "services behind an API gateway. I wrote the migration plan, paired with two juniors on the payment "
    "adapter, and we cut p95 latency from 900 ms to 250 ms while keeping the error rate under 0.1 percent.",
    "I start with the riskiest assumption. On the React dashboard we had no idea whether users wanted "
    "real-time updates, so I shipped a polling version in a week, measured usage, and only then built the "
    "WebSocket feed. It saved us about a month of work on features nobody used.",
    "When two teams disagreed about the database schema, I set up a short design review, wrote down both "
    "options with their costs, and we agreed on PostgreSQL with a JSON column for the flexible part. "
    "Since then I write a one-page design note before any change that touches another team.",
)


# ---- planning ----------------------------------------------------------------------------------------------


def _parse(folder: str, name: str, kind: DocumentKind) -> dict[str, Any]:
    data = (FIXTURES / folder / name).read_bytes()
    return parse_document(data, detect_format(data, name), kind, max_pages=20).parse


def time_planning() -> Summary:
    """`plan_interview(cv, job, InterviewOptions(question_count=8))`, warm, over the three sample pairs."""
    pairs = [
        (
            CVParse.model_validate(_parse("cvs", cv, DocumentKind.CV)),
            JobParse.model_validate(_parse("jobs", job, DocumentKind.JOB)),
        )
        for cv, job in PLANNING_PAIRS
    ]
    options = InterviewOptions(question_count=8)
    for cv, job in pairs:
        for _ in range(PLANNING_WARMUP):
            plan_interview(cv, job, options)
    millis: list[float] = []
    for _ in range(PLANNING_RUNS):
        for cv, job in pairs:
            started = time.perf_counter()
            plan_interview(cv, job, options)
            millis.append((time.perf_counter() - started) * 1000)
    return Summary.of(millis)


# ---- results -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overhead:
    """Candor's answer → first token minus the provider's own time to first token, percentile by
    percentile (the two are not paired turn by turn)."""

    p50: float
    p95: float
    p99: float

    @classmethod
    def of(cls, candor: list[float], provider: list[float]) -> Overhead:
        return cls(*(percentile(candor, q) - percentile(provider, q) for q in (50, 95, 99)))


@dataclass(frozen=True)
class LiveRun:
    concurrency: int
    workers: int  # uvicorn worker processes serving the interviews
    connected: int
    ack: Summary
    first_token: Summary
    provider_sequential: Summary
    provider_concurrent: Summary
    overhead: Overhead  # against the provider at the same concurrency
    overhead_sequential: Overhead  # against the provider alone: every bit of queueing counted as Candor's
    sent: int
    acked: int
    lost: int  # sent, yet not in the transcript
    lost_acked: int  # acknowledged, yet not in the transcript: the guarantee broken
    duplicated: int  # in the transcript more than once
    errors: Counter[str]
    wall_seconds: float
    answers_per_second: float
    server_cpu_share: float  # server CPU seconds / wall seconds of the timed phase (1.0 = one core)
    client_cpu_share: float
    provider_cpu_share: float


@dataclass(frozen=True)
class InterviewBench:
    runs: list[LiveRun]
    setup_seconds: float
    server_errors: Counter[str]  # what the server logged at ERROR, by event and exception


@dataclass
class _Turn:
    client_msg_id: str
    ack_ms: float | None = None
    first_token_ms: float | None = None


@dataclass
class _Candidate:
    interview_id: str
    token: str
    think: list[float]
    turns: list[_Turn] = field(default_factory=list)
    connected: bool = False
    errors: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class _Interview:
    id: str
    token: str


def _say(message: str) -> None:
    sys.stderr.write(f"  [{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


# ---- processes ---------------------------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its live children (uvicorn's workers, when it runs several)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / load_me.CLOCK_TICKS
    children = [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]
    return own + sum(_cpu_seconds(child) for child in children)


@contextlib.contextmanager
def fake_provider(module: str = "bench.interviews") -> Iterator[tuple[str, int]]:
    """The fake OpenAI-compatible server in a process of its own (`python -m MODULE fake-provider`);
    yields its base URL and pid."""
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "fake-provider"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode().strip()
        if not line.isdigit():
            raise RuntimeError(f"the fake provider did not start (said {line!r})")
        yield f"http://127.0.0.1:{line}/v1", proc.pid
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set variables for `load_me.serve`, which passes the bench's environment on to the server."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _serve_fake_provider() -> None:
    from tests.fakes.openai_server import FakeOpenAIServer, Reply

    with FakeOpenAIServer(default=Reply(PROVIDER_REPLY, chunk_size=PROVIDER_CHUNK_CHARS)) as server:
        sys.stdout.write(f"{server.port}\n")
        sys.stdout.flush()
        sys.stdin.read()  # until the bench closes our stdin


# ---- setup through the REST API -------------------------------------------------------------------------


def _job_text() -> str:
    data = (FIXTURES / "jobs" / JOB_FILE).read_bytes()
    return parse_document(data, detect_format(data, JOB_FILE), DocumentKind.JOB, max_pages=20).text


async def _create_interviews(base: str, count: int) -> list[_Interview]:
    """`count` ready interviews, owned `INTERVIEWS_PER_USER` to an account, each with its job pasted."""
    cv_bytes = (FIXTURES / "cvs" / CV_FILE).read_bytes()
    job_text = _job_text()
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)
    run_id = uuid.uuid4().hex[:8]

    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as client:

        async def checked(method: str, url: str, status: int, **kwargs: Any) -> dict[str, Any]:
            async with gate:
                response = await client.request(method, url, **kwargs)
            if response.status_code != status:
                raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:500]}")
            body: dict[str, Any] = response.json()
            return body

        async def one_user(index: int, interviews: int) -> list[_Interview]:
            signed_up = await checked(
                "POST",
                "/api/v1/auth/signup",
                201,
                json={
                    "email": f"candidate-{run_id}-{index}@example.com",
                    "password": "bench-password-123",
                    "session": "token",
                },
            )
            token: str = signed_up["tokens"]["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            cv = await checked(
                "POST",
                "/api/v1/documents",
                201,
                data={"kind": "cv"},
                files={"file": (CV_FILE, cv_bytes, "application/pdf")},
                headers=headers,
            )
            payload = {
                "cv_document_id": cv["id"],
                "job_text": job_text,
                "options": {"question_count": QUESTION_COUNT},
            }
            created = await asyncio.gather(
                *(
                    checked("POST", "/api/v1/interviews", 201, json=payload, headers=headers)
                    for _ in range(interviews)
                )
            )
            return [_Interview(str(c["id"]), token) for c in created]

        sizes = [INTERVIEWS_PER_USER] * (count // INTERVIEWS_PER_USER)
        if count % INTERVIEWS_PER_USER:
            sizes.append(count % INTERVIEWS_PER_USER)
        owned = await asyncio.gather(*(one_user(i, n) for i, n in enumerate(sizes)))
    return [interview for group in owned for interview in group]


# ---- the candidates ----------------------------------------------------------------------------------------


async def _receive(ws: ClientConnection) -> dict[str, Any]:
    raw = await asyncio.wait_for(ws.recv(), TURN_TIMEOUT_SECONDS)
    event: dict[str, Any] = json.loads(raw)
    return event


async def _until_first_question(ws: ClientConnection) -> None:
    """On connect: `state`, the opening, then the first question."""
    while True:
        event = await _receive(ws)
        if event["type"] == "question.done" and event["kind"] != "opening":
            return
        if event["type"] == "error":
            raise RuntimeError(f"{event['code']}: {event['message']}")


async def _answer(ws: ClientConnection, candidate: _Candidate, number: int) -> None:
    turn = _Turn(f"{candidate.interview_id}:{number}:{uuid.uuid4().hex[:8]}")
    candidate.turns.append(turn)
    text = ANSWER_TEXTS[(number + uuid.UUID(candidate.interview_id).int) % len(ANSWER_TEXTS)]
    sent = time.perf_counter()
    await ws.send(json.dumps({"type": "answer", "client_msg_id": turn.client_msg_id, "text": text}))
    while True:
        event = await _receive(ws)
        elapsed = (time.perf_counter() - sent) * 1000
        kind = event["type"]
        if kind == "ack":
            if event["client_msg_id"] != turn.client_msg_id:
                candidate.errors["ack for another answer"] += 1
            if event["duplicate"]:
                candidate.errors["answer taken for a duplicate"] += 1
            turn.ack_ms = elapsed
        elif kind == "question.delta" and turn.first_token_ms is None:
            turn.first_token_ms = elapsed
        elif kind == "question.done":
            return
        elif kind == "error":
            candidate.errors[f"error event {event['code']}"] += 1
            return


async def _candidate(
    ws_base: str,
    candidate: _Candidate,
    connecting: asyncio.Semaphore,
    ready: asyncio.Queue[None],
    go: asyncio.Event,
) -> None:
    url = f"{ws_base}/api/v1/interviews/{candidate.interview_id}/live?token={candidate.token}"
    try:
        async with contextlib.AsyncExitStack() as stack:
            async with connecting:
                ws = await stack.enter_async_context(
                    connect(url, open_timeout=TURN_TIMEOUT_SECONDS, ping_interval=None, max_size=2**20)
                )
                await _until_first_question(ws)
            candidate.connected = True
            ready.put_nowait(None)
            await go.wait()
            for number, think in enumerate(candidate.think):
                await asyncio.sleep(think)
                await _answer(ws, candidate, number)
    except Exception as exc:  # counted and reported: one failed candidate must not stop the others
        candidate.errors[type(exc).__name__] += 1
    finally:
        if not candidate.connected:
            ready.put_nowait(None)


# ---- the provider alone ------------------------------------------------------------------------------------


def _provider_body() -> dict[str, Any]:
    """What `candor.interviews.voice.speak` sends the model for one turn."""
    prompt = load_prompt("interviewer_turn")
    system = prompt.render(
        job_title="Desarrollador Full Stack",
        company="Banco BBVA",
        instruction="a brief neutral transition, then the next question.",
        decided="Tell me about a time you had to choose between two technical designs. What did you weigh?",
        answer=ANSWER_TEXTS[0],
    )
    return {
        "model": "fake-model",
        "messages": [{"role": "system", "content": system}],
        "temperature": 0.3,
        "max_tokens": 200,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


async def _time_to_first_token(client: httpx.AsyncClient, url: str, body: dict[str, Any]) -> float:
    """Milliseconds from sending the request to the first content chunk; the stream is read to its end."""
    started = time.perf_counter()
    first: float | None = None
    async with client.stream("POST", url, json=body, headers={"Authorization": "Bearer x"}) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if first is None and line.startswith("data: {"):
                choices = json.loads(line[6:]).get("choices") or [{}]
                if choices[0].get("delta", {}).get("content"):
                    first = time.perf_counter()
    if first is None:
        raise RuntimeError("the provider streamed no content")
    return (first - started) * 1000


async def _provider_alone(base_url: str, thinks: list[list[float]]) -> list[float]:
    """One client per list of think times, as the candidates ran; or one at a time when given one list."""
    url = f"{base_url}/chat/completions"
    body = _provider_body()
    limits = httpx.Limits(max_connections=len(thinks) + 10, max_keepalive_connections=len(thinks) + 10)
    millis: list[float] = []
    async with httpx.AsyncClient(timeout=TURN_TIMEOUT_SECONDS, limits=limits, trust_env=False) as client:

        async def one(pauses: list[float]) -> None:
            for pause in pauses:
                await asyncio.sleep(pause)
                millis.append(await _time_to_first_token(client, url, body))

        await asyncio.gather(*(one(pauses) for pauses in thinks))
    return millis


# ---- one run -----------------------------------------------------------------------------------------------


async def _check_transcripts(base: str, candidates: list[_Candidate]) -> tuple[int, int, int]:
    """(lost, lost after an ack, duplicated) over every answer sent."""
    gate = asyncio.Semaphore(20)
    lost = lost_acked = duplicated = 0
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as client:

        async def one(candidate: _Candidate) -> None:
            nonlocal lost, lost_acked, duplicated
            async with gate:
                response = await client.get(
                    f"/api/v1/interviews/{candidate.interview_id}/transcript",
                    headers={"Authorization": f"Bearer {candidate.token}"},
                )
            response.raise_for_status()
            seen = Counter(m["client_msg_id"] for m in response.json()["messages"] if m["client_msg_id"])
            for turn in candidate.turns:
                count = seen[turn.client_msg_id]
                lost += count == 0
                lost_acked += count == 0 and turn.ack_ms is not None
                duplicated += count > 1

        await asyncio.gather(*(one(c) for c in candidates))
    return lost, lost_acked, duplicated


async def _live(
    base: str,
    server_pid: int,
    provider_url: str,
    provider_pid: int,
    interviews: list[_Interview],
    seed: int,
    workers: int,
) -> LiveRun:
    rng = random.Random(seed)
    low, high = THINK_SECONDS
    candidates = [
        _Candidate(i.id, i.token, [rng.uniform(low, high) for _ in range(ANSWERS)]) for i in interviews
    ]
    n = len(candidates)
    ws_base = base.replace("http://", "ws://", 1)
    connecting = asyncio.Semaphore(CONNECT_CONCURRENCY)
    ready: asyncio.Queue[None] = asyncio.Queue()
    go = asyncio.Event()
    tasks = [asyncio.create_task(_candidate(ws_base, c, connecting, ready, go)) for c in candidates]
    connect_started = time.perf_counter()
    for _ in range(n):
        await ready.get()
    _say(f"connected in {time.perf_counter() - connect_started:.1f} s")
    server_cpu, provider_cpu = _cpu_seconds(server_pid), _cpu_seconds(provider_pid)
    client_cpu, started = time.process_time(), time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - started
    server_cpu = _cpu_seconds(server_pid) - server_cpu
    provider_cpu = _cpu_seconds(provider_pid) - provider_cpu
    client_cpu = time.process_time() - client_cpu

    _say(f"timed phase {wall:.1f} s")
    lost, lost_acked, duplicated = await _check_transcripts(base, candidates)
    sequential = await _provider_alone(provider_url, [[0.0] * SEQUENTIAL_PROVIDER_CALLS])
    concurrent = await _provider_alone(provider_url, [c.think for c in candidates])
    _say("provider alone measured")
    turns = [t for c in candidates for t in c.turns]
    acks = [t.ack_ms for t in turns if t.ack_ms is not None]
    firsts = [t.first_token_ms for t in turns if t.first_token_ms is not None]
    errors: Counter[str] = Counter()
    for c in candidates:
        errors.update(c.errors)
    return LiveRun(
        concurrency=n,
        workers=workers,
        connected=sum(c.connected for c in candidates),
        ack=Summary.of(acks),
        first_token=Summary.of(firsts),
        provider_sequential=Summary.of(sequential),
        provider_concurrent=Summary.of(concurrent),
        overhead=Overhead.of(firsts, concurrent),
        overhead_sequential=Overhead.of(firsts, sequential),
        sent=len(turns),
        acked=len(acks),
        lost=lost,
        lost_acked=lost_acked,
        duplicated=duplicated,
        errors=errors,
        wall_seconds=wall,
        answers_per_second=len(acks) / wall,
        server_cpu_share=server_cpu / wall,
        client_cpu_share=client_cpu / wall,
        provider_cpu_share=provider_cpu / wall,
    )


_RAISED = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b.*")


def _server_errors(log_path: Path) -> Counter[str]:
    """The server's ERROR lines (JSON), counted by event and the exception's last line."""
    found: Counter[str] = Counter()
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("level") not in ("error", "critical"):
            continue
        # The exception's own line ("module.Error: message"), not the SQL and parameters SQLAlchemy appends.
        raised = [t for t in str(entry.get("exception", "")).splitlines() if _RAISED.match(t)]
        found[f"{entry.get('event')}: {raised[-1][:200] if raised else ''}"] += 1
    return found


def run(concurrencies: tuple[int, ...] = CONCURRENCIES, workers: int = 1) -> InterviewBench:
    """Every concurrency against one server (of `workers` processes) and one fake provider, each on
    interviews of its own."""
    with tempfile.TemporaryDirectory(prefix="candor-bench-") as tmp, fake_provider() as (provider_url, ppid):
        data_dir = Path(tmp)
        url = f"sqlite+aiosqlite:///{data_dir / 'candor.db'}"
        load_me.migrate(url)
        providers = [{"name": "fake", "base_url": provider_url, "model": "fake-model", "api_key": "x"}]
        with (
            _environment(CANDOR_LLM_PROVIDERS=json.dumps(providers)),
            load_me.serve(url, data_dir, workers) as served,
        ):
            base, pid = served
            runs, setup = uvloop.run(_run_all(base, pid, provider_url, ppid, concurrencies, workers))
        return InterviewBench(runs, setup, _server_errors(data_dir / "server.log"))


async def _run_all(
    base: str, pid: int, provider_url: str, provider_pid: int, concurrencies: tuple[int, ...], workers: int
) -> tuple[list[LiveRun], float]:
    started = time.perf_counter()
    interviews = await _create_interviews(base, sum(concurrencies))
    setup = time.perf_counter() - started
    _say(f"{len(interviews)} interviews created in {setup:.0f} s")
    runs = []
    offset = 0
    for n in concurrencies:
        _say(f"{n} live interviews ...")
        chosen = interviews[offset : offset + n]
        runs.append(await _live(base, pid, provider_url, provider_pid, chosen, seed=n, workers=workers))
        offset += n
    return runs, setup


def main() -> None:
    if sys.argv[1:] == ["fake-provider"]:
        _serve_fake_provider()
        return
    workers = int(os.environ.get("BENCH_WORKERS", "1"))
    bench = run(tuple(int(a) for a in sys.argv[1:]) or CONCURRENCIES, workers)
    for live in bench.runs:
        sys.stdout.write(f"{live}\n")
    sys.stdout.write(f"{bench.server_errors}\n")


if __name__ == "__main__":
    main()
