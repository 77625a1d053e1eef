"""Audio in the shapes the speech engines hear: decoding uploads, checking raw PCM, resampling, levels.

Everything leaves here as PCM16 mono at 16 kHz. Decoding is PyAV's (FFmpeg's), the same library
faster-whisper uses, so any container and codec it reads is accepted: WAV, FLAC, OGG (Vorbis/Opus), MP3,
WebM/Opus as browsers record it, M4A. Limits are enforced while decoding, so a small file that expands to
hours of audio is refused before it is all in memory.
"""

from __future__ import annotations

import io
import math

import av
import numpy as np

from candor.providers.speech.base import SAMPLE_RATE
from candor.speech.errors import AudioTooLong, EmptyAudio, InvalidAudio, UnsupportedAudio, WrongSampleRate

ACCEPTED_FORMATS = "WAV, FLAC, OGG, MP3, WebM or M4A"
RAW_PCM_TYPES = frozenset({"audio/pcm", "audio/l16", "audio/x-raw", "audio/raw", "application/octet-stream"})
RAW_PCM_SUFFIXES = (".pcm", ".raw", ".s16", ".s16le")


def decode_audio(data: bytes, *, max_seconds: float) -> bytes:
    """Any audio file as PCM16 mono 16 kHz. Raises `UnsupportedAudio` for what is not audio at all,
    `InvalidAudio` for audio damaged beyond reading, `EmptyAudio` and `AudioTooLong`."""
    if not data:
        raise EmptyAudio("The file is empty. Record again and send the recording.")
    limit = int(max_seconds * SAMPLE_RATE)
    out = bytearray()
    try:
        container = av.open(io.BytesIO(data), mode="r", metadata_errors="ignore")
    except (av.FFmpegError, ValueError, OSError):
        raise UnsupportedAudio(
            f"This file is not audio we can read. Send {ACCEPTED_FORMATS}, or raw 16-bit PCM at 16 kHz "
            "with sample_rate=16000."
        ) from None
    with container:
        stream = next(iter(container.streams.audio), None)
        if stream is None:
            raise UnsupportedAudio(f"The file has no audio track. Send {ACCEPTED_FORMATS}.")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                for converted in resampler.resample(frame):
                    out.extend(_samples(converted))
                if len(out) // 2 > limit:
                    raise _too_long(max_seconds)
            for converted in resampler.resample(None):
                out.extend(_samples(converted))
        except (av.FFmpegError, ValueError, OSError):
            if not out:
                raise InvalidAudio(
                    f"The audio is damaged and could not be decoded. Record again, or export it as "
                    f"{ACCEPTED_FORMATS}."
                ) from None
            # A recording cut off mid-frame (a dropped upload, a browser stopped abruptly) keeps what
            # decoded cleanly: the answer is still worth hearing.
    if len(out) // 2 > limit:
        raise _too_long(max_seconds)
    if not out:
        raise EmptyAudio("The file holds no audio samples. Record again and send the recording.")
    return bytes(out)


def check_pcm16(data: bytes, sample_rate: int | None, *, max_seconds: float) -> bytes:
    """Raw PCM as sent: it must be 16-bit mono at 16 kHz, declared so, and whole samples."""
    if sample_rate is None:
        raise WrongSampleRate(
            "Raw PCM carries no sample rate: send sample_rate=16000 with it (16-bit little-endian mono), "
            f"or send {ACCEPTED_FORMATS}, which say their own rate."
        )
    if sample_rate != SAMPLE_RATE:
        raise WrongSampleRate(
            f"Raw PCM must be 16-bit mono at {SAMPLE_RATE} Hz, not {sample_rate} Hz. Resample it to "
            f"{SAMPLE_RATE} Hz, or send {ACCEPTED_FORMATS}, which are resampled for you.",
            sample_rate=sample_rate,
            expected_sample_rate=SAMPLE_RATE,
        )
    if not data:
        raise EmptyAudio("The audio is empty. Record again and send the recording.")
    if len(data) % 2:
        raise InvalidAudio("Raw PCM must be whole 16-bit samples: the byte count is odd.")
    if len(data) // 2 > max_seconds * SAMPLE_RATE:
        raise _too_long(max_seconds)
    return data


def resample_pcm16(pcm: bytes, rate: int, to_rate: int = SAMPLE_RATE) -> bytes:
    """PCM16 mono from one rate to another (FFmpeg's resampler)."""
    if rate == to_rate or not pcm:
        return pcm
    resampler = av.AudioResampler(format="s16", layout="mono", rate=to_rate)
    frame = av.AudioFrame.from_ndarray(
        np.frombuffer(pcm, dtype="<i2").reshape(1, -1), format="s16", layout="mono"
    )
    frame.sample_rate = rate
    out = bytearray()
    for converted in [*resampler.resample(frame), *resampler.resample(None)]:
        out.extend(_samples(converted))
    return bytes(out)


def duration_seconds(pcm: bytes, rate: int = SAMPLE_RATE) -> float:
    return len(pcm) / 2 / rate


def level_dbfs(pcm: bytes) -> float:
    """RMS level of PCM16 in dB relative to full scale; silence is -inf."""
    if len(pcm) < 2:
        return -math.inf
    samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2").astype(np.float64) / 32768.0
    rms = float(np.sqrt(np.mean(samples * samples)))
    return 20.0 * math.log10(rms) if rms > 0 else -math.inf


def _samples(frame: av.AudioFrame) -> bytes:
    return frame.to_ndarray().astype("<i2", copy=False).tobytes()


def _too_long(max_seconds: float) -> AudioTooLong:
    limit = f"{max_seconds / 60:g} minutes" if max_seconds >= 120 else f"{max_seconds:g} seconds"
    return AudioTooLong(
        f"The audio is longer than {limit}. Send a shorter recording, or split it.",
        limit_seconds=max_seconds,
    )
