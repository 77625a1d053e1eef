"""Live listening end to end: VAD, turn-taking and incremental transcription on a spoken answer."""

from __future__ import annotations

from candor.providers.speech import FasterWhisperSTT, TranscriptionRequest
from candor.speech.streaming import TurnListener
from candor.speech.turns import TurnEvent, TurnEventKind, TurnState
from tests.speech.conftest import Speak
from tests.speech.sounds import silence, word_errors

Kind = TurnEventKind
ANSWER = [
    "In my last role I led a team of four engineers.",
    "We rebuilt the payments platform over two years.",
    "The hardest part was moving the data without downtime.",
    "In the end we switched over on a quiet Sunday morning.",
]


async def listen(listener: TurnListener, audio: bytes, *, chunk: int = 640) -> list[TurnEvent]:
    """Feed a recording as a microphone would, letting background transcription keep up as it would live."""
    events: list[TurnEvent] = []
    for i in range(0, len(audio), chunk):
        events += await listener.feed(audio[i : i + chunk])
        await listener.settle()
    return events + await listener.feed(b"")


def answer_audio(speak: Speak, sentences: list[str], pauses_ms: list[int]) -> bytes:
    audio = silence(400)
    for sentence, pause in zip(sentences, pauses_ms, strict=True):
        audio += speak(sentence) + silence(pause)
    return audio


async def test_an_answer_is_transcribed_while_it_is_spoken(whisper: FasterWhisperSTT, speak: Speak) -> None:
    audio = answer_audio(speak, ANSWER, [600, 700, 500, 2000])
    listener = TurnListener(whisper)
    events = await listen(listener, audio)

    assert [e.kind for e in events if e.kind is not Kind.NOISE] == [
        Kind.SPEECH_STARTED,
        *[Kind.PAUSED, Kind.RESUMED] * 3,
        Kind.PAUSED,
        Kind.TURN_ENDED,
    ]
    assert listener.state is TurnState.ENDED
    done_before_the_end = listener.transcriber.pieces_transcribed
    transcript = await listener.final_transcript()
    assert listener.transcriber.pieces_transcribed == done_before_the_end, (
        "the tail was transcribed during the closing silence: nothing is left to do at the end"
    )
    assert done_before_the_end >= 3
    reference = " ".join(ANSWER)
    errors, words = word_errors(reference, transcript.text)
    assert errors / words <= 0.1, transcript.text
    direct = await whisper.transcribe(TranscriptionRequest(audio))
    assert errors <= word_errors(reference, direct.text)[0] + 2, "pieces read about as well as the whole"
    assert transcript.confidence is not None
    assert transcript.confidence > 0.5
    assert [s.start for s in transcript.segments] == sorted(s.start for s in transcript.segments)
    assert transcript.segments[-1].end <= transcript.duration + 0.5


async def test_vocabulary_reaches_every_piece(whisper: FasterWhisperSTT, speak: Speak) -> None:
    sentences = ["We run everything on Kubernetes.", "I tuned PostgreSQL with pgbouncer last year."]
    audio = answer_audio(speak, sentences, [700, 2000])
    listener = TurnListener(whisper, vocabulary=("Kubernetes", "PostgreSQL", "pgbouncer"), min_commit_ms=500)
    await listen(listener, audio)
    text = (await listener.final_transcript()).text
    assert "Kubernetes" in text, text
    assert "pgbouncer" in text, text


async def test_a_backchannel_is_dropped_and_the_answer_kept(whisper: FasterWhisperSTT, speak: Speak) -> None:
    audio = silence(400) + speak("Okay.") + silence(1500) + speak("The hardest part was the data migration.")
    listener = TurnListener(whisper)
    events = await listen(listener, audio + silence(2000))
    assert [e.kind for e in events if e.kind is not Kind.NOISE] == [
        Kind.SPEECH_STARTED,
        Kind.PAUSED,
        Kind.BACKCHANNEL,
        Kind.SPEECH_STARTED,
        Kind.PAUSED,
        Kind.TURN_ENDED,
    ]
    transcript = await listener.final_transcript()
    assert transcript.text.lower().startswith("the hardest part"), transcript.text
    listener.next_turn()
    assert listener.state is TurnState.LISTENING
