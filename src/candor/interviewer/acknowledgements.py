"""What the interviewer says between questions: neutral, varied, and never a verdict.

Acknowledgements note that an answer was heard; they never praise it ("Great answer!"), because the
assessment may later disagree, and a candidate should not be misled mid-interview.
"""

from __future__ import annotations

from candor.documents.schemas import CVParse, JobParse
from candor.interviewer.text import stable_hash
from candor.interviewer.types import AnswerAnalysis, InterviewPlan

_NEUTRAL = (
    "Thank you, noted.",
    "Thanks — let me note that.",
    "Understood, thank you.",
    "Okay, thanks for that.",
    "Got it, thank you.",
    "Thanks. Let's continue.",
    "Alright, noted.",
    "Thank you. On to the next one.",
)
_DETAILED = (
    "Thanks for walking me through that.",
    "Thank you for taking me through it step by step.",
    "Thanks, I've noted the details.",
    "Thank you, that's noted along with the details.",
)
_FIGURES = (
    "Thanks, I've noted the figures you mentioned.",
    "Thank you, I've made a note of those numbers.",
)
_BRIEF = (
    "Okay, noted.",
    "Alright, thank you.",
    "Understood.",
    "Thanks, noted.",
)
_STEERING = (
    "I'll keep to the interview questions.",
    "Let's stay with the interview questions.",
    "I'll continue with the questions as planned.",
)
_SKIPPED = (
    "No problem, let's move on.",
    "That's fine, we can move on.",
    "Okay, let's go to the next question.",
)


def acknowledge(analysis: AnswerAnalysis | None, previous: str | None, seed: int) -> str:
    """A short, neutral acknowledgement fitting the answer, never identical to `previous`."""
    pool = _pool(analysis)
    start = stable_hash(str(seed), pool[0]) % len(pool)
    for offset in range(len(pool)):
        choice = pool[(start + offset) % len(pool)]
        if choice != previous:
            return choice
    return _NEUTRAL[0] if previous != _NEUTRAL[0] else _NEUTRAL[1]  # unreachable: every pool has 2+


def _pool(analysis: AnswerAnalysis | None) -> tuple[str, ...]:
    if analysis is None:
        return _NEUTRAL
    if analysis.injection is not None:
        return _STEERING
    if analysis.word_count == 0:
        return _SKIPPED
    if analysis.word_count < 25:
        return _BRIEF
    if analysis.has_numbers and analysis.word_count >= 60:
        return _FIGURES
    if analysis.word_count >= 90:
        return _DETAILED
    return _NEUTRAL


def opening_message(cv: CVParse | None, job: JobParse | None, plan: InterviewPlan) -> str:
    """A brief greeting naming the role: it describes the format, never the questions or their scoring."""
    first_name = (cv.name or "").split()[0] if cv and cv.name and cv.name.split() else None
    hello = (
        f"Hello {first_name}, and thank you for joining."
        if first_name
        else "Hello, and thank you for joining."
    )
    role = job.title.strip() if job and job.title else None
    company = job.company.strip() if job and job.company else None
    what = "This is an interview"
    if role:
        what += f" for the {role} role"
        if company:
            what += f" at {company}"
    count = len(plan.questions)
    return (
        f"{hello} {what}. I'll ask you {count} questions, starting with your background, and I may ask a "
        "follow-up now and then. Take your time, answer in your own words, and ask me to rephrase anything "
        "that isn't clear."
    )


def closing_message() -> str:
    return "That brings us to the end of the interview. Thank you for your time and for your answers."
