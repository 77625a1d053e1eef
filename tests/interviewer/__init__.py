"""Tests of the offline interviewer. `pair` loads a real CV and position from the fixtures, parsed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from candor.documents.detection import detect_format
from candor.documents.parsing import parse_document
from candor.documents.schemas import CVParse, DocumentKind, JobParse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

PAIRS = {
    "frontend": ("resumematcher_barry_allen_fe.pdf", "job_desc_front_end_engineer.pdf"),
    "fullstack": ("resumematcher_bruce_wayne_fullstack.pdf", "job_desc_full_stack_engineer.pdf"),
    "backend": ("jsonresume_richard_hendriks_layoutA.docx", "Backend_Developer.docx"),
}


@cache
def _parse(folder: str, name: str, kind: DocumentKind) -> dict[str, object]:
    data = (FIXTURES / folder / name).read_bytes()
    return parse_document(data, detect_format(data, name), kind, max_pages=20).parse


def load_cv(name: str) -> CVParse:
    return CVParse.model_validate(_parse("cvs", name, DocumentKind.CV))


def load_job(name: str) -> JobParse:
    return JobParse.model_validate(_parse("jobs", name, DocumentKind.JOB))


def pair(key: str) -> tuple[CVParse, JobParse]:
    cv_name, job_name = PAIRS[key]
    return load_cv(cv_name), load_job(job_name)
