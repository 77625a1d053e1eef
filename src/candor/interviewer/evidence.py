"""What the two documents say about each other: CV claims worth verifying, requirements the CV shows or
does not show, and the behavioural competencies the position's wording asks for."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from candor.documents.schemas import CVParse, JobParse
from candor.documents.skills import canonical_skill
from candor.interviewer.bank import Bank
from candor.interviewer.text import content_stems, has_number, looks_english, sentences, skills_in, words

# Skills that are behaviours, asked about in the behavioural stage rather than as technical gaps.
SOFT_SKILLS = {
    "Communication": "communication",
    "Leadership": "leadership",
    "Mentoring": "mentoring",
    "Stakeholder Management": "stakeholder_management",
}

_STRONG_VERBS = frozenset(
    [
        "led",
        "designed",
        "built",
        "implemented",
        "reduced",
        "improved",
        "increased",
        "shipped",
        "launched",
        "migrated",
        "mentored",
        "optimized",
        "optimised",
        "developed",
        "created",
        "automated",
        "architected",
        "delivered",
        "founded",
        "established",
        "scaled",
        "cut",
        "drove",
        "owned",
        "introduced",
        "refactored",
        "rebuilt",
        "deployed",
        "integrated",
        "managed",
        "grew",
        "negotiated",
        "coordinated",
        "trained",
    ]
)

# Cues in a position's text, each pointing at the competency it asks for. A few Spanish stems are included
# because positions are often written in Spanish while the interview is held in English.
_COMPETENCY_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        (
            "leadership",
            r"\b(?:lead\s+a|leading|manag(?:e|ing)\s+a\s+team|direct(?:s|ing)?\s+|coaching|lider)",
        ),
        ("mentoring", r"\b(?:mentor|coach|train(?:ing)?\s+(?:employees|staff|junior))"),
        ("stakeholder_management", r"\b(?:stakeholder|executives?|partners?\b|liaise|clients?\s+and)"),
        ("communication", r"\b(?:communicat|comunica|present(?:ing)?\s+insights|written|verbal)"),
        ("collaboration", r"\b(?:collaborat|colabora|coordinat|work\s+with|equipo|team\s+effort)"),
        ("customer_focus", r"\b(?:customer|client|user\s+needs|children|usuario)"),
        ("prioritisation", r"\b(?:deadline|urgency|priorit|fast-paced|plazos)"),
        ("independence", r"\b(?:without\s+supervision|independently|limited\s+supervision|autonom)"),
        ("ownership", r"\b(?:ownership|own\s+\w+|accountab)"),
        ("problem_solving", r"\b(?:problem[-\s]solv|analytical|diagnos)"),
        ("learning", r"\b(?:learn|improv(?:e|ing)\s+constantly|feedback|mejora)"),
        ("adaptability", r"\b(?:dynamic|fast-paced|changing|din[aá]mico)"),
    )
)


@dataclass(frozen=True)
class Claim:
    """One sentence from a CV role that states something the candidate did."""

    sentence: str
    company: str | None
    title: str | None
    skills: tuple[str, ...]
    score: int


@dataclass(frozen=True)
class CompetencyCue:
    competency: str
    job_line: str


@dataclass
class Evidence:
    cv_skills: dict[str, str] = field(default_factory=dict)  # canonical lower -> as the CV shows it
    required: list[str] = field(default_factory=list)  # canonical, in the position's order
    nice_to_have: list[str] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)  # required then nice-to-have skills the CV shows
    missing_required: list[str] = field(default_factory=list)
    missing_nice: list[str] = field(default_factory=list)
    unshown_duties: list[str] = field(default_factory=list)  # English responsibilities the CV does not echo
    claims: list[Claim] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    cues: list[CompetencyCue] = field(default_factory=list)
    job_lines: list[str] = field(default_factory=list)
    cv_sentences: list[tuple[str, str | None]] = field(default_factory=list)  # (sentence, company)
    software: bool = False

    def has_skill(self, skill: str) -> bool:
        return canonical_skill(skill).lower() in self.cv_skills

    def job_line_for(self, skill: str) -> str | None:
        for line in self.job_lines:
            if skill in skills_in(line) or skill.lower() in line.lower():
                return line
        return None

    def cv_line_for(self, skill: str) -> tuple[str, str | None] | None:
        for sentence, company in self.cv_sentences:
            if skill in skills_in(sentence):
                return sentence, company
        return None


def gather(cv: CVParse, job: JobParse, bank: Bank) -> Evidence:
    ev = Evidence()
    ev.job_lines = [line for line in [*job.responsibilities, *job.qualifications] if line.strip()]
    for entry in cv.experience:
        for highlight in entry.highlights:
            ev.cv_sentences.extend((s, entry.company) for s in sentences(highlight))

    for name in cv.skills:
        ev.cv_skills.setdefault(canonical_skill(name).lower(), name)
    free_text = [
        cv.headline or "",
        *(e.title or "" for e in cv.experience),
        *cv.projects,
        *(s for s, _ in ev.cv_sentences),
    ]
    for text in free_text:
        for skill in skills_in(text):
            ev.cv_skills.setdefault(skill.lower(), skill)

    ev.required = _unique(canonical_skill(s) for s in job.required_skills)
    ev.nice_to_have = [
        s for s in _unique(canonical_skill(s) for s in job.nice_to_have_skills) if s not in ev.required
    ]
    for skill in ev.required:
        if skill in SOFT_SKILLS:
            continue
        (ev.matched if ev.has_skill(skill) else ev.missing_required).append(skill)
    for skill in ev.nice_to_have:
        if skill not in SOFT_SKILLS:
            (ev.matched if ev.has_skill(skill) else ev.missing_nice).append(skill)

    cv_stems = content_stems(" ".join([*free_text, *cv.skills]))
    for duty in job.responsibilities:
        stems = content_stems(duty)
        if looks_english(duty) and stems and len(stems & cv_stems) / len(stems) <= 0.34:
            ev.unshown_duties.append(duty)

    job_skills = {s.lower() for s in [*ev.required, *ev.nice_to_have]}
    ev.claims = _claims(cv, job_skills)
    ev.projects = [p for p in (_project_name(p) for p in cv.projects) if p]
    ev.cues = _cues(job, ev.required)
    families = {bank.family_of(s) for s in [*ev.required, *ev.nice_to_have, *ev.cv_skills.values()]}
    ev.software = bool(families & bank.software_families)
    return ev


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


def _claims(cv: CVParse, job_skills: set[str]) -> list[Claim]:
    scored: list[tuple[int, int, Claim]] = []
    order = 0
    for rank, entry in enumerate(cv.experience):
        for highlight in entry.highlights:
            for sentence in sentences(highlight):
                tokens = words(sentence)
                if len(tokens) < 6:
                    continue
                skills = tuple(skills_in(sentence))
                first = tokens[0]
                score = 0
                score += 3 if has_number(sentence) and re.search(r"\d", sentence) else 0
                score += 2 if first in _STRONG_VERBS else (1 if first.endswith("ing") else 0)
                score += 2 * sum(1 for s in skills if s.lower() in job_skills)
                score += (
                    1 if re.search(r"\b(?:led|mentored|owned|designed)\b", sentence, re.IGNORECASE) else 0
                )
                score += 1 if rank == 0 else 0
                matched = sorted(skills, key=lambda s: s.lower() not in job_skills)
                claim = Claim(sentence.rstrip(". "), entry.company, entry.title, tuple(matched), score)
                scored.append((-score, order, claim))
                order += 1
    return [claim for _, _, claim in sorted(scored, key=lambda t: (t[0], t[1]))]


def _project_name(text: str) -> str:
    name = re.sub(r"^\s*(?:personal\s+|side\s+|academic\s+)?project\s*:\s*", "", text, flags=re.IGNORECASE)
    name = re.split(r"\s+[–—|]\s+|:\s", name)[0].strip(" .")
    return name if 0 < len(words(name)) <= 8 else ""


def _cues(job: JobParse, required: list[str]) -> list[CompetencyCue]:
    cues: dict[str, CompetencyCue] = {}
    for skill in required:
        if skill in SOFT_SKILLS:
            line = next(
                (ln for ln in [*job.qualifications, *job.responsibilities] if skill in skills_in(ln)), skill
            )
            cues.setdefault(SOFT_SKILLS[skill], CompetencyCue(SOFT_SKILLS[skill], line))
    for line in [*job.responsibilities, *job.qualifications]:
        for competency, pattern in _COMPETENCY_CUES:
            if pattern.search(line):
                cues.setdefault(competency, CompetencyCue(competency, line))
    return list(cues.values())


def claim_quote(sentence: str, max_words: int = 20) -> str:
    """A verbatim, readable piece of a CV sentence to quote in a question."""
    text = sentence.strip().rstrip(".")
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    if len(spans) <= max_words:
        return text
    for i in range(7, max_words):
        if text[spans[i][0] : spans[i][1]].endswith(","):
            return text[: spans[i][1] - 1]
    return text[: spans[max_words - 2][1]].rstrip(",;:") + "…"
