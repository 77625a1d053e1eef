"""A CV's text turned into a `CVParse`: deterministic, offline, and never inventing a value.

The text is split at section headings (many spellings), the lines above the first heading give the name,
headline and location, and each section is read by its own rules. Anything not found stays None or [].
Text that is plainly not a CV (a recipe, a job advert, an essay) is refused with `NotACV`.
"""

from __future__ import annotations

import re

from candor.documents.cv_parser.contact import find_email, find_links, find_phone, header_facts
from candor.documents.cv_parser.dates import find_ranges, years_of_experience
from candor.documents.cv_parser.entries import (
    parse_certifications,
    parse_education,
    parse_experience,
    parse_list,
    parse_projects,
    parse_skills,
)
from candor.documents.cv_parser.text import Section, split_sections
from candor.documents.errors import NotACV
from candor.documents.schemas import CVParse
from candor.documents.skills import find_skills

__all__ = ["parse_cv"]

_JOB_AD = re.compile(
    r"\b(?:responsibilities|requirements|we are looking for|we're looking for|you will|you'll|"
    r"what you(?:'ll| will) do|benefits|about the role|about us|apply|nice to have|job description|"
    r"we offer|the ideal candidate|salary|equal opportunity|join our team|who you are)\b",
    re.IGNORECASE,
)


def parse_cv(text: str) -> CVParse:
    """Structured fields from a CV's plain text; raises NotACV when the text is not a CV."""
    sections = split_sections(text)
    by_key: dict[str, list[str]] = {}
    for section in sections:
        by_key.setdefault(section.key, []).extend(section.lines)
    _refuse_if_not_a_cv(text, sections, by_key)

    header_lines = by_key.get("header", [])[:15] + by_key.get("contact", [])
    name, headline, location = header_facts(header_lines)
    experience = parse_experience(by_key.get("experience", []))
    skills = parse_skills(by_key["skills"]) if "skills" in by_key else find_skills(text)
    return CVParse(
        name=name,
        headline=headline,
        email=find_email(text),
        phone=find_phone("\n".join(header_lines)) or find_phone(text),
        location=location,
        links=find_links(text),
        skills=skills,
        experience=experience,
        education=parse_education(by_key.get("education", [])),
        certifications=parse_certifications(by_key.get("certifications", [])),
        languages=parse_list(by_key.get("languages", []), keep_levels=False),
        projects=parse_projects(by_key.get("projects", [])),
        years_of_experience=years_of_experience([(e.start, e.end) for e in experience]),
    )


def _refuse_if_not_a_cv(text: str, sections: list[Section], by_key: dict[str, list[str]]) -> None:
    cv_sections = {s.key for s in sections} & {"experience", "education", "skills", "projects", "summary"}
    contact = find_email(text) is not None or find_phone(text) is not None
    dated_lines = sum(1 for line in text.splitlines() if find_ranges(line))
    evidence = len(cv_sections) + (2 if contact else 0) + (1 if dated_lines >= 1 else 0)
    advert = len({m.group(0).lower() for m in _JOB_AD.finditer(text)})
    # A CV names a way to reach its owner or dates what they did; an advert or essay rarely does both.
    if evidence < 3 or not (contact or dated_lines) or (advert >= 3 and advert >= evidence):
        raise NotACV(
            "This text does not look like a CV: it has no contact details, no CV sections such as "
            "Experience or Education, or reads like something else (for example a job advert). "
            "Upload your CV, or check that you chose the right file."
        )
