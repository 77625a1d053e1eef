from __future__ import annotations

from candor.core.errors import Conflict, InvalidInput, NotFound


class InterviewNotFound(NotFound):
    code = "interview_not_found"
    title = "Interview not found"


class InvalidTransition(Conflict):
    code = "invalid_state"
    title = "The interview is not in a state that allows this"


class NotYourTurn(Conflict):
    code = "not_expecting_answer"
    title = "The interviewer is not waiting for an answer"


class AssessmentNotFound(NotFound):
    code = "assessment_not_found"
    title = "No assessment yet"


class WrongDocumentKind(InvalidInput):
    code = "wrong_document_kind"
    title = "That document is of the wrong kind"


class MissingJobDetails(InvalidInput):
    code = "missing_job_details"
    title = "The job title or company is missing"
