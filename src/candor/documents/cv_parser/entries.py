"""Experience, education and project entries, and the lists of skills, languages and certifications."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from candor.documents.cv_parser.contact import TITLE_WORDS, is_location_part, looks_like_location
from candor.documents.cv_parser.dates import DateRange, anchored_ranges, find_ranges, strip_dates
from candor.documents.cv_parser.text import BULLET, clean_item, fragments, is_bullet, is_header_line
from candor.documents.schemas import EducationEntry, ExperienceEntry
from candor.documents.skills import canonical_skill, find_skills, is_known_skill

_COMPANY_HINTS = re.compile(
    r"\b(?:inc|ltd|llc|llp|plc|gmbh|ag|sa|corp|corporation|company|co|group|labs?|technologies|"
    r"solutions|systems|studios?|partners|bank|agency|consulting|holdings|university|hospital)\b\.?",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(
    r"\b(?:university|universit[äéy]|universidad|college|institute|school|academy|polytechnic|conservatory|"
    r"iit|mit|caltech|ucla|epfl|eth)\b|\bUC\s+[A-Z]",
    re.IGNORECASE,
)
_DEGREE = re.compile(
    r"\b(?:(?:bachelor|master|doctor)(?:'?s)?(?:\s+of\s+(?!in\b|and\b)[A-Z][a-z]+(?:\s+(?!in\b|and\b)[A-Z][a-z]+)?)?|ph\.?\s?d\.?|"
    r"b\.?\s?tech|m\.?\s?tech|b\.?\s?sc|m\.?\s?sc|b\.?\s?eng|m\.?\s?eng|b\.?a\.|m\.?a\.|b\.?s\.|m\.?s\.|"
    r"mba|bsc|msc|ba|bs|ms|ma|beng|meng|bba|llb|llm|md|associate(?:'?s)?(?:\s+degree)?|diploma|"
    r"certificate|a-levels?|high school diploma|ged|hnd)(?![\w])",
    re.IGNORECASE,
)
_HEADER_ROLES = {
    "dates": "dates", "date": "dates", "period": "dates", "duration": "dates", "years": "dates",
    "employer": "company", "company": "company", "organisation": "company", "organization": "company",
    "role": "title", "title": "title", "position": "title", "job title": "title",
    "location": "location", "place": "location", "city": "location",
}  # fmt: skip


@dataclass
class Entry:
    """The header lines of one entry (title, company, dates), and its description lines."""

    header: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    ranges: list[DateRange] = field(default_factory=list)


def split_entries(lines: list[str]) -> list[Entry]:
    """Group a section's lines into entries: a run of header lines, then the lines describing it.

    A run holding several dated lines (entries without descriptions) is split at its dates.
    """
    runs: list[tuple[list[str], list[str]]] = []
    for index, line in enumerate(lines):
        is_head = is_header_line(line) or bool(anchored_ranges(line) and len(line) < 120)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        previous = lines[index - 1].rstrip() if index else ""
        if is_head and following[:1].islower() and len(line.split()) >= 6:
            is_head = False  # a sentence that wraps onto the next line
        elif (
            is_head
            and not anchored_ranges(previous)
            and (previous.endswith(",") or (len(previous.split()) >= 10 and not previous.endswith(".")))
        ):
            is_head = bool(anchored_ranges(line))  # the rest of a wrapped sentence, unless it is dated
        if is_head and (not runs or runs[-1][1]):
            runs.append(([line], []))
        elif is_head:
            runs[-1][0].append(line)
        elif runs:
            runs[-1][1].append(line)
        else:
            runs.append(([], [line]))
    entries: list[Entry] = []
    for header, body in runs:
        dated = [i for i, line in enumerate(header) if anchored_ranges(line)]
        if len(dated) <= 1:
            groups = [header]
        elif len(header) % len(dated) == 0 and all(
            len(
                [i for i in dated if k * len(header) // len(dated) <= i < (k + 1) * len(header) // len(dated)]
            )
            == 1
            for k in range(len(dated))
        ):
            size = len(header) // len(dated)
            groups = [header[i : i + size] for i in range(0, len(header), size)]
        else:
            cuts = [0, *dated[1:], len(header)]
            groups = [header[a:b] for a, b in pairwise(cuts)]
        for group in groups[:-1]:
            entries.append(Entry(group, [], [r for line in group for r in anchored_ranges(line)]))
        last = groups[-1] if groups else []
        entries.append(Entry(last, body, [r for line in last for r in anchored_ranges(line)]))
    return [e for e in entries if e.header or e.body]


def _column_roles(lines: list[str]) -> tuple[list[str], list[str | None] | None]:
    """Drop a table header row such as "Dates | Employer | Role" and return what each column holds."""
    for index, line in enumerate(lines[:3]):
        cells = [c.strip().lower() for c in line.split("|")]
        if len(cells) >= 2 and all(c in _HEADER_ROLES for c in cells):
            return lines[:index] + lines[index + 1 :], [_HEADER_ROLES[c] for c in cells]
    return lines, None


def _has_title_word(text: str) -> bool:
    return any(w in TITLE_WORDS for w in re.split(r"[\s/,()&-]+", text.lower()) if w)


def _split_place(parts: list[str]) -> tuple[list[str], str | None]:
    """Peel a trailing place ("Mountain View, CA, USA") off comma-separated parts."""
    place: list[str] = []
    rest = list(parts)
    while rest and is_location_part(rest[-1]):
        place.insert(0, rest.pop())
    if place and len(rest) >= 2 and not _has_title_word(rest[-1]) and len(rest[-1].split()) <= 3:
        place.insert(0, rest.pop())  # the city before the state or country
    return rest, ", ".join(place) or None


def parse_experience(lines: list[str]) -> list[ExperienceEntry]:
    lines, roles = _column_roles(lines)
    result = []
    for entry in split_entries(lines):
        if roles is not None and entry.header and "|" in entry.header[0]:
            result.append(_from_columns(entry, roles))
            continue
        item = _experience_entry(entry)
        if item is None:
            if result and entry.body + entry.header:
                result[-1].highlights += [clean_item(x) for x in entry.header + entry.body if clean_item(x)]
            continue
        result.append(item)
    return result


def _from_columns(entry: Entry, roles: list[str | None]) -> ExperienceEntry:
    cells = [c.strip() for c in entry.header[0].split("|")]
    values: dict[str, str] = {}
    for role, cell in zip(roles, cells, strict=False):
        if role and cell:
            values[role] = cell
    ranges = find_ranges(values.get("dates", ""))
    return ExperienceEntry(
        company=values.get("company"),
        title=values.get("title"),
        start=ranges[0].start if ranges else None,
        end=ranges[0].end if ranges else None,
        location=values.get("location"),
        highlights=_highlights(entry.header[1:] + entry.body),
    )


def _experience_entry(entry: Entry) -> ExperienceEntry | None:
    texts: list[str] = []
    location: str | None = None
    own_line_first: list[bool] = []
    pair: tuple[str, str] | None = None
    for line in entry.header:
        line_fragments = fragments(strip_dates(line)) if strip_dates(line) else []
        for position, fragment in enumerate(line_fragments):
            if looks_like_location(fragment) and not _has_title_word(fragment):
                location = location or fragment
                continue
            parts = [p.strip() for p in re.split(r",\s+(?![^()]*\))", fragment) if p.strip()]
            parts, place = _split_place(parts)
            location = location or place
            if len(parts) == 2 and not _has_title_word(parts[1]) and _has_title_word(parts[0]):
                texts += parts
                own_line_first += [False, False]
            elif len(parts) >= 2 and any(_has_title_word(p) for p in parts):
                texts += parts
                own_line_first += [False] * len(parts)
            elif len(parts) == 2 and pair is None:
                # "Barista, Blue Bottle Coffee": without job words, a comma pair reads title first.
                pair = (parts[1], parts[0]) if _COMPANY_HINTS.search(parts[0]) else (parts[0], parts[1])
                texts += parts
                own_line_first += [False, False]
            else:
                texts.append(", ".join(parts))
                own_line_first.append(len(line_fragments) == 1 and position == 0 and not find_ranges(line))
    texts = [t for t in texts if t]
    if not texts and not entry.ranges:
        return None
    title = next((t for t in texts if _has_title_word(t)), None)
    others = [t for t in texts if t != title]
    company = next((t for t in others if _COMPANY_HINTS.search(t)), others[0] if others else None)
    if title is None and pair is not None and len(others) == 2 and entry.ranges:
        title, company = pair
    elif title is None and len(others) >= 2:
        # Without a job word, a name standing alone on its own line is the employer.
        first_own = next((t for t, own in zip(texts, own_line_first, strict=True) if own), None)
        company = first_own or company
        title = next((t for t in others if t != company), None)
    if title is None and company is None and not entry.ranges:
        return None
    if not entry.ranges and title is None:
        return None
    dates = entry.ranges[0] if entry.ranges else None
    return ExperienceEntry(
        company=company,
        title=title,
        start=dates.start if dates else None,
        end=(dates.end or dates.start) if dates else None,
        location=location,
        highlights=_highlights(entry.body),
    )


def _highlights(lines: list[str]) -> list[str]:
    """Description lines rejoined into bullets or sentences (a wrapped line continues the one before)."""
    items: list[str] = []
    for line in lines:
        text = BULLET.sub("", line).strip() if is_bullet(line) else line.strip()
        if not text:
            continue
        starts_new = is_bullet(line) or not items or items[-1].endswith((".", "!", "?", ":"))
        if starts_new:
            items.append(text)
        else:
            items[-1] = f"{items[-1]} {text}"
    return [i.rstrip() for i in items][:30]


def parse_education(lines: list[str]) -> list[EducationEntry]:
    lines, _ = _column_roles(lines)
    result = []
    for entry in split_entries(lines):
        header = _join_wrapped(entry.header)
        texts: list[str] = []
        for line in header:
            if re.search(r"\b(?:gpa|grade|cgpa|honou?rs|courses?|coursework|thesis)\b", line, re.IGNORECASE):
                continue
            for fragment in fragments(strip_dates(line)):
                for part in re.split(r",\s+|:\s+", fragment):
                    if part.strip():
                        texts.append(part.strip())
        if not texts:
            continue
        item = _education_entry(texts, entry.ranges)
        if item.institution or item.degree:
            result.append(item)
    return result


def _join_wrapped(header: list[str]) -> list[str]:
    """A long dated line whose last words ran onto the next line gets them back."""
    out: list[str] = []
    for line in header:
        if (
            out
            and len(out[-1]) > 70
            and find_ranges(out[-1])
            and not find_ranges(line)
            and not _DEGREE.search(line)
            and not out[-1].rstrip().endswith((",", "."))
        ):
            first, _, rest = line.partition(",")
            out[-1] = f"{out[-1]} {first}"
            if rest.strip():
                out.append(rest.strip())
            continue
        out.append(line)
    return out


def _education_entry(texts: list[str], ranges: list[DateRange]) -> EducationEntry:
    degree = area = institution = None
    rest: list[str] = []
    for index, text in enumerate(texts):
        match = _DEGREE.search(text)
        if degree is None and match and not _INSTITUTION.search(text):
            in_area = re.search(r"\s+(?:in|of)\s+(.+)$", text[match.end() :])
            degree = (text[: match.end()] if in_area else text).strip(" ,")
            if in_area:
                area = in_area.group(1).strip()
            elif index + 1 < len(texts) and not _INSTITUTION.search(texts[index + 1]):
                nxt = texts[index + 1]
                if not is_location_part(nxt) and not _DEGREE.fullmatch(nxt):
                    area = nxt
            continue
        if text == area:
            continue
        rest.append(text)
    institution = next((t for t in rest if _INSTITUTION.search(t)), None)
    if institution is None:
        candidates = [t for t in rest if not is_location_part(t) and not looks_like_location(t)]
        institution = candidates[0] if candidates else None
    dates = ranges[0] if ranges else None
    start, end = (dates.start, dates.end) if dates else (None, None)
    if dates and dates.end is None:
        start, end = None, dates.start  # a single date is when the studies ended
    return EducationEntry(institution=institution, degree=degree, area=area, start=start, end=end)


def parse_projects(lines: list[str]) -> list[str]:
    names = []
    for entry in split_entries(lines):
        if not entry.header:
            continue
        first = fragments(strip_dates(entry.header[0]))
        if first:
            names.append(first[0])
    return names


def parse_skills(lines: list[str]) -> list[str]:
    """Skills as listed, canonical names for known ones, unknown ones kept as written."""
    joined: list[str] = []
    for line in lines:
        text = BULLET.sub("", line).strip()
        if ":" in text and len(text.split(":", 1)[0].split()) <= 4:
            joined.append(text.split(":", 1)[1].strip())
            continue
        previous = joined[-1].rstrip() if joined else ""
        if (
            previous
            and "\t" not in text + previous
            and "," in previous
            and (previous.endswith((",", ";")) or len(previous) >= 60)
        ):
            # A list wrapped onto the next line, maybe mid-item ("Google Cloud" / "Platform").
            joined[-1] = f"{previous} {text}"
        else:
            joined.append(text)
    skills: dict[str, None] = {}
    for text in joined:
        for item in _skill_items(text):
            skills.setdefault(item, None)
    return list(skills)


def _skill_items(text: str) -> list[str]:
    items: list[str] = []
    for raw in re.split(r"\s*[,;|•·\t]\s*(?![^()]*\))", text):
        piece = clean_item(raw)
        if not piece:
            continue
        if is_known_skill(piece):
            items.append(canonical_skill(piece))
            continue
        inner = re.match(r"^(.*?)\s*\((.*)\)\s*$", piece)
        if inner:
            items += _skill_items(inner.group(1))
            items += _skill_items(inner.group(2).replace(" and ", ", "))
            continue
        if " and " in piece or " & " in piece:
            parts = [p.strip() for p in re.split(r"\s+(?:and|&)\s+", piece)]
            if any(is_known_skill(p) for p in parts):
                for p in parts:
                    items += _skill_items(p)
                continue
        if len(piece.split()) > 4:
            items += find_skills(piece)
            continue
        items.append(canonical_skill(piece))
    return [i for i in items if i and len(i) <= 60 and not re.search(r"@|https?:|^//|www\.", i)]


def parse_list(lines: list[str], *, keep_levels: bool = True) -> list[str]:
    items: list[str] = []
    for line in lines:
        for raw in re.split(r"\s*[,;|•·\t]\s*", BULLET.sub("", line)):
            item = clean_item(raw)
            if not keep_levels:
                item = re.split(r"\s*[(:\u2013—-]\s*", item)[0].strip()
            if item and item not in items:
                items.append(item)
    return items


def parse_certifications(lines: list[str]) -> list[str]:
    return [clean_item(strip_dates(line)) for line in lines if clean_item(strip_dates(line))]
