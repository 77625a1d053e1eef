"""What the documents name, so that words a model writes can be checked against them: a question may name
only skills the CV or the position names (or the candidate's own answer, or the decided question)."""

from __future__ import annotations

from candor.documents.schemas import CVParse, JobParse
from candor.documents.skills import canonical_skill, find_skills


def document_skills(cv: CVParse, job: JobParse) -> frozenset[str]:
    """Every skill the CV or the position names, anywhere in their parses, by its canonical name."""
    skills = {canonical_skill(s) for s in [*cv.skills, *job.required_skills, *job.nice_to_have_skills]}
    skills.update(find_skills(cv.model_dump_json() + " " + job.model_dump_json()))
    return frozenset(skills)
