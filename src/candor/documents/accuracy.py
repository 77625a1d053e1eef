"""How well extraction and the CV parser recover the fields recorded in `tests/fixtures/cvs/expected.json`.

Used by the accuracy test and by `make bench`. Each file is extracted and parsed exactly as an upload is;
fields are compared after normalising case, punctuation and (for skills) canonical names on both sides.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from candor.documents.cv_parser import parse_cv
from candor.documents.extraction import extract_text
from candor.documents.schemas import CVParse, DocumentFormat
from candor.documents.skills import canonical_skill

FIELDS = ("email", "phone", "name", "skills", "employers", "titles", "dates", "institutions")


class FileScore(BaseModel):
    path: str
    record: str
    email: float
    phone: float
    name: float
    skills: float
    employers: float
    titles: float
    dates: float
    institutions: float
    milliseconds: float


class AccuracyReport(BaseModel):
    files: list[FileScore]
    aggregate: dict[str, float]

    def table(self) -> str:
        """A plain-text table for the bench: one row a file, then the means."""
        header = f"{'file':<48}" + "".join(f"{f:>13}" for f in FIELDS) + f"{'ms':>8}"
        rows = [header, "-" * len(header)]
        for score in self.files:
            cells = "".join(f"{getattr(score, f):>13.2f}" for f in FIELDS)
            rows.append(f"{Path(score.path).name:<48}{cells}{score.milliseconds:>8.1f}")
        rows.append("-" * len(header))
        rows.append(f"{'mean':<48}" + "".join(f"{self.aggregate[f]:>13.2f}" for f in FIELDS))
        return "\n".join(rows)


def _norm(text: str | None) -> str:
    return re.sub(r"[^a-z0-9+#]+", " ", (text or "").lower()).strip()


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def f1(expected: Iterable[str], found: Iterable[str]) -> float:
    """F1 of two sets of normalised strings; two empty sets agree perfectly."""
    wanted, got = set(expected) - {""}, set(found) - {""}
    if not wanted and not got:
        return 1.0
    hits = len(wanted & got)
    if not hits:
        return 0.0
    precision, recall = hits / len(got), hits / len(wanted)
    return 2 * precision * recall / (precision + recall)


def same_date(expected: str | None, found: str | None) -> bool:
    """Compared at the precision the expected value gives: "2013-12-01" matches "2013-12"."""
    if expected is None:
        return found is None
    if found is None:
        return False
    if expected.lower() == "present" or found == "present":
        return expected.lower() == found
    want = expected.split("-")[:2]
    return found.split("-")[: len(want)] == want


def _exact(expected: str | None, found: str | None, key: str = "") -> float:
    if key == "phone":
        return float(_digits(expected) == _digits(found))
    return float(_norm(expected) == _norm(found))


def score(parse: CVParse, record: dict[str, Any]) -> dict[str, float]:
    experience = record.get("experience") or []
    date_hits = date_total = 0
    for wanted in experience:
        match = next(
            (e for e in parse.experience if _norm(e.company) == _norm(wanted.get("company"))),
            None,
        )
        for key in ("start", "end"):
            date_total += 1
            found = getattr(match, key) if match else None
            date_hits += same_date(wanted.get(key), found)
    return {
        "email": _exact(record.get("email"), parse.email),
        "phone": _exact(record.get("phone"), parse.phone, "phone"),
        "name": _exact(record.get("name"), parse.name),
        "skills": f1(
            (_norm(canonical_skill(s)) for s in record.get("skills") or []),
            (_norm(canonical_skill(s)) for s in parse.skills),
        ),
        "employers": f1(
            (_norm(e.get("company")) for e in experience), (_norm(e.company) for e in parse.experience)
        ),
        "titles": f1((_norm(e.get("title")) for e in experience), (_norm(e.title) for e in parse.experience)),
        "dates": date_hits / date_total if date_total else 1.0,
        "institutions": f1(
            (_norm(e.get("institution")) for e in record.get("education") or []),
            (_norm(e.institution) for e in parse.education),
        ),
    }


def parse_file(path: Path) -> CVParse:
    data = path.read_bytes()
    extracted = extract_text(data, DocumentFormat(path.suffix.lstrip(".").lower()))
    return parse_cv(extracted.text)


def evaluate(fixtures_dir: Path) -> AccuracyReport:
    """Score every file listed in `fixtures_dir/cvs/expected.json` (or `fixtures_dir/expected.json`)."""
    manifest = fixtures_dir / "cvs" / "expected.json"
    if not manifest.exists():
        manifest = fixtures_dir / "expected.json"
    base = manifest.parent.parent if (manifest.parent.name == "cvs") else manifest.parent
    spec = json.loads(manifest.read_text(encoding="utf-8"))
    files = []
    for relative, entry in spec["files"].items():
        path = base / relative
        started = time.perf_counter()
        parse = parse_file(path)
        elapsed = (time.perf_counter() - started) * 1000
        marks = score(parse, spec["records"][entry["record"]])
        files.append(
            FileScore(path=relative, record=entry["record"], milliseconds=round(elapsed, 1), **marks)
        )
    aggregate = {f: round(sum(getattr(s, f) for s in files) / len(files), 4) for f in FIELDS}
    return AccuracyReport(files=files, aggregate=aggregate)
