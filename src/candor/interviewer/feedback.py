"""The written part of an assessment: strengths, weaknesses, better answers and CV improvements.

Everything here is built from the transcript and the two documents. A better answer reuses the candidate's
own material (their CV's achievements, their own words) and marks what they must supply themselves in
[brackets]: it never invents an employer, a project or a result.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from candor.documents.schemas import CVParse, JobParse
from candor.documents.skills import canonical_skill
from candor.interviewer.bank import load_bank
from candor.interviewer.evidence import gather
from candor.interviewer.text import content_stems, excerpt, has_number, sentences
from candor.interviewer.types import DIMENSIONS, AnswerAnalysis, Dimension, QuestionKind

if TYPE_CHECKING:
    from candor.interviewer.scoring import ScoredTurn

_STRENGTH: dict[Dimension, str] = {
    "relevance": "Answers stayed on the question that was asked",
    "depth": "Answers gave concrete evidence: own actions, named tools and numbers",
    "structure": "Answers were well structured, from situation through to result",
    "communication": "Answers were clear and easy to follow",
    "role_fit": "Answers drew on experience that matches what the position needs",
}
_WEAKNESS: dict[Dimension, str] = {
    "relevance": "Several answers drifted away from the question; answer what was asked first",
    "depth": "Answers stayed general; back claims with a specific example, your own actions and numbers",
    "structure": "Answers lacked a clear shape; describe the situation, what you did and the result",
    "communication": "Answers were hard to follow; use shorter sentences and make one point at a time",
    "role_fit": "Answers rarely connected to what the position needs; link your examples to its requirements",
}
_MISSING: dict[str, str] = {
    "example": "Some answers stayed hypothetical instead of describing a real occasion",
    "own_role": "Answers often described what 'we' did; make your own part explicit",
    "result": "Outcomes were often left out; say what changed and how you measured it",
    "tradeoffs": "Technical answers rarely weighed alternatives; say what you chose against and why",
    "specifics": "Answers were short on specifics; name the tools, steps and figures involved",
}


def _questions(numbers: list[int]) -> str:
    return ", ".join(f"Q{n}" for n in numbers)


def strengths_and_weaknesses(
    scored: list[ScoredTurn], rubric: dict[str, float]
) -> tuple[list[str], list[str]]:
    by_dim: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s in scored:
        if s.scored and s.assessment is not None:
            for score in s.assessment.scores:
                by_dim[score.dimension].append((score.score, s.number))
    strengths, weaknesses = [], []
    for dim in sorted(DIMENSIONS, key=lambda d: (-rubric.get(d, 0), DIMENSIONS.index(d))):
        mean = rubric.get(dim)
        if mean is None:
            continue
        best = [n for v, n in by_dim[dim] if v >= 4]
        worst = [n for v, n in by_dim[dim] if v <= 2]
        if mean >= 3.5 and best:
            strengths.append(f"{_STRENGTH[dim]} ({_questions(best)}).")
        elif mean < 2.75 and worst:
            weaknesses.append(f"{_WEAKNESS[dim]} ({_questions(worst)}).")
    missing: dict[str, list[int]] = defaultdict(list)
    for s in scored:
        if s.scored and s.analysis is not None:
            for key in s.analysis.missing:
                missing[key].append(s.number)
    for key in ("example", "own_role", "result", "tradeoffs", "specifics"):
        if len(missing[key]) >= 2:
            weaknesses.append(f"{_MISSING[key]} ({_questions(missing[key])}).")
    return strengths, weaknesses


def better_answer(
    question: str,
    kind: QuestionKind,
    content: str,
    analysis: AnswerAnalysis,
    reference_missing: list[str],
    cv: CVParse | None,
    job: JobParse | None,
) -> str:
    own = _own_best_sentence(content)
    material = _cv_material(question, content, cv)
    if reference_missing:
        start = f" You could build on what you said (“{own}”)" if own else ""
        return (
            f"A stronger answer would cover the points a correct answer needs, including "
            f"{', '.join(reference_missing[:5])}, and explain how they fit together.{start}, then add a "
            "concrete case where you applied them and what happened."
        )
    if kind == "situational":
        opener = f"Start from what you said (“{own}”), then" if own else "Lay out"
        return (
            f"{opener} give concrete steps in order: who you would talk to first, what you would do in the "
            "first days, which trade-off you would accept and why, and how you would know it had worked. "
            "If you have faced something similar, say so and what happened."
        )
    if kind == "motivation":
        role = job.title if job and job.title else "the role"
        backing = f" and back it with your own experience, for instance “{material[1]}”" if material else ""
        return (
            f"A stronger answer would name what specifically draws you to {role}{backing}, then say what you "
            "want to learn or achieve there in the first months."
        )
    if material:
        company, sentence = material
        where = f"At {company}, " if company else ""
        if where and sentence[:1].isupper() and not sentence[1:2].isupper():
            sentence = sentence[0].lower() + sentence[1:]
        return (
            f"A stronger answer would walk through one real example, such as this one from your CV: “{where}"
            f"{sentence}.” Say what the situation was, what you did yourself (“I decided… I built…”), "
            "[the decisions and the alternatives you rejected], and the result you can show [the number or "
            "the "
            "change it made]."
        )
    start = f"Take what you said (“{own}”) and" if own else "Pick one real occasion and"
    return (
        f"{start} turn it into a complete example: the situation and your task, what you did yourself, step "
        "by step, and the result [what changed, ideally with a number]."
    )


def _own_best_sentence(content: str) -> str | None:
    pieces = sentences(content)
    if not pieces:
        return None
    ranked = sorted(pieces, key=lambda p: (-(has_number(p) + bool(re.search(r"\bI\b", p))), pieces.index(p)))
    return excerpt(ranked[0], 14)


def _cv_material(question: str, content: str, cv: CVParse | None) -> tuple[str | None, str] | None:
    """The CV achievement closest to the question (and to what the candidate said), to build an answer on."""
    if cv is None:
        return None
    target = content_stems(question) | content_stems(content)
    best: tuple[int, int, str | None, str] | None = None
    order = 0
    for entry in cv.experience:
        for highlight in entry.highlights:
            for sentence in sentences(highlight):
                overlap = len(content_stems(sentence) & target) + (2 if has_number(sentence) else 0)
                candidate = (-overlap, order, entry.company, excerpt(sentence, 24))
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
                order += 1
    if best is None or best[0] == 0:
        return None
    return best[2], best[3]


def cv_improvements(cv: CVParse | None, job: JobParse | None, scored: list[ScoredTurn]) -> list[str]:
    """Concrete edits to the CV, tied to what the position asks for and what the interview showed."""
    if cv is None or job is None:
        return []
    ev = gather(cv, job, load_bank())
    mentioned = {t for s in scored if s.analysis is not None for t in s.analysis.tools_named}
    out: list[str] = []
    for skill in ev.missing_required[:4]:
        if canonical_skill(skill) in mentioned:
            out.append(
                f"You talked about {skill} in the interview and the position requires it, but your CV "
                "does not show it: add where and how you used it."
            )
        else:
            out.append(
                f"The position asks for {skill}, which your CV does not show: if you have any experience "
                "with it, add one concrete example of using it."
            )
    for entry in cv.experience:
        if not entry.highlights and entry.company:
            role = f"{entry.title} role at {entry.company}" if entry.title else f"role at {entry.company}"
            out.append(
                f"Your {role} lists no achievements: add two or three, each with your own part and a result."
            )
    unmeasured = [
        (e.company, s)
        for e in cv.experience
        for h in e.highlights
        for s in sentences(h)
        if not has_number(s) and len(s.split()) >= 6
    ]
    for company, sentence in unmeasured[:2]:
        where = f" ({company})" if company else ""
        out.append(
            f"Add a measurable result to “{excerpt(sentence, 12)}”{where}: what changed, and by how much."
        )
    return out[:6]
