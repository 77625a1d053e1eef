"""Vocabulary bias: the names and jargon a candidate is likely to say, taken from their CV and the position.

Whisper knows "Python" but hears "pgbouncer" as "PG bouncer" and "TypeScript" as "tight script" unless it
has seen the word. Its prompt is read as text said just before the audio, so naming the terms there makes
the model spell them as the candidate means them (`candor.providers.speech.base.whisper_prompt`). The
gain is measured in tests/speech/test_vocabulary.py.

Terms come most important first, since the prompt has room for about forty: the position's required skills
the candidate also lists, then the rest of both skill lists, then employers, the technologies named in
the experience and projects, the project names, and short certifications.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from candor.documents.schemas import CVParse, JobParse
from candor.documents.skills import find_skills

MAX_TERMS = 40
MAX_TERM_CHARS = 40
_NAME_BREAK = re.compile(r"\s*(?::|\s[-–—|]\s|\(|,)\s*")


def interview_vocabulary(
    cv: CVParse | Mapping[str, Any] | None = None, job: JobParse | Mapping[str, Any] | None = None
) -> tuple[str, ...]:
    """The terms to bias recognition toward for one interview, most important first, without repeats."""
    cv_parse = _cv(cv)
    job_parse = _job(job)
    cv_skills = cv_parse.skills if cv_parse else []
    required = job_parse.required_skills if job_parse else []
    nice = job_parse.nice_to_have_skills if job_parse else []
    known = {_key(s) for s in cv_skills}

    ordered: list[str] = [s for s in required if _key(s) in known]
    ordered += required + cv_skills + nice
    if job_parse and job_parse.company:
        ordered.append(job_parse.company)
    if cv_parse:
        ordered += [e.company for e in cv_parse.experience if e.company]
        free_text = [h for e in cv_parse.experience for h in e.highlights] + cv_parse.projects
        ordered += find_skills("\n".join(free_text))
        ordered += [name for name in (_project_name(p) for p in cv_parse.projects) if name]
        ordered += [c for c in cv_parse.certifications if len(c.split()) <= 6]
    if job_parse:
        ordered += find_skills("\n".join(job_parse.responsibilities + job_parse.qualifications))
    return _unique(ordered)


def _cv(value: CVParse | Mapping[str, Any] | None) -> CVParse | None:
    if value is None or isinstance(value, CVParse):
        return value
    return CVParse.model_validate(dict(value))


def _job(value: JobParse | Mapping[str, Any] | None) -> JobParse | None:
    if value is None or isinstance(value, JobParse):
        return value
    return JobParse.model_validate(dict(value))


def _project_name(project: str) -> str | None:
    """ "Candor: an interview coach built with FastAPI" names the project "Candor"; long prose names none."""
    name = _NAME_BREAK.split(project.strip(), maxsplit=1)[0].strip(" .")
    return name if name and len(name.split()) <= 4 else None


def _key(term: str) -> str:
    return re.sub(r"\s+", " ", term.strip().lower())


def _unique(terms: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for term in terms:
        tidy = re.sub(r"\s+", " ", term).strip(" \t,;:.")
        if not tidy or len(tidy) > MAX_TERM_CHARS:
            continue
        seen.setdefault(_key(tidy), tidy)
        if len(seen) >= MAX_TERMS:
            break
    return tuple(seen.values())
