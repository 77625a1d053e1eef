"""Live listening: VAD, turn-taking and transcription while the candidate speaks.

The final transcript of an answer must be ready almost as soon as the answer ends, but Whisper needs a
second or more for ten seconds of audio. So the answer is transcribed in pieces while it is spoken: at
every pause (`PAUSED`, 300 ms of silence by default) the audio not yet transcribed is sent to the engine
in the background. Pieces cut at a pause never split a word. When the candidate goes on speaking, a piece
of at least `min_commit_ms` is kept (committed) and a shorter one is dropped, to be heard again with more
context; when the candidate has stopped, the piece is the answer's tail, usually transcribed within the
silence the turn-taking waits for anyway. At the end only what is still missing is transcribed.

Each piece is prompted with the vocabulary and the words committed before it, so the whole answer reads
as one text. The piece results also tell the turn detector the words so far (trailing fragments,
backchannels).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import structlog

from candor.providers.speech.base import (
    SAMPLE_RATE,
    ProviderError,
    Segment,
    SpeechToText,
    Transcript,
    TranscriptionRequest,
    transcript_confidence,
)
from candor.providers.speech.vad import WINDOW_MS, StreamingVAD
from candor.speech.turns import TurnConfig, TurnDetector, TurnEvent, TurnEventKind, TurnState

log = structlog.get_logger("candor.speech")

BYTES_PER_MS = SAMPLE_RATE * 2 // 1000

OnWords = Callable[[str, int], None]
"""Called with the words so far and how many bytes of the answer they cover."""


@dataclass(frozen=True, slots=True)
class _Piece:
    start: int  # byte offsets in the answer's audio
    end: int
    transcript: Transcript


class IncrementalTranscriber:
    """Transcribes one answer in pieces while it is spoken. See the module docstring.

    Offsets are bytes of the answer's PCM16 16 kHz audio, which starts at `start()`.
    """

    def __init__(
        self,
        stt: SpeechToText,
        *,
        vocabulary: Sequence[str] = (),
        language: str = "en",
        min_commit_ms: int = 2000,
        on_words: OnWords | None = None,
    ) -> None:
        self.stt = stt
        self.vocabulary = tuple(vocabulary)
        self.language = language
        self.min_commit = min_commit_ms * BYTES_PER_MS
        self.on_words = on_words
        self.active = False
        self.pieces_transcribed = 0
        self._audio = bytearray()
        self._committed: list[_Piece] = []
        self._tail: _Piece | None = None
        self._job: asyncio.Task[None] | None = None
        self._pause_at: int | None = None
        self._resumed_at = -1

    @property
    def committed_until(self) -> int:
        return self._committed[-1].end if self._committed else 0

    @property
    def audio(self) -> bytes:
        return bytes(self._audio)

    def start(self, preroll: bytes = b"") -> None:
        """A new answer begins; `preroll` is the audio just before (and at) its onset."""
        self.cancel()
        self.active = True
        self._audio.extend(preroll)

    def cancel(self) -> None:
        """Forget the answer (a backchannel, or noise): nothing of it will be transcribed."""
        if self._job is not None and self._job is not asyncio.current_task():
            self._job.cancel()
        self.active = False
        self._audio.clear()
        self._committed.clear()
        self._tail = None
        self._job = None
        self._pause_at = None
        self._resumed_at = -1

    def append(self, pcm: bytes) -> None:
        if self.active:
            self._audio.extend(pcm)

    def mark_pause(self) -> None:
        """The audio so far ends in a pause: transcribe what is not yet transcribed, in the background."""
        if not self.active:
            return
        self._pause_at = len(self._audio)
        if self._job is None or self._job.done():
            self._launch(self.committed_until, self._pause_at)

    def speech_resumed(self) -> None:
        if self.active:
            self._resumed_at = len(self._audio)
            self._tail = None

    async def settle(self) -> None:
        """Wait for the transcription under way, and any it leads to. Feeding a recording as fast as it
        decodes, call this after each chunk to get the decisions a live, real-time feed would get."""
        while self._job is not None and not self._job.done():
            job = self._job
            await asyncio.wait({job})
            error = None if job.cancelled() else job.exception()
            if error is not None:
                raise error  # a bug, not an engine failure: those are handled in `_transcribe`

    async def finish(self) -> Transcript:
        """The whole answer's transcript: wait for the piece under way, transcribe what is still missing.

        Raises what the engine raises (`ProviderError`) when the missing piece cannot be transcribed."""
        end = len(self._audio)
        if self._pause_at is not None and self._resumed_at < self._pause_at:
            end = self._pause_at  # nothing but silence after the last pause
        await self.settle()
        tail = self._tail
        start = self.committed_until
        if start < end and (tail is None or tail.start != start or tail.end < end):
            tail = await self._piece(start, end)
        elif start >= end:
            tail = None
        self.active = False
        pieces = [*self._committed, *([tail] if tail is not None else [])]
        return self._combine(pieces, duration=len(self._audio) / 2 / SAMPLE_RATE)

    # ---- pieces ----

    def _launch(self, start: int, end: int) -> None:
        if end <= start:
            return
        self._job = asyncio.get_running_loop().create_task(self._transcribe(start, end))

    async def _piece(self, start: int, end: int) -> _Piece:
        context = " ".join(p.transcript.text for p in self._committed)
        request = TranscriptionRequest(
            bytes(self._audio[start:end]), language=self.language, vocabulary=self.vocabulary, context=context
        )
        transcript = await self.stt.transcribe(request)
        self.pieces_transcribed += 1
        return _Piece(start, end, transcript)

    async def _transcribe(self, start: int, end: int) -> None:
        """A piece in the background. A failure is only logged: `finish` transcribes what is missing."""
        try:
            piece = await self._piece(start, end)
        except ProviderError as exc:
            log.warning("speech_piece_failed", error=str(exc))
            return
        if self._resumed_at > end:
            # The candidate went on: keep a long piece, hear a short one again with what follows.
            if end - start >= self.min_commit and start == self.committed_until:
                self._committed.append(piece)
        else:
            self._tail = piece
        if self.on_words is not None:
            words = [p.transcript.text for p in self._committed]
            if self._tail is not None:
                words.append(self._tail.transcript.text)
            covered = self._tail.end if self._tail is not None else self.committed_until
            self.on_words(" ".join(w for w in words if w), covered)
        pause = self._pause_at
        if pause is not None and pause > max(end, self.committed_until) and self._resumed_at <= pause:
            self._launch(self.committed_until, pause)

    def _combine(self, pieces: Sequence[_Piece], *, duration: float) -> Transcript:
        segments: list[Segment] = []
        for piece in pieces:
            offset = piece.start / 2 / SAMPLE_RATE
            segments += [
                replace(s, start=round(s.start + offset, 2), end=round(s.end + offset, 2))
                for s in piece.transcript.segments
            ]
        last = pieces[-1].transcript if pieces else None
        texts = [p.transcript.text for p in pieces if p.transcript.text]
        confidences = [p.transcript.confidence for p in pieces]
        return Transcript(
            text=" ".join(texts),
            segments=tuple(segments),
            confidence=None if None in confidences else transcript_confidence(segments),
            duration=round(duration, 3),
            model=last.model if last else getattr(self.stt, "name", "speech-to-text"),
            provider=last.provider if last else getattr(self.stt, "name", "speech-to-text"),
            language=self.language,
        )


class TurnListener:
    """Everything that listens to a candidate, for one live interview: feed it microphone audio (PCM16
    16 kHz mono, any chunk size), act on the turn events it returns, and await `final_transcript()` after
    `TURN_ENDED`. Call `interviewer_started()`/`interviewer_stopped()` around the interviewer's speech so
    voice can be told apart from its echo, and `next_turn()` before listening for the next answer."""

    def __init__(
        self,
        stt: SpeechToText,
        *,
        config: TurnConfig | None = None,
        vocabulary: Sequence[str] = (),
        language: str = "en",
        min_commit_ms: int = 2000,
        preroll_ms: int = 300,
    ) -> None:
        self.vad = StreamingVAD()
        self.detector = TurnDetector(config, transcripts=True)
        self.transcriber = IncrementalTranscriber(
            stt,
            vocabulary=vocabulary,
            language=language,
            min_commit_ms=min_commit_ms,
            on_words=self._on_words,
        )
        self.preroll_ms = preroll_ms
        keep = (preroll_ms + self.detector.config.min_speech_ms + 1000) // WINDOW_MS
        self._recent: deque[bytes] = deque(maxlen=keep)
        self._answer_start_ms = 0.0
        self._pending: list[TurnEvent] = []

    @property
    def state(self) -> TurnState:
        return self.detector.state

    def interviewer_started(self) -> None:
        self.detector.interviewer_started()

    def interviewer_stopped(self) -> None:
        self.detector.interviewer_stopped()

    def next_turn(self) -> None:
        self.detector.next_turn()
        self.transcriber.cancel()

    async def feed(self, pcm: bytes) -> list[TurnEvent]:
        events, self._pending = self._pending, []
        for frame, probability in self.vad.push(pcm):
            if self.transcriber.active and self.detector.state is not TurnState.ENDED:
                self.transcriber.append(frame)
            else:
                self._recent.append(frame)
            decided = self.detector.push(frame, probability)
            self._act(decided)
            events += decided
        return events

    async def settle(self) -> None:
        """See `IncrementalTranscriber.settle`; decisions it brings come with the next `feed`."""
        await self.transcriber.settle()

    async def final_transcript(self) -> Transcript:
        """The answer's transcript, after `TURN_ENDED`: usually ready, since its tail was transcribed
        during the silence that ended the turn."""
        return await self.transcriber.finish()

    def _act(self, events: Sequence[TurnEvent]) -> None:
        for event in events:
            if event.kind in (TurnEventKind.SPEECH_STARTED, TurnEventKind.BARGE_IN):
                onset = event.onset_ms if event.onset_ms is not None else event.at_ms
                frames = list(self._recent)
                first = max(0, len(frames) - round((event.at_ms - onset + self.preroll_ms) / WINDOW_MS))
                preroll = b"".join(frames[first:])
                self._answer_start_ms = event.at_ms - len(preroll) / BYTES_PER_MS
                self.transcriber.start(preroll)
                self._recent.clear()
            elif event.kind is TurnEventKind.PAUSED:
                self.transcriber.mark_pause()
            elif event.kind is TurnEventKind.RESUMED:
                self.transcriber.speech_resumed()
            elif (
                event.kind in (TurnEventKind.BACKCHANNEL, TurnEventKind.NOISE)
                and (event.state is TurnState.LISTENING and self.transcriber.active)
                and self.detector.onset_ms is None
            ):
                self.transcriber.cancel()

    def _on_words(self, text: str, covered: int) -> None:
        decided = self.detector.update_transcript(
            text, until_ms=self._answer_start_ms + covered / BYTES_PER_MS
        )
        self._act(decided)
        self._pending += decided
