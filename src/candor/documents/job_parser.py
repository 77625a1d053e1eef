"""Read a job description: title, company, seniority and what it asks for, deterministically and offline.

A posting is read as lines grouped into sections by their headings (Responsibilities, Requirements, Nice to
have, Benefits, About us...), in English or Spanish. Business rules:
- Seniority comes with the words that justify it. A level word in the title (Senior, Intern, Lead...) outranks
  the body; then internship or entry-level wording in the body; then the years of experience asked for, where
  required years outrank preferred ones. Nothing found means no seniority: we never guess.
- Skills under a nice-to-have heading, or in a sentence saying "is a plus", "ideally", "preferred"... are nice
  to have; skills in the title, the opening lines, the responsibilities and the requirements are required.
  A skill in both lists is required only.
- Text that reads like a CV, or has none of the vocabulary of a posting, is refused with NotAJobDescription.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

from candor.documents.errors import NotAJobDescription
from candor.documents.schemas import JobParse, Seniority
from candor.documents.skills import vocabulary

Kind = Literal[
    "intro",
    "about",
    "description",
    "responsibilities",
    "requirements",
    "nice",
    "benefits",
    "apply",
    "meta",
    "other",
]
ITEM_KINDS: Final = frozenset({"responsibilities", "requirements", "nice"})
LEVELS: Final[tuple[Seniority, ...]] = ("intern", "junior", "mid", "senior", "lead", "principal")
MAX_ITEMS: Final = 40

_I = re.IGNORECASE
_BULLET = re.compile(
    r"^(?:[•●○◦▪▫■□►▸▶➢➤✓✔❖·]\s*|[-\u2013\u2014*+]\s+|\(?(?:\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.)]\s+)"
)
_HEADING_TAIL = r"(?:\s*(?:[-\u2013\u2014:(&/]|and\b|y\b).*)?"
# Each heading kind: optional modifiers, then a core word, then an optional tail ("Skills required -").
_HEADING_SOURCES: Final[tuple[tuple[Kind, str, str], ...]] = (
    (
        "nice",
        r"it'?s|would|be|a",
        r"nice[- ]to[- ]haves?|good to have|great to have|bonus(?: points)?|pluses|plus|preferred|"
        r"(?:preferred|desired|desirable|bonus|additional|optional|extra)\s+"
        r"(?:qualifications?|skills?|experience|requirements?)|it'?s a plus|even better|ideally|"
        r"what would make you stand out|deseables?|valorables?|se valorar[áa]|suma puntos",
    ),
    (
        "benefits",
        r"our|the|what|why|we|perks|and|&",
        r"benefits|perks|compensation|remuneration|salary|we offer|offer|what we offer|"
        r"what you(?:'ll| will)? get|join us|work with us|beneficios|ofrecemos|qu[ée] ofrecemos|"
        r"lo que ofrecemos",
    ),
    (
        "requirements",
        r"minimum|basic|required|key|essential|necessary|technical|core|mandatory|soft|hard|general|"
        r"your|our|the|job|desired|ideal|candidate|must|and|&",
        r"requirements?|qualifications?|skills(?:\s+(?:required|needed|&|and).*)?|must[- ]haves?|"
        r"what you(?:'ll| will)? need|what we(?:'re| are) looking for|what we expect|who you are|"
        r"about you|"
        r"you have|you(?:'ll)? bring|what you(?:'ll| will)? bring|(?:candidate )?profile|ideal candidate|"
        r"experience|education|prerequisites?|requisitos|requerimientos|perfil|conocimientos|competencias|"
        r"qu[ée] buscamos|lo que buscamos",
    ),
    (
        "responsibilities",
        r"key|main|primary|core|your|the|job|daily|roles?|duties|and|&|principales|tus|sus",
        r"responsibilit(?:y|ies)|duties|tasks|what you(?:'ll| will) (?:do|be doing|work on)|"
        r"role|mission|impact|day[- ]to[- ]day|a day in the life|accountabilities|"
        r"responsabilidades|funciones|tareas",
    ),
    (
        "description",
        r"about|the|job|position|role|",
        r"about the (?:job|role|position|opportunity)|"
        r"(?:job |position )?(?:description|overview|summary)|"
        r"the opportunity|descripci[óo]n(?: del (?:trabajo|puesto|empleo|cargo))?|purpose",
    ),
    (
        "about",
        r"our|the",
        r"about us|about (?:the )?company|who we are|company (?:description|overview)|our company|"
        r"our mission|sobre nosotros|qui[ée]nes somos|acerca de nosotros|la empresa|"
        r"about [A-Za-z0-9&.' -]+",
    ),
    (
        "apply",
        r"how|to",
        r"how to apply|to apply|apply|application process|next steps|(?:interview|hiring) process|"
        r"c[óo]mo (?:aplicar|postular)|postulaci[óo]n",
    ),
    (
        "meta",
        r"job|work|contract",
        r"job types?|work remotely|remote work|schedule|shifts?|location|contract(?: length)?|start date|"
        r"application deadline|equal opportunity.*|eeo.*",
    ),
)
_HEADINGS: Final = tuple(
    (kind, re.compile(rf"(?:(?:{mods})\s+){{0,3}}(?:{core}){_HEADING_TAIL}", _I))
    for kind, mods, core in _HEADING_SOURCES
)
_ABOUT_SELF = re.compile(r"about (?:us|you|the .*|this .*|our .*|company)$", _I)
_KV = re.compile(r"^([A-Za-zÀ-ÿ][\w '/&()-]{0,40}?)\s*:\s+(\S.*)$")
_TITLE_LABELS = re.compile(
    r"(?:job |position |role )?title|position|role|job|vacancy|opening|job position|job role|"
    r"puesto(?: de trabajo)?|cargo|vacante|t[íi]tulo(?: del puesto)?|posici[óo]n",
    _I,
)
_COMPANY_LABELS = re.compile(
    r"company(?: name)?|employer|organi[sz]ation|hiring company|empresa|compa[ñn][íi]a", _I
)
_LOCATION_LABELS = re.compile(
    r"(?:job |work )?location|based in|office|ubicaci[óo]n|lugar(?: de trabajo)?|localizaci[óo]n|sede", _I
)
_META_LABELS = re.compile(
    r"job types?|employment type|salary|pay|schedule|shift|department|working with|reports? to|team|"
    r"contract(?: type| length)?|start date|application deadline|work remotely|tipo de contrato|salario|"
    r"jornada|horario|modalidad|departamento",
    _I,
)
_CAP = r"[A-Z0-9][\w&.'-]*(?:[ ]+(?:(?:de|del|of|and|&)[ ]+)?[A-Z][\w&.'-]*){0,4}"
# Words that start a sentence but never a company name ("We are hiring", "At the same time").
_NOT_NAMES = re.compile(
    r"we|our|the|this|it|you|they|he|she|its|their|a|an|in|at|on|for|with|as|join|"
    r"el|la|los|las|en|este|esta|nosotros|somos|un|una|sobre|como",
    _I,
)
_ROLE_NOUNS = re.compile(
    r"\b(?:engineer|developer|programmer|manager|scientist|analyst|designer|architect|administrator|admin|"
    r"specialist|consultant|intern|lead|director|officer|coordinator|assistant|representative|technician|"
    r"nurse|accountant|writer|editor|researcher|associate|executive|agent|head|owner|tester|sre|devops|"
    r"recruiter|advisor|operator|facilitator|tutor|teacher|instructor|trainer|support|marketer|strategist|"
    r"desarrollador(?:a)?|ingenier[oa]|analista|dise[ñn]ador(?:a)?|practicante|gerente|jefe|jefa|"
    r"coordinador(?:a)?|asistente|especialista|consultor(?:a)?|profesor(?:a)?|docente|t[ée]cnico)s?\b",
    _I,
)
_GENERIC_FIRST_LINE = re.compile(
    r"(?:job (?:description|posting|opening|advert)|vacancy|we(?:'re| are) hiring|now hiring|careers?|"
    r"oferta de (?:empleo|trabajo)|descripci[óo]n del puesto)\W*$",
    _I,
)
_GENDER_TAG = re.compile(r"\s*\((?:m/f/d|m/w/d|f/m/x|f/m/d|all genders|h/m|m/f)\)", _I)
_NICE_PHRASE = re.compile(
    r"\b(?:nice[- ]to[- ]have|good to have|(?:is |are |would be |as )?an? (?:big )?(?:plus|bonus|advantage)|"
    r"bonus|ideally|preferred|preferably|desirable|desired|optional|deseable|valorable|se valorar[áa]|"
    r"un plus)\b",
    _I,
)
_CONNECTOR_END = re.compile(
    r"(?:,|\b(?:and|or|of|the|to|with|for|in|on|a|an|as|such as|including|like|de|del|y|o|en|la|el|los|las|"
    r"con|para|como|al|que|por))$",
    _I,
)

# Seniority words: (level, pattern). In the title any of them counts; in the body only the unambiguous ones.
_TITLE_LEVEL_SOURCES: Final[tuple[tuple[Seniority, str], ...]] = (
    (
        "intern",
        r"\b(?:intern(?:ship)?|trainee|apprentice(?:ship)?|working student|practicante|pasante|"
        r"becari[oa]|pr[áa]cticas?)\b",
    ),
    ("junior", r"\b(?:junior|jr\b\.?|entry[- ]level|graduate|new grad)\b"),
    ("mid", r"\b(?:mid(?:[- ]level)?|intermediate|semi[- ]?senior|ssr)\b"),
    ("senior", r"\b(?:senior|sr\b\.?|snr)\b"),
    (
        "lead",
        r"\b(?:lead(?!\s+gen)|head of|l[íi]der|jef[ea] de|staff(?=\s+(?:\w+\s+){0,2}?(?:engineer|"
        r"developer|scientist|designer|architect|researcher|analyst|product manager|sre)\b))\b",
    ),
    ("principal", r"\b(?:principal|distinguished|director|vice president|vp|chief|cto)\b"),
)
_BODY_LEVEL_SOURCES: Final[tuple[tuple[Seniority, str], ...]] = (
    (
        "intern",
        r"\b(?:internship|intern|trainee(?:ship)?|apprenticeship|working student|"
        r"pr[áa]cticas (?:pre)?profesionales|practicante|pasant[íi]a|becari[oa])\b",
    ),
    (
        "junior",
        r"\b(?:entry[- ]level|new grad(?:uate)?s?|recent graduates?|graduate (?:program|programme|"
        r"scheme)|junior (?:role|position|level)|nivel junior)\b",
    ),
    ("mid", r"\b(?:mid[- ]level|semi[- ]?senior|nivel semi ?senior)\b"),
    ("senior", r"\b(?:senior[- ]level|senior (?:role|position)|nivel senior)\b"),
)
_TITLE_LEVELS: Final = tuple((level, re.compile(pattern, _I)) for level, pattern in _TITLE_LEVEL_SOURCES)
_BODY_LEVELS: Final = tuple((level, re.compile(pattern, _I)) for level, pattern in _BODY_LEVEL_SOURCES)
_STUDENT = re.compile(
    r"^(?:estudiantes?|students?|currently enrolled)\b|\b(?:looking for|seeking|buscando|buscamos)\s+"
    r"(?:\w+\s+){0,3}?(?:students?|estudiantes?)\b",
    _I,
)
_NUMBERS: Final = {
    word: n
    for words in (
        "zero one two three four five six seven eight nine ten",
        "cero uno dos tres cuatro cinco seis siete ocho nueve diez",
    )
    for n, word in enumerate(words.split())
} | {"un": 1}
_NUM = rf"(\d{{1,2}}|{'|'.join(w for w in _NUMBERS if w not in {'zero', 'cero'})})"
_YEARS = re.compile(
    rf"(?:\b(?:at least|minimum(?: of)?|min\.?|over|more than|al menos|m[íi]nimo(?: de)?|m[áa]s de)\s+)?"
    rf"\b{_NUM}(?:\s*(?:-|\u2013|to|a)\s*{_NUM})?\s*\+?\s*(?:years?|yrs?|años?)\b"
    rf"(?!\s+(?:old|of age|de edad))"
    rf"(?:\s*\+)?(?:\s+(?:of\s+)?(?:relevant\s+|professional\s+|work\s+|industry\s+|hands-on\s+)?"
    rf"(?:experience|exp)\b|\s+de\s+experiencia)?",
    _I,
)
_EXPERIENCE_WORD = re.compile(r"\b(?:experience|exp|experiencia)\b", _I)


@dataclass
class _Section:
    kind: Kind
    heading: str
    lines: list[str]


def parse_job(text: str) -> JobParse:
    """The structured reading of a job description; raises NotAJobDescription for anything else."""
    lines = _logical_lines(text)
    _check_is_job(text, lines)
    sections = _sections(lines)
    title, title_index = _title(lines)
    seniority, evidence = _seniority(title, sections)
    required, nice = _skills(title, sections)
    return JobParse(
        title=title,
        company=_company(lines, sections, title_index),
        location=_location(lines, title_index),
        seniority=seniority,
        seniority_evidence=evidence,
        required_skills=required,
        nice_to_have_skills=nice,
        responsibilities=_items(sections, "responsibilities") or _you_will(sections),
        qualifications=_items(sections, "requirements"),
    )


# ----------------------------------------------------------------------------------------------- lines


@lru_cache(maxsize=4096)
def _heading_kind(line: str) -> Kind | None:
    """The kind of section a line opens, if it is a heading: short, not a bullet, not a sentence."""
    if _BULLET.match(line) or _KV.match(line):
        return None
    bare = re.sub(r"^[#*_\s]+|[*_\s]+$", "", line).replace("\u2019", "'")
    bare = re.sub(r"\s*[:\-\u2013\u2014]+$", "", bare).strip()
    if not bare or len(bare.split()) > 7 or bare.endswith((".", "!", "?", ",")):
        return None
    for kind, pattern in _HEADINGS:
        if pattern.fullmatch(bare) and not (kind == "about" and len(bare.split()) > 5):
            return kind
    return None


def _logical_lines(text: str) -> list[str]:
    """Lines with hard-wrapped sentences and bullets joined back together, blank lines kept as ''."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\u00a0", " ")
    out: list[str] = []
    for raw in text.split("\n"):
        # Markdown emphasis and heading marks carry no words: "**Location:** Remote" is "Location: Remote".
        line = re.sub(r"\*\*|__|^#+\s+", "", re.sub(r"\s+", " ", raw).strip()).strip()
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        prev = out[-1] if out else ""
        if prev and _continues(prev, line):
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return out


