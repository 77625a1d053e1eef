"""Reading CV text line by line: section headings, bullets, headers versus sentences, fragments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from candor.documents.cv_parser.dates import RANGE

# Heading words for each section, compared after lower-casing, "&" as "and", punctuation dropped.
SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": (
        "experience", "work experience", "professional experience", "work history", "employment",
        "employment history", "career history", "relevant experience", "professional background",
        "career", "experience and employment", "positions", "positions held", "internships",
        "internship experience", "work", "industry experience", "technical experience",
    ),
    "education": (
        "education", "academic background", "education and training", "academic qualifications",
        "educational background", "academics", "education and qualifications", "qualifications",
        "academic history", "studies",
    ),
    "skills": (
        "skills", "technical skills", "core skills", "key skills", "competencies", "core competencies",
        "technologies", "tech stack", "technical stack", "tools", "skills and tools", "expertise",
        "areas of expertise", "skill set", "skillset", "skills and awards", "skills and expertise",
        "technical proficiencies", "proficiencies", "tools and technologies", "skills and abilities",
        "technical competencies", "professional skills", "it skills", "computer skills",
        "skills and interests", "skills and certifications",
    ),
    "projects": (
        "projects", "personal projects", "selected projects", "key projects", "side projects",
        "open source", "open source projects", "academic projects", "notable projects", "portfolio",
    ),
    "certifications": (
        "certifications", "certificates", "certification", "licenses and certifications",
        "licences and certifications", "certifications and licenses", "courses", "training",
        "courses and certifications", "professional development", "accreditations",
    ),
    "languages": ("languages", "spoken languages", "language skills", "language"),
    "summary": (
        "summary", "profile", "professional summary", "objective", "about me", "about", "career objective",
        "personal statement", "career summary", "professional profile", "executive summary", "overview",
    ),
    "contact": (
        "contact", "contact information", "contact details", "personal details",
        "personal information", "links",
    ),
    "volunteer": (
        "volunteer", "volunteering", "volunteer experience", "volunteer work", "community involvement",
    ),
    "other": (
        "awards", "honors", "honours", "achievements", "publications", "interests", "hobbies", "references",
        "activities", "leadership", "memberships", "awards and honors", "extracurricular activities",
    ),
}  # fmt: skip
_HEADING_INDEX = {heading: key for key, headings in SECTION_HEADINGS.items() for heading in headings}
_KEYWORD_SECTIONS = {
    "experience": "experience", "employment": "experience", "education": "education",
    "skills": "skills", "projects": "projects", "certifications": "certifications",
    "languages": "languages", "summary": "summary",
}  # fmt: skip

BULLET = re.compile(r"^\s*(?:[•·▪◦●‣○■□➢➤►▶✓✔*>-]|\u2013(?=\s))\s*")
SEPARATORS = re.compile(r"\t|\s+[|·•]\s+|\s+[—\u2013]\s+|\s+-\s+|\s@\s|\s*\|\s*")
_STOPWORDS = {
    "a", "an", "and", "of", "in", "at", "for", "the", "to", "on", "with", "&", "de", "la", "du", "und",
    "using", "via", "by", "or", "as",
}  # fmt: skip
_VERB_START = re.compile(
    r"^(?:[A-Z][a-z]+ed|Led|Built|Ran|Wrote|Drove|Grew|Taught|Won|Made|Set|Cut|Took|Began|Sold|Gave|"
    r"Spearhead(?:ed)?|Responsible|Worked|Working|Developing|Leading|Managing|Building|Helped|Owning|Own)\b"
)


def heading_key(line: str) -> str | None:
    """The section a line opens, if it is a heading ("WORK EXPERIENCE", "Skills:", "Technical Skills")."""
    text = line.strip()
    if not text or len(text) > 50 or "\t" in text or RANGE.search(text):
        return None
    norm = re.sub(r"[^a-z ]", " ", text.lower().replace("&", " and "))
    norm = re.sub(r"\s+", " ", norm).strip()
    if not norm:
        return None
    if norm in _HEADING_INDEX:
        # "Work" or "Career" alone are headings only when written as one (capitals or a colon).
        if len(norm.split()) == 1 and norm in {"work", "career", "language", "about", "tools", "training"}:
            return _HEADING_INDEX[norm] if text.isupper() or text.endswith(":") else None
        return _HEADING_INDEX[norm]
    words = norm.split()
    if len(words) <= 4 and (text.isupper() or text.endswith(":") or text.istitle()):
        for word in reversed(words):
            if word in _KEYWORD_SECTIONS:
                return _KEYWORD_SECTIONS[word]
    return None


@dataclass
class Section:
    key: str  # "header" for what comes before the first heading
    heading: str
    lines: list[str] = field(default_factory=list)


def split_sections(text: str) -> list[Section]:
    sections = [Section("header", "")]
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        key = heading_key(line)
        if key is None and ":" in line:
            # "Skills: Python, SQL" opens a section and carries its first line.
            label, _, rest = line.partition(":")
            label_key = heading_key(label)
            # Inside a skills section "Languages: Python, Go" lists programming languages.
            inside_skills = sections[-1].key == "skills" and label_key == "languages"
            if label_key in {"skills", "languages", "certifications"} and rest.strip() and not inside_skills:
                sections.append(Section(label_key, label, [rest.strip()]))
                continue
        if key is not None:
            sections.append(Section(key, line))
        else:
            sections[-1].lines.append(line)
    return sections


def is_bullet(line: str) -> bool:
    return bool(BULLET.match(line)) and not RANGE.match(line.lstrip("•·-\u2013* "))


def is_header_line(line: str) -> bool:
    """A short line of mostly capitalised words (a title, a company, a place), not a sentence or bullet."""
    if is_bullet(line):
        return False
    text = RANGE.sub(" ", line)
    words = re.findall(r"[A-Za-z][\w.'\u2019/+#&-]*|\d[\w.,/+%-]*", text)
    if not words:
        return bool(RANGE.search(line))
    if len(words) > 16 or (len(words) >= 6 and line.rstrip().endswith(".")):
        return False
    if line[:1].islower() or line.rstrip().endswith(","):
        return False
    if len(words) >= 5 and _VERB_START.match(line.strip()):
        return False
    content = [w for w in words if w.lower() not in _STOPWORDS]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    return capitalised >= 0.5 * len(content)


def fragments(line: str) -> list[str]:
    """The parts of a header line between strong separators (tabs, |, ·, spaced dashes)."""
    parts = [p.strip(" ,;:()[]·•|") for p in SEPARATORS.split(line)]
    return [p for p in parts if p]


def clean_item(text: str) -> str:
    return re.sub(r"\s+", " ", BULLET.sub("", text)).strip(" \t,;:.|")
