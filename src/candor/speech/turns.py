"""Turn-taking: when the candidate starts, pauses, finishes, or interrupts the interviewer.

Pure and deterministic. The detector is fed 16 kHz PCM16 frames, each with the VAD's speech probability
(Silero's 32 ms windows, from `candor.providers.speech.vad.StreamingVAD`), and, when there is one, the
transcript so far. It keeps time by the audio it has been given, never by the wall clock, so the same
audio always gives the same decisions at the same audio times.

The rules:

- A burst of voice is speech once `min_speech_ms` of it has been voiced (gaps shorter than `gap_ms`, as
  between two short words, do not end a burst). Shorter bursts (a cough, a click, a chair) are noise:
  they neither start a turn nor interrupt the silence that ends one.
- A turn ends after `silence_ms` of silence since the last speech, or `trailing_fragment_extra_ms` more
  when the words so far end in a trailing fragment ("um", "so", "and", "because", "like", a comma): the
  candidate is still thinking, and cutting them off there is the worst mistake a voice interviewer makes.
- A turn whose words are only a backchannel ("mm-hmm", "yeah", "okay") or no words at all is not an
  answer: the detector goes back to listening (`BACKCHANNEL`, or `NOISE` for no words).
- While the interviewer is speaking, `barge_in_ms` of voiced audio louder than the echo of the interviewer's
  own voice, and still loud when it is decided (a cough has died away by then), is a barge-in. Silero needs
  1-2 windows to notice speech, so the default (120 ms) decides within 200 ms of the speech's onset, in
  audio time. A barge-in that turns out to be a backchannel ends
  in `BACKCHANNEL`: the caller ducks the interviewer's voice at `BARGE_IN` and resumes it then.
- With `transcripts=True` the end of a turn waits for the transcript of its last words (at most
  `transcript_wait_ms` longer), since only the words can tell a fragment or a backchannel.

States, for the UI: `listening` (no answer under way), `speaking`, `thinking` (a pause inside an answer),
`ended`. After `ended` the detector ignores audio until `next_turn()`.
"""

from __future__ import annotations

import math
import re
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from candor.providers.speech.base import SAMPLE_RATE
from candor.speech.audio import level_dbfs

SAMPLES_PER_MS = SAMPLE_RATE // 1000
ECHO_DELAY_MS = 256


class TurnState(StrEnum):
    LISTENING = "listening"
    SPEAKING = "speaking"
    THINKING = "thinking"
    ENDED = "ended"


class TurnEventKind(StrEnum):
    SPEECH_STARTED = "speech_started"
    PAUSED = "paused"
    RESUMED = "resumed"
    TURN_ENDED = "turn_ended"
    BACKCHANNEL = "backchannel"
    NOISE = "noise"
    BARGE_IN = "barge_in"


@dataclass(frozen=True, slots=True)
class TurnEvent:
    """A decision. `at_ms` is the audio time (since the detector started) of the end of the frame that
    decided it; `onset_ms` is where the burst of voice behind it began; `speech_end_ms` where speech was
    last heard."""

    kind: TurnEventKind
    at_ms: float
    state: TurnState
    onset_ms: float | None = None
    speech_end_ms: float | None = None


@dataclass(frozen=True, slots=True)
class TurnConfig:
    """Timings in milliseconds of audio. Levels in dB relative to full scale (dBFS)."""

    silence_ms: int = 1200
    trailing_fragment_extra_ms: int = 1000
    min_speech_ms: int = 200
    barge_in_ms: int = 120
    pause_ms: int = 300
    gap_ms: int = 160
    transcript_wait_ms: int = 2000
    speech_threshold: float = 0.5
    silence_threshold: float = 0.35
    floor_dbfs: float = -55.0
    echo_learn_ms: int = 300
    echo_window_ms: int = 3000
    echo_margin_db: float = 6.0
    barge_in_sustain_db: float = 10.0

    def __post_init__(self) -> None:
        if min(self.silence_ms, self.min_speech_ms, self.barge_in_ms, self.pause_ms) <= 0:
            raise ValueError("silence_ms, min_speech_ms, barge_in_ms and pause_ms must be positive")
        if self.pause_ms >= self.silence_ms:
            raise ValueError("pause_ms must be shorter than silence_ms")
        if not 0 < self.silence_threshold <= self.speech_threshold < 1:
            raise ValueError("need 0 < silence_threshold <= speech_threshold < 1")


@dataclass(slots=True)
class _Burst:
    start: int
    voiced: int
    confirmed: bool = False
    quiet: int = 0
    peak: float = -math.inf


