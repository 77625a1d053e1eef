"""WebSocket /api/v1/interviews/{id}/live: the interview in real time. Protocol: docs/protocol.md.

The socket holds no database session: each event opens a short transaction of its own. An answer is
committed before its acknowledgement is sent, so nothing acknowledged can be lost.
"""

from __future__ import annotations

import asyncio
import json
import uuid
import weakref
from collections.abc import Awaitable
from typing import Any, Literal

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from candor.accounts.deps import ACCESS_COOKIE
from candor.accounts.service import AccountService
from candor.core.config import Settings
from candor.core.db import Database
from candor.core.errors import AppError
from candor.core.logging import log
from candor.documents.storage import BlobStore
from candor.interviews.live_voice import VoiceChannel, VoiceError, recording_of, transcription_call
from candor.interviews.models import InterviewState, JobState, MessageKind
from candor.interviews.service import InterviewService, SpokenAnswer, snapshot_of
from candor.interviews.turns import Decision, Reply
from candor.interviews.voice import speak, words
from candor.providers.llm.base import LLMProvider
from candor.providers.speech.base import SAMPLE_RATE
from candor.speech.engines import SpeechEngines, voice_unavailable
from candor.speech.vocabulary import interview_vocabulary
from candor.worker.queue import JobQueue

PROTOCOL_VERSION = 1
COALESCE_CHARS = 48
COALESCE_SECONDS = 0.05
MAX_FRAME_CHARS = 32_000
router = APIRouter()
_locks: weakref.WeakValueDictionary[uuid.UUID, asyncio.Lock] = weakref.WeakValueDictionary()


class AnswerEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["answer"]
    client_msg_id: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=20_000)


class ControlEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["control"]
    action: Literal["repeat", "clarify", "skip", "end"]


class ActivityEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["activity"]
    kind: Literal["typing", "paste", "focus", "blur"]
    chars: int | None = Field(default=None, ge=0, le=1_000_000)


class PingEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["ping"]


class VoiceStartEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["voice.start"]
    sample_rate: int
    speak: bool = True
    auto_send: bool = True


class VoiceStopEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["voice.stop"]


class VoiceTalkEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["voice.talk"]
    down: bool


class PlaybackEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["playback"]
    state: Literal["playing", "idle"]


ClientEvent = (
    AnswerEvent
    | ControlEvent
    | ActivityEvent
    | PingEvent
    | VoiceStartEvent
    | VoiceStopEvent
    | VoiceTalkEvent
    | PlaybackEvent
)
_client_event: TypeAdapter[ClientEvent] = TypeAdapter(ClientEvent)