def _continues(prev: str, line: str) -> bool:
    if _heading_kind(prev) or _heading_kind(line) or _BULLET.match(line) or _KV.match(line):
        return False
    if prev.endswith((".", "!", "?", ":", ";", ")")):
        return False
    return bool(_CONNECTOR_END.search(prev) or line[0].islower() or re.search(r"\w-$", prev))


def _sections(lines: list[str]) -> list[_Section]:
    sections = [_Section("intro", "", [])]
    for line in lines:
        if not line:
            continue
        kind = _heading_kind(line)
        current = sections[-1]
        kv = _KV.match(line)
        if kind is not None:
            sections.append(_Section(kind, line, []))
        elif kv and (_META_LABELS.fullmatch(kv.group(1)) or _LOCATION_LABELS.fullmatch(kv.group(1))):
            sections.append(_Section("meta", line, [line]))
        elif line.endswith(":") and len(line.split()) <= 6 and _opens_unknown_section(current):
            sections.append(
                _Section("other", line, [])
            )  # an unknown heading: its lines belong to nothing we read
        else:
            current.lines.append(line)
    return sections


def _opens_unknown_section(current: _Section) -> bool:
    """Whether a short unbulleted "Something:" line ends the current section.

    Inside a list of responsibilities or requirements written without bullets it is a sub-heading of that
    list ("Improving constantly:"); after bulleted items, or in prose, it is a heading we do not know.
    """
    if current.kind not in ITEM_KINDS:
        return True
    return bool(current.lines) and all(_BULLET.match(line) for line in current.lines)


