"""The fallback voice: the espeak-ng program (Debian package `espeak-ng`), robotic but tiny and instant.

It is used only when every better voice fails or is missing; when the program is not installed it says
so in its status and the chain skips it.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator

from candor.providers.speech.base import (
    AudioChunk,
    EngineStatus,
    ProviderBadResponse,
    ProviderRequestRejected,
    SpeechAudio,
    SpeechRequest,
    SpeechUnavailable,
    speech_pieces,
)
from candor.providers.speech.wav import read_wav

TIMEOUT_S = 30.0


class EspeakTTS:
    name = "espeak-ng"

    def __init__(
        self, *, binary: str = "espeak-ng", voice: str = "en-us", words_per_minute: int = 165
    ) -> None:
        self.binary = binary
        self.voice = voice
        self.voices: tuple[str, ...] = (voice,)
        self.words_per_minute = words_per_minute

    def __repr__(self) -> str:
        return f"EspeakTTS(binary={self.binary!r}, voice={self.voice!r})"

    def status(self) -> EngineStatus:
        if shutil.which(self.binary) is None:
            return EngineStatus(
                self.name, False, f"{self.binary} is not installed (Debian: apt-get install espeak-ng)"
            )
        return EngineStatus(self.name, True)

    async def synthesize(self, request: SpeechRequest) -> SpeechAudio:
        text = " ".join(speech_pieces(request.text))
        pcm, rate = await self._speak(text)
        return SpeechAudio(pcm, rate, self.name, "espeak-ng", self.voice)

    async def stream(self, request: SpeechRequest) -> AsyncIterator[AudioChunk]:
        pieces = speech_pieces(request.text)
        if not pieces:
            raise ProviderRequestRejected("there is no text to speak", provider=self.name)
        for piece in pieces:
            pcm, rate = await self._speak(piece)
            yield AudioChunk(pcm, rate, piece, self.name)

    async def _speak(self, text: str) -> tuple[bytes, int]:
        if not text.strip():
            raise ProviderRequestRejected("there is no text to speak", provider=self.name)
        binary = shutil.which(self.binary)
        if binary is None:
            raise SpeechUnavailable(f"{self.binary} is not installed", provider=self.name)
        # The text goes in on stdin, never as an argument, so nothing in it can be read as an option.
        process = await asyncio.create_subprocess_exec(
            binary,
            "-v",
            self.voice,
            "-s",
            str(self.words_per_minute),
            "--stdout",
            "--stdin",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(text.encode("utf-8")), TIMEOUT_S)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise ProviderBadResponse(
                f"{self.binary} did not finish in {TIMEOUT_S:g} s", provider=self.name
            ) from None
        if process.returncode != 0 or not out:
            message = err.decode("utf-8", "replace").strip()[:300] or f"exit status {process.returncode}"
            raise ProviderBadResponse(f"{self.binary} failed: {message}", provider=self.name)
        return read_wav(out, provider=self.name)
