"""Parser accuracy against the hand-checked fixtures, at the bars the project commits to."""

from __future__ import annotations

from pathlib import Path

import pytest

from candor.documents.accuracy import AccuracyReport, evaluate, parse_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CVS = FIXTURES / "cvs"


@pytest.fixture(scope="module")
def report() -> AccuracyReport:
    return evaluate(FIXTURES)


def test_every_fixture_is_scored(report: AccuracyReport) -> None:
    assert len(report.files) == 9
    assert "mean" in report.table()


@pytest.mark.parametrize(
    ("field", "bar"),
    [("email", 1.0), ("phone", 1.0), ("name", 0.95), ("skills", 0.85), ("employers", 0.85), ("titles", 0.85),
     ("dates", 0.85)],
)  # fmt: skip
def test_aggregate_accuracy_meets_the_bar(report: AccuracyReport, field: str, bar: float) -> None:
    assert report.aggregate[field] >= bar, report.table()


def test_one_and_two_column_renderings_parse_the_same() -> None:
    single = parse_file(CVS / "resumematcher_tpl_single_column.pdf").model_dump()
    double = parse_file(CVS / "resumematcher_tpl_two_column_v1.pdf").model_dump()
    for parse in (single, double):
        for entry in parse["experience"]:
            entry.pop("highlights")  # wrapped at different widths
    assert single == double


def test_richard_hendriks_layouts_agree_on_key_fields() -> None:
    paths = [
        *sorted(CVS.glob("jsonresume_richard_hendriks_layout*.docx")),
        CVS / "jsonresume_richard_hendriks.txt",
    ]
    keys = set()
    for path in paths:
        cv = parse_file(path)
        keys.add(
            (
                cv.name, cv.email, cv.phone, cv.location, tuple(cv.skills),
                tuple((e.company, e.title, e.start, e.end) for e in cv.experience),
                tuple((e.institution, e.degree, e.area, e.start, e.end) for e in cv.education),
            )
        )  # fmt: skip
    assert len(keys) == 1, keys
