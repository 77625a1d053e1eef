"""No question names an employer, project, technology or skill that is in neither document."""

from __future__ import annotations

import pytest

from candor.documents.schemas import CVParse, JobParse
from candor.documents.skills import canonical_skill, find_skills
from candor.interviewer import InterviewOptions, plan_interview
from tests.interviewer import PAIRS, load_cv, load_job, pair


def _document_text(cv: CVParse, job: JobParse) -> str:
    return (cv.model_dump_json() + " " + job.model_dump_json()).lower()


def _document_skills(cv: CVParse, job: JobParse) -> set[str]:
    skills = {canonical_skill(s) for s in [*cv.skills, *job.required_skills, *job.nice_to_have_skills]}
    skills.update(find_skills(cv.model_dump_json() + " " + job.model_dump_json()))
    return skills


def _assert_grounded(cv: CVParse, job: JobParse, options: InterviewOptions) -> None:
    text, skills = _document_text(cv, job), _document_skills(cv, job)
    for q in plan_interview(cv, job, options).questions:
        assert "{" not in q.text
        assert "}" not in q.text
        for entity in q.entities:
            assert entity.lower() in text or entity in skills, (entity, q.text)
        for skill in find_skills(q.text):
            assert skill in skills, (skill, q.text)
        for name in [e.company for e in cv.experience if e.company] + [job.company or ""]:
            if name and name in q.text:
                assert any(name in e for e in q.entities), (name, q.text)


@pytest.mark.parametrize("key", list(PAIRS))
@pytest.mark.parametrize("count", [3, 8, 20])
@pytest.mark.parametrize("kinds", [None, ["technical"], ["situational"], ["behavioural", "motivation"]])
def test_questions_are_grounded(key: str, count: int, kinds: list[str] | None) -> None:
    cv, job = pair(key)
    options = InterviewOptions(question_count=count, **({"kinds": kinds} if kinds else {}))
    _assert_grounded(cv, job, options)


@pytest.mark.parametrize(
    ("cv_name", "job_name"),
    [
        ("resumematcher_tpl_single_column.pdf", "Backend_Developer.docx"),
        ("resumematcher_john_smith_word.pdf", "Data_Scientist.docx"),
        ("resumematcher_john_smith_word.pdf", "Primary_English_Teacher.docx"),
        ("jsonresume_richard_hendriks_layoutB.docx", "Senior_Product_Manager.docx"),
        ("resumematcher_tpl_two_column_v1.pdf", "IT_Project_Manager.docx"),
    ],
)
def test_other_pairs_are_grounded(cv_name: str, job_name: str) -> None:
    _assert_grounded(load_cv(cv_name), load_job(job_name), InterviewOptions(question_count=20))


def test_entities_name_the_documents_things() -> None:
    cv, job = pair("fullstack")
    plan = plan_interview(cv, job, InterviewOptions(question_count=12))
    named = {e for q in plan.questions for e in q.entities}
    assert named & {"OpenAI", "Uber", "Facebook"}
    assert "Banco BBVA" in named or "Desarrollador Full Stack" in named