def _clean_item(line: str) -> str:
    line = _BULLET.sub("", line).strip()
    line = re.sub(r"^[*_]+|[*_]+$", "", line)
    return re.sub(r"\s+", " ", line).strip(" :;,").strip()


def _sentences(line: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[\"'(¿¡A-ZÀ-Ý])", line) if s]


def _items(sections: list[_Section], kind: Kind) -> list[str]:
    """The items of every section of this kind; prose paragraphs (3+ sentences) amid a list are context."""
    lines = [line for s in sections if s.kind == kind for line in s.lines]
    items = [_clean_item(line) for line in lines if len(_sentences(line)) < 3]
    if not items:
        items = [_clean_item(s) for line in lines for s in _sentences(line)]
    seen: dict[str, None] = {}
    for item in items:
        if len(item) > 2 and any(c.isalpha() for c in item):
            seen.setdefault(item, None)
    return list(seen)[:MAX_ITEMS]


def _you_will(sections: list[_Section]) -> list[str]:
    """For a posting written as prose: its "You will..." sentences are its responsibilities."""
    return [
        sentence
        for s in sections
        if s.kind in {"intro", "description"}
        for line in s.lines
        for sentence in _sentences(line)
        if re.match(r"(?:You will|You'll|You\u2019ll|In this role,? you will|Tendr[áa]s que)\b", sentence)
    ][:MAX_ITEMS]


