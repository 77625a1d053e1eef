"""Turn-taking on constructed audio: real synthesized speech, silence, noise, speech over playback.

Every assertion is in audio time (the detector's own clock), so these tests are as deterministic as the
audio: no wall clock anywhere.
"""

from __future__ import annotations

import pytest

from candor.providers.speech import FasterWhisperSTT, TranscriptionRequest
from candor.providers.speech.vad import StreamingVAD
from candor.speech.turns import (
    TurnConfig,
    TurnDetector,
    TurnEvent,
    TurnEventKind,
    TurnState,
    ends_in_fragment,
    is_backchannel,
)
from tests.speech.conftest import Speak
from tests.speech.sounds import BYTES_PER_MS, cough, end_ms, gain, mix, noise, onset_ms, silence

CHUNK = 640  # 20 ms of microphone audio: deliberately not Silero's 32 ms windows
FRAME_MS = 32
Kind = TurnEventKind


async def run(
    detector: TurnDetector,
    audio: bytes,
    *,
    stt: FasterWhisperSTT | None = None,
    echo: bytes = b"",
    playback_from_ms: float = 0,
) -> list[TurnEvent]:
    """Feed `audio` as a microphone would.

    With `stt`, the words of the turn so far are transcribed at every pause (as the live pipeline does in
    the background) and given to the detector. With `echo` (what the microphone hears of the interviewer's
    voice), playback starts at `playback_from_ms`, stops at a barge-in and resumes after a backchannel, as
    the browser does when told so.
    """
    vad = StreamingVAD()
    heard = bytearray()
    events: list[TurnEvent] = []
    echo_at = 0
    playing = False
    for i in range(0, len(audio), CHUNK):
        if echo and not playing and echo_at == 0 and i >= playback_from_ms * BYTES_PER_MS:
            detector.interviewer_started()
            playing = True
        chunk = audio[i : i + CHUNK]
        if playing:
            chunk = mix(chunk, echo[echo_at : echo_at + len(chunk)], 0)[: len(chunk)]
            echo_at += len(chunk)
        for frame, probability in vad.push(chunk):
            heard.extend(frame)
            decided = detector.push(frame, probability)
            if (
                stt is not None
                and any(e.kind is Kind.PAUSED for e in decided)
                and detector.onset_ms is not None
            ):
                start = round(max(0.0, detector.onset_ms - 300)) * BYTES_PER_MS
                transcript = await stt.transcribe(TranscriptionRequest(bytes(heard[start:])))
                decided += detector.update_transcript(transcript.text, until_ms=detector.position_ms)
            for event in decided:
                if event.kind is Kind.BARGE_IN:
                    playing = False
                elif event.kind is Kind.BACKCHANNEL and echo and echo_at < len(echo):
                    detector.interviewer_started()
                    playing = True
            events += decided
    return events


def kinds(events: list[TurnEvent]) -> list[Kind]:
    return [e.kind for e in events if e.kind is not Kind.NOISE]


def first(events: list[TurnEvent], kind: Kind) -> TurnEvent:
    return next(e for e in events if e.kind is kind)


async def test_a_pause_inside_an_answer_is_thinking_and_silence_ends_it(speak: Speak) -> None:
    one, two = speak("I led the migration."), speak("It took three months.")
    audio = silence(500) + one + silence(800) + two + silence(2500)
    detector = TurnDetector()
    events = await run(detector, audio)

    assert kinds(events) == [Kind.SPEECH_STARTED, Kind.PAUSED, Kind.RESUMED, Kind.PAUSED, Kind.TURN_ENDED]
    assert [e.state for e in events if e.kind is not Kind.NOISE] == [
        TurnState.SPEAKING,
        TurnState.THINKING,
        TurnState.SPEAKING,
        TurnState.THINKING,
        TurnState.ENDED,
    ]
    end = first(events, Kind.TURN_ENDED)
    assert end.speech_end_ms is not None
    assert end.at_ms - end.speech_end_ms == pytest.approx(1200, abs=FRAME_MS)
    # The answer's last sound is where the detector says speech ended, give or take Silero's tail.
    spoken_end = 500 + len(one) / BYTES_PER_MS + 800 + end_ms(two)
    assert end.speech_end_ms == pytest.approx(spoken_end, abs=100)
    assert detector.state is TurnState.ENDED
    assert await run(detector, speak("Anything else?")) == [], "after the end, audio waits for next_turn()"


