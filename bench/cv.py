"""CV parsing: extraction plus the parser, in-process and warm, against the bare libraries reading the bytes.

The accuracy of the same parser is scored by `candor.documents.accuracy`; the bars are the issue's.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium
from docx import Document

from bench.stats import Summary
from candor.documents.accuracy import AccuracyReport, evaluate
from candor.documents.parsing import parse_document
from candor.documents.schemas import DocumentFormat, DocumentKind

WARMUP_RUNS = 3
TIMED_RUNS = 30

# The bars the foundation issue sets for the parser, on the mean over every fixture.
ACCURACY_BARS: dict[str, float] = {
    "email": 1.0,
    "phone": 1.0,
    "name": 0.95,
    "skills": 0.85,
    "employers": 0.85,
    "titles": 0.85,
    "dates": 0.85,
}


@dataclass(frozen=True)
class FileTiming:
    name: str
    fmt: DocumentFormat
    pages: int | None
    size_kib: float
    parse: Summary
    baseline: Summary


def _bare_pdf(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        parts = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(parts)
    finally:
        pdf.close()


def _bare_docx(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _bare_text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


_BARE: dict[DocumentFormat, Callable[[bytes], str]] = {
    DocumentFormat.PDF: _bare_pdf,
    DocumentFormat.DOCX: _bare_docx,
    DocumentFormat.TXT: _bare_text,
    DocumentFormat.MD: _bare_text,
}


def _time(fn: Callable[[], object]) -> Summary:
    for _ in range(WARMUP_RUNS):
        fn()
    millis = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        fn()
        millis.append((time.perf_counter() - started) * 1000)
    return Summary.of(millis)


def time_parsing(fixtures: Path) -> list[FileTiming]:
    """Time every CV listed in `fixtures/cvs/expected.json`, each after a few warm-up runs."""
    spec = json.loads((fixtures / "cvs" / "expected.json").read_text(encoding="utf-8"))
    timings = []
    for relative, entry in spec["files"].items():
        path = fixtures / relative
        data = path.read_bytes()
        fmt = DocumentFormat(entry["format"])
        parsed = parse_document(data, fmt, DocumentKind.CV, max_pages=20)
        bare = _BARE[fmt]
        timings.append(
            FileTiming(
                name=path.name,
                fmt=fmt,
                pages=parsed.page_count,
                size_kib=len(data) / 1024,
                parse=_time(partial(parse_document, data, fmt, DocumentKind.CV, max_pages=20)),
                baseline=_time(partial(bare, data)),
            )
        )
    return timings


def accuracy(fixtures: Path) -> AccuracyReport:
    return evaluate(fixtures)
