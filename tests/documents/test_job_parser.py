"""The job-description parser on real postings (PDF and DOCX, English and Spanish, read through the real
extraction) and on small synthetic texts for each rule: title level over body years, nice-to-have wording,
refusal of CVs and of text that is not a posting."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import pytest

from candor.documents.errors import NotAJobDescription
from candor.documents.extraction import extract_text
from candor.documents.job_parser import parse_job
from candor.documents.schemas import DocumentFormat, JobParse
from tests.conftest import FIXTURES

JOBS = FIXTURES / "jobs"
GLYPHS = ("●", "•", "▪", "◦", "- ", "* ", "\u2013")


def read(path: Path) -> str:
    return extract_text(path.read_bytes(), DocumentFormat(path.suffix.lstrip("."))).text


@cache
def posting(name: str) -> JobParse:
    return parse_job(read(JOBS / name))


def flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------ real postings


@pytest.mark.parametrize("path", sorted(JOBS.iterdir()), ids=lambda p: p.name)
def test_every_posting_parses_with_clean_items_and_grounded_evidence(path: Path) -> None:
    text = flat(read(path))
    parsed = parse_job(read(path))

    assert parsed.title
    assert parsed.responsibilities
    for item in parsed.responsibilities + parsed.qualifications:
        assert item == item.strip()
        assert not item.startswith(GLYPHS), item
        assert "\n" not in item
        assert item in text  # taken from the posting, not rewritten
    for words in parsed.seniority_evidence:
        assert words in text
    assert not set(parsed.required_skills) & set(parsed.nice_to_have_skills)


def test_backend_developer_docx() -> None:
    parsed = posting("Backend_Developer.docx")

    assert parsed.title == "Backend Developer - Python/Django"
    assert parsed.company is None  # the posting never names its employer
    assert parsed.seniority == "mid"
    assert parsed.seniority_evidence == ["2-4 + years of experience"]
    assert {"Python", "Django", "REST APIs", "PostgreSQL", "Git", "Linux", "NumPy", "Pandas"} <= set(
        parsed.required_skills
    )
    # Listed under "Good to have (Additional Skills)".
    assert {"Amazon Web Services", "JavaScript", "jQuery", "HTML", "CSS"} <= set(parsed.nice_to_have_skills)
    assert parsed.responsibilities[0] == (
        "Develop back-end components to improve responsiveness and overall performance"
    )
    assert len(parsed.responsibilities) == 5
    assert "Good knowledge of PostGRESQL" in parsed.qualifications


def test_data_scientist_docx_reads_the_indeed_header() -> None:
    parsed = posting("Data_Scientist.docx")

    assert parsed.title == "Data Scientist/ ML Engineer"
    assert parsed.company == "Game Change Solutions"
    assert parsed.location == "Gurgaon, Haryana"
    # Only the "Experience: Data Science: 2 years (Preferred)" block speaks to the level.
    assert parsed.seniority == "mid"
    assert parsed.seniority_evidence == ["2 years"]
    assert {"Machine Learning", "R", "NumPy", "MATLAB", "SQL", "MongoDB", "Cassandra", "D3.js"} <= set(
        parsed.required_skills
    )
    assert parsed.nice_to_have_skills == []
    # A line wrapped in the document comes back as one item.
    assert (
        "Data Crunching and data massaging on structured and unstructured data including Numerical, Text, "
        "Audio and Video data"
    ) in parsed.responsibilities
    assert "Great communication skills" in parsed.qualifications


def test_it_project_manager_docx() -> None:
    parsed = posting("IT_Project_Manager.docx")

    assert parsed.title == "IT Project Manager"
    assert parsed.company is None
    assert parsed.seniority == "junior"
    assert parsed.seniority_evidence == ["Minimum 1 year"]
    assert len(parsed.responsibilities) == 12
    assert (
        parsed.responsibilities[-1]
        == "Contributes to team effort by accomplishing related results as needed."
    )
    assert parsed.qualifications == [
        "B.e/B.tech/MCA/Msc/M.e-IT/Computer science",
        "Experience: Minimum 1 year as project manager",
    ]


def test_primary_english_teacher_docx() -> None:
    parsed = posting("Primary_English_Teacher.docx")

    # The "Position Title:" label is more specific than the headline above it.
    assert parsed.title == "Facilitator for fREADom Live Classes"
    assert parsed.company == "Stones2Milestones"
    assert parsed.location == "comfort of your own home"
    assert parsed.seniority == "junior"
    assert parsed.seniority_evidence == ["1 year"]
    assert {"Teaching", "Google Slides", "Google Sheets"} <= set(parsed.required_skills)
    assert "Improving constantly" in parsed.responsibilities
    assert "Teaching experience (online or in a classroom)" in parsed.qualifications
    # "(A) Skills, abilities and attitudes:" sits under Remuneration: what the role offers, not asks.
    assert not any("great network of facilitators" in q for q in parsed.qualifications)


def test_senior_product_manager_docx_title_outranks_body_years() -> None:
    parsed = posting("Senior_Product_Manager.docx")

    assert parsed.title == "Senior Product Manager, Hardware Enablement, Chrome OS Platform"
    assert parsed.company == "Google"
    assert parsed.seniority == "senior"
    assert parsed.seniority_evidence == ["Senior"]
    assert "Product Management" in parsed.required_skills
    assert "UI/UX" in parsed.nice_to_have_skills  # named only under "Preferred qualifications"
    assert len(parsed.responsibilities) == 5
    assert parsed.qualifications[1] == (
        "5 years of product management experience leading consumer electronics/hardware products."
    )
    assert not any(q.startswith("8 years") for q in parsed.qualifications)  # preferred, not required


def test_front_end_pdf_in_spanish_is_an_internship() -> None:
    parsed = posting("job_desc_front_end_engineer.pdf")

    assert parsed.title == "Front-end"
    assert parsed.company == "BBVA"
    assert parsed.location == "Lima"
    assert parsed.seniority == "intern"
    assert parsed.seniority_evidence == ["prácticas preprofesionales"]
    assert {"JavaScript", "Power BI", "Microsoft SQL Server", "Oracle Database", "Excel"} <= set(
        parsed.required_skills
    )
    # Bullets wrapped over two PDF lines are joined back.
    assert (
        "Mantenimiento y mejora de tableros de control utilizando herramientas BI como Power BI y DataStudio."
        in parsed.responsibilities
    )
    assert len(parsed.responsibilities) == 4
    assert len(parsed.qualifications) == 6


def test_full_stack_pdf_in_spanish_asks_for_a_student() -> None:
    parsed = posting("job_desc_full_stack_engineer.pdf")

    assert parsed.title == "Desarrollador Full Stack"
    assert parsed.company == "Banco BBVA"
    assert parsed.location == "Lima"
    assert parsed.seniority == "intern"
    assert parsed.seniority_evidence == ["Estudiante"]
    assert {"Java", "JavaScript", "SQL", "Angular", "React", "Node.js"} <= set(parsed.required_skills)
    assert len(parsed.responsibilities) == 6
    assert parsed.qualifications[0].startswith("Estudiante de los últimos ciclos")


def test_parsing_is_deterministic_and_fast() -> None:
    texts = [read(path) for path in sorted(JOBS.iterdir())]
    first = [parse_job(text) for text in texts]
    start = time.perf_counter()
    again = [parse_job(text) for text in texts]
    per_posting = (time.perf_counter() - start) / len(texts)

    assert again == first
    assert per_posting < 0.02


# -------------------------------------------------------------------------------------------- rules

SENIOR_TITLE = """Senior Backend Engineer
Acme Analytics is hiring a backend engineer to join our platform team in Berlin.

