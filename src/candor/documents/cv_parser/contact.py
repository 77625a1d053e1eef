"""Who the CV belongs to: name, headline, email, phone, location and links, mostly from its top lines."""

from __future__ import annotations

import re

from candor.documents.cv_parser.dates import RANGE
from candor.documents.cv_parser.text import fragments, heading_key

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w+/.-])(\+?\(?\d[\d\s().-]{6,}\d)(?![\w/-])")
_URL = re.compile(
    r"(?:https?://|www\.)[^\s|,;<>()\"']+"
    r"|(?<![@\w.])(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|me|co|ai|app|page|site|info|uk|de|fr|nl|eu|in)"
    r"/[^\s|,;<>()\"']*",
    re.IGNORECASE,
)
_US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "DC",
    "ON",
    "BC",
    "QC",
    "AB",
    "NSW",
    "VIC",
    "QLD",
]
COUNTRIES = {
    "usa", "us", "u.s.", "u.s.a.", "united states", "uk", "united kingdom", "england", "scotland", "wales",
    "ireland", "canada", "india", "germany", "france", "spain", "italy", "netherlands", "belgium",
    "switzerland", "austria", "sweden", "norway", "denmark", "finland", "poland", "portugal", "greece",
    "australia", "new zealand", "singapore", "japan", "china", "hong kong", "brazil", "mexico", "argentina",
    "south africa", "nigeria", "kenya", "egypt", "israel", "uae", "united arab emirates", "turkey",
    "pakistan", "bangladesh", "philippines", "indonesia", "vietnam", "korea", "south korea", "remote",
    "california", "texas", "new york", "washington", "florida", "massachusetts", "illinois", "ontario",
}  # fmt: skip
_STREET = re.compile(
    r"\b\d+\w?\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*\s+(?:st|street|ave|avenue|rd|road|blvd|boulevard|lane|ln|"
    r"drive|dr|way|court|ct|place|pl|square|sq|broadway)\b\.?",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(
    r"^(?:[A-Z][a-zà-ÿ'\u2019-]+|[A-Z]{2,}|[A-Z]\.|[A-Z][a-z]*[A-Z][a-z]+|de|van|von|der|da|di|le|la|bin|al)$"
)
TITLE_WORDS = {
    "engineer", "developer", "manager", "director", "ceo", "cto", "cfo", "coo", "president", "founder",
    "co-founder", "analyst", "consultant", "designer", "intern", "scientist", "architect", "lead", "head",
    "officer", "specialist", "administrator", "teacher", "assistant", "associate", "coordinator",
    "programmer", "researcher", "technician", "accountant", "nurse", "executive", "partner", "owner", "vp",
    "chief", "editor", "writer", "tutor", "lecturer", "professor", "volunteer", "representative", "agent",
    "advisor", "adviser", "strategist", "marketer", "recruiter", "supervisor", "trainee", "apprentice",
    "fellow", "instructor", "scrum", "product", "sre", "devops", "clerk", "cashier", "chef", "driver",
    "operator", "mechanic", "electrician", "pharmacist", "physician", "doctor", "attorney", "lawyer",
    "paralegal", "secretary", "receptionist", "banker", "broker", "auditor", "economist", "statistician",
    "mentor", "contractor", "freelancer", "freelance", "staff", "principal", "senior", "junior", "sr", "jr",
    "stack", "full-stack", "frontend", "backend", "front-end", "back-end", "maintainer", "creator",
}  # fmt: skip


def find_email(text: str) -> str | None:
    match = EMAIL.search(text)
    return match.group(0) if match else None


def find_phone(text: str) -> str | None:
    """The first phone number: 7 to 15 digits with phone punctuation, never a date or a date range."""
    for line in text.splitlines():
        for match in _PHONE.finditer(line):
            candidate = match.group(1).strip()
            digits = re.sub(r"\D", "", candidate)
            if not 7 <= len(digits) <= 15:
                continue
            if RANGE.fullmatch(candidate) or re.fullmatch(
                r"(?:19|20)\d\d\s*[-\u2013]\s*(?:19|20)\d\d", candidate
            ):
                continue
            if re.fullmatch(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}", candidate) or re.search(
                r"\d\.\d+\.\d", candidate
            ):
                continue
            if candidate.count("(") != candidate.count(")"):
                candidate = candidate.lstrip("(") if candidate.startswith("(") else candidate.rstrip(")")
                if candidate.count("(") != candidate.count(")"):
                    continue
            return candidate
    return None


def find_links(text: str) -> list[str]:
    links: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        if "@" in url:
            continue
        key = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).rstrip("/")
        if key not in {re.sub(r"^(?:https?://)?(?:www\.)?", "", k.lower()).rstrip("/") for k in links}:
            links[url] = None
    return list(links)


def looks_like_location(fragment: str) -> bool:
    """ "San Francisco, CA", "Gotham, USA", "2712 Broadway St, ...", "Remote", "Germany"."""
    text = fragment.strip(" ,")
    if not text or "@" in text or _URL.search(text) or len(text) > 90:
        return False
    if text.lower() in COUNTRIES:
        return True
    if _STREET.search(text):
        return True
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 2 or any(len(p.split()) > 5 for p in parts):
        return False
    last = re.sub(r"\s+\d{3,6}(?:-\d{4})?$", "", parts[-1])  # "CA 94115"
    return last in _US_STATES or last.lower() in COUNTRIES


def is_location_part(part: str) -> bool:
    """One comma-separated piece of a place: a state code, a country, "Remote"."""
    text = re.sub(r"\s+\d{3,6}(?:-\d{4})?$", "", part.strip())
    return text in _US_STATES or text.lower() in COUNTRIES


def looks_like_name(fragment: str) -> bool:
    text = fragment.strip()
    if not text or any(ch.isdigit() for ch in text) or "@" in text or len(text) > 50:
        return False
    words = text.split()
    if not 2 <= len(words) <= 4 or heading_key(text) is not None:
        return False
    if any(w.lower().strip(".,") in TITLE_WORDS for w in words):
        return False
    return all(_NAME_WORD.match(w.strip(",")) for w in words)


def tidy_name(text: str) -> str:
    """ "JOHN DOE" reads better as "John Doe"; names already mixed-case are kept."""
    if text.isupper():
        return " ".join(w.capitalize() if len(w) > 1 and not w.endswith(".") else w for w in text.split())
    return text


def header_facts(lines: list[str]) -> tuple[str | None, str | None, str | None]:
    """(name, headline, location) from the lines before the first section heading (or a contact section)."""
    name = headline = None
    location_parts: list[str] = []
    for line in lines[:12]:
        label, _, value = line.partition(":")
        if value and label.strip().lower() == "name":
            name = name or value.strip()
            continue
        for fragment in fragments(line):
            if EMAIL.search(fragment) or _URL.search(fragment) or find_phone(fragment) == fragment:
                continue
            if name is None and looks_like_name(fragment):
                name = tidy_name(fragment)
            elif looks_like_location(fragment) or (
                location_parts and _continues_address(location_parts[-1], fragment)
            ):
                if len(location_parts) < 3:
                    location_parts.append(fragment)
            elif (
                name is not None
                and headline is None
                and fragment.lower() != name.lower()
                and len(fragment.split()) <= 10
                and not any(ch.isdigit() for ch in fragment)
                and ":" not in fragment
            ):
                headline = tidy_name(fragment)
    location = ", ".join(location_parts) or None
    return name, headline, location


def _continues_address(previous: str, fragment: str) -> bool:
    # "123 Gotham St" on one line and "Gotham, USA" on the next are one address.
    return bool(_STREET.search(previous)) and looks_like_location(fragment)