# ---------------------------------------------------------------------------------------------- header


def _tidy_value(value: str) -> str | None:
    value = _GENDER_TAG.sub("", value)
    value = re.sub(r"\s+", " ", value).strip(" \t-\u2013\u2014|:;,.!*_#")
    return value or None


def _title(lines: list[str]) -> tuple[str | None, int]:
    """The posting's title and its line index (-1 when it was not a line of its own).

    A "Job Title:"-style label wins; then the first lines (preferring one that names a role, so a company
    name above the title is skipped); then "we are looking for a <title> to...".
    """
    head = [line for line in lines[:60] if line]
    for i, line in enumerate(head):
        kv = _KV.match(line)
        if kv and _TITLE_LABELS.fullmatch(kv.group(1).strip()) and len(kv.group(2).split()) <= 15:
            return _tidy_value(kv.group(2)), -1
        if i + 1 < len(head) and re.fullmatch(r"(?:job |position )?title\s*:|puesto\s*:", line, _I):
            return _tidy_value(head[i + 1]), lines.index(head[i + 1])
    candidates: list[int] = []
    for i, line in enumerate(lines[:8]):
        if not line or _GENERIC_FIRST_LINE.match(line) or _KV.match(line):
            continue
        if _heading_kind(line) or len(line.split()) > 14 or line.endswith((".", "!", "?", ":")):
            break
        candidates.append(i)
    for i in candidates[:3]:
        if _ROLE_NOUNS.search(lines[i]) or any(p.search(lines[i]) for _, p in _TITLE_LEVELS):
            return _tidy_value(re.split(r"\s+(?:at|@)\s+", lines[i])[0]), i
    if candidates:
        return _tidy_value(lines[candidates[0]]), candidates[0]
    body = " ".join(lines)
    match = re.search(
        r"\b(?:looking for|seeking|hiring|buscando|buscamos)(?: an?| un[a]?)?\s+((?:[\w/+#.-]+\s+){0,5}?"
        r"[\w/+#.-]+?)\s+(?:to|who|with|that|para|que|con)\b",
        body,
        _I,
    )
    if match and _ROLE_NOUNS.search(match.group(1)):
        return _tidy_value(match.group(1)), -1
    return None, -1