What you'll do
- Design and operate Python services on Kubernetes
- Review code and mentor two engineers

Requirements
- 2+ years of professional experience with Python and PostgreSQL
- Experience with Docker

Nice to have
- Kafka
- PostgreSQL replication

Benefits
- 30 days of holiday and a Python conference budget
"""


def test_title_level_outranks_years_in_the_body() -> None:
    parsed = parse_job(SENIOR_TITLE)

    assert parsed.title == "Senior Backend Engineer"
    assert parsed.company == "Acme Analytics"
    assert parsed.seniority == "senior"
    assert parsed.seniority_evidence == ["Senior"]


def test_nice_to_have_section_and_skills_in_both_lists_count_as_required() -> None:
    parsed = parse_job(SENIOR_TITLE)

    assert parsed.required_skills == ["Python", "Kubernetes", "PostgreSQL", "Docker"]
    assert parsed.nice_to_have_skills == ["Kafka"]  # PostgreSQL is also required, so required only
    assert parsed.responsibilities == [
        "Design and operate Python services on Kubernetes",
        "Review code and mentor two engineers",
    ]
    assert parsed.qualifications == [
        "2+ years of professional experience with Python and PostgreSQL",
        "Experience with Docker",
    ]


def test_years_decide_the_level_when_the_title_has_none() -> None:
    text = SENIOR_TITLE.replace("Senior Backend Engineer", "Backend Engineer").replace("2+ years", "5+ years")
    parsed = parse_job(text)

    assert parsed.seniority == "senior"
    assert parsed.seniority_evidence == ["5+ years of professional experience"]

    junior = parse_job(text.replace("5+ years", "1-2 years"))
    assert (junior.seniority, junior.seniority_evidence) == (
        "junior",
        ["1-2 years of professional experience"],
    )


def test_required_years_outrank_preferred_years() -> None:
    text = SENIOR_TITLE.replace("Senior Backend Engineer", "Backend Engineer").replace(
        "- Kafka", "- 6+ years of experience with Kafka"
    )
    parsed = parse_job(text)

    assert parsed.seniority == "mid"
    assert parsed.seniority_evidence == ["2+ years of professional experience"]


def test_no_level_when_nothing_justifies_one() -> None:
    text = SENIOR_TITLE.replace("Senior Backend Engineer", "Backend Engineer").replace(
        "2+ years of professional experience with", "Professional experience with"
    )
    parsed = parse_job(text)

    assert parsed.seniority is None
    assert parsed.seniority_evidence == []

    mentoring = parse_job(text.replace("mentor two engineers", "mentor our interns and junior engineers"))
    assert (mentoring.seniority, mentoring.seniority_evidence) == (None, [])


def test_inline_plus_wording_and_labels() -> None:
    text = """Job Title: Staff Data Engineer
