"""Voice on the live interview socket: the candidate's microphone in, the interviewer's voice out.

The browser streams 16 kHz PCM16 mono in binary frames. A `TurnListener` (VAD, turn-taking, transcription
while the candidate speaks) decides when an answer has ended; its final transcript becomes the answer,
carrying how sure speech-to-text was. With push-to-talk, the candidate's button decides instead. The
interviewer's words are spoken sentence by sentence as they stream, each sentence one WAV in a binary
frame announced by a `speech.audio` event, so speech starts before the whole question exists. When the
candidate talks over the interviewer, `speech.stop` tells the browser to stop playing at once.

Nothing here touches the database directly: answers go through `LiveInterview.on_answer`, usage through
the interview service, each in its own short transaction. Protocol: docs/protocol.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from candor.core.config import Settings
from candor.core.logging import log
from candor.providers.llm.pricing import speech_cost, transcription_cost
from candor.providers.speech.base import (
    SAMPLE_RATE,
    ProviderError,
    SpeechRequest,
    Transcript,
    TranscriptionRequest,
)
from candor.providers.speech.wav import wav_bytes
from candor.speech.engines import SpeechEngines
from candor.speech.streaming import TurnListener
from candor.speech.turns import TurnEvent, TurnEventKind

MAX_AUDIO_FRAME_BYTES = 64_000  # two seconds of 16 kHz PCM16; browsers send 20-100 ms at a time
_SENTENCE_END = re.compile(r"[.!?…][\"')\]]*\s")

Send = Callable[[dict[str, Any]], Awaitable[None]]
SendBytes = Callable[[bytes], Awaitable[None]]
SubmitAnswer = Callable[[str, str], Awaitable[None]]


class VoiceError(Exception):
    """A voice frame or event that cannot be used; becomes an `error` event, the interview goes on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Heard:
    """An answer as speech-to-text heard it, kept until the candidate sends it (or it is sent for them)."""

    text: str
    speech: dict[str, Any]
    pcm: bytes


@dataclass
class SpeechUsage:
    """What the interviewer's voice used since it was last recorded: characters spoken, per engine."""

    characters: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, provider: str, model: str, chars: int) -> None:
        key = (provider, model)
        self.characters[key] = self.characters.get(key, 0) + chars

    def take_calls(self) -> list[dict[str, Any]]:
        """Model-call rows for what was spoken, and start counting again."""
        taken, self.characters = self.characters, {}
        return [
            {
                "purpose": "speech",
                "provider": provider,
                "model": model,
                "characters": chars,
                "cost_usd": speech_cost(provider, model, chars),
            }
            for (provider, model), chars in taken.items()
        ]


def transcription_call(heard: Heard) -> dict[str, Any]:
    """The model-call row for hearing an answer."""
    provider, model = heard.speech["provider"], heard.speech["model"]
    seconds = float(heard.speech["duration_s"])
    return {
        "purpose": "transcription",
        "provider": provider,
        "model": model,
        "audio_seconds": seconds,
        "cost_usd": transcription_cost(provider, model, seconds),
    }


