"""/api/v1/interviews: create, run (REST equivalents of the live socket), and review interviews."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from candor.accounts.deps import CurrentUser
from candor.accounts.errors import NotAuthenticated
from candor.core.errors import InvalidInput, responses
from candor.documents.errors import DOCUMENT_INPUT_ERRORS
from candor.interviews.deps import InterviewServiceDep
from candor.interviews.errors import (
    AssessmentNotFound,
    InterviewNotFound,
    InvalidTransition,
    MissingJobDetails,
    NotYourTurn,
    WrongDocumentKind,
)
from candor.interviews.models import AssessmentRecord, Interview
from candor.interviews.schemas import (
    AnswerIn,
    AssessmentRead,
    ControlIn,
    InterviewCreate,
    InterviewerReply,
    InterviewRead,
    MessageRead,
    Transcript,
    UsageRead,
)
from candor.interviews.service import plan_of
from candor.interviews.turns import Reply

router = APIRouter(prefix="/api/v1/interviews", tags=["interviews"])
_COMMON = (NotAuthenticated, InterviewNotFound)


def to_read(interview: Interview, score: int | None = None) -> InterviewRead:
    plan = plan_of(interview) if interview.plan else None
    return InterviewRead(
        id=interview.id,
        state=interview.state,
        job_title=interview.job_title,
        company=interview.company,
        cv_document_id=interview.cv_document_id,
        job_document_id=interview.job_document_id,
        options=interview.options,
        question_count=len(plan.questions) if plan else 0,
        current_question=interview.question_index + 1 if plan else 0,
        created_at=interview.created_at,
        started_at=interview.started_at,
        ended_at=interview.ended_at,
        overall_score=score,
    )


def to_reply(reply: Reply, ack: str | None = None, duplicate: bool = False) -> InterviewerReply:
    return InterviewerReply(
        ack=ack,
        message=MessageRead.model_validate(reply.message) if reply.message else None,
        question_number=reply.question_number,
        of=reply.of,
        is_follow_up=reply.is_follow_up,
        state=reply.state,
        duplicate=duplicate,
    )


def assessment_read(record: AssessmentRecord) -> AssessmentRead:
    return AssessmentRead(
        interview_id=record.interview_id,
        state=record.state,
        attempts=record.attempts,
        result=record.result,
        engine_version=record.engine_version,
        error=record.error,
        updated_at=record.updated_at,
    )


@router.post(
    "",
    response_model=InterviewRead,
    status_code=status.HTTP_201_CREATED,
    responses=responses(*_COMMON, InvalidInput, WrongDocumentKind, MissingJobDetails, *DOCUMENT_INPUT_ERRORS),
)
async def create_interview(
    data: InterviewCreate, user: CurrentUser, service: InterviewServiceDep
) -> InterviewRead:
    """Create and plan an interview from your CV and a job description (stored, or pasted text)."""
    return to_read(await service.create(user.id, data))


@router.get("", response_model=list[InterviewRead], responses=responses(NotAuthenticated))
async def list_interviews(
    user: CurrentUser,
    service: InterviewServiceDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[InterviewRead]:
    """Your interviews, newest first, with their scores once assessed."""
    interviews = await service.list_owned(user.id, limit, offset)
    scores = await service.scores(interviews)
    return [to_read(i, scores.get(i.id)) for i in interviews]


@router.get("/{interview_id}", response_model=InterviewRead, responses=responses(*_COMMON))
async def get_interview(
    interview_id: uuid.UUID, user: CurrentUser, service: InterviewServiceDep
) -> InterviewRead:
    """One interview."""
    interview = await service.get(user.id, interview_id)
    return to_read(interview, (await service.scores([interview])).get(interview.id))


@router.delete("/{interview_id}", status_code=status.HTTP_204_NO_CONTENT, responses=responses(*_COMMON))
async def delete_interview(interview_id: uuid.UUID, user: CurrentUser, service: InterviewServiceDep) -> None:
    """Delete an interview with its transcript and assessment."""
    await service.delete(user.id, interview_id)


@router.post(
    "/{interview_id}/start", response_model=InterviewerReply, responses=responses(*_COMMON, InvalidTransition)
)
async def start_interview(
    interview_id: uuid.UUID, user: CurrentUser, service: InterviewServiceDep
) -> InterviewerReply:
    """Begin: the interviewer greets you and asks the first question."""
    return to_reply(await service.start(user.id, interview_id))


@router.post(
    "/{interview_id}/answers",
    response_model=InterviewerReply,
    responses=responses(*_COMMON, InvalidTransition, NotYourTurn, InvalidInput),
)
async def answer(
    interview_id: uuid.UUID, data: AnswerIn, user: CurrentUser, service: InterviewServiceDep
) -> InterviewerReply:
    """Answer the current question; get the interviewer's next message. Resending the same
    `client_msg_id` stores nothing twice and returns the same reply."""
    recorded = await service.record_answer(user.id, interview_id, data.client_msg_id, data.text)
    if recorded.duplicate:
        return to_reply(await service.reply_after(user.id, interview_id, recorded.message), duplicate=True)
    return to_reply(await service.reply(user.id, interview_id), ack=recorded.ack)


@router.post(
    "/{interview_id}/control",
    response_model=InterviewerReply,
    responses=responses(*_COMMON, InvalidTransition, NotYourTurn),
)
async def control(
    interview_id: uuid.UUID, data: ControlIn, user: CurrentUser, service: InterviewServiceDep
) -> InterviewerReply:
    """Ask to repeat or clarify the question, skip it, or end the interview early."""
    return to_reply(await service.control(user.id, interview_id, data.action))


@router.post(
    "/{interview_id}/cancel", response_model=InterviewRead, responses=responses(*_COMMON, InvalidTransition)
)
async def cancel(interview_id: uuid.UUID, user: CurrentUser, service: InterviewServiceDep) -> InterviewRead:
    """Cancel an interview that has not finished."""
    return to_read(await service.cancel(user.id, interview_id))


@router.get("/{interview_id}/transcript", response_model=Transcript, responses=responses(*_COMMON))
async def transcript(interview_id: uuid.UUID, user: CurrentUser, service: InterviewServiceDep) -> Transcript:
    """Everything said, in order."""
    interview, messages = await service.transcript(user.id, interview_id)
    return Transcript(
        interview_id=interview.id,
        state=interview.state,
        messages=[MessageRead.model_validate(m) for m in messages],
    )


@router.get("/{interview_id}/usage", response_model=UsageRead, responses=responses(*_COMMON))
async def usage(interview_id: uuid.UUID, user: CurrentUser, service: InterviewServiceDep) -> UsageRead:
    """Model calls made for this interview: tokens, latency and estimated cost."""
    return await service.usage(user.id, interview_id)


@router.post(
    "/{interview_id}/assessment",
    response_model=AssessmentRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(*_COMMON, InvalidTransition),
)
async def request_assessment(
    interview_id: uuid.UUID, user: CurrentUser, service: InterviewServiceDep
) -> AssessmentRead:
    """(Re-)run the assessment of a completed or abandoned interview."""
    return assessment_read(await service.request_assessment(user.id, interview_id))


@router.get(
    "/{interview_id}/assessment",
    response_model=AssessmentRead,
    responses=responses(*_COMMON, AssessmentNotFound),
)
async def get_assessment(
    interview_id: uuid.UUID, user: CurrentUser, service: InterviewServiceDep
) -> AssessmentRead:
    """The assessment and its job state (pending, running, done, failed)."""
    record = await service.assessment(user.id, interview_id)
    if record is None:
        raise AssessmentNotFound(
            "This interview has not been assessed yet. Finish it, or request an assessment."
        )
    return assessment_read(record)