Company: Northwind Traders
Location: Toronto, Canada

About the role
We are looking for an engineer to own our data platform.

Responsibilities:
* Build batch pipelines in Spark and Airflow.
* Keep the warehouse in Snowflake healthy.

Qualifications:
* Strong SQL and Python.
* Experience with dbt is a plus.
* Ideally you have worked with Kafka.
"""
    parsed = parse_job(text)

    assert parsed.title == "Staff Data Engineer"
    assert parsed.company == "Northwind Traders"
    assert parsed.location == "Toronto, Canada"
    assert (parsed.seniority, parsed.seniority_evidence) == ("lead", ["Staff"])
    assert parsed.required_skills == ["Spark", "Airflow", "Snowflake", "SQL", "Python"]
    assert parsed.nice_to_have_skills == ["dbt", "Kafka"]
    assert parsed.responsibilities == [
        "Build batch pipelines in Spark and Airflow.",
        "Keep the warehouse in Snowflake healthy.",
    ]


def test_a_common_word_is_not_a_skill_unless_written_as_one() -> None:
    text = SENIOR_TITLE.replace(
        "- Experience with Docker", "- Experience with REST, and the rest of our stack"
    )
    parsed = parse_job(text)

    assert parsed.required_skills.count("REST APIs") == 1
    assert "Docker" not in parsed.required_skills


def test_a_prose_posting_without_headings() -> None:
    text = """Junior Frontend Developer at Brightside Labs

