"""WAV in and out, for engines that speak files: PCM16 mono is what every other part of Candor handles."""

from __future__ import annotations

import io
import wave
from typing import Any

import numpy as np

from candor.providers.llm.base import ProviderBadResponse


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """A complete WAV file holding PCM16 mono samples."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(pcm)
    return out.getvalue()


def read_wav(data: bytes, *, provider: str = "") -> tuple[bytes, int]:
    """PCM16 mono samples and their rate from a WAV file of 8-, 16- or 32-bit integer PCM, any channels.

    Streaming servers write 0xFFFFFFFF as the data size; the samples are taken as far as the bytes go.
    Raises `ProviderBadResponse` for anything else, since only a provider hands us WAV to read.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ProviderBadResponse(f"the audio is not a readable WAV file: {exc}", provider=provider) from exc
    dtypes: dict[int, np.dtype[Any]] = {1: np.dtype(np.uint8), 2: np.dtype("<i2"), 4: np.dtype("<i4")}
    if width not in dtypes or channels < 1 or rate <= 0:
        raise ProviderBadResponse(
            f"unsupported WAV format ({width * 8}-bit, {channels} channels, {rate} Hz)", provider=provider
        )
    usable = len(frames) - len(frames) % (width * channels)
    samples = np.frombuffer(frames[:usable], dtype=dtypes[width]).astype(np.float64)
    if width == 1:
        samples = (samples - 128.0) * 256.0
    elif width == 4:
        samples = samples / 65536.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes(), rate