def _header_lines(lines: list[str], title_index: int) -> list[str]:
    """Short lines right after the title and before the first heading or paragraph (company, place, pay)."""
    out: list[str] = []
    for line in lines[title_index + 1 : title_index + 8]:
        if not line:
            continue
        if _heading_kind(line) or len(line.split()) > 8:
            break
        out.append(line)
    return out


def _name(candidate: str | None) -> str | None:
    if not candidate:
        return None
    candidate = candidate.strip(" .,'")
    if not candidate or _NOT_NAMES.fullmatch(candidate.split()[0]):
        return None
    return candidate


def _is_place(line: str) -> bool:
    return bool(
        re.fullmatch(r"[A-ZÀ-Ý][\w .'-]+,\s*[A-ZÀ-Ý][\w .'-]+(?:,\s*[A-ZÀ-Ý][\w .'-]+)?", line)
        or re.search(r"\b(?:remote|hybrid|on[- ]site|remoto|h[íi]brido)\b", line, _I)
    )


def _company(lines: list[str], sections: list[_Section], title_index: int) -> str | None:
    """Labels first, then a name line under the title, "About X", "X is hiring", "At X, we", "<role> at X"."""
    for line in lines[:60]:
        kv = _KV.match(line)
        if kv and _COMPANY_LABELS.fullmatch(kv.group(1).strip()):
            return _tidy_value(kv.group(2))
    if title_index >= 0:
        above = [line for line in lines[:title_index] if line]
        for line in above + _header_lines(lines, title_index):
            if (
                len(line.split()) <= 5
                and not _KV.match(line)
                and not _is_place(line)
                and not _ROLE_NOUNS.search(line)
                and re.fullmatch(rf"{_CAP}", line)
            ):
                return line
    for section in sections:
        heading = _heading_text(section.heading)
        if (
            section.kind == "about"
            and heading.lower().startswith("about ")
            and not _ABOUT_SELF.fullmatch(heading)
        ):
            return _name(heading[len("about ") :])
    body = "\n".join(lines)
    for pattern in (
        rf"(?:^|[.!]\s+)({_CAP})\s+(?:is|are) (?:hiring|looking for|seeking)\b",
        rf"\b[Jj]oin\s+({_CAP})\s+(?:as|in|and|to)\b",
        rf"\b[Úú]nete a\s+({_CAP})",
    ):
        for match in re.finditer(pattern, body, re.MULTILINE):
            if name := _name(match.group(1)):
                return name
    for section in sections:
        if section.kind == "about" and section.lines:
            first = section.lines[0]
            subject = re.match(rf"(?:At|En)\s+(?:el\s+|la\s+)?({_CAP})\s*,", first) or re.match(
                rf"({_CAP})\s+(?:is|are|was|has|es|son|fue|ha|se)\b", first
            )
            if subject and (name := _name(subject.group(1))):
                return name
    counts: dict[str, int] = {}
    for match in re.finditer(rf"(?:\b(?:at|en el|en la)|@)\s+({_CAP})", body):
        if (name := _name(match.group(1))) and not _is_place(name):
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda n: counts[n]) if counts else None