Brightside Labs is hiring a junior frontend developer to join our product team. You will build accessible
interfaces in React and TypeScript, write unit tests with Jest, and work closely with our designers in Figma.
Experience with Next.js is a plus. We offer a training budget and flexible hours. Apply via our website.
"""
    parsed = parse_job(text)

    assert (parsed.title, parsed.company) == ("Junior Frontend Developer", "Brightside Labs")
    assert (parsed.seniority, parsed.seniority_evidence) == ("junior", ["Junior"])
    assert parsed.required_skills == ["React", "TypeScript", "Unit Testing", "Jest", "Figma"]
    assert parsed.nice_to_have_skills == ["Next.js"]
    assert parsed.responsibilities == [
        "You will build accessible interfaces in React and TypeScript, write unit tests with Jest, and work "
        "closely with our designers in Figma."
    ]


def test_company_above_the_title_and_markdown_labels() -> None:
    text = """Acme Robotics
**Machine Learning Engineer**
**Location:** Boston, MA (Hybrid)

## Responsibilities
- Train and deploy computer vision models with PyTorch
- Build data pipelines on Google Cloud

## Minimum Qualifications
- 3+ years of experience in machine learning
- Strong Python skills

## Preferred Qualifications
- Familiarity with C++
"""
    parsed = parse_job(text)

    assert (parsed.title, parsed.company) == ("Machine Learning Engineer", "Acme Robotics")
    assert parsed.location == "Boston, MA (Hybrid)"
    assert (parsed.seniority, parsed.seniority_evidence) == ("mid", ["3+ years of experience"])
    assert parsed.nice_to_have_skills == ["C++"]
    assert parsed.qualifications == ["3+ years of experience in machine learning", "Strong Python skills"]


# ------------------------------------------------------------------------------------------ refusals

CV_TEXT = """Jane Doe
Senior Software Engineer
jane.doe@example.com | +1 415 555 0100 | linkedin.com/in/janedoe

Summary
I am a backend engineer with 8 years of experience. I enjoy building reliable systems and my focus is Python.

Work Experience
Acme Corp, Senior Software Engineer, Jan 2019 - Present
- Led the migration to Kubernetes
Initech, Software Engineer, 2015 - 2018
- Built billing APIs in Django

Education
BSc Computer Science, University of Somewhere, 2011 - 2015

Skills
Python, Django, PostgreSQL, Kubernetes
"""


def test_a_cv_is_refused() -> None:
    with pytest.raises(NotAJobDescription) as refused:
        parse_job(CV_TEXT)
    assert "CV" in refused.value.detail


@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "cvs" / "resumematcher_bruce_wayne_fullstack.pdf",
        FIXTURES / "cvs" / "jsonresume_richard_hendriks_layoutA.docx",
    ],
    ids=lambda p: p.name,
)
def test_a_real_cv_file_is_refused(path: Path) -> None:
    with pytest.raises(NotAJobDescription, match="CV"):
        parse_job(read(path))


LOREM = """Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut
labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut
aliquip ex ea commodo consequat."""

RECIPE = """Classic banana bread

What you'll need
- 3 ripe bananas
- 75g melted butter
- 150g sugar, 1 egg and 190g flour

Method
1. Preheat the oven to 180C and butter a loaf tin.
2. Mash the bananas and stir in the butter, sugar and egg.
3. Fold in the flour and bake for one hour until golden.
"""

MEETING_NOTES = """The quarterly meeting covered the budget, the new office plants and the parking rota.
Everyone agreed to revisit the coffee machine question next month, after the holidays, when more people
are around. Minutes were taken by the office manager and will be circulated on Friday."""


@pytest.mark.parametrize(
    "text",
    ["banana keyboard cloud seven purple", LOREM, RECIPE, MEETING_NOTES],
    ids=["random-words", "lorem-ipsum", "recipe", "meeting-notes"],
)
def test_text_that_is_not_a_posting_is_refused_in_plain_words(text: str) -> None:
    with pytest.raises(NotAJobDescription) as refused:
        parse_job(text)
    assert refused.value.detail
    assert "job description" in refused.value.detail
