"""Scoring a finished interview: five dimensions per answer, each justified by a verbatim quote.

Rules: only what a text transcript shows is judged (never tone, voice or body language); skipped
questions are reported, not scored; a steering attempt is removed and the rest of the answer scored on
its content (so an answer that is only an attempt scores the minimum) and reported as an integrity flag;
the closing "your questions for us" is not scored; a very low overall score is re-checked against the raw
transcript before it stands. Same transcript, same scores. `score_turns` and `summarise` are the two halves
of `assess`, so a model's scores (`candor.interviews.judge`) can be summarised by the same rules.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import mean

from candor.documents.schemas import CVParse, JobParse
from candor.documents.skills import canonical_skill
from candor.interviewer.analysis import analyse_text, infer_kind
from candor.interviewer.feedback import better_answer, cv_improvements, strengths_and_weaknesses
from candor.interviewer.injection import injection_spans
from candor.interviewer.text import content_stems, excerpt, sentences, skills_in, stem, words
from candor.interviewer.types import (
    CLOSING_COMPETENCY,
    DIMENSIONS,
    ENGINE_VERSION,
    AnswerAnalysis,
    AnswerAssessment,
    AnswerScore,
    AssessedBy,
    Assessment,
    Dimension,
    QuestionKind,
    TurnRecord,
)

NOT_OBSERVABLE = [
    "Tone of voice, pace and confidence: this was a text interview.",
    "Body language and eye contact: there was no video.",
    "Typing speed, spelling and formatting: not part of the assessment.",
]
_LOW_OVERALL = 3  # at or below this, the transcript is re-read before the score stands
_FILLERS = re.compile(r"\b(?:um+|uh+|erm|like,|you know|basically|literally|stuff|whatever)\b", re.IGNORECASE)
_STEPS = re.compile(
    r"\b(?:first(?:ly)?|second(?:ly)?|then|next|after\s+that|finally|because|so\s+that|step|before|once)\b",
    re.IGNORECASE,
)
_TRADEOFF = re.compile(
    r"\b(?:trade-?offs?|instead|alternatives?|rather\s+than|downsides?|risks?|costs?)\b", re.I
)
LABELS: dict[Dimension, str] = {
    "relevance": "Relevance",
    "depth": "Depth and evidence",
    "structure": "Structure",
    "communication": "Communication",
    "role_fit": "Role fit",
}


@dataclass
class ScoredTurn:
    """One turn as scored, with what the report needs to explain it."""

    number: int
    turn: TurnRecord
    kind: QuestionKind
    content: str = ""
    pieces: list[str] = field(default_factory=list)  # verbatim sentences the score rests on
    analysis: AnswerAnalysis | None = None
    assessment: AnswerAssessment | None = None
    injection: str | None = None
    injected_text: str | None = None
    reference_missing: list[str] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return self.assessment is not None and bool(self.assessment.scores)


BetterAnswer = Callable[["ScoredTurn"], str | None]


def assess(turns: list[TurnRecord], cv: CVParse | None = None, job: JobParse | None = None) -> Assessment:
    return summarise(score_turns(turns, cv, job), cv, job)


def score_turns(turns: list[TurnRecord], cv: CVParse | None, job: JobParse | None) -> list[ScoredTurn]:
    """Score every turn on the five dimensions. Before a very low overall score stands, the suspect turns
    are re-read from the raw transcript: markup, encoding debris or an echoed question can make a real
    answer look empty or off-topic."""
    scored = [_score_turn(i, t, cv, job, deep=False) for i, t in enumerate(turns, start=1)]
    if _overall(scored) <= _LOW_OVERALL:
        scored = [_score_turn(s.number, s.turn, cv, job, deep=True) if _suspect(s) else s for s in scored]
    return scored


def summarise(
    scored: list[ScoredTurn],
    cv: CVParse | None,
    job: JobParse | None,
    *,
    better: BetterAnswer | None = None,
    assessed_by: AssessedBy | None = None,
) -> Assessment:
    """The assessment of scored turns: rubric means, the overall score, strengths and weaknesses, a better
    answer for the two weakest answers (from `better` when it offers one, else the built-in's), CV
    improvements and what was not assessed."""
    for s in sorted((s for s in scored if s.scored), key=lambda s: (_avg(s), s.number))[:2]:
        if _avg(s) < 4.0 and s.assessment is not None and s.analysis is not None:
            text = better(s) if better is not None else None
            if text is None:
                text = better_answer(
                    s.turn.question, s.kind, s.content, s.analysis, s.reference_missing, cv, job
                )
            s.assessment = s.assessment.model_copy(update={"better_answer": text})

    rubric: dict[str, float] = {
        d: round(mean(_dim(s, d) for s in scored if s.scored), 2) for d in DIMENSIONS if _any_scored(scored)
    }
    strengths, weaknesses = strengths_and_weaknesses(scored, rubric)
    not_assessed = list(NOT_OBSERVABLE)
    for s in scored:
        if s.turn.competency == CLOSING_COMPETENCY and not s.turn.skipped:
            not_assessed.append(f"Question {s.number} (your questions for us) is not scored.")
        elif s.turn.low_confidence:
            sure = s.turn.transcript_confidence
            how = f" (confidence {sure:.2f})" if sure is not None else ""
            not_assessed.append(
                f"Question {s.number} was spoken and speech-to-text was unsure of the words{how}: the "
                "transcript may be inaccurate, so that answer was not judged."
            )
        elif s.assessment is not None and not s.assessment.scores:
            topic = (s.turn.competency or "this topic").replace("_", " ")
            why = (
                "was skipped" if "skipped" in s.assessment.flags else "has no usable answer in the transcript"
            )
            not_assessed.append(f"Question {s.number} {why}, so {topic} was not assessed.")
    if not _any_scored(scored):
        weaknesses.append("No answers could be assessed: every question was skipped or left empty.")
    integrity = [
        f"Question {s.number}: the answer {s.injection} (“{s.injected_text}”); only its content was scored."
        for s in scored
        if s.injection
    ]
    return Assessment(
        overall=_overall(scored),
        rubric=rubric,
        answers=[s.assessment for s in scored if s.assessment is not None],
        strengths=strengths,
        weaknesses=weaknesses,
        cv_improvements=cv_improvements(cv, job, scored) if cv and job else [],
        integrity_flags=integrity,
        not_assessed=not_assessed,
        engine_version=ENGINE_VERSION,
        assessed_by=assessed_by or AssessedBy(),
    )


def _any_scored(scored: list[ScoredTurn]) -> bool:
    return any(s.scored for s in scored)


def _avg(s: ScoredTurn) -> float:
    return s.assessment.average if s.assessment else 0.0


def _dim(s: ScoredTurn, dimension: Dimension) -> int:
    assert s.assessment is not None
    return next(x.score for x in s.assessment.scores if x.dimension == dimension)


def _overall(scored: list[ScoredTurn]) -> int:
    averages = [_avg(s) for s in scored if s.scored]
    if not averages:
        return 1
    value = 1 + (mean(averages) - 1) * 9 / 4
    return max(1, min(10, int(value + 0.5)))


def _suspect(s: ScoredTurn) -> bool:
    return (s.scored and _avg(s) <= 1.6) or (not s.scored and not s.turn.skipped and bool(s.turn.answer))


# -- one turn --------------------------------------------------------------------------------------------


def _clean(text: str, *, deep: bool) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    text = re.sub(r"[\u200b-\u200f\u2060\ufeff]", "", text)
    if deep:
        text = html.unescape(re.sub(r"<[^>]{1,200}>", " ", text))
        text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
        text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", text)
    return text


def _score_turn(
    number: int, turn: TurnRecord, cv: CVParse | None, job: JobParse | None, *, deep: bool
) -> ScoredTurn:
    kind = turn.kind or infer_kind(turn.question)
    s = ScoredTurn(number, turn, kind)
    raw = [_clean(turn.answer, deep=deep), *(_clean(a, deep=deep) for _, a in turn.follow_ups)]
    artefact = _artefact(turn, raw, deep=deep)
    if turn.skipped or artefact or not any(words(t) for t in raw):
        flags = [f"not_scored: {artefact}"] if artefact and not turn.skipped else ["skipped"]
        s.assessment = AnswerAssessment(
            question=turn.question, answer_excerpt="", scores=[], average=0.0, flags=flags
        )
        return s
    if turn.low_confidence:
        # A mis-heard answer is not a weak answer: say so instead of scoring words the candidate never said.
        s.assessment = AnswerAssessment(
            question=turn.question,
            answer_excerpt=_first_excerpt(raw),
            scores=[],
            average=0.0,
            flags=["low_confidence_transcript"],
        )
        return s
    if turn.competency == CLOSING_COMPETENCY:
        s.assessment = AnswerAssessment(
            question=turn.question,
            answer_excerpt=_first_excerpt(raw),
            scores=[],
            average=0.0,
            flags=["not_scored"],
        )
        return s

    for text in raw:
        spans = injection_spans(text)
        for sentence in sentences(text):
            start = text.find(sentence)
            hit = next((r for a, b, r in spans if a < start + len(sentence) and b > start), None)
            if hit is None:
                s.pieces.append(sentence)
            elif s.injection is None:
                s.injection, s.injected_text = hit, excerpt(sentence, 12)
    s.content = " ".join(s.pieces)
    flags = ["injection"] if s.injection else []
    if not s.pieces:
        quote = s.injected_text or _first_excerpt(raw)
        scores = [
            AnswerScore(
                dimension=d,
                score=1,
                justification=f"{LABELS[d]} 1/5: the answer contains no content to assess, only “{quote}”.",
            )
            for d in DIMENSIONS
        ]
        s.analysis = analyse_text(turn.question, kind, turn.competency, "", cv=cv, job=job)
        s.assessment = AnswerAssessment(
            question=turn.question, answer_excerpt=quote, scores=scores, average=1.0, flags=flags
        )
        return s

    a = analyse_text(turn.question, kind, turn.competency, s.content, cv=cv, job=job)
    s.analysis = a
    coverage = None
    if turn.reference_answer:
        coverage, s.reference_missing = _reference_coverage(turn.reference_answer, s.content)
    relevance = _relevance(s, a)
    scores = [
        relevance,
        _depth(s, a, coverage),
        _structure(s, a),
        _communication(s, a),
        _role_fit(s, a, cv, job),
    ]
    # Evidence about something else is not evidence: nothing scores far above the answer's relevance.
    scores = [
        relevance,
        *(_cap(x, relevance.score + 1, "the answer is largely off the question") for x in scores[1:]),
    ]
    if a.vague:
        flags.append("vague")
    if a.word_count < 15:
        scores = [_cap(x, 2, "the answer is very short") for x in scores]
    average = round(mean(x.score for x in scores), 2)
    s.assessment = AnswerAssessment(
        question=turn.question,
        answer_excerpt=excerpt(s.pieces[0], 30),
        scores=scores,
        average=average,
        flags=flags,
    )
    return s


def _cap(score: AnswerScore, ceiling: int, why: str) -> AnswerScore:
    if score.score <= ceiling:
        return score
    label, _, rest = score.justification.partition(f" {score.score}/5: ")
    reason = f"{label} {ceiling}/5: capped because {why}; {rest}"
    return score.model_copy(update={"score": ceiling, "justification": reason})


_NOISE = re.compile(
    r"^\W*(?:\[(?:inaudible|silence|no\s+speech|blank_audio|music|noise|crosstalk)\]|\(no\s+answer\)|n/?a|null|"
    r"none|undefined|nan)?\W*$",
    re.IGNORECASE,
)


def _artefact(turn: TurnRecord, raw: list[str], *, deep: bool) -> str | None:
    """Why an answer is a recording or parsing artefact rather than the candidate's words, if it is."""
    main = " ".join(raw[0].split()).lower().rstrip("?. ")
    if main and main == " ".join(turn.question.split()).lower().rstrip("?. "):
        return "the answer repeats the question"
    if deep and all(_NOISE.match(t) for t in raw) and any(t.strip() for t in raw):
        return "the transcript holds only noise markers"
    return None


def _first_excerpt(texts: list[str]) -> str:
    return next((excerpt(p, 12) for t in texts for p in sentences(t)), "")


def _band(value: float, cuts: tuple[float, float, float, float] = (0.15, 0.3, 0.5, 0.7)) -> int:
    return 1 + sum(1 for c in cuts if value >= c)


def _quote(pieces: list[str], key: str | None = None, prefer: re.Pattern[str] | None = None) -> str:
    """The piece that best supports a judgement, as a short verbatim excerpt."""
    best = pieces[0]
    if prefer is not None:
        best = next((p for p in pieces if prefer.search(p)), best)
    if key is not None:
        target = content_stems(key)
        ranked = sorted(pieces, key=lambda p: -len(content_stems(p) & target))
        if ranked and content_stems(ranked[0]) & target:
            best = ranked[0]
    return excerpt(best, 12)


def _score(dimension: Dimension, value: int, phrase: str, quote: str) -> AnswerScore:
    value = max(1, min(5, value))
    return AnswerScore(
        dimension=dimension,
        score=value,
        justification=f"{LABELS[dimension]} {value}/5: {phrase}, as in “{quote}”.",
    )


def _relevance(s: ScoredTurn, a: AnswerAnalysis) -> AnswerScore:
    value = _band(a.relevance)
    phrase = {
        5: "it addresses the question directly",
        4: "it addresses the question",
        3: "it partly addresses the question",
        2: "it touches the question only loosely",
        1: "it does not address what was asked",
    }[value]
    return _score("relevance", value, phrase, _quote(s.pieces, key=s.turn.question))


def _depth(s: ScoredTurn, a: AnswerAnalysis, coverage: float | None) -> AnswerScore:
    value_f = a.specificity if coverage is None else 0.4 * a.specificity + 0.6 * coverage
    value = _band(value_f)
    if a.vague:
        value = min(value, 2)
    evidence = re.compile(r"\d|\bI\s+\w+ed\b" + "".join(f"|{re.escape(t)}" for t in a.tools_named))
    quote = _quote(s.pieces, prefer=evidence)
    if coverage is not None:
        total = len(s.reference_missing) + round(coverage * max(1, _ref_size(s)))
        phrase = f"it covers about {round(coverage * 100)}% of the key points a correct answer needs"
        if total and s.reference_missing:
            phrase += f", missing {', '.join(s.reference_missing[:3])}"
    else:
        phrase = {
            5: "it gives strong concrete evidence (own actions, named tools, numbers)",
            4: "it gives concrete evidence",
            3: "it gives some detail but little hard evidence",
            2: "it stays mostly general",
            1: "it gives no concrete evidence",
        }[value]
    return _score("depth", value, phrase, quote)


def _ref_size(s: ScoredTurn) -> int:
    return len(_key_terms(s.turn.reference_answer or ""))


def _structure(s: ScoredTurn, a: AnswerAnalysis) -> AnswerScore:
    if s.kind == "behavioural" or (s.kind == "technical" and a.star["situation"]):
        parts = sum(a.star.values())
        value = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}[parts]
        named = [k for k, v in a.star.items() if v]
        phrase = f"it covers {', '.join(named)}" if named else "it has no clear situation, action or result"
        if 0 < parts < 4:
            phrase += f" but not {', '.join(k for k, v in a.star.items() if not v)}"
        quote = _quote(s.pieces, prefer=re.compile(r"\b(?:result|reduc|increas|improv|outcome|so\b)", re.I))
    elif s.kind == "motivation":
        reason = bool(re.search(r"\b(?:because|since|so\s+that|which\s+is\s+why)\b", s.content, re.I))
        experience = a.star["situation"] or a.star["action"]
        ahead = bool(re.search(r"\b(?:want|hope|aim|goal|learn|grow|next|plan)\w*", s.content, re.I))
        value = 1 + reason + experience + ahead + (1 if len(s.pieces) >= 3 else 0)
        given = [n for n, ok in (("reasons", reason), ("experience", experience), ("aims", ahead)) if ok]
        phrase = f"it gives {', '.join(given)}" if given else "it gives no reasons, experience or aims"
        quote = _quote(s.pieces, prefer=re.compile(r"\b(?:because|since|want|hope)\b", re.I))
    else:
        steps = len(_STEPS.findall(s.content))
        tradeoff = bool(_TRADEOFF.search(s.content))
        n_sent = len(s.pieces)
        value = 1 + min(2, steps // 2) + (1 if tradeoff else 0) + (1 if n_sent >= 3 else 0)
        phrase = "it is laid out in clear steps" if steps >= 2 else "it has little visible order"
        phrase += " and weighs alternatives" if tradeoff else ""
        quote = _quote(s.pieces, prefer=_STEPS)
    if a.vague:
        value = min(value, 3)
    return _score("structure", value, phrase, quote)


def _communication(s: ScoredTurn, a: AnswerAnalysis) -> AnswerScore:
    lengths = [len(words(p)) for p in s.pieces] or [0]
    avg = sum(lengths) / len(lengths)
    fillers = len(_FILLERS.findall(s.content))
    value = 2 + (1 if a.word_count >= 30 else 0) + (1 if 6 <= avg <= 28 else 0)
    value += 1 if a.word_count >= 60 and len(s.pieces) >= 3 and not a.vague else 0
    value -= 1 if fillers >= 2 or avg > 45 else 0
    value -= 1 if a.vague and a.word_count < 25 else 0
    value = min(value, 3) if a.vague else value
    if avg > 45:
        phrase = "sentences run long and are hard to follow"
    elif value >= 4:
        phrase = "it is clear and easy to follow"
    elif a.vague:
        phrase = "it is brief and general, which leaves the point unclear"
    else:
        phrase = "it is understandable but could be more focused"
    return _score("communication", value, phrase, excerpt(s.pieces[0], 12))


def _role_fit(s: ScoredTurn, a: AnswerAnalysis, cv: CVParse | None, job: JobParse | None) -> AnswerScore:
    if job is None:
        value = _band((a.relevance + a.specificity) / 2)
        return _score(
            "role_fit", value, "judged without a position, from relevance and evidence", _quote(s.pieces)
        )
    job_skills = {canonical_skill(x) for x in [*job.required_skills, *job.nice_to_have_skills]}
    for line in [*job.responsibilities, *job.qualifications]:
        job_skills.update(skills_in(line))
    hits = sorted(set(a.tools_named) & job_skills)
    job_text = " ".join([job.title or "", *job.responsibilities, *job.qualifications])
    stems = content_stems(s.content) & content_stems(job_text)
    value_f = 0.5 * min(1.0, len(hits) / 2) + 0.5 * min(1.0, len(stems) / 6)
    if s.kind == "motivation" and job.title and content_stems(job.title) & content_stems(s.content):
        value_f += 0.2
    value = _band(value_f, (0.1, 0.25, 0.45, 0.65))
    phrase = (
        f"it draws on what the position needs ({', '.join(hits[:3])})"
        if hits
        else "it connects to the position's work"
        if value >= 3
        else "it shows little connection to what the position needs"
    )
    prefer = re.compile("|".join(re.escape(h) for h in hits)) if hits else None
    return _score("role_fit", value, phrase, _quote(s.pieces, key=None if hits else job_text, prefer=prefer))


def _key_terms(reference: str) -> list[str]:
    """The reference answer's distinctive words, in order, one per stem."""
    seen: dict[str, str] = {}
    for skill in skills_in(reference):
        seen.setdefault(stem(skill), skill)
    for w in words(reference):
        st = stem(w)
        if st in content_stems(w) and len(w) > 3:
            seen.setdefault(st, w)
    return list(seen.values())[:12]


def _reference_coverage(reference: str, answer: str) -> tuple[float, list[str]]:
    terms = _key_terms(reference)
    if not terms:
        return 0.0, []
    answer_stems = content_stems(answer) | {stem(x) for x in skills_in(answer)}
    covered = [t for t in terms if stem(t) in answer_stems or t.lower() in answer.lower()]
    missing = [t for t in terms if t not in covered]
    return len(covered) / len(terms), missing
