"""Voice activity detection with the Silero VAD model that faster-whisper ships (an ONNX file, no download).

Two uses: `speech_regions` marks where a recording has speech, so Whisper never hears silence (which it
"transcribes" as "Thank you." or "you"); `StreamingVAD` gives a speech probability for every 32 ms window
of live audio, carrying the model's state across calls, for turn-taking (`candor.speech.turns`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from candor.providers.speech.base import SAMPLE_RATE

if TYPE_CHECKING:
    from numpy.typing import NDArray

WINDOW_SAMPLES = 512
"""Silero's window at 16 kHz: 32 ms. `StreamingVAD` frames are this long."""
WINDOW_BYTES = WINDOW_SAMPLES * 2
WINDOW_MS = WINDOW_SAMPLES * 1000 // SAMPLE_RATE
_CONTEXT_SAMPLES = 64
_STATE_SHAPE = (1, 1, 128)

SPEECH_THRESHOLD = 0.5
# Stretches of speech are padded by this much on each side so word edges are kept, and two stretches closer
# than `MIN_SILENCE_MS` are one.
SPEECH_PAD_MS = 300
MIN_SILENCE_MS = 500


def _session() -> Any:
    """The ONNX session of faster-whisper's bundled Silero model (loaded once; thread-safe to run)."""
    from faster_whisper.vad import get_vad_model

    return get_vad_model().session


def speech_regions(audio: NDArray[np.float32]) -> list[tuple[int, int]]:
    """(start, end) sample offsets of the speech in 16 kHz float audio, padded; [] when there is none."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=SPEECH_THRESHOLD,
        min_silence_duration_ms=MIN_SILENCE_MS,
        speech_pad_ms=SPEECH_PAD_MS,
    )
    return [(int(c["start"]), int(c["end"])) for c in get_speech_timestamps(audio, options)]


def pcm16_to_float(pcm: bytes) -> NDArray[np.float32]:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


class StreamingVAD:
    """Speech probabilities for live PCM16 16 kHz audio, one per 512-sample window.

    Feed audio in any sizes; each call returns the complete windows it finished, as (window bytes,
    probability) pairs, and keeps the remainder for the next call. The model's recurrent state carries
    over, so the probabilities equal those of one pass over the whole recording.
    """

    def __init__(self) -> None:
        self._session = _session()
        self._pending = bytearray()
        self._h = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._c = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros((1, _CONTEXT_SAMPLES), dtype=np.float32)

    def push(self, pcm: bytes) -> list[tuple[bytes, float]]:
        self._pending.extend(pcm)
        out: list[tuple[bytes, float]] = []
        while len(self._pending) >= WINDOW_BYTES:
            window = bytes(self._pending[:WINDOW_BYTES])
            del self._pending[:WINDOW_BYTES]
            out.append((window, self._probability(window)))
        return out

    def reset(self) -> None:
        self._pending.clear()
        self._h[:] = 0.0
        self._c[:] = 0.0
        self._context[:] = 0.0

    def _probability(self, window: bytes) -> float:
        samples = pcm16_to_float(window)[np.newaxis, :]
        batch = np.concatenate([self._context, samples], axis=1)
        probs, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = samples[:, -_CONTEXT_SAMPLES:]
        return float(np.asarray(probs).reshape(-1)[0])
