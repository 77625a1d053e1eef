"""Demo data for a fresh install: a candidate account with a sample CV, a job description, and one finished
interview with its feedback, so whoever signs in as the demo candidate sees a result at once.

Everything is made through the real services, as the web app would make it: the interview is planned from
the two documents, answered turn by turn by the built-in strong candidate, and assessed by the assessment
job, run here and waited for.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from candor.accounts import repository as accounts_repo
from candor.accounts.models import Role, User
from candor.accounts.service import AccountService, ClientInfo
from candor.core.config import Settings
from candor.core.db import Database
from candor.documents.models import Document
from candor.documents.schemas import DocumentKind
from candor.documents.service import DocumentService
from candor.interviewer.personas import PERSONAS
from candor.interviews.models import InterviewState, JobState
from candor.interviews.schemas import InterviewCreate, InterviewOptionsIn
from candor.interviews.service import ASSESS_JOB, InterviewService, cv_of, job_of, plan_of
from candor.interviews.tasks import assess_interview
from candor.interviews.turns import Decision
from candor.worker.queue import InProcessQueue

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "candor-demo-password"
DEMO_OPTIONS = InterviewOptionsIn(question_count=4, max_follow_ups=1)
_DOCUMENTS = ((DocumentKind.CV, "cv_bruce_wayne.pdf"), (DocumentKind.JOB, "job_full_stack_engineer.pdf"))
_MAX_TURNS = 40
_here = Path(__file__).parent


class DemoError(RuntimeError):
    """The demo could not be completed (the engine did not finish the interview, or its assessment)."""


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    created: bool
    interview_id: uuid.UUID


async def load_demo(settings: Settings) -> DemoLogin:
    """Create what the demo candidate is missing: the account, its two documents, a completed interview,
    that interview's assessment. Running it again changes nothing."""
    db = Database(settings.resolved_database_url)
    jobs = InProcessQueue()
    jobs.register(ASSESS_JOB, lambda interview_id: assess_interview(db, interview_id))
    try:
        async with db.session() as session:
            user, created = await _account(session, settings, db)
            cv, job = await _documents(DocumentService(session, settings), user.id)
            user_id, cv_id, job_id = user.id, cv.id, job.id
            service = InterviewService(session, settings, jobs)
            done = [
                i for i in await service.list_owned(user_id, 100, 0) if i.state == InterviewState.COMPLETED
            ]
            interview_id = done[0].id if done else None
        if interview_id is None:
            interview_id = await _hold_interview(db, settings, jobs, user_id, cv_id, job_id)
        await _assess(db, settings, jobs, user_id, interview_id)
    finally:
        await jobs.drain()
        await db.dispose()
    return DemoLogin(DEMO_EMAIL, DEMO_PASSWORD, created, interview_id)


async def _account(session: AsyncSession, settings: Settings, db: Database) -> tuple[User, bool]:
    """The demo candidate, signed up if missing; and whether it was."""
    existing = await accounts_repo.get_user_by_email(session, DEMO_EMAIL)
    if existing is not None:
        return existing, False
    user, _ = await AccountService(session, settings, db).signup(
        DEMO_EMAIL, DEMO_PASSWORD, "Demo Candidate", Role.CANDIDATE, ClientInfo(None, "candor demo")
    )
    return user, True


async def _documents(documents: DocumentService, owner_id: uuid.UUID) -> tuple[Document, Document]:
    """The demo's newest CV and job description, uploaded from the bundled files when missing."""
    found: list[Document] = []
    for kind, name in _DOCUMENTS:
        kept = await documents.list_owned(owner_id, kind, 1, 0)
        if kept:
            found.append(kept[0])
            continue
        data = (_here / name).read_bytes()
        found.append(await documents.upload(owner_id, kind, data=data, filename=name, text=None))
    return found[0], found[1]


async def _hold_interview(
    db: Database,
    settings: Settings,
    jobs: InProcessQueue,
    owner_id: uuid.UUID,
    cv_id: uuid.UUID,
    job_id: uuid.UUID,
) -> uuid.UUID:
    """Plan an interview and answer it as the scripted strong candidate, one unit of work per turn as the
    live interview does, until the interviewer closes it (which queues its assessment)."""
    candidate = PERSONAS["strong"]
    async with db.session() as session:
        service = InterviewService(session, settings, jobs)
        interview = await service.create(
            owner_id, InterviewCreate(cv_document_id=cv_id, job_document_id=job_id, options=DEMO_OPTIONS)
        )
        reply = await service.start(owner_id, interview.id)
        interview_id = interview.id
        cv, job, plan = cv_of(interview), job_of(interview), plan_of(interview)
    for turn in range(1, _MAX_TURNS + 1):
        if reply.state != InterviewState.IN_PROGRESS or reply.message is None:
            return interview_id
        question = plan.questions[(reply.question_number or 1) - 1]
        if reply.is_follow_up:
            text = candidate.follow_up(question, reply.message.text, cv, job)
        else:
            text = candidate.answer(question, cv, job)
        async with db.session() as session:
            service = InterviewService(session, settings, jobs)
            recorded = await service.record_answer(owner_id, interview_id, f"demo-{turn}", text)
            if not isinstance(recorded.decision, Decision):
                raise DemoError("The interviewer did not decide what to say after a demo answer.")
            reply = await service.apply(owner_id, interview_id, recorded.decision)
    raise DemoError(f"The demo interview did not end within {_MAX_TURNS} answers.")


async def _assess(
    db: Database, settings: Settings, jobs: InProcessQueue, owner_id: uuid.UUID, interview_id: uuid.UUID
) -> None:
    """Wait for the interview's assessment job; queue it again if it never ran or failed before."""
    await jobs.drain()
    async with db.session() as session:
        service = InterviewService(session, settings, jobs)
        record = await service.assessment(owner_id, interview_id)
        if record is None or record.state != JobState.DONE:
            await service.request_assessment(owner_id, interview_id)
    await jobs.drain()
    async with db.session() as session:
        record = await InterviewService(session, settings, jobs).assessment(owner_id, interview_id)
        if record is None or record.state != JobState.DONE:
            raise DemoError("The demo interview's assessment could not be made; see the log for why.")