class TurnDetector:
    """Decides turns from frames of audio and their speech probabilities. See the module docstring."""

    def __init__(self, config: TurnConfig | None = None, *, transcripts: bool = False) -> None:
        self.config = config or TurnConfig()
        self.transcripts = transcripts
        self._pos = 0
        self._state = TurnState.LISTENING
        self._in_turn = False
        self._burst: _Burst | None = None
        self._last_voice = 0
        self._onset = 0
        self._text = ""
        self._text_until = -1
        self._playback = False
        self._playback_since = 0
        window = max(1, self.config.echo_window_ms // 32)
        self._echo: deque[float] = deque(maxlen=window)
        self._echo_pending: deque[tuple[int, float]] = deque()

    @property
    def state(self) -> TurnState:
        return self._state

    @property
    def position_ms(self) -> float:
        return self._pos / SAMPLES_PER_MS

    @property
    def onset_ms(self) -> float | None:
        """Where the current turn's speech began (None outside a turn)."""
        return self._onset / SAMPLES_PER_MS if self._in_turn else None

    @property
    def interviewer_speaking(self) -> bool:
        return self._playback

    @property
    def transcript(self) -> str:
        return self._text

    def interviewer_started(self) -> None:
        """The interviewer's voice is playing from now on: voice may now be a barge-in or an echo."""
        self._playback = True
        self._playback_since = self._pos
        # The echo heard in earlier playback is kept: it is the same speaker, room and microphone.
        self._echo_pending.clear()
        if self._burst is not None and not self._burst.confirmed:
            self._burst = None

    def interviewer_stopped(self) -> None:
        self._playback = False

    def next_turn(self) -> None:
        """Listen for the next answer (after `ended`, or to drop the answer under way)."""
        self._reset_turn()

    def update_transcript(self, text: str, *, until_ms: float) -> list[TurnEvent]:
        """The words of the turn so far, covering its audio up to `until_ms`. May decide the turn."""
        if not self._in_turn:
            return []
        self._text = text.strip()
        self._text_until = max(self._text_until, round(until_ms * SAMPLES_PER_MS))
        return self._decide()

    def push(self, frame: bytes, speech_prob: float) -> list[TurnEvent]:
        """One frame of PCM16 16 kHz mono audio and the VAD's probability that it is speech."""
        if len(frame) % 2:
            raise ValueError("a PCM16 frame has an even number of bytes")
        start = self._pos
        self._pos += len(frame) // 2
        if self._state is TurnState.ENDED:
            return []
        config = self.config
        level = level_dbfs(frame)
        learning = (
            self._playback and self._pos - self._playback_since <= config.echo_learn_ms * SAMPLES_PER_MS
        )
        gate = self._gate()
        voiced = not learning and speech_prob >= config.speech_threshold and level >= gate
        unvoiced = learning or speech_prob < config.silence_threshold or level < gate - config.echo_margin_db
        events: list[TurnEvent] = []

        burst = self._burst
        if burst is None:
            if voiced:
                burst = self._burst = _Burst(start, self._pos - start, peak=level)
                self._echo_pending.clear()  # the quieter start of this voice, not echo
            elif self._playback:
                self._remember_echo(level, directly=learning)
        elif unvoiced:
            # A burst survives a gap of `gap_ms` (the closure before a final "s", the breath between two
            # short words); silence is timed from its last voiced frame all the same.
            burst.quiet += self._pos - start
            if burst.quiet >= config.gap_ms * SAMPLES_PER_MS:
                if not burst.confirmed:
                    events.append(self._event(TurnEventKind.NOISE, onset=burst.start))
                self._burst = burst = None
            if self._playback:
                self._remember_echo(level)
        else:
            if voiced:
                burst.voiced += self._pos - start
                burst.peak = max(burst.peak, level)
            burst.quiet = 0
            if burst.confirmed:
                self._last_voice = self._pos

        if burst is not None and not burst.confirmed:
            needed = config.barge_in_ms if self._playback else config.min_speech_ms
            # Over the interviewer's voice the VAD hears speech all the time, so a cough would pass it:
            # a barge-in must also still be loud, where a cough has already died away.
            sustained = not self._playback or level >= burst.peak - config.barge_in_sustain_db
            if burst.voiced >= needed * SAMPLES_PER_MS and sustained:
                burst.confirmed = True
                self._last_voice = self._pos
                events += self._confirm(burst)
        return events + self._decide()

    # ---- decisions ----

    def _confirm(self, burst: _Burst) -> list[TurnEvent]:
        if self._playback:
            self._playback = False
            self._begin_turn(burst.start)
            return [self._event(TurnEventKind.BARGE_IN, onset=burst.start)]
        if not self._in_turn:
            self._begin_turn(burst.start)
            return [self._event(TurnEventKind.SPEECH_STARTED, onset=burst.start)]
        if self._state is TurnState.THINKING:
            self._state = TurnState.SPEAKING
            return [self._event(TurnEventKind.RESUMED, onset=burst.start)]
        return []

    def _decide(self) -> list[TurnEvent]:
        if not self._in_turn or self._state is TurnState.ENDED:
            return []
        config = self.config
        pending = self._burst is not None and not self._burst.confirmed
        silence = self._pos - self._last_voice
        quiet = self._burst is None or (self._burst.confirmed and self._burst.quiet > 0)
        if self._state is TurnState.SPEAKING and quiet and silence >= config.pause_ms * SAMPLES_PER_MS:
            self._state = TurnState.THINKING
            return [self._event(TurnEventKind.PAUSED, speech_end=self._last_voice), *self._decide()]
        if self._state is not TurnState.THINKING:
            return []

        covered = not self.transcripts or self._text_until >= self._last_voice
        if covered and self.transcripts and not pending:
            if not _words(self._text):
                return [self._drop_turn(TurnEventKind.NOISE)]
            if is_backchannel(self._text):
                return [self._drop_turn(TurnEventKind.BACKCHANNEL)]
        if pending:
            return []
        required = config.silence_ms
        if covered and ends_in_fragment(self._text):
            required += config.trailing_fragment_extra_ms
        if silence < required * SAMPLES_PER_MS:
            return []
        if not covered and silence < (required + config.transcript_wait_ms) * SAMPLES_PER_MS:
            return []
        self._state = TurnState.ENDED
        return [self._event(TurnEventKind.TURN_ENDED, onset=self._onset, speech_end=self._last_voice)]

    def _begin_turn(self, onset: int) -> None:
        self._in_turn = True
        self._onset = onset
        self._state = TurnState.SPEAKING
        self._text = ""
        self._text_until = -1

    def _drop_turn(self, kind: TurnEventKind) -> TurnEvent:
        event = TurnEvent(
            kind,
            self.position_ms,
            TurnState.LISTENING,
            onset_ms=self._onset / SAMPLES_PER_MS,
            speech_end_ms=self._last_voice / SAMPLES_PER_MS,
        )
        self._reset_turn()
        return event

    def _reset_turn(self) -> None:
        self._state = TurnState.LISTENING
        self._in_turn = False
        self._burst = None
        self._text = ""
        self._text_until = -1

    def _event(
        self, kind: TurnEventKind, *, onset: int | None = None, speech_end: int | None = None
    ) -> TurnEvent:
        return TurnEvent(
            kind,
            self.position_ms,
            self._state,
            onset_ms=None if onset is None else onset / SAMPLES_PER_MS,
            speech_end_ms=None if speech_end is None else speech_end / SAMPLES_PER_MS,
        )

    # ---- echo of the interviewer's voice ----

    def _gate(self) -> float:
        """The level voice must reach to count: the floor, or while the interviewer speaks, the loudest
        recent echo of their voice plus a margin (the candidate is nearer the microphone than the
        speaker is, and echo cancellation takes most of the rest)."""
        if not self._playback or not self._echo:
            return self.config.floor_dbfs
        return max(self.config.floor_dbfs, max(self._echo) + self.config.echo_margin_db)

    def _remember_echo(self, level: float, *, directly: bool = False) -> None:
        """A frame of the interviewer's echo. It counts only after `ECHO_DELAY_MS` without a barge-in
        following it: the soft start of the candidate's voice must not raise the bar it has to clear."""
        if not math.isfinite(level):
            return
        if directly:
            self._echo.append(level)
            return
        self._echo_pending.append((self._pos, level))
        while self._echo_pending and self._pos - self._echo_pending[0][0] >= ECHO_DELAY_MS * SAMPLES_PER_MS:
            self._echo.append(self._echo_pending.popleft()[1])


# ---- words ----


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_FRAGMENT_WORDS = _word_set(
    "um uh er erm hmm mm so and but or because cause like that which who with the a an to of if when then "
    "also well since while although though for my our their we i as about into"
)
_FRAGMENT_PHRASES = (("you", "know"), ("i", "mean"), ("kind", "of"), ("sort", "of"))
_BACKCHANNEL_WORDS = _word_set(
    "mm mmm hmm hm mhm uh huh um ah aha oh yeah yep yup ok okay right sure alright cool great nice"
    # as speech-to-text also spells them, without the hyphen
    " mmhmm mmhm mhmm mmmhmm uhhuh uhuh"
)
_BACKCHANNEL_PHRASES = (("i", "see"), ("got", "it"), ("all", "right"), ("sounds", "good"), ("makes", "sense"))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))


def is_backchannel(text: str) -> bool:
    """Only acknowledgement sounds ("Mm-hmm.", "Yeah, okay.", "I see."): no answer in it."""
    words = _words(text)
    if not words:
        return False
    i = 0
    while i < len(words):
        if tuple(words[i : i + 2]) in _BACKCHANNEL_PHRASES:
            i += 2
        elif words[i] in _BACKCHANNEL_WORDS:
            i += 1
        else:
            return False
    return True


def ends_in_fragment(text: str) -> bool:
    """The words stop mid-thought: a filler, a conjunction, a preposition, a comma or a trailing ellipsis."""
    stripped = text.rstrip()
    if not stripped:
        return False
    if stripped.endswith((",", "...", "…", "-", "—", ";", ":")):
        return True
    words = _words(stripped)
    if not words:
        return False
    return words[-1] in _FRAGMENT_WORDS or tuple(words[-2:]) in _FRAGMENT_PHRASES
