"""All interview SQL. Reads are scoped to the owner: another user's interview does not exist."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from candor.interviews.models import (
    AssessmentRecord,
    IntegrityEvent,
    Interview,
    InterviewMessage,
    InterviewState,
    JobState,
    ModelCall,
)


async def add(session: AsyncSession, obj: Interview | InterviewMessage | IntegrityEvent | ModelCall) -> None:
    session.add(obj)
    await session.flush()


async def get_owned(
    session: AsyncSession, interview_id: uuid.UUID, owner_id: uuid.UUID, *, for_update: bool = False
) -> Interview | None:
    query = select(Interview).where(Interview.id == interview_id, Interview.owner_id == owner_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def get(session: AsyncSession, interview_id: uuid.UUID) -> Interview | None:
    return await session.get(Interview, interview_id)


async def list_owned(session: AsyncSession, owner_id: uuid.UUID, limit: int, offset: int) -> list[Interview]:
    query = (
        select(Interview)
        .where(Interview.owner_id == owner_id)
        .order_by(Interview.created_at.desc(), Interview.id)
        .limit(limit)
        .offset(offset)
    )
    return list((await session.execute(query)).scalars())


async def messages(session: AsyncSession, interview_id: uuid.UUID) -> list[InterviewMessage]:
    query = (
        select(InterviewMessage)
        .where(InterviewMessage.interview_id == interview_id)
        .order_by(InterviewMessage.seq)
    )
    return list((await session.execute(query)).scalars())


async def last_message(session: AsyncSession, interview_id: uuid.UUID) -> InterviewMessage | None:
    query = (
        select(InterviewMessage)
        .where(InterviewMessage.interview_id == interview_id)
        .order_by(InterviewMessage.seq.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def by_client_id_and_last(
    session: AsyncSession, interview_id: uuid.UUID, client_msg_id: str
) -> tuple[InterviewMessage | None, InterviewMessage | None]:
    """In one query: the message sent with this client id, if any, and the interview's last message."""
    last_seq = (
        select(func.max(InterviewMessage.seq))
        .where(InterviewMessage.interview_id == interview_id)
        .scalar_subquery()
    )
    query = select(InterviewMessage).where(
        InterviewMessage.interview_id == interview_id,
        (InterviewMessage.client_msg_id == client_msg_id) | (InterviewMessage.seq == last_seq),
    )
    found = list((await session.execute(query)).scalars())
    existing = next((m for m in found if m.client_msg_id == client_msg_id), None)
    last = max(found, key=lambda m: m.seq, default=None)
    return existing, last


async def next_seq(session: AsyncSession, interview_id: uuid.UUID) -> int:
    query = select(func.coalesce(func.max(InterviewMessage.seq), 0)).where(
        InterviewMessage.interview_id == interview_id
    )
    return int((await session.execute(query)).scalar_one()) + 1


async def message_by_client_id(
    session: AsyncSession, interview_id: uuid.UUID, client_msg_id: str
) -> InterviewMessage | None:
    query = select(InterviewMessage).where(
        InterviewMessage.interview_id == interview_id, InterviewMessage.client_msg_id == client_msg_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def usage(session: AsyncSession, interview_id: uuid.UUID) -> list[ModelCall]:
    query = select(ModelCall).where(ModelCall.interview_id == interview_id).order_by(ModelCall.created_at)
    return list((await session.execute(query)).scalars())


async def integrity_events(session: AsyncSession, interview_id: uuid.UUID) -> list[IntegrityEvent]:
    query = (
        select(IntegrityEvent)
        .where(IntegrityEvent.interview_id == interview_id)
        .order_by(IntegrityEvent.created_at)
    )
    return list((await session.execute(query)).scalars())


async def assessment(session: AsyncSession, interview_id: uuid.UUID) -> AssessmentRecord | None:
    query = select(AssessmentRecord).where(AssessmentRecord.interview_id == interview_id)
    return (await session.execute(query)).scalar_one_or_none()


async def assessments_for(session: AsyncSession, interview_ids: list[uuid.UUID]) -> list[AssessmentRecord]:
    if not interview_ids:
        return []
    query = select(AssessmentRecord).where(AssessmentRecord.interview_id.in_(interview_ids))
    return list((await session.execute(query)).scalars())


async def claim_assessment(session: AsyncSession, record_id: uuid.UUID) -> bool:
    """Move a pending (or crashed running) job to running; False if another worker has it or it is done."""
    result = await session.execute(
        update(AssessmentRecord)
        .where(
            AssessmentRecord.id == record_id, AssessmentRecord.state.in_([JobState.PENDING, JobState.RUNNING])
        )
        .values(state=JobState.RUNNING, attempts=AssessmentRecord.attempts + 1)
    )
    return bool(getattr(result, "rowcount", 0))


async def unfinished_assessments(session: AsyncSession) -> list[uuid.UUID]:
    query = select(AssessmentRecord.interview_id).where(
        AssessmentRecord.state.in_([JobState.PENDING, JobState.RUNNING])
    )
    return list((await session.execute(query)).scalars())


async def idle_interviews(session: AsyncSession, before: datetime) -> list[Interview]:
    query = select(Interview).where(
        Interview.state == InterviewState.IN_PROGRESS, Interview.last_activity_at < before
    )
    return list((await session.execute(query)).scalars())
