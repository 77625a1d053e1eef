from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from candor.core.deps import SessionDep, SettingsDep
from candor.interviews.service import InterviewService
from candor.worker.queue import JobQueue


async def get_job_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.jobs
    return queue


async def get_interview_service(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    jobs: Annotated[JobQueue, Depends(get_job_queue)],
) -> InterviewService:
    return InterviewService(session, settings, jobs, request.app.state.llm)


InterviewServiceDep = Annotated[InterviewService, Depends(get_interview_service)]
