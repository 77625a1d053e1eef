"""A real local HTTP server speaking the OpenAI audio protocol: `/v1/audio/transcriptions` (multipart in,
verbose_json out) and `/v1/audio/speech` (JSON in, WAV out).

It is the chat fake (`FakeOpenAIServer`) with two more routes, scripted the same way: `Reply(text)` makes
a transcription say `text` and a synthesis speak a tone as long as `text`; `RateLimited`, `ServerError`,
`Unauthorized`, `Hang` and `MalformedBody` behave as they do for chat. Each request is recorded with its
form fields (or JSON body); an uploaded file is recorded by name, content type and size.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import time
import wave
from typing import Any

import numpy as np
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.openai_server import (
    Behaviour,
    FakeOpenAIServer,
    Hang,
    MalformedBody,
    RateLimited,
    RecordedRequest,
    Reply,
    ServerError,
    Unauthorized,
    _error,
)

SPEECH_RATE = 24_000  # what OpenAI's /audio/speech sends


def tone_wav(seconds: float, rate: int = SPEECH_RATE) -> bytes:
    samples = np.arange(round(seconds * rate))
    wave_data = (np.sin(2 * math.pi * 220 * samples / rate) * 8000).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(wave_data.tobytes())
    return out.getvalue()


class FakeSpeechServer(FakeOpenAIServer):
    def __init__(self, *, default: Behaviour | None = None) -> None:
        super().__init__(default=default)
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/audio/transcriptions", self._transcriptions, methods=["POST"]),
                Route("/v1/audio/speech", self._speech, methods=["POST"]),
            ]
        )

    def _next(self, request: Request, body: dict[str, Any]) -> Behaviour:
        with self._lock:
            self._requests.append(RecordedRequest(request.url.path, dict(request.headers), body))
            return self._script.popleft() if self._script else self.default

    async def _transcriptions(self, request: Request) -> Response:
        form = await request.form()
        body: dict[str, Any] = {}
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                body[key] = {
                    "filename": value.filename,
                    "content_type": value.content_type,
                    "size": len(data),
                }
            else:
                body[key] = value
        await form.close()
        behaviour = self._next(request, body)
        failure = await self._failure(behaviour, request)
        if failure is not None:
            return failure
        assert isinstance(behaviour, Reply)
        words = behaviour.text.split()
        duration = max(0.5, 0.4 * len(words))
        segment = {
            "id": 0,
            "seek": 0,
            "start": 0.0,
            "end": duration,
            "text": " " + behaviour.text,
            "tokens": list(range(len(words))),
            "temperature": 0.0,
            "avg_logprob": -0.1,
            "compression_ratio": 1.2,
            "no_speech_prob": 0.01,
        }
        return JSONResponse(
            {
                "task": "transcribe",
                "language": "english",
                "duration": duration,
                "text": behaviour.text,
                "segments": [segment] if words else [],
            }
        )

    async def _speech(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            return _error(400, "invalid_request_error", "request body is not JSON")
        behaviour = self._next(request, body)
        failure = await self._failure(behaviour, request)
        if failure is not None:
            return failure
        assert isinstance(behaviour, Reply)
        seconds = 0.06 * len(str(body.get("input", "")))
        return Response(tone_wav(seconds), media_type="audio/wav")

    async def _failure(self, behaviour: Behaviour, request: Request) -> Response | None:
        match behaviour:
            case RateLimited(retry_after=retry_after):
                headers = {"retry-after": retry_after} if retry_after is not None else {}
                return _error(429, "rate_limit_exceeded", "Rate limit reached", headers)
            case ServerError(status=status):
                return _error(status, "server_error", "The server had an error")
            case Unauthorized(status=status):
                return _error(status, "invalid_api_key", "Incorrect API key provided")
            case MalformedBody(body=text):
                return Response(text, media_type="application/json")
            case Hang(seconds=seconds):
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline and not self._closing.is_set():
                    if await request.is_disconnected():
                        return Response(status_code=499)
                    await asyncio.sleep(0.01)
                return _error(500, "server_error", "too late")
            case Reply():
                return None
        raise AssertionError(f"{behaviour!r} is not a speech behaviour")
