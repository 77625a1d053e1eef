"""Dates and date ranges as CVs write them, normalised to "YYYY", "YYYY-MM" or "present"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_PRESENT = r"(?:present|current(?:ly)?|now|today|ongoing|to\s+date|till\s+date|date)"
# One date: 2013-12-01, 2013-12, 12/2013, 12.2013, December 2013, Dec '13, Summer 2019, 2013.
_DATE = (
    rf"(?:{_YEAR}[-/.](?:0?[1-9]|1[0-2])(?:[-/.](?:0?[1-9]|[12]\d|3[01]))?(?![\d])"
    rf"|(?:0?[1-9]|1[0-2])[/.]{_YEAR}"
    rf"|{_MONTH},?\s*(?:{_YEAR}|'\d\d)"
    rf"|(?:spring|summer|fall|autumn|winter)\s+{_YEAR}"
    rf"|{_YEAR})"
)
_SEPARATOR = r"\s*(?:[-\u2013—~]|to|until|till|through|thru)\s*"
RANGE = re.compile(
    rf"(?<![\w/.-])(?P<start>{_DATE})(?:{_SEPARATOR}(?P<end>{_DATE}|{_PRESENT})(?![\w]))?"
    rf"|(?<![\w/.-])(?P<since>since|from)\s+(?P<from>{_DATE})",
    re.IGNORECASE,
)
_PRESENT_RE = re.compile(rf"^{_PRESENT}$", re.IGNORECASE)


@dataclass(frozen=True)
class DateRange:
    start: str | None
    end: str | None
    span: tuple[int, int]  # where it sits in the text


def normalise_date(raw: str) -> str | None:
    """One written date as "YYYY", "YYYY-MM" or "present"; None if it is not a date."""
    text = raw.strip().strip(".,()").lower()
    if _PRESENT_RE.match(text):
        return "present"
    if m := re.fullmatch(rf"({_YEAR})[-/.](\d{{1,2}})(?:[-/.]\d{{1,2}})?", text):
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    if m := re.fullmatch(rf"(\d{{1,2}})[/.]({_YEAR})", text):
        return f"{m.group(2)}-{int(m.group(1)):02d}"
    if m := re.fullmatch(rf"({_MONTH}),?\s*({_YEAR}|'\d\d)", text):
        year = m.group(2)
        year = f"20{year[1:]}" if year.startswith("'") and int(year[1:]) < 50 else year.replace("'", "19")
        return f"{year}-{_MONTHS[m.group(1)[:3]]:02d}"
    if m := re.search(rf"({_YEAR})$", text):
        return m.group(1)
    return None


def find_ranges(text: str) -> list[DateRange]:
    """Every date or date range in a line, in order. A lone date is a range with no end."""
    ranges = []
    for match in RANGE.finditer(text):
        if match.group("since"):
            ranges.append(DateRange(normalise_date(match.group("from")), "present", match.span()))
            continue
        start = normalise_date(match.group("start"))
        end = normalise_date(match.group("end")) if match.group("end") else None
        if start == "present":
            continue
        ranges.append(DateRange(start, end, match.span()))
    return ranges


def anchored_ranges(text: str) -> list[DateRange]:
    """Dates that stand apart in a line (at an end, or beside a tab, comma, bracket or bar), as an
    entry's dates do; "SFHacks 2022 Winner" mentions a year without being dated by it."""
    result = []
    for found in find_ranges(text):
        before, after = text[: found.span[0]].rstrip(" "), text[found.span[1] :].lstrip(" ")
        if not before or not after or before[-1] in "\t|(,·•\u2013—:[" or after[0] in "\t|),·•\u2013—;]":
            result.append(found)
    return result


def strip_dates(text: str) -> str:
    """The text with its dates and date ranges (and brackets left empty) removed."""
    text = RANGE.sub(" ", text)
    text = re.sub(r"\(\s*[-\u2013—,]?\s*\)|\[\s*\]", " ", text)
    return re.sub(r"\s{2,}", " ", text).strip(" \t,;:|·•-\u2013—()")


def _month_index(value: str, *, today: date, as_end: bool) -> int | None:
    if value == "present":
        return today.year * 12 + today.month - 1
    year, _, month = value.partition("-")
    if not year.isdigit():
        return None
    # A bare year counts from January when it starts a job and to December when it ends one.
    return int(year) * 12 + (int(month) - 1 if month else (11 if as_end else 0))


def years_of_experience(
    spans: Sequence[tuple[str | None, str | None]], today: date | None = None
) -> float | None:
    """Years covered by the given (start, end) spans, overlaps counted once; None without any dated span."""
    today = today or datetime.now(UTC).date()
    intervals = []
    for start, end in spans:
        if not start:
            continue
        first = _month_index(start, today=today, as_end=False)
        last = _month_index(end or start, today=today, as_end=True)
        if first is not None and last is not None and last >= first:
            intervals.append((first, last + 1))
    if not intervals:
        return None
    intervals.sort()
    total, (current_start, current_end) = 0, intervals[0]
    for first, last in intervals[1:]:
        if first <= current_end:
            current_end = max(current_end, last)
        else:
            total += current_end - current_start
            current_start, current_end = first, last
    total += current_end - current_start
    return round(total / 12, 1)