def _heading_text(heading: str) -> str:
    return re.sub(r"^[#*_\s]+|[\s:*_\-\u2013\u2014]+$", "", heading)


def _location(lines: list[str], title_index: int) -> str | None:
    for line in lines[:80]:
        kv = _KV.match(line)
        if kv and _LOCATION_LABELS.fullmatch(kv.group(1).strip()):
            return _tidy_value(kv.group(2))
    header = _header_lines(lines, title_index) if title_index >= 0 else []
    for line in header:
        if _is_place(line) and "," in line and not re.search(r"\d", line):
            return line
    body = " ".join(lines)
    match = re.search(
        r"\b(?:based in|located in|offices? in|sede (?:ubicada )?en|oficinas? (?:ubicadas? )?en|"
        r"ubicad[oa]s? en)"
        r"\s+((?:[A-ZÀ-Ý][\w'-]+)(?:\s+[A-ZÀ-Ý][\w'-]+){0,2}(?:,\s*[A-ZÀ-Ý][\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+)?)?)",
        body,
    )
    if match:
        return match.group(1)
    for line in header:
        if re.search(r"\bremote\b", line, _I) and len(line.split()) <= 4:
            return line
    if re.search(
        r"\b(?:fully remote|100% remot[eo]|remote[- ]first|remote (?:position|role|job))\b", body, _I
    ):
        return "Remote"
    return None


# ------------------------------------------------------------------------------------------- seniority