class LiveInterview:
    def __init__(self, ws: WebSocket, interview_id: uuid.UUID, user_id: uuid.UUID) -> None:
        self.ws = ws
        self.interview_id = interview_id
        self.user_id = user_id
        self.db: Database = ws.app.state.db
        self.settings: Settings = ws.app.state.settings
        self.jobs: JobQueue = ws.app.state.jobs
        self.model: LLMProvider | None = ws.app.state.llm
        lock = _locks.get(interview_id)
        if lock is None:
            lock = asyncio.Lock()
            _locks[interview_id] = lock
        self.lock = lock
        self._pending: list[str] = []
        self._last_frame = float("-inf")
        self.speech: SpeechEngines | None = getattr(ws.app.state, "speech", None)
        self.voice: VoiceChannel | None = None
        self.store_audio = False

    async def send(self, event: dict[str, Any]) -> None:
        await self.ws.send_json(event)

    async def error(self, code: str, message: str) -> None:
        await self.send({"type": "error", "code": code, "message": message})

    def service(self, session: AsyncSession) -> InterviewService:
        return InterviewService(session, self.settings, self.jobs, self.model)

    async def delta(self, piece: str) -> None:
        """Send streamed text, coalescing pieces that arrive close together: the first piece of a message
        goes out at once, later ones when enough text has gathered or some time has passed since the last
        frame. Fewer frames, and a slow model's words still appear as they come."""
        self._pending.append(piece)
        if self.voice is not None:
            self.voice.say(piece)
        now = asyncio.get_running_loop().time()
        if sum(map(len, self._pending)) >= COALESCE_CHARS or now - self._last_frame >= COALESCE_SECONDS:
            await self._flush(now)

    async def _flush(self, now: float | None = None) -> None:
        if self._pending:
            text, self._pending = "".join(self._pending), []
            await self.send({"type": "question.delta", "text": text})
        self._last_frame = now if now is not None else asyncio.get_running_loop().time()

    async def say(self, reply: Reply) -> None:
        """Stream a stored interviewer message word by word, then mark it done."""
        if reply.message is None:
            return
        for piece in words(reply.message.text):
            await self.delta(piece)
        await self.done(reply)

    async def respond(self, decision: Decision | Reply | None = None) -> Reply:
        """Decide the next message (unless the caller already has), stream it as it is put into words,
        then store it. No transaction is open while a model speaks; a crash before the store leaves the
        answer pending, to be replied to on reconnect."""
        if decision is None:
            async with self.db.session() as session:
                decision = await self.service(session).decide(self.user_id, self.interview_id)
        if isinstance(decision, Reply):
            await self.say(decision)
            return decision
        text, spoken = await speak(decision, self.model, self.delta)
        async with self.db.writing() as session:
            reply = await self.service(session).apply(self.user_id, self.interview_id, decision, text, spoken)
        await self.done(reply)
        return reply

    async def done(self, reply: Reply) -> None:
        await self._flush()
        if self.voice is not None:
            self.voice.said_all()
        self._last_frame = float("-inf")  # the next message's first words go out at once
        if reply.message is None:
            return
        await self.send(
            {
                "type": "question.done",
                "question_no": reply.question_number,
                "of": reply.of,
                "kind": reply.message.kind,
                "is_follow_up": reply.is_follow_up,
                "seq": reply.message.seq,
                "text": reply.message.text,
            }
        )

    async def send_state(self, state: InterviewState, reply: Reply | None, pending: bool = False) -> None:
        await self.send(
            {
                "type": "state",
                "protocol": PROTOCOL_VERSION,
                "state": state,
                "question_no": reply.question_number if reply else None,
                "of": reply.of if reply else None,
                "pending": pending,
            }
        )

    async def open(self) -> None:
        """On (re)connect: start a ready interview, finish a reply a crash left unmade, else replay."""
        async with self.lock:
            async with self.db.writing() as session:
                service = self.service(session)
                interview, reply, pending = await service.current(self.user_id, self.interview_id)
                state = InterviewState(interview.state)
                opening = None
                if state == InterviewState.READY:
                    reply = await service.start(self.user_id, self.interview_id)
                    state = InterviewState.IN_PROGRESS
                    _, said = await service.transcript(self.user_id, self.interview_id)
                    opening = Reply(said[0], None, reply.of, False, state)
            if pending and state == InterviewState.IN_PROGRESS:
                await self.send_state(state, reply, pending=True)
                await self.after(await self.respond())
                return
            await self.send_state(state, reply)
            if opening is not None:
                await self.say(opening)
            if reply is not None and (
                state == InterviewState.IN_PROGRESS
                or (reply.message and reply.message.kind == MessageKind.CLOSING)
            ):
                await self.say(reply)
            if state in (InterviewState.COMPLETED, InterviewState.ABANDONED):
                await self.wait_for_assessment()

    async def on_answer(self, event: AnswerEvent) -> None:
        spoken = await self.spoken(event)
        async with self.lock:
            async with self.db.writing(urgent=True) as session:
                recorded = await self.service(session).record_answer(
                    self.user_id, self.interview_id, event.client_msg_id, event.text, spoken=spoken
                )
            # Committed: now it may be acknowledged.
            await self.send(
                {
                    "type": "ack",
                    "client_msg_id": event.client_msg_id,
                    "text": recorded.ack,
                    "duplicate": recorded.duplicate,
                }
            )
            if self.voice is not None and recorded.ack:
                self.voice.say(recorded.ack)
                self.voice.said_all()
            if recorded.duplicate:
                async with self.db.writing() as session:
                    reply = await self.service(session).reply_after(
                        self.user_id, self.interview_id, recorded.message
                    )
                await self.say(reply)
            else:
                reply = await self.respond(recorded.decision)
            await self.after(reply)

    async def spoken(self, event: AnswerEvent) -> SpokenAnswer | None:
        """For an answer that was heard on this connection: how it was heard, the speech services it used,
        and its recording (stored now, before the transaction, if the candidate opted in)."""
        if self.voice is None:
            return None
        heard = self.voice.heard.pop(event.client_msg_id, None)
        calls = self.voice.usage.take_calls()
        if heard is None:
            return SpokenAnswer({}, calls) if calls else None
        speech = dict(heard.speech)
        if event.text.strip() != heard.text:
            # The candidate corrected the transcript: these are their words now, whatever was heard.
            speech.update(edited=True, low_confidence=False)
        recording = None
        if self.store_audio:
            data = recording_of(heard)
            key = await BlobStore(self.settings.audio_dir).put(data)
            recording = {
                "blob_key": key,
                "format": "wav",
                "sample_rate": SAMPLE_RATE,
                "duration_s": speech["duration_s"],
                "size_bytes": len(data),
                "model": speech["model"],
                "confidence": speech["confidence"],
            }
        return SpokenAnswer(speech, [transcription_call(heard), *calls], recording)

    async def on_voice_start(self, event: VoiceStartEvent) -> None:
        if event.sample_rate != SAMPLE_RATE:
            raise VoiceError(
                "wrong_sample_rate",
                f"Send audio at {SAMPLE_RATE} Hz (16-bit mono PCM); {event.sample_rate} Hz was announced.",
            )
        reason = voice_unavailable(self.speech)
        if reason is not None or self.speech is None:
            await self.send({"type": "voice.state", "state": "unavailable", "reason": reason})
            raise VoiceError("voice_unavailable", f"Voice is not available here ({reason}). Typing works.")
        speaks = event.speak and self.speech.tts.status().available
        if self.voice is not None:
            # Already on: new options apply from now; what is being heard or said carries on.
            self.voice.speak, self.voice.auto_send = speaks, event.auto_send
            return
        async with self.db.session() as session:
            interview = await self.service(session).get(self.user_id, self.interview_id)
            snapshot = snapshot_of(interview)
            self.store_audio = bool(interview.options.get("store_audio", False))
        self.voice = VoiceChannel(
            self.speech,
            self.settings,
            send=self.send,
            send_bytes=self.ws.send_bytes,
            submit=self.submit_heard,
            vocabulary=interview_vocabulary(snapshot.cv, snapshot.job),
            speak=speaks,
            auto_send=event.auto_send,
        )
        await self.send({"type": "voice.state", "state": "listening", "speaks": speaks})

    async def submit_heard(self, transcript_id: str, text: str) -> None:
        """A heard answer sent for the candidate (automatic turn-taking)."""
        await self.guarded(self.on_answer(AnswerEvent(type="answer", client_msg_id=transcript_id, text=text)))

    async def on_voice_stop(self) -> None:
        await self.close_voice()
        await self.send({"type": "voice.state", "state": "off"})

    async def close_voice(self) -> None:
        """Voice off (or the socket gone): stop listening and speaking, and record what the voice used."""
        if self.voice is None:
            return
        voice, self.voice = self.voice, None
        await voice.close()
        calls = voice.usage.take_calls()
        if calls:
            async with self.db.writing() as session:
                await self.service(session).record_calls(self.user_id, self.interview_id, calls)

    async def on_audio(self, data: bytes) -> None:
        if self.voice is None:
            raise VoiceError("voice_not_started", "Send a voice.start event before audio frames.")
        await self.voice.feed(data)

    async def on_control(self, event: ControlEvent) -> None:
        async with self.lock:
            async with self.db.writing() as session:
                reply = await self.service(session).control(self.user_id, self.interview_id, event.action)
            await self.say(reply)
            await self.after(reply)

    async def on_activity(self, event: ActivityEvent) -> None:
        async with self.db.writing() as session:
            await self.service(session).record_activity(
                self.user_id,
                self.interview_id,
                event.kind,
                {"chars": event.chars} if event.chars is not None else {},
            )

    async def after(self, reply: Reply) -> None:
        if reply.state != InterviewState.IN_PROGRESS:
            await self.send_state(reply.state, reply)
            await self.wait_for_assessment()

    async def wait_for_assessment(self, patience_seconds: float = 60.0) -> None:
        """Tell the client when the assessment is ready (it runs in the background)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + patience_seconds
        while loop.time() < deadline:
            async with self.db.session() as session:
                record = await self.service(session).assessment(self.user_id, self.interview_id)
            if record is not None and record.state in (JobState.DONE, JobState.FAILED):
                await self.send(
                    {
                        "type": "assessment.ready",
                        "interview_id": str(self.interview_id),
                        "state": record.state,
                    }
                )
                return
            await asyncio.sleep(0.2)

    async def handle(self, raw: str) -> None:
        if len(raw) > MAX_FRAME_CHARS:
            await self.error("frame_too_large", f"Frames are limited to {MAX_FRAME_CHARS} characters.")
            return
        try:
            event = _client_event.validate_python(json.loads(raw))
        except (json.JSONDecodeError, ValidationError) as exc:
            detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else "not valid JSON"
            await self.error("invalid_event", f"That message is not a valid event: {detail}.")
            return
        await self.guarded(self.dispatch(event))

    async def dispatch(self, event: ClientEvent) -> None:
        if isinstance(event, PingEvent):
            await self.send({"type": "pong"})
        elif isinstance(event, AnswerEvent):
            await self.on_answer(event)
        elif isinstance(event, ControlEvent):
            await self.on_control(event)
        elif isinstance(event, ActivityEvent):
            await self.on_activity(event)
        elif isinstance(event, VoiceStartEvent):
            await self.on_voice_start(event)
        elif isinstance(event, VoiceStopEvent):
            await self.on_voice_stop()
        elif isinstance(event, VoiceTalkEvent):
            if self.voice is None:
                raise VoiceError("voice_not_started", "Send a voice.start event before push-to-talk.")
            await self.voice.talk(event.down)
        else:
            if self.voice is not None:
                self.voice.playback(event.state == "playing")

    async def guarded(self, work: Awaitable[None]) -> None:
        """Run one event's work; what it refuses becomes an `error` event and the interview goes on."""
        try:
            await work
        except AppError as exc:
            await self.error(exc.code, exc.detail)
        except VoiceError as exc:
            await self.error(exc.code, exc.message)
        except OperationalError:
            log.warning("database_busy", interview_id=str(self.interview_id))
            await self.error(
                "busy", "The server is busy and did not store that. Send it again (same client_msg_id)."
            )