class VoiceChannel:
    """Voice for one connection. Created by a `voice.start` event; see the module docstring."""

    def __init__(
        self,
        engines: SpeechEngines,
        settings: Settings,
        *,
        send: Send,
        send_bytes: SendBytes,
        submit: SubmitAnswer,
        vocabulary: tuple[str, ...],
        speak: bool,
        auto_send: bool,
    ) -> None:
        self.engines = engines
        self.settings = settings
        self.send = send
        self.send_bytes = send_bytes
        self.submit = submit
        self.vocabulary = vocabulary
        self.speak = speak
        self.auto_send = auto_send
        self.listener = TurnListener(engines.stt, config=engines.turns, vocabulary=vocabulary)
        self.heard: dict[str, Heard] = {}
        self.usage = SpeechUsage()
        self._partial = ""
        self._push_to_talk: bytearray | None = None
        self._finishing: asyncio.Task[None] | None = None
        self._speaking: asyncio.Task[None] | None = None
        self._sentences: asyncio.Queue[str | None] = asyncio.Queue()
        self._text = ""
        self._spoken_index = 0
        self._max_answer_bytes = int(settings.speech_max_audio_seconds * SAMPLE_RATE * 2)

    # ---- the candidate's microphone -------------------------------------------------------------

    async def feed(self, pcm: bytes) -> None:
        """One binary frame of microphone audio."""
        if len(pcm) % 2:
            raise VoiceError("bad_audio", "Audio frames are 16-bit samples: an even number of bytes.")
        if len(pcm) > MAX_AUDIO_FRAME_BYTES:
            raise VoiceError(
                "bad_audio",
                f"Audio frames are limited to {MAX_AUDIO_FRAME_BYTES} bytes (2 s); send smaller ones.",
            )
        if self._push_to_talk is not None:
            if len(self._push_to_talk) + len(pcm) <= self._max_answer_bytes:
                self._push_to_talk.extend(pcm)
            return
        events = await self.listener.feed(pcm)
        for event in events:
            await self._on_turn(event)
        words = self.listener.detector.transcript
        if words and words != self._partial and self.listener.transcriber.active:
            self._partial = words
            await self.send({"type": "transcript.partial", "text": words})
        if self.listener.transcriber.active and len(self.listener.transcriber.audio) > self._max_answer_bytes:
            # An answer longer than the limit ends here; what was said so far is kept.
            await self._end_turn()

    async def talk(self, down: bool) -> None:
        """Push-to-talk: while held, everything heard is the answer; on release it is transcribed."""
        if down:
            self.listener.next_turn()
            self._push_to_talk = bytearray()
            await self._state("speaking")
            return
        if self._push_to_talk is None:
            return
        pcm, self._push_to_talk = bytes(self._push_to_talk), None
        await self._state("thinking")
        self._finishing = asyncio.create_task(self._transcribe_whole(pcm))

    def playback(self, playing: bool) -> None:
        """The browser says whether the interviewer's voice is audible, so voice over it can be told
        apart from its echo and an interruption can be noticed."""
        if playing:
            self.listener.interviewer_started()
        else:
            self.listener.interviewer_stopped()

    async def _on_turn(self, event: TurnEvent) -> None:
        kind = event.kind
        if kind is TurnEventKind.BARGE_IN:
            await self.stop_speaking("barge_in")
            await self._state("speaking")
        elif kind in (TurnEventKind.SPEECH_STARTED, TurnEventKind.RESUMED):
            await self._state("speaking")
        elif kind is TurnEventKind.PAUSED:
            await self._state("thinking")
        elif kind in (TurnEventKind.BACKCHANNEL, TurnEventKind.NOISE):
            self._partial = ""
            await self._state("listening")
        elif kind is TurnEventKind.TURN_ENDED:
            await self._end_turn()

    async def _end_turn(self) -> None:
        await self._state("thinking")
        pcm = self.listener.transcriber.audio
        self._finishing = asyncio.create_task(self._finish(pcm))

    async def _finish(self, pcm: bytes) -> None:
        try:
            transcript = await self.listener.final_transcript()
        except ProviderError as exc:
            log.warning("voice_transcription_failed", error=str(exc))
            self.listener.next_turn()
            await self.send(
                {
                    "type": "error",
                    "code": "transcription_failed",
                    "message": "We could not make out that answer. Say it again, or type it.",
                }
            )
            await self._state("listening")
            return
        self.listener.next_turn()
        await self._heard(transcript, pcm)

    async def _transcribe_whole(self, pcm: bytes) -> None:
        try:
            transcript = await self.engines.stt.transcribe(
                TranscriptionRequest(pcm, vocabulary=self.vocabulary)
            )
        except ProviderError as exc:
            log.warning("voice_transcription_failed", error=str(exc))
            await self.send(
                {
                    "type": "error",
                    "code": "transcription_failed",
                    "message": "We could not make out that answer. Say it again, or type it.",
                }
            )
            await self._state("listening")
            return
        await self._heard(transcript, pcm)

    async def _heard(self, transcript: Transcript, pcm: bytes) -> None:
        self._partial = ""
        text = transcript.text.strip()
        if not text:
            await self._state("listening")
            return
        confidence = transcript.confidence
        low = confidence is not None and confidence < self.settings.speech_confidence_threshold
        transcript_id = f"voice-{uuid.uuid4().hex}"
        speech = {
            "model": transcript.model,
            "provider": transcript.provider,
            "confidence": confidence,
            "low_confidence": low,
            "duration_s": transcript.duration,
        }
        self.heard[transcript_id] = Heard(text, speech, pcm)
        await self.send(
            {
                "type": "transcript.final",
                "transcript_id": transcript_id,
                "text": text,
                "confidence": confidence,
                "low_confidence": low,
                "duration_s": transcript.duration,
            }
        )
        await self._state("listening")
        if self.auto_send:
            await self.submit(transcript_id, text)

    async def _state(self, state: str) -> None:
        await self.send({"type": "voice.state", "state": state})

    # ---- the interviewer's voice ----------------------------------------------------------------

    def say(self, text: str) -> None:
        """Streamed interviewer text: each complete sentence is queued to be spoken."""
        if not self.speak:
            return
        self._text += text
        while match := _SENTENCE_END.search(self._text):
            sentence, self._text = self._text[: match.end()].strip(), self._text[match.end() :]
            self._queue(sentence)

    def said_all(self) -> None:
        """The message is complete: speak what is left of it."""
        if not self.speak:
            return
        rest, self._text = self._text.strip(), ""
        if rest:
            self._queue(rest)

    def _queue(self, sentence: str) -> None:
        if not re.search(r"\w", sentence):
            return
        self._sentences.put_nowait(sentence)
        if self._speaking is None or self._speaking.done():
            self._speaking = asyncio.create_task(self._speak_queued())

    async def _speak_queued(self) -> None:
        while not self._sentences.empty():
            sentence = self._sentences.get_nowait()
            if sentence is None:
                continue
            try:
                audio = await self.engines.tts.synthesize(SpeechRequest(sentence))
            except ProviderError as exc:
                log.warning("voice_synthesis_failed", error=str(exc))
                await self.send(
                    {
                        "type": "error",
                        "code": "speech_failed",
                        "message": "The interviewer's voice is not available right now; read the question.",
                    }
                )
                return
            self.usage.add(audio.provider, audio.model, len(sentence))
            self._spoken_index += 1
            data = wav_bytes(audio.pcm, audio.sample_rate)
            await self.send(
                {
                    "type": "speech.audio",
                    "index": self._spoken_index,
                    "text": sentence,
                    "format": "wav",
                    "sample_rate": audio.sample_rate,
                    "bytes": len(data),
                }
            )
            await self.send_bytes(data)

    async def stop_speaking(self, reason: str) -> None:
        """Stop the interviewer's voice: nothing more is sent, and the browser stops what it plays."""
        self._text = ""
        while not self._sentences.empty():
            self._sentences.get_nowait()
        if self._speaking is not None and not self._speaking.done():
            self._speaking.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._speaking
        self._speaking = None
        await self.send({"type": "speech.stop", "reason": reason})

    async def close(self) -> None:
        for task in (self._finishing, self._speaking):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self.listener.next_turn()


def recording_of(heard: Heard) -> bytes:
    """The WAV kept for an answer when the candidate opted in to audio storage."""
    return wav_bytes(heard.pcm, SAMPLE_RATE)