def _seniority(title: str | None, sections: list[_Section]) -> tuple[Seniority | None, list[str]]:
    if title:
        found = [(level, m.group(0)) for level, p in _TITLE_LEVELS for m in p.finditer(title)]
        if found:
            top = max(found, key=lambda f: LEVELS.index(f[0]))[0]
            return top, _unique(words for level, words in found if level == top)
    body = [
        (s.kind, line) for s in sections if s.kind not in {"about", "benefits", "apply"} for line in s.lines
    ]
    # What the role does ("mentor our interns") says nothing of its own level; who it wants and how it is
    # described do.
    described = [
        line for kind, line in body if kind in {"intro", "description", "requirements", "meta", "other"}
    ]
    for level, pattern in _BODY_LEVELS:
        words = [m.group(0) for line in described for m in pattern.finditer(line)]
        if words:
            return level, _unique(words)
    students = [
        m.group(0)
        for kind, line in body
        if kind in {"intro", "description", "requirements"}
        for m in [_STUDENT.search(_clean_item(line))]
        if m
    ]
    if students:
        return "intern", _unique(students)
    return _years_level(body)


def _years_level(body: list[tuple[Kind, str]]) -> tuple[Seniority | None, list[str]]:
    """The level the years of experience imply: under 2 junior, 2 to 4 mid, 5 or more senior (lower bound)."""
    required: list[tuple[int, str]] = []
    preferred: list[tuple[int, str]] = []
    for kind, line in body:
        for sentence in _sentences(line):
            for match in _YEARS.finditer(sentence):
                if not (_EXPERIENCE_WORD.search(sentence) or kind in {"requirements", "nice"}):
                    continue
                low = match.group(1).lower()
                years = int(low) if low.isdigit() else _NUMBERS.get(low, 1)
                nice = kind == "nice" or _NICE_PHRASE.search(sentence)
                (preferred if nice else required).append((years, match.group(0).strip()))
    pool = required or preferred
    if not pool:
        return None, []
    years, words = max(pool, key=lambda p: p[0])
    level: Seniority = "junior" if years < 2 else "mid" if years < 5 else "senior"
    return level, [words]


