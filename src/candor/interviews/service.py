"""The interview lifecycle and the turn loop. The built-in interviewer decides what to say; this module
decides when, keeps the transcript, and enforces the states."""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from candor.core.config import Settings
from candor.core.db import after_commit, utcnow
from candor.documents import repository as documents_repo
from candor.documents.schemas import CVParse, DocumentKind, JobParse
from candor.documents.service import DocumentService
from candor.interviewer import (
    AnswerAnalysis,
    InterviewOptions,
    InterviewPlan,
    PlannedQuestion,
    acknowledge,
    analyse_answer,
    choose_follow_up,
    clarify,
    closing_message,
    opening_message,
    plan_interview,
)
from candor.interviewer.grounding import document_skills
from candor.interviews import repository as repo
from candor.interviews.errors import (
    InterviewNotFound,
    InvalidTransition,
    MissingJobDetails,
    NotYourTurn,
    WrongDocumentKind,
)
from candor.interviews.models import (
    AssessmentRecord,
    AudioRecording,
    IntegrityEvent,
    Interview,
    InterviewMessage,
    InterviewState,
    JobState,
    MessageKind,
    MessageRole,
    ModelCall,
)
from candor.interviews.schemas import InterviewCreate, UsageRead
from candor.interviews.turns import Decision, Reply, Spoken
from candor.interviews.voice import OnDelta, speak
from candor.providers.llm.base import LLMProvider
from candor.worker.queue import JobQueue

ASSESS_JOB = "assess_interview"
AWAITING_ANSWER = frozenset(
    {MessageKind.QUESTION, MessageKind.FOLLOW_UP, MessageKind.CLARIFICATION, MessageKind.REPEAT}
)


@dataclass(frozen=True)
class SpokenAnswer:
    """How a spoken answer was heard (`InterviewMessage.speech`), the speech-service calls it used, and the
    metadata of its kept recording (`AudioRecording` fields), if the candidate opted in."""

    speech: dict[str, Any]
    calls: list[dict[str, Any]]
    recording: dict[str, Any] | None = None


@dataclass(frozen=True)
class RecordedAnswer:
    message: InterviewMessage
    ack: str | None
    duplicate: bool
    # What the interviewer will say next, decided in the same transaction (None for a duplicate).
    decision: Decision | Reply | None = None


@dataclass(frozen=True)
class Snapshot:
    plan: InterviewPlan
    cv: CVParse
    job: JobParse

    @cached_property
    def skills(self) -> frozenset[str]:
        """What the two documents name (`document_skills`): about 2 ms, so only once, and only for an
        interview whose words a model phrases."""
        return document_skills(self.cv, self.job)


# An interview's plan and its CV and job snapshots never change once it is planned, and validating them
# from JSON is the largest CPU cost of a turn: keep the validated objects of recent interviews.
_SNAPSHOTS: OrderedDict[uuid.UUID, Snapshot] = OrderedDict()
_SNAPSHOTS_KEPT = 2048


def snapshot_of(interview: Interview) -> Snapshot:
    """The validated plan, CV and job of a planned interview (cached: they are immutable)."""
    found = _SNAPSHOTS.get(interview.id)
    if found is not None:
        _SNAPSHOTS.move_to_end(interview.id)
        return found
    found = Snapshot(
        InterviewPlan.model_validate(interview.plan),
        CVParse.model_validate(interview.cv_snapshot),
        JobParse.model_validate(interview.job_snapshot),
    )
    _SNAPSHOTS[interview.id] = found
    if len(_SNAPSHOTS) > _SNAPSHOTS_KEPT:
        _SNAPSHOTS.popitem(last=False)
    return found


def plan_of(interview: Interview) -> InterviewPlan:
    return snapshot_of(interview).plan


def cv_of(interview: Interview) -> CVParse:
    return snapshot_of(interview).cv


def job_of(interview: Interview) -> JobParse:
    return snapshot_of(interview).job


async def _silent(_: str) -> None:
    return None


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:4], "big")


