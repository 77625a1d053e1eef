"""A real local HTTP server speaking the OpenAI chat-completions protocol, scriptable per request.

It runs uvicorn in a background thread on 127.0.0.1 and a free port. Each request takes the next scripted
behaviour (or the default one when the script is empty) and is recorded, so a test can check what the
client actually sent::

    with FakeOpenAIServer() as server:
        server.script(RateLimited(retry_after="0.1"), Reply("Hello there"))
        ...  # point a client at server.base_url
        assert len(server.requests) == 2
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass(frozen=True)
class Reply:
    """Answer with `text`; streamed in `chunk_size`-character chunks with `chunk_delay_s` between them.

    Token counts default to whitespace-separated words; `stream_usage=False` plays a server that ignores
    `stream_options.include_usage`.
    """

    text: str
    chunk_size: int = 4
    chunk_delay_s: float = 0.0
    tokens_in: int | None = None
    tokens_out: int | None = None
    stream_usage: bool = True


@dataclass(frozen=True)
class RateLimited:
    """HTTP 429 with this `Retry-After` header (omitted when None)."""

    retry_after: str | None = "0"


@dataclass(frozen=True)
class ServerError:
    status: int = 500


@dataclass(frozen=True)
class Unauthorized:
    status: int = 401


@dataclass(frozen=True)
class Hang:
    """Send nothing until the client gives up (or `seconds` pass, then a late reply)."""

    seconds: float = 5.0


@dataclass(frozen=True)
class Disconnect:
    """Stream the first `after_chunks` chunks of `text`, then drop the TCP connection without finishing."""

    text: str
    after_chunks: int
    chunk_size: int = 4


@dataclass(frozen=True)
class MalformedBody:
    """HTTP 200 whose body is not JSON at all (not even valid SSE for a stream)."""

    body: str = "<html>502 Bad Gateway</html>"


@dataclass(frozen=True)
class Compute:
    """Decide the behaviour from the request's JSON body, as a real model reads what it was sent (run on
    the server's thread; for replies that must depend on the request, whatever order requests come in)."""

    decide: Callable[[dict[str, Any]], Reply | ServerError | MalformedBody]


Behaviour = Reply | RateLimited | ServerError | Unauthorized | Hang | Disconnect | MalformedBody | Compute


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def messages(self) -> list[dict[str, str]]:
        messages: list[dict[str, str]] = self.body.get("messages", [])
        return messages

    @property
    def streamed(self) -> bool:
        return bool(self.body.get("stream"))


class _DropConnection(Exception):
    """Raised inside a started response: uvicorn then closes the transport mid-body."""


def chunks_of(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class FakeOpenAIServer:
    def __init__(self, *, default: Behaviour | None = None) -> None:
        self.default: Behaviour = default or Reply("OK")
        self._script: deque[Behaviour] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/_fake/requests", self._recorded, methods=["GET"]),
            ]
        )

    # ---- scripting and inspection (called from the test's thread) ----

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next requests, in order."""
        with self._lock:
            self._script.extend(behaviours)

    def always(self, behaviour: Behaviour) -> None:
        """What every request gets once the script is used up."""
        with self._lock:
            self.default = behaviour

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self._requests.clear()
            self.default = Reply("OK")

    # ---- lifecycle ----

    def __enter__(self) -> FakeOpenAIServer:
        # proto=IPPROTO_TCP so that asyncio sets TCP_NODELAY on accepted connections; without it every
        # reused connection waits out a delayed ACK (40 ms) between the response's headers and body.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="critical",
            access_log=False,
            lifespan="off",
            loop="asyncio",
            http="h11",
            ws="none",
            timeout_graceful_shutdown=1,
        )
        self._socket = sock
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="fake-openai", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake OpenAI server did not start")
            time.sleep(0.005)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()

    # ---- the protocol (runs on the server's thread) ----

    async def _recorded(self, request: Request) -> Response:
        """The bodies of the last `last` requests, for a process that drives the fake from outside."""
        last = int(request.query_params.get("last", "0"))
        with self._lock:
            bodies = [r.body for r in self._requests[-last:]] if last > 0 else []
        return JSONResponse(bodies)

    async def _chat(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            return _error(400, "invalid_request_error", "request body is not JSON")
        with self._lock:
            self._requests.append(RecordedRequest(request.url.path, dict(request.headers), body))
            behaviour = self._script.popleft() if self._script else self.default
        if isinstance(behaviour, Compute):
            behaviour = behaviour.decide(body)
        model = str(body.get("model", "fake-model"))
        streamed = bool(body.get("stream"))
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        match behaviour:
            case RateLimited(retry_after=retry_after):
                headers = {"retry-after": retry_after} if retry_after is not None else {}
                return _error(429, "rate_limit_exceeded", "Rate limit reached", headers)
            case ServerError(status=status):
                return _error(status, "server_error", "The server had an error")
            case Unauthorized(status=status):
                return _error(status, "invalid_api_key", "Incorrect API key provided")
            case MalformedBody(body=text):
                media = "text/event-stream" if streamed else "application/json"
                return Response(text, media_type=media)
            case Hang(seconds=seconds):
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline and not self._closing.is_set():
                    if await request.is_disconnected():
                        return Response(status_code=499)
                    await asyncio.sleep(0.01)
                behaviour = Reply("(too late)")
            case Disconnect(text=text, after_chunks=after, chunk_size=size):
                if not streamed:
                    return StreamingResponse(_truncated_json(text), media_type="application/json")
                pieces = chunks_of(text, size)[:after]
                return StreamingResponse(_sse(pieces, model, None, drop=True), media_type="text/event-stream")
            case Reply():
                pass
            case Compute():  # already decided above
                raise AssertionError("unreachable")

        assert isinstance(behaviour, Reply)
        tokens_in = behaviour.tokens_in
        if tokens_in is None:
            tokens_in = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
        tokens_out = behaviour.tokens_out
        if tokens_out is None:
            tokens_out = len(behaviour.text.split())
        usage = {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
        }
        if not streamed:
            return JSONResponse(
                {
                    "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": behaviour.text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                }
            )
        pieces = chunks_of(behaviour.text, behaviour.chunk_size)
        sent_usage = usage if include_usage and behaviour.stream_usage else None
        return StreamingResponse(
            _sse(pieces, model, sent_usage, delay=behaviour.chunk_delay_s), media_type="text/event-stream"
        )


async def _sse(
    pieces: list[str],
    model: str,
    usage: dict[str, int] | None,
    *,
    delay: float = 0.0,
    drop: bool = False,
) -> AsyncIterator[bytes]:
    ident = f"chatcmpl-{uuid.uuid4().hex[:12]}"
    created = int(time.time())

    def event(choices: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> bytes:
        payload = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model}
        payload["choices"] = choices
        payload.update(extra or {})
        return f"data: {json.dumps(payload)}\n\n".encode()

    yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
    for i, piece in enumerate(pieces):
        if delay and i:
            await asyncio.sleep(delay)
        yield event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
    if drop:
        # Give the client a moment to read what was sent, then die without ending the chunked body.
        await asyncio.sleep(0.02)
        raise _DropConnection
    yield event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
    if usage is not None:
        yield event([], {"usage": usage})
    yield b"data: [DONE]\n\n"


async def _truncated_json(text: str) -> AsyncIterator[bytes]:
    yield json.dumps({"choices": [{"index": 0, "message": {"content": text}}]}).encode()[:20]
    await asyncio.sleep(0.02)
    raise _DropConnection


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"message": message, "type": code, "param": None, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)
