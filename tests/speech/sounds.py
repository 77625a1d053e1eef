"""Audio built at test time: silence, noise, coughs, mixes, containers. Nothing binary is committed."""

from __future__ import annotations

import io
import math
import re

import av
import numpy as np

RATE = 16_000
BYTES_PER_MS = RATE * 2 // 1000


def samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def pcm16(values: np.ndarray) -> bytes:
    return np.clip(np.round(values), -32768, 32767).astype("<i2").tobytes()


def silence(ms: float) -> bytes:
    return bytes(round(ms * BYTES_PER_MS) // 2 * 2)


def noise(ms: float, dbfs: float, seed: int = 0) -> bytes:
    """White noise at an RMS level of `dbfs`."""
    rng = np.random.default_rng(seed)
    rms = 32768 * 10 ** (dbfs / 20)
    return pcm16(rng.standard_normal(round(ms * RATE / 1000)) * rms)


def cough(ms: float = 150, peak_dbfs: float = -12, seed: int = 1) -> bytes:
    """A cough-like burst: broadband noise with a sharp attack and a fast decay."""
    rng = np.random.default_rng(seed)
    n = round(ms * RATE / 1000)
    envelope = np.exp(-np.linspace(0, 4, n))
    return pcm16(rng.standard_normal(n) * envelope * 32768 * 10 ** (peak_dbfs / 20))


def gain(pcm: bytes, db: float) -> bytes:
    return pcm16(samples(pcm) * 10 ** (db / 20))


def mix(base: bytes, overlay: bytes, at_ms: float) -> bytes:
    """`overlay` added onto `base` from `at_ms` (the result is as long as the longer of the two)."""
    a = samples(base)
    b = samples(overlay)
    start = round(at_ms * RATE / 1000)
    out = np.zeros(max(len(a), start + len(b)))
    out[: len(a)] += a
    out[start : start + len(b)] += b
    return pcm16(out)


def onset_ms(pcm: bytes) -> float:
    """Where a clip's sound begins: its first sample above 5% of its peak."""
    x = np.abs(samples(pcm))
    return float(np.argmax(x > 0.05 * x.max())) * 1000 / RATE


def end_ms(pcm: bytes) -> float:
    """Where a clip's sound ends: its last sample above 5% of its peak."""
    x = np.abs(samples(pcm))
    return float(len(x) - np.argmax(x[::-1] > 0.05 * x.max())) * 1000 / RATE


def encode(pcm: bytes, container: str, codec: str, *, rate: int = RATE) -> bytes:
    """16 kHz PCM16 mono encoded at `rate` in a container (wav, flac, mp3, ogg, webm) by PyAV's encoders."""
    out = io.BytesIO()
    with av.open(out, mode="w", format=container) as output:
        stream = output.add_stream(codec, rate=48_000 if codec == "libopus" else rate)
        assert isinstance(stream, av.AudioStream)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(
            np.frombuffer(pcm, dtype="<i2").reshape(1, -1), format="s16", layout="mono"
        )
        frame.sample_rate = RATE
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=int(stream.rate))
        for converted in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(converted):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return out.getvalue()


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference length): the parts of a word error rate."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        previous, row[0] = row[:], i
        for j in range(1, len(hyp) + 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ref[i - 1] != hyp[j - 1]))
    return row[-1], len(ref)


def dbfs(pcm: bytes) -> float:
    x = samples(pcm) / 32768
    rms = float(np.sqrt(np.mean(x * x))) if len(x) else 0.0
    return 20 * math.log10(rms) if rms > 0 else -math.inf