def _unique(words: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for word in words:
        seen.setdefault(word.strip(), None)
    return list(seen)


# ---------------------------------------------------------------------------------------------- skills


# Aliases that are also everyday words count only when written with a capital ("REST", not "the rest").
_COMMON_WORD_ALIASES: Final = frozenset(
    {"rest", "express", "node", "shell", "spring", "oracle", "lambda", "torch", "containers", "excel", "kube"}
)


def _find_skills(text: str) -> list[str]:
    """Canonical skills in text by first mention; "Python/Django" counts as both."""
    vocab = vocabulary()
    found: list[tuple[int, str]] = []
    # Pass 1 reads the text as written; pass 2 reads each "a/b" compound again with the slash spaced out.
    compounds = [(m.start(), re.sub(r"/", " / ", m.group(0))) for m in re.finditer(r"\S*\w/\w\S*", text)]
    passes = [(0, text), *compounds]
    for start, variant in passes:
        for match in vocab.pattern.finditer(variant):
            alias = match.group(0)
            if alias.lower() in _COMMON_WORD_ALIASES and alias.islower():
                continue
            canonical = vocab.by_alias.get(re.sub(r"\s+", " ", alias.lower()))
            if canonical:
                found.append((start + match.start(), canonical))
    return _unique(name for _, name in sorted(found, key=lambda f: f[0]))


def _skills(title: str | None, sections: list[_Section]) -> tuple[list[str], list[str]]:
    has_structure = any(s.kind in {"requirements", "responsibilities", "nice"} for s in sections)
    read = {"intro", "requirements", "responsibilities"} | (
        set() if has_structure else {"description", "other"}
    )
    required_text: list[str] = [title or ""]
    nice_text: list[str] = []
    for section in sections:
        if section.kind == "nice":
            nice_text.extend(section.lines)
            continue
        if section.kind not in read:
            continue
        for line in section.lines:
            for sentence in re.split(r"(?<=[.;!?])\s+", line):
                (nice_text if _NICE_PHRASE.search(sentence) else required_text).append(sentence)
    required = _find_skills("\n".join(required_text))
    nice = [s for s in _find_skills("\n".join(nice_text)) if s not in required]
    return required, nice


# ------------------------------------------------------------------------------------------- detection

_JOB_PHRASES = re.compile(
    r"\b(?:we(?:'re| are) (?:looking|hiring|seeking)|is hiring|are hiring|join (?:our|the|us)|"
    r"ideal candidate|successful candidate|the candidate|you will|you'll|we offer|"
    r"apply (?:now|today|here|via|through|by|online)|"
    r"job type|salary|must[- ]have|nice[- ]to[- ]have|years of (?:relevant |professional )?experience|"
    r"full[- ]time|part[- ]time|estamos buscando|buscamos|te invitamos a postular|[úu]nete|ofrecemos|"
    r"tendr[áa]s|this role|the role|this position|the position|reporting to|reports to)\b",
    _I,
)
_CV_HEADINGS = re.compile(
    r"(?:(?:work|professional|employment|career|relevant) )?(?:experience|history)|employment|education|"
    r"skills|"
    r"(?:professional )?summary|(?:career )?objective|references|certifications?|languages|projects|"
    r"personal (?:details|information|statement)|hobbies|interests|curriculum vitae|r[ée]sum[ée]|cv|"
    r"experiencia (?:laboral|profesional)|formaci[óo]n(?: acad[ée]mica)?|educaci[óo]n|idiomas",
    _I,
)
_DATE_RANGE = re.compile(
    r"\b(?:[A-Za-z]{3,9}\.?\s+)?(?:19|20)\d{2}(?:[-/.]\d{1,2}){0,2}\s*[-\u2013\u2014]+\s*"
    r"(?:(?:[A-Za-z]{3,9}\.?\s+)?(?:19|20)\d{2}|present|"
    r"current|now|today|actual(?:idad)?|presente)\b",
    _I,
)


def _check_is_job(text: str, lines: list[str]) -> None:
    words = re.findall(r"[^\W\d_]{2,}", text)
    if re.search(r"\blorem ipsum\b", text, _I):
        raise NotAJobDescription(detail="This is placeholder text (lorem ipsum), not a job description.")
    if len(words) < 25:
        raise NotAJobDescription(
            detail="This text is too short to be a job description: paste or upload the whole posting."
        )
    job_score, cv_score = _scores(text, lines)
    if cv_score >= 4 and cv_score > job_score:
        raise NotAJobDescription(
            detail="This looks like a CV or résumé (work history with dates, education), not a job "
            "description. Upload the job posting instead."
        )
    if job_score < 3:
        raise NotAJobDescription(
            detail="This does not read like a job description: it has no responsibilities, requirements or "
            "hiring language."
        )


def _scores(text: str, lines: list[str]) -> tuple[int, int]:
    """How much the text reads like a posting (headings, hiring phrases) and like a CV (dates, contacts)."""
    # Headings a CV has too ("Experience", "Skills") say nothing either way.
    kinds = {
        kind
        for line in lines
        if (kind := _heading_kind(line)) not in {None, "meta", "other"}
        and _heading_text(line).lower() not in {"experience", "education", "skills", "profile", "summary"}
    }
    prose = "\n".join(line for line in lines if not _heading_kind(line))  # a heading is not counted twice
    job_score = 2 * len(kinds) + len({m.group(0).lower() for m in _JOB_PHRASES.finditer(prose)})
    cv_headings = {
        line.strip(" :").lower()
        for line in lines
        if line and len(line.split()) <= 4 and _CV_HEADINGS.fullmatch(line.strip(" :*#"))
    }
    cv_score = len(cv_headings) + min(len(_DATE_RANGE.findall(text)), 4)
    cv_score += 2 * (len(re.findall(r"(?:^|[.\s])(?:I|I'm|I've|My)\b", text)) >= 3)
    cv_score += bool(re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text)) + bool(
        re.search(r"linkedin\.com/in/", text, _I)
    )
    cv_score += bool(re.search(r"(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b", text))
    return job_score, cv_score