class InterviewService:
    def __init__(
        self, session: AsyncSession, settings: Settings, jobs: JobQueue, model: LLMProvider | None = None
    ) -> None:
        self.session = session
        self.settings = settings
        self.jobs = jobs
        self.model = model

    # ---- lifecycle -------------------------------------------------------------------------------

    async def create(self, owner_id: uuid.UUID, data: InterviewCreate) -> Interview:
        """Create an interview from the owner's CV and a job description (a stored one, or pasted text),
        and plan it. Title and company default to what the job description says; both must end up set."""
        cv_doc = await documents_repo.get_owned(self.session, data.cv_document_id, owner_id)
        if cv_doc is None:
            raise InterviewNotFound("No such CV. Upload it first, then start the interview.")
        if cv_doc.kind != DocumentKind.CV:
            raise WrongDocumentKind("cv_document_id must point at a CV, not a job description.")
        if data.job_document_id is not None:
            job_doc = await documents_repo.get_owned(self.session, data.job_document_id, owner_id)
            if job_doc is None:
                raise InterviewNotFound("No such job description. Upload or paste it first.")
            if job_doc.kind != DocumentKind.JOB:
                raise WrongDocumentKind("job_document_id must point at a job description, not a CV.")
        else:
            job_doc = await DocumentService(self.session, self.settings).upload(
                owner_id, DocumentKind.JOB, data=None, filename=None, text=data.job_text
            )
        cv = CVParse.model_validate(cv_doc.parse_data)
        job = JobParse.model_validate(job_doc.parse_data)
        title = (data.job_title or job.title or "").strip()[:200]
        company = (data.company or job.company or "").strip()[:200]
        if not title or not company:
            missing = " and ".join(n for n, v in (("job_title", title), ("company", company)) if not v)
            raise MissingJobDetails(
                f"The job description does not say the {missing.replace('_', ' ')}; please fill it in.",
                missing=missing.split(" and "),
            )
        options = InterviewOptions.model_validate(data.options.model_dump())
        interview = Interview(
            owner_id=owner_id,
            cv_document_id=cv_doc.id,
            job_document_id=job_doc.id,
            cv_snapshot=cv.model_dump(mode="json"),
            job_snapshot=job.model_dump(mode="json"),
            job_title=title,
            company=company,
            options=options.model_dump(mode="json"),
            state=InterviewState.DRAFT,
        )
        await repo.add(self.session, interview)
        plan = plan_interview(cv, job.model_copy(update={"title": title, "company": company}), options)
        interview.plan = plan.model_dump(mode="json")
        self._move(interview, InterviewState.READY)
        await self.session.flush()
        return interview

    async def get(
        self, owner_id: uuid.UUID, interview_id: uuid.UUID, *, for_update: bool = False
    ) -> Interview:
        interview = await repo.get_owned(self.session, interview_id, owner_id, for_update=for_update)
        if interview is None:
            raise InterviewNotFound("No such interview. It may have been deleted.")
        self._expire_if_idle(interview)
        return interview

    async def list_owned(self, owner_id: uuid.UUID, limit: int, offset: int) -> list[Interview]:
        interviews = await repo.list_owned(self.session, owner_id, limit, offset)
        for interview in interviews:
            self._expire_if_idle(interview)
        return interviews

    async def results(self, interviews: list[Interview]) -> dict[uuid.UUID, dict[str, Any]]:
        """The stored assessment result of each listed interview that has one, in one query for the list."""
        records = await repo.assessments_for(self.session, [i.id for i in interviews])
        return {r.interview_id: r.result for r in records if r.result}

    async def scores(self, interviews: list[Interview]) -> dict[uuid.UUID, int]:
        results = await self.results(interviews)
        return {iid: int(result["overall"]) for iid, result in results.items() if "overall" in result}

    async def delete(self, owner_id: uuid.UUID, interview_id: uuid.UUID) -> None:
        interview = await self.get(owner_id, interview_id)
        await self.session.delete(interview)
        await self.session.flush()

    async def cancel(self, owner_id: uuid.UUID, interview_id: uuid.UUID) -> Interview:
        interview = await self.get(owner_id, interview_id, for_update=True)
        self._move(interview, InterviewState.CANCELLED)
        interview.ended_at = utcnow()
        await self.session.flush()
        return interview

    async def start(self, owner_id: uuid.UUID, interview_id: uuid.UUID) -> Reply:
        """Open the interview: a greeting, then the first question."""
        interview = await self.get(owner_id, interview_id, for_update=True)
        self._move(interview, InterviewState.IN_PROGRESS)
        interview.started_at = interview.last_activity_at = utcnow()
        plan = plan_of(interview)
        await self._say(
            interview, MessageKind.OPENING, opening_message(cv_of(interview), job_of(interview), plan)
        )
        first = plan.questions[0]
        message = await self._say(interview, MessageKind.QUESTION, first.text, first.number)
        return Reply(message, first.number, len(plan.questions), False, InterviewState.IN_PROGRESS)

    async def transcript(
        self, owner_id: uuid.UUID, interview_id: uuid.UUID
    ) -> tuple[Interview, list[InterviewMessage]]:
        interview = await self.get(owner_id, interview_id)
        return interview, await repo.messages(self.session, interview.id)

    async def current(
        self, owner_id: uuid.UUID, interview_id: uuid.UUID
    ) -> tuple[Interview, Reply | None, bool]:
        """Where the conversation stands, for a client that (re)connects: the interviewer's last
        message, and whether an answer is still waiting for its reply."""
        interview, messages = await self.transcript(owner_id, interview_id)
        plan = plan_of(interview)
        last_said = next((m for m in reversed(messages) if m.role == MessageRole.INTERVIEWER), None)
        pending = bool(messages) and messages[-1].role == MessageRole.CANDIDATE
        if last_said is None:
            return interview, None, pending
        reply = Reply(
            last_said,
            last_said.question_number,
            len(plan.questions),
            last_said.kind == MessageKind.FOLLOW_UP,
            InterviewState(interview.state),
        )
        return interview, reply, pending

    # ---- the turn loop ---------------------------------------------------------------------------

    async def record_answer(
        self,
        owner_id: uuid.UUID,
        interview_id: uuid.UUID,
        client_msg_id: str,
        text: str,
        *,
        spoken: SpokenAnswer | None = None,
    ) -> RecordedAnswer:
        """Store an answer, once per client message id. Only an interview in progress whose interviewer
        is waiting for an answer takes one; the acknowledgement is chosen here so it can be sent at once.

        A spoken answer also stores how it was heard, what speech services it used, and, when the
        candidate opted in, the metadata of its audio recording (the bytes are already in the blob store)."""
        interview = await self.get(owner_id, interview_id, for_update=True)
        existing, last = await repo.by_client_id_and_last(self.session, interview.id, client_msg_id)
        if existing is not None:
            return RecordedAnswer(existing, None, duplicate=True)
        self._require(interview, InterviewState.IN_PROGRESS, "answer")
        if last is None or last.role != MessageRole.INTERVIEWER or last.kind not in AWAITING_ANSWER:
            raise NotYourTurn("Wait for the interviewer's next question before answering again.")
        snapshot = snapshot_of(interview)
        question = self._current_question(interview, snapshot.plan)
        analysis = analyse_answer(question, text, cv=snapshot.cv, job=snapshot.job)
        message = await self._add(
            interview,
            MessageRole.CANDIDATE,
            MessageKind.ANSWER,
            text,
            question.number,
            client_msg_id=client_msg_id,
            analysis=analysis.model_dump(mode="json"),
            seq=last.seq + 1,
            speech=spoken.speech if spoken else None,
        )
        if spoken is not None:
            self.session.add_all(ModelCall(interview_id=interview.id, **call) for call in spoken.calls)
            if spoken.recording is not None:
                self.session.add(
                    AudioRecording(interview_id=interview.id, client_msg_id=client_msg_id, **spoken.recording)
                )
        ack = acknowledge(analysis, interview.last_ack, _seed(interview.id, message.seq))
        interview.last_ack = ack
        interview.last_activity_at = utcnow()
        return RecordedAnswer(message, ack, False, self._decide(interview, message, analysis))

    async def decide(self, owner_id: uuid.UUID, interview_id: uuid.UUID) -> Decision | Reply:
        """Decide what follows the candidate's last message: a follow-up aimed at what the answer lacked
        (at most `max_follow_ups` per main question, none after an attempt to steer the interviewer),
        else the next main question, else the closing. With nothing pending, the current state instead.

        Deciding changes nothing; `apply` stores the words once they have been said, so a voice that
        streams from a model can speak between the two without holding a transaction open."""
        interview = await self.get(owner_id, interview_id)
        last = await repo.last_message(self.session, interview.id)
        if (
            last is None
            or last.role != MessageRole.CANDIDATE
            or interview.state != InterviewState.IN_PROGRESS
        ):
            _, reply, _ = await self.current(owner_id, interview_id)
            total = len(plan_of(interview).questions)
            return reply or Reply(None, None, total, False, InterviewState(interview.state))
        analysis = AnswerAnalysis.model_validate(last.analysis) if last.analysis is not None else None
        return self._decide(interview, last, analysis)

    def _decide(
        self, interview: Interview, last: InterviewMessage, analysis: AnswerAnalysis | None
    ) -> Decision:
        """What follows the candidate's message `last` (with its analysis, for an answer)."""
        snapshot = snapshot_of(interview)
        plan = snapshot.plan
        total = len(plan.questions)
        question = self._current_question(interview, plan)
        names = (interview.job_title, interview.company)
        known = snapshot.skills if self.model is not None else frozenset[str]()
        if last.kind == MessageKind.ANSWER and analysis is not None and analysis.injection is None:
            follow_up = choose_follow_up(
                question,
                analysis,
                interview.follow_ups_asked,
                int(interview.options.get("max_follow_ups", 2)),
            )
            if follow_up:
                return Decision(
                    MessageKind.FOLLOW_UP, follow_up, question, last.seq, last.text, total, *names, known
                )
        index = interview.question_index + 1
        if index >= total:
            return Decision(
                MessageKind.CLOSING, closing_message(), None, last.seq, last.text, total, *names, known
            )
        nxt = plan.questions[index]
        return Decision(MessageKind.QUESTION, nxt.text, nxt, last.seq, last.text, total, *names, known)

    async def apply(
        self,
        owner_id: uuid.UUID,
        interview_id: uuid.UUID,
        decision: Decision,
        text: str | None = None,
        spoken_by: Spoken | None = None,
    ) -> Reply:
        """Store what the interviewer said for a decision and move the interview on. If the transcript
        moved since the decision (another connection answered first), the reply already made stands."""
        interview = await self.get(owner_id, interview_id, for_update=True)
        last = await repo.last_message(self.session, interview.id)
        if last is None or last.seq != decision.after_seq:
            messages = await repo.messages(self.session, interview.id)
            answer = next((m for m in messages if m.seq == decision.after_seq), None)
            return await self._reply_following(interview, messages, answer)
        plan = plan_of(interview)
        words = text or decision.text
        seq = last.seq + 1
        if decision.kind == MessageKind.FOLLOW_UP:
            interview.follow_ups_asked += 1
            number = self._current_question(interview, plan).number
            message = await self._say(interview, MessageKind.FOLLOW_UP, words, number, spoken_by, seq=seq)
            return Reply(message, number, decision.of, True, InterviewState.IN_PROGRESS)
        interview.question_index += 1
        interview.follow_ups_asked = 0
        if decision.kind == MessageKind.CLOSING:
            return await self._finish(interview, plan, words, spoken_by, seq=seq)
        question = plan.questions[interview.question_index]
        message = await self._say(interview, MessageKind.QUESTION, words, question.number, spoken_by, seq=seq)
        return Reply(message, question.number, decision.of, False, InterviewState.IN_PROGRESS)

    async def reply(
        self, owner_id: uuid.UUID, interview_id: uuid.UUID, on_delta: OnDelta | None = None
    ) -> Reply:
        """Decide, say (through the model when one is configured) and store the next interviewer message."""
        decision = await self.decide(owner_id, interview_id)
        if isinstance(decision, Reply):
            return decision
        text, spoken = await speak(decision, self.model, on_delta or _silent)
        return await self.apply(owner_id, interview_id, decision, text, spoken)

    async def reply_after(
        self, owner_id: uuid.UUID, interview_id: uuid.UUID, answer: InterviewMessage
    ) -> Reply:
        """The interviewer's message that followed a stored answer (for a resent answer), or, if the
        reply was never made (a crash between the two), make it now."""
        interview = await self.get(owner_id, interview_id)
        messages = await repo.messages(self.session, interview.id)
        return await self._reply_following(interview, messages, answer)

    async def _reply_following(
        self, interview: Interview, messages: list[InterviewMessage], answer: InterviewMessage | None
    ) -> Reply:
        seq = answer.seq if answer else 0
        after = next((m for m in messages if m.seq > seq and m.role == MessageRole.INTERVIEWER), None)
        if after is None:
            return await self.reply(interview.owner_id, interview.id)
        total = len(plan_of(interview).questions)
        return Reply(
            after,
            after.question_number,
            total,
            after.kind == MessageKind.FOLLOW_UP,
            InterviewState(interview.state),
        )

    async def control(self, owner_id: uuid.UUID, interview_id: uuid.UUID, action: str) -> Reply:
        """Repeat or clarify the current question, skip it, or end the interview early."""
        interview = await self.get(owner_id, interview_id, for_update=True)
        self._require(interview, InterviewState.IN_PROGRESS, action)
        plan = plan_of(interview)
        total = len(plan.questions)
        messages = await repo.messages(self.session, interview.id)
        waiting = (
            bool(messages)
            and messages[-1].role == MessageRole.INTERVIEWER
            and messages[-1].kind in AWAITING_ANSWER
        )
        interview.last_activity_at = utcnow()
        if action == "end":
            return await self._finish(interview, plan, closing_message())
        if not waiting:
            raise NotYourTurn(f"There is no question to {action} right now; wait for the interviewer.")
        question = self._current_question(interview, plan)
        is_follow_up = messages[-1].kind == MessageKind.FOLLOW_UP or (
            messages[-1].kind in (MessageKind.REPEAT, MessageKind.CLARIFICATION)
            and interview.follow_ups_asked > 0
        )
        if action == "repeat":
            asked = next(
                m for m in reversed(messages) if m.kind in (MessageKind.QUESTION, MessageKind.FOLLOW_UP)
            )
            message = await self._say(interview, MessageKind.REPEAT, asked.text, question.number)
            return Reply(message, question.number, total, is_follow_up, InterviewState.IN_PROGRESS)
        if action == "clarify":
            message = await self._say(
                interview, MessageKind.CLARIFICATION, clarify(question), question.number
            )
            return Reply(message, question.number, total, is_follow_up, InterviewState.IN_PROGRESS)
        # skip: noted in the transcript (reported, never scored as a bad answer), then move on.
        await self._add(interview, MessageRole.CANDIDATE, MessageKind.SKIP, "(skipped)", question.number)
        return await self.reply(owner_id, interview_id)

    async def record_activity(
        self, owner_id: uuid.UUID, interview_id: uuid.UUID, kind: str, data: dict[str, Any]
    ) -> None:
        """Keep what the browser reports (typing, pastes, focus) for the integrity review."""
        interview = await self.get(owner_id, interview_id)
        self._require(interview, InterviewState.IN_PROGRESS, "record activity")
        question = self._current_question(interview)
        await repo.add(
            self.session,
            IntegrityEvent(interview_id=interview.id, kind=kind, question_number=question.number, data=data),
        )

    async def record_calls(
        self, owner_id: uuid.UUID, interview_id: uuid.UUID, calls: list[dict[str, Any]]
    ) -> None:
        """Record speech-service use that no answer carried (the interviewer's voice at the end, say)."""
        interview = await self.get(owner_id, interview_id)
        self.session.add_all(ModelCall(interview_id=interview.id, **call) for call in calls)

    async def usage(self, owner_id: uuid.UUID, interview_id: uuid.UUID) -> UsageRead:
        """What the models and speech services cost this interview: calls, tokens, audio seconds heard,
        characters spoken, estimated dollars, calls per provider."""
        interview = await self.get(owner_id, interview_id)
        calls = await repo.usage(self.session, interview.id)
        costs = [c.cost_usd for c in calls if c.cost_usd is not None]
        by_provider: dict[str, int] = {}
        for call in calls:
            by_provider[call.provider] = by_provider.get(call.provider, 0) + 1
        return UsageRead(
            calls=len(calls),
            tokens_in=sum(c.tokens_in for c in calls),
            tokens_out=sum(c.tokens_out for c in calls),
            cost_usd=round(sum(costs), 6) if costs else None,
            by_provider=by_provider,
            latency_ms_total=round(sum(c.latency_ms for c in calls), 1),
            audio_seconds=round(sum(c.audio_seconds or 0.0 for c in calls), 2),
            characters=sum(c.characters or 0 for c in calls),
        )

    # ---- assessment ------------------------------------------------------------------------------

    async def request_assessment(self, owner_id: uuid.UUID, interview_id: uuid.UUID) -> AssessmentRecord:
        """Queue the assessment of a completed or abandoned interview. A re-run keeps the previous
        result visible until the new one replaces it."""
        interview = await self.get(owner_id, interview_id)
        if interview.state not in (InterviewState.COMPLETED, InterviewState.ABANDONED):
            raise InvalidTransition(
                f"Only a completed or abandoned interview can be assessed; this one is {interview.state}.",
                state=str(interview.state),
            )
        return await self._queue_assessment(interview)

    async def assessment(self, owner_id: uuid.UUID, interview_id: uuid.UUID) -> AssessmentRecord | None:
        interview = await self.get(owner_id, interview_id)
        return await repo.assessment(self.session, interview.id)

    async def _queue_assessment(self, interview: Interview) -> AssessmentRecord:
        record = await repo.assessment(self.session, interview.id)
        if record is None:
            record = AssessmentRecord(interview_id=interview.id, state=JobState.PENDING, attempts=0)
            self.session.add(record)
        else:
            record.state = JobState.PENDING
            record.error = None
        await self.session.flush()
        interview_id = interview.id

        async def enqueue() -> None:
            self.jobs.enqueue(ASSESS_JOB, interview_id)

        after_commit(self.session, enqueue)
        return record

    # ---- internals -------------------------------------------------------------------------------

    async def _finish(
        self,
        interview: Interview,
        plan: InterviewPlan,
        words: str,
        spoken_by: Spoken | None = None,
        *,
        seq: int | None = None,
    ) -> Reply:
        self._move(interview, InterviewState.COMPLETED)
        interview.ended_at = utcnow()
        interview.question_index = min(interview.question_index, len(plan.questions) - 1)
        message = await self._say(interview, MessageKind.CLOSING, words, None, spoken_by, seq=seq)
        await self._queue_assessment(interview)
        return Reply(message, None, len(plan.questions), False, InterviewState.COMPLETED)

    def _current_question(self, interview: Interview, plan: InterviewPlan | None = None) -> PlannedQuestion:
        """The main question being asked. Pass the plan when it is already at hand: it is parsed from JSON."""
        plan = plan or plan_of(interview)
        return plan.questions[min(interview.question_index, len(plan.questions) - 1)]

    async def _say(
        self,
        interview: Interview,
        kind: MessageKind,
        text: str,
        question_number: int | None = None,
        spoken_by: Spoken | None = None,
        *,
        seq: int | None = None,
    ) -> InterviewMessage:
        spoken_by = spoken_by or Spoken()
        message = await self._add(
            interview,
            MessageRole.INTERVIEWER,
            kind,
            text,
            question_number,
            prompt_version=spoken_by.prompt_version,
            provider=spoken_by.provider,
            seq=seq,
        )
        self.session.add_all(ModelCall(interview_id=interview.id, **call) for call in spoken_by.calls)
        return message

    async def _add(
        self,
        interview: Interview,
        role: MessageRole,
        kind: MessageKind,
        text: str,
        question_number: int | None,
        *,
        client_msg_id: str | None = None,
        analysis: dict[str, Any] | None = None,
        prompt_version: str | None = None,
        provider: str | None = None,
        seq: int | None = None,
        speech: dict[str, Any] | None = None,
    ) -> InterviewMessage:
        """Append a message; pass `seq` when the last one is known (the interview row is locked)."""
        message = InterviewMessage(
            interview_id=interview.id,
            seq=seq if seq is not None else await repo.next_seq(self.session, interview.id),
            created_at=utcnow(),  # set now: the message is only flushed with the rest of the unit of work
            role=role,
            kind=kind,
            question_number=question_number,
            text=text,
            client_msg_id=client_msg_id,
            analysis=analysis,
            prompt_version=prompt_version,
            provider=provider,
            speech=speech,
        )
        self.session.add(message)
        return message

    def _move(self, interview: Interview, target: InterviewState) -> None:
        if not interview.can_move_to(target):
            raise InvalidTransition(
                f"The interview is {interview.state}; it cannot become {target}.", state=str(interview.state)
            )
        interview.state = target

    def _require(self, interview: Interview, state: InterviewState, action: str) -> None:
        if interview.state != state:
            raise InvalidTransition(
                f"Cannot {action}: the interview is {interview.state}, not {state}.",
                state=str(interview.state),
            )

    def _expire_if_idle(self, interview: Interview) -> None:
        """An interview left in progress past the idle timeout is abandoned (it can still be assessed)."""
        idle = timedelta(minutes=self.settings.interview_idle_minutes)
        if interview.state == InterviewState.IN_PROGRESS and utcnow() - interview.last_activity_at > idle:
            interview.state = InterviewState.ABANDONED
            interview.ended_at = interview.last_activity_at + idle
