"""What the documents name, so that words a model writes can be checked against them: a question may name
only skills the CV or the position names (or the candidate's own answer, or the decided question)."""

from __future__ import annotations

from candor.documents.schemas import CVParse, JobParse
from candor.documents.skills import canonical_skill, find_skills


def document_skills(cv: CVParse | None, job: JobParse | None) -> frozenset[str]:
    """Every skill the CV or the position names, anywhere in their parses, by its canonical name (either
    may be missing: `candor assess` can score a transcript without them)."""
    listed = [*(cv.skills if cv else []), *(job.required_skills + job.nice_to_have_skills if job else [])]
    skills = {canonical_skill(s) for s in listed}
    skills.update(find_skills(" ".join(d.model_dump_json() for d in (cv, job) if d is not None)))
    return frozenset(skills)