async def _authenticate(ws: WebSocket) -> uuid.UUID | None:
    """A bearer token (query `token` or Authorization header) or the session cookie. A cookie is only
    accepted from our own origin, so another site cannot open a socket as the user."""
    token = ws.query_params.get("token")
    auth = ws.headers.get("authorization", "")
    if not token and auth.lower().startswith("bearer "):
        token = auth[7:]
    if not token:
        token = ws.cookies.get(ACCESS_COOKIE)
        origin = ws.headers.get("origin")
        if token and origin and origin.split("://", 1)[-1] != ws.headers.get("host"):
            return None
    if not token:
        return None
    db: Database = ws.app.state.db
    async with db.session() as session:
        found = await AccountService(session, ws.app.state.settings, db).authenticate(token)
    return found[0].id if found else None


@router.websocket("/api/v1/interviews/{interview_id}/live")
async def live(ws: WebSocket, interview_id: uuid.UUID) -> None:
    user_id = await _authenticate(ws)
    # Accept before closing: a browser cannot read a refused handshake's status, but it can read a close code.
    await ws.accept()
    if user_id is None:
        await ws.close(code=4401, reason="sign in first")
        return
    live_interview = LiveInterview(ws, interview_id, user_id)
    try:
        try:
            await live_interview.open()
        except AppError as exc:
            await live_interview.error(exc.code, exc.detail)
            await ws.close(code=4404 if exc.status == 404 else 4409, reason=exc.title[:120])
            return
        while True:
            message = await ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                await live_interview.guarded(live_interview.on_audio(message["bytes"]))
                continue
            await live_interview.handle(message.get("text") or "")
    except WebSocketDisconnect:
        return
    except Exception:
        log.exception("live_interview_error", interview_id=str(interview_id))
        await ws.close(code=1011, reason="internal error")
    finally:
        await live_interview.close_voice()
