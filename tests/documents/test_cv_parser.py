"""The CV parser on written-out CVs: each field, headings in many spellings, and what it refuses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from candor.documents.cv_parser import parse_cv
from candor.documents.cv_parser.dates import find_ranges, normalise_date, years_of_experience
from candor.documents.errors import NotACV
from candor.documents.extraction import extract_text
from candor.documents.schemas import DocumentFormat

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

CV = """Maria Garcia
Data Engineer
maria.garcia@example.org | +44 20 7946 0958 | London, UK | github.com/mgarcia

Professional Summary
Data engineer who builds reliable pipelines.

Work History
Data Engineer, Monzo Bank Ltd\tMarch 2021 \u2013 Current
London, UK
• Built streaming pipelines with Kafka and Spark.
• Cut warehouse costs by 30%.
Acme Analytics
Junior Analyst, 06/2018 - 02/2021
- Wrote SQL reports.

Education
MSc in Data Science, University of Edinburgh, 2018
BSc Mathematics — University of Leeds (2013-09 \u2013 2016-06)

Technical Skills
Languages: Python, SQL, Scala
Tools: k8s, Postgres, Airflow, dbt, Looker

Certifications
AWS Certified Data Engineer (2022)

Languages
English (native), Spanish - fluent
"""


@pytest.fixture(scope="module")
def parsed() -> object:
    return parse_cv(CV)


def test_contact_fields() -> None:
    cv = parse_cv(CV)
    assert (cv.name, cv.headline) == ("Maria Garcia", "Data Engineer")
    assert cv.email == "maria.garcia@example.org"
    assert cv.phone == "+44 20 7946 0958"
    assert cv.location == "London, UK"
    assert cv.links == ["github.com/mgarcia"]


def test_experience_entries_in_both_orders() -> None:
    first, second = parse_cv(CV).experience
    assert (first.company, first.title, first.start, first.end) == (
        "Monzo Bank Ltd",
        "Data Engineer",
        "2021-03",
        "present",
    )
    assert first.location == "London, UK"
    assert first.highlights == [
        "Built streaming pipelines with Kafka and Spark.",
        "Cut warehouse costs by 30%.",
    ]
    assert (second.company, second.title, second.start, second.end) == (
        "Acme Analytics",
        "Junior Analyst",
        "2018-06",
        "2021-02",
    )
    assert second.highlights == ["Wrote SQL reports."]


def test_education_entries() -> None:
    msc, bsc = parse_cv(CV).education
    assert (msc.institution, msc.degree, msc.area, msc.start, msc.end) == (
        "University of Edinburgh",
        "MSc",
        "Data Science",
        None,
        "2018",
    )
    assert (bsc.institution, bsc.degree, bsc.start, bsc.end) == (
        "University of Leeds",
        "BSc Mathematics",
        "2013-09",
        "2016-06",
    )


def test_skills_are_canonical_and_unknown_ones_kept_as_written() -> None:
    skills = parse_cv(CV).skills
    assert skills[:3] == ["Python", "SQL", "Scala"]
    assert {"Kubernetes", "PostgreSQL", "Airflow", "dbt"} <= set(skills)
    assert "Looker" in skills  # not in the vocabulary, listed by the candidate


def test_lists_and_years() -> None:
    cv = parse_cv(CV)
    assert cv.certifications == ["AWS Certified Data Engineer"]
    assert cv.languages == ["English", "Spanish"]
    assert cv.years_of_experience is not None
    assert cv.years_of_experience >= 6.0


def test_absent_fields_stay_empty() -> None:
    cv = parse_cv("Sam Lee\nsam@example.com\n\nExperience\nBarista, Blue Bottle Coffee, 2020 - 2022\n")
    assert (cv.phone, cv.location, cv.links) == (None, None, [])
    assert (cv.education, cv.projects, cv.certifications) == ([], [], [])
    assert cv.experience[0].company == "Blue Bottle Coffee"


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("June 2020", "2020-06"),
        ("06/2020", "2020-06"),
        ("2013-12-01", "2013-12"),
        ("Present", "present"),
        ("Current", "present"),
        ("now", "present"),
        ("Sept. 2019", "2019-09"),
        ("2017", "2017"),
        ("hello", None),
    ],
)
def test_dates_are_normalised(written: str, normal: str | None) -> None:
    assert normalise_date(written) == normal


def test_date_ranges_and_overlapping_years() -> None:
    (found,) = find_ranges("Engineer (Jan 2019 to Present)")
    assert (found.start, found.end) == ("2019-01", "present")
    spans = [("2019-01", "2020-12"), ("2020-06", "2021-12"), ("2015", "2015")]
    assert years_of_experience(spans, today=date(2026, 1, 1)) == 4.0


@pytest.mark.parametrize(
    "heading",
    ["EXPERIENCE", "Work History", "Professional Experience:", "EMPLOYMENT HISTORY", "Career History"],
)
def test_experience_headings_in_many_spellings(heading: str) -> None:
    cv = parse_cv(f"Ann Brown\nann@example.com\n\n{heading}\nSoftware Engineer, Initech\t2018 - 2020\n")
    assert [(e.title, e.company) for e in cv.experience] == [("Software Engineer", "Initech")]


def test_a_job_advert_is_not_a_cv() -> None:
    path = FIXTURES / "jobs" / "job_desc_full_stack_engineer.pdf"
    text = extract_text(path.read_bytes(), DocumentFormat.PDF).text
    with pytest.raises(NotACV):
        parse_cv(text)


def test_an_essay_is_not_a_cv() -> None:
    essay = " ".join(["The history of the bicycle is long and full of surprising turns."] * 20)
    with pytest.raises(NotACV):
        parse_cv(essay)