@pytest.mark.parametrize("fragment", ["We picked Postgres because", "We picked Postgres, and"])
async def test_a_trailing_fragment_gets_more_time(
    whisper: FasterWhisperSTT, speak: Speak, fragment: str
) -> None:
    rest = speak("It was already in our stack.")
    audio = silence(500) + speak(fragment) + silence(1700) + rest + silence(2500)
    events = await run(TurnDetector(transcripts=True), audio, stt=whisper)

    assert kinds(events) == [Kind.SPEECH_STARTED, Kind.PAUSED, Kind.RESUMED, Kind.PAUSED, Kind.TURN_ENDED]
    end = first(events, Kind.TURN_ENDED)
    assert end.at_ms > (len(audio) - len(rest) - 2500 * BYTES_PER_MS) / BYTES_PER_MS, "one answer, not two"
    assert end.speech_end_ms is not None
    assert end.at_ms - end.speech_end_ms == pytest.approx(1200, abs=FRAME_MS)


async def test_without_a_fragment_the_same_pause_ends_the_turn(
    whisper: FasterWhisperSTT, speak: Speak
) -> None:
    audio = (
        silence(500) + speak("We picked Postgres.") + silence(1700) + speak("It was already in our stack.")
    )
    events = await run(TurnDetector(transcripts=True), audio + silence(500), stt=whisper)
    assert kinds(events)[:3] == [Kind.SPEECH_STARTED, Kind.PAUSED, Kind.TURN_ENDED]
    end = first(events, Kind.TURN_ENDED)
    assert end.speech_end_ms is not None
    assert end.at_ms - end.speech_end_ms == pytest.approx(1200, abs=FRAME_MS)


@pytest.mark.parametrize("backchannel", ["Mm-hmm.", "Yeah.", "Okay.", "Yeah, okay."])
async def test_a_backchannel_alone_is_not_an_answer(
    whisper: FasterWhisperSTT, speak: Speak, backchannel: str
) -> None:
    answer = speak("The hardest part was the data migration.")
    audio = silence(500) + speak(backchannel) + silence(2500) + answer + silence(2000)
    detector = TurnDetector(transcripts=True)
    events = await run(detector, audio, stt=whisper)

    assert kinds(events) == [
        Kind.SPEECH_STARTED,
        Kind.PAUSED,
        Kind.BACKCHANNEL,
        Kind.SPEECH_STARTED,
        Kind.PAUSED,
        Kind.TURN_ENDED,
    ]
    assert first(events, Kind.BACKCHANNEL).state is TurnState.LISTENING
    answer_start = first([e for e in events if e.kind is Kind.SPEECH_STARTED][1:], Kind.SPEECH_STARTED)
    assert answer_start.onset_ms is not None
    assert answer_start.onset_ms > 3000, "the answer is its own turn"


async def test_a_cough_neither_starts_a_turn_nor_keeps_one_open(speak: Speak) -> None:
    answer = speak("I would start with the logs.")
    before = silence(500) + cough(150) + silence(800) + noise(1000, -50, seed=5)
    after_answer = silence(600) + cough(150, -8, seed=2) + silence(2000)
    detector = TurnDetector()
    events = await run(detector, before + answer + after_answer)

    assert kinds(events) == [Kind.SPEECH_STARTED, Kind.PAUSED, Kind.TURN_ENDED]
    started = first(events, Kind.SPEECH_STARTED)
    assert started.onset_ms is not None
    assert started.onset_ms >= len(before) / BYTES_PER_MS - 50
    end = first(events, Kind.TURN_ENDED)
    assert end.speech_end_ms is not None
    assert end.at_ms - end.speech_end_ms == pytest.approx(1200, abs=FRAME_MS), (
        "the cough did not reset the wait"
    )


async def test_a_snippet_shorter_than_the_minimum_is_not_speech(speak: Speak) -> None:
    word = speak("Absolutely, I can explain.")
    start = round(onset_ms(word)) * BYTES_PER_MS
    snippet = word[start : start + 150 * BYTES_PER_MS]
    events = await run(TurnDetector(), silence(500) + snippet + silence(1500))
    assert kinds(events) == []


