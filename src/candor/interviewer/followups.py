"""Follow-up questions aimed at what an answer is missing, and rephrasing a question on request.

A follow-up is only ever one of the bank's probes for the question (or a neutral generic probe); it never
hints at how the answer will be scored. Steering attempts get no follow-up: the interview just moves on.
"""

from __future__ import annotations

from collections.abc import Sequence

from candor.interviewer.bank import load_bank
from candor.interviewer.text import sentences
from candor.interviewer.types import AnswerAnalysis, PlannedQuestion

# Used when a question's own probes do not cover what is missing.
GENERIC_PROBES: dict[str, str] = {
    "example": "Could you walk me through one specific occasion when this happened?",
    "own_role": "What was your own part in that, as distinct from the rest of the team?",
    "specifics": "Could you go into more detail about what was actually done, step by step?",
    "result": "How did it turn out in the end, and how did you know?",
    "tradeoffs": "What alternatives did you consider, and why did you choose this one?",
}
_REDIRECT = "Let me bring us back to the question: {text}"
_OFF_TOPIC = 0.15  # relevance below which an answer is treated as off the subject
_MIN_WORDS_FOR_PROBE = 3  # "pass", "no idea": move on rather than press


def choose_follow_up(
    question: PlannedQuestion,
    analysis: AnswerAnalysis,
    follow_ups_asked: int,
    max_follow_ups: int,
    *,
    asked: Sequence[str] = (),
) -> str | None:
    """The next follow-up, or None to move on.

    Pass the analysis of the candidate's whole answer so far (main answer and follow-up answers joined),
    and, if known, the follow-ups already asked (`asked`) so that none is repeated.
    """
    if follow_ups_asked >= max_follow_ups or analysis.injection is not None:
        return None
    if question.stage == "closing" or analysis.word_count < _MIN_WORDS_FOR_PROBE:
        return None
    if analysis.relevance < _OFF_TOPIC and follow_ups_asked == 0:
        return _REDIRECT.format(text=question.text)
    if not analysis.missing and not analysis.vague:
        return None
    missing = list(analysis.missing) or ["specifics"]
    candidates = [probe_text(question, key) for key in missing]
    fresh = [c for c in candidates if c not in asked]
    if asked:
        return fresh[0] if fresh else None
    # Without the history, step through what is missing in order rather than repeating the first probe.
    return candidates[follow_ups_asked] if follow_ups_asked < len(candidates) else None


def probe_text(question: PlannedQuestion, key: str) -> str:
    bank_q = load_bank().by_id(question.bank_id)
    if bank_q is not None and key in bank_q.probes:
        return bank_q.probes[key]
    return GENERIC_PROBES.get(key, GENERIC_PROBES["specifics"])


_CLARIFY_BY_KIND = {
    "behavioural": "I'm looking for one real occasion from your own experience: what the situation was, what "
    "you did yourself, and how it turned out.",
    "situational": "This is a hypothetical: there's no single right answer. Tell me how you would think it "
    "through and what you would actually do, step by step.",
    "technical": "Tell me how you would approach it and why; an example from your own work is welcome if "
    "you have one.",
    "motivation": "There's no right answer here: I'd like to understand what matters to you and why.",
}


def clarify(question: PlannedQuestion) -> str:
    """Rephrase what is being asked and what kind of answer fits, without revealing how it is scored."""
    if question.stage == "closing":
        return "This is your chance to ask me anything about the role, the team or how we work."
    topic = question.competency.replace("_", " ")
    asks = [s for s in sentences(question.text) if s.endswith("?")]
    ask = asks[-1] if asks else question.text
    if ask[:1].isupper() and not ask[1:2].isupper():
        ask = ask[0].lower() + ask[1:]
    lead = "Of course." if topic == "background" else f"Of course. This one is about {topic}."
    return f"{lead} Put simply, {ask} {_CLARIFY_BY_KIND[question.kind]}"
