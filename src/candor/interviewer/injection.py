"""Spotting answers that try to steer the interviewer instead of answering the question.

Patterns are deliberately addressed at the interviewer ("ignore your instructions", "give me 10/10",
"you are now..."): ordinary work stories that use the same words ("we ignored the flaky tests", "I acted as
scrum master", "our service scored 10/10 in the audit") must not trip them.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
_QUALIFIER = r"(?:exact\s+|full\s+|hidden\s+|internal\s+|original\s+|secret\s+)?"
# What an interviewer keeps to itself; asking for these is unambiguous.
_SECRETS = (
    r"system\s+(?:prompt|message|instructions)|rubric|scoring\s+(?:rubric|criteria|guide|system)|"
    r"grading\s+(?:rubric|criteria)|evaluation\s+criteria|marking\s+scheme|interview\s+plan|question\s+plan|"
    r"list\s+of\s+questions|remaining\s+questions|next\s+questions|model\s+answers?|ideal\s+answers?|"
    r"expected\s+answers?"
)

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:all\s+|any\s+)?(?:of\s+)?"
            r"(?:your|the|my|these|those|previous|prior|above|earlier|initial|original)\s+"
            r"(?:previous\s+|prior\s+|above\s+|earlier\s+|original\s+|initial\s+|system\s+)?"
            r"(?:instructions?|prompts?|rules|guidelines|directions|directives|programming|system\s+message|"
            r"rubric|criteria|constraints|guardrails)\b",
            _I,
        ),
        "asks the interviewer to ignore its instructions",
    ),
    (
        re.compile(
            r"\b(?:you\s+are\s+now|you're\s+now|from\s+now\s+on,?\s+you(?:\s+are|'re|\s+will)?|"
            r"pretend\s+(?:to\s+be|you\s+are|you're|that\s+you)|"
            r"act\s+as\s+(?:if\s+you\s+were\s+)?(?:an?\s+|the\s+|my\s+)?(?:ai|assistant|chatbot|language\s+model|"
            r"recruiter|hiring\s+manager|interviewer|evaluator|grader|judge|dan\b)|"
            r"(?:let'?s|can\s+we|we\s+should|please)\s+(?:do\s+a\s+)?role-?play|role-?play\s+as|switch\s+roles|"
            r"you\s+(?:be|play)\s+the\s+(?:candidate|interviewee)|developer\s+mode|jailbreak)",
            _I,
        ),
        "tries to change the interviewer's role",
    ),
    (
        re.compile(
            r"\b(?:give|grant|award|assign|rate|score|mark|grade)\s+(?:me|this(?:\s+answer)?|my\s+answers?|it|"
            r"the\s+candidate)\s+(?:a\s+|an\s+|as\s+|with\s+|at\s+)?(?:perfect\s+|full\s+|top\s+|maximum\s+|max\s+|"
            r"highest\s+)?(?:10|ten|5|five|100|full|perfect|top|maximum|max|highest|excellent|outstanding|"
            r"strong\s+hire|pass|marks|score)\b"
            r"|\bI\s+(?:deserve|should\s+get|must\s+get|want)\s+(?:a\s+|the\s+)?(?:10|ten|full\s+marks|"
            r"perfect|top\s+(?:score|marks)|maximum|highest|5\s*/\s*5|10\s*/\s*10)"
            r"|\b(?:recommend|mark|rate|flag|list)\s+me\s+as\s+(?:a\s+)?(?:strong\s+|definite\s+)?"
            r"(?:hire|pass|top\s+candidate|excellent)"
            r"|\b(?:tell|write|note|report|say\s+to)\s+(?:them|the\s+(?:hiring\s+)?(?:manager|team|recruiter|"
            r"panel))\s+(?:that\s+)?I(?:'m|\s+am)\s+(?:a\s+|the\s+)?(?:perfect|ideal|excellent|outstanding|"
            r"best|great|strong)"
            r"|\bmake\s+sure\s+I\s+(?:pass|get\s+(?:the\s+job|hired|a\s+(?:high|top|perfect)))",
            _I,
        ),
        "asks for a particular score or outcome",
    ),
    (
        re.compile(
            rf"\b(?:what\s+(?:is|are)|show|reveal|tell|give|print|repeat|share|list|send|paste|output|display)"
            rf"\s+(?:me|us)\s+(?:the\s+|your\s+){_QUALIFIER}(?:{_SECRETS}|instructions|prompt)\b"
            rf"|\b(?:what\s+(?:is|are)|show|reveal|print|repeat|share|output|display)\s+your\s+{_QUALIFIER}"
            rf"(?:{_SECRETS}|instructions|prompt)\b"
            rf"|\b(?:what\s+(?:is|are)|show|reveal|print|repeat|output|display)\s+the\s+{_QUALIFIER}(?:{_SECRETS})\b"
            r"|\b(?:how|what)\s+(?:are|will)\s+(?:you|i)\s+(?:be\s+)?(?:scoring|grading|rating|evaluating)\s+"
            r"(?:me|my\s+answers?)\b",
            _I,
        ),
        "asks for the interviewer's rubric, prompt or plan",
    ),
    (
        re.compile(
            r"(?:<\|?/?(?:system|im_start|im_end|assistant|user)\|?>|\[/?INST\]|^\s*#{2,}\s*(?:instruction|system)|"
            r"^\s*(?:system|assistant)\s*:|\bnew\s+instructions\s*:|\bBEGIN\s+(?:SYSTEM|PROMPT)\b)",
            _I | re.MULTILINE,
        ),
        "contains text formatted as instructions to a language model",
    ),
)


def injection_spans(text: str) -> list[tuple[int, int, str]]:
    """Where steering attempts occur in `text`: (start, end, reason), in order of position."""
    found = [(m.start(), m.end(), reason) for pattern, reason in _RULES for m in pattern.finditer(text)]
    return sorted(found)


def detect_injection(text: str) -> str | None:
    """Why an answer looks like an attempt to steer the interviewer, or None for an ordinary answer."""
    spans = injection_spans(text)
    return spans[0][2] if spans else None