async def test_the_same_audio_gives_the_same_decisions(speak: Speak) -> None:
    audio = silence(300) + speak("Yes, twice.") + silence(700) + cough(120) + speak("Both times it worked.")
    audio += silence(1600)
    assert await run(TurnDetector(), audio) == await run(TurnDetector(), audio)


# ---- barge-in ----

INTERVIEWER = (
    "Thanks for walking me through that project. Now tell me how you decided which parts of the old system "
    "to replace first, and why."
)


@pytest.mark.parametrize("echo_db", [None, -40, -30], ids=["headphones", "echo-40dB", "echo-30dB"])
async def test_speech_over_playback_barges_in_within_200_ms(speak: Speak, echo_db: float | None) -> None:
    """The microphone hears the candidate plus what is left of the interviewer's voice after echo
    cancellation (nothing with headphones)."""
    playback = speak(INTERVIEWER)
    echo = gain(playback, echo_db) if echo_db is not None else silence(len(playback) / BYTES_PER_MS)
    candidate = speak("Sorry, can I ask a question about that?")
    at = 2000
    detector = TurnDetector()
    events = await run(detector, mix(silence(at + 5000), candidate, at), echo=echo, playback_from_ms=500)

    barge = first(events, Kind.BARGE_IN)
    true_onset = at + onset_ms(candidate)
    assert 0 < barge.at_ms - true_onset <= 200, f"decided {barge.at_ms - true_onset:.0f} ms after the onset"
    assert kinds(events) == [Kind.BARGE_IN, Kind.PAUSED, Kind.TURN_ENDED]
    assert not detector.interviewer_speaking


@pytest.mark.parametrize("echo_db", [-40, -30])
async def test_echo_and_coughs_do_not_barge_in(speak: Speak, echo_db: float) -> None:
    echo = gain(speak(INTERVIEWER), echo_db)
    mic = silence(len(echo) / BYTES_PER_MS + 1500)
    for at, peak in ((1500, -12), (3500, -6), (5000, -18)):
        mic = mix(mic, cough(150, peak, seed=at), at)
    detector = TurnDetector()
    events = await run(detector, mic, echo=echo, playback_from_ms=500)
    assert Kind.BARGE_IN not in kinds(events)
    assert detector.interviewer_speaking


async def test_a_backchannel_over_playback_lets_the_interviewer_go_on(
    whisper: FasterWhisperSTT, speak: Speak
) -> None:
    echo = gain(speak(INTERVIEWER), -30)
    mic = mix(silence(len(echo) / BYTES_PER_MS + 1500), speak("Okay."), 2000)
    detector = TurnDetector(transcripts=True)
    events = await run(detector, mic, stt=whisper, echo=echo, playback_from_ms=500)
    assert kinds(events) == [Kind.BARGE_IN, Kind.PAUSED, Kind.BACKCHANNEL]
    assert detector.interviewer_speaking, "the interviewer resumed and nothing interrupted again"


# ---- words ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mm-hmm.", True),
        ("Mmhmm.", True),
        ("Uh-huh, mhmm.", True),
        ("MMM.", True),
        ("Yeah, okay.", True),
        ("I see.", True),
        ("Right", True),
        ("Yes.", False),
        ("Okay, so the first thing we did was profile it.", False),
        ("", False),
    ],
)
def test_backchannels(text: str, expected: bool) -> None:
    assert is_backchannel(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We chose it because", True),
        ("We chose it because.", True),
        ("So I think, um", True),
        ("And then we moved to...", True),
        ("It was, you know", True),
        ("The main reason was,", True),
        ("It was already in our stack.", False),
        ("That's all.", False),
        ("", False),
    ],
)
def test_trailing_fragments(text: str, expected: bool) -> None:
    assert ends_in_fragment(text) is expected


def test_config_is_checked() -> None:
    with pytest.raises(ValueError, match="pause_ms"):
        TurnConfig(silence_ms=300, pause_ms=300)
    with pytest.raises(ValueError, match="positive"):
        TurnConfig(min_speech_ms=0)
