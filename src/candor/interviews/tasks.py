"""The assessment job: reads the transcript, scores it (with a configured model, checked, or the built-in
assessor), stores the result.

Idempotent and restartable: the job claims its database row, and a crash leaves the row pending or running,
to be picked up again at the next start-up (or by another worker).
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from candor.core.db import Database
from candor.core.logging import log
from candor.interviewer import InterviewPlan, TurnRecord
from candor.interviews import repository as repo
from candor.interviews.judge import assess_transcript
from candor.interviews.models import InterviewMessage, JobState, MessageKind, MessageRole, ModelCall
from candor.interviews.service import cv_of, job_of, plan_of
from candor.providers.llm.base import LLMProvider


def turns_from(messages: list[InterviewMessage], plan: InterviewPlan) -> list[TurnRecord]:
    """Group the transcript by main question: the question, its answer, and its follow-ups, with the
    planned question's kind and competency (so the candidate's own questions at the end are not scored)."""
    planned = {q.number: q for q in plan.questions}
    turns: list[dict[str, Any]] = []
    asked: str | None = None
    for m in messages:
        if m.role == MessageRole.INTERVIEWER and m.kind == MessageKind.QUESTION:
            turns.append({"question": m.text, "answer": "", "follow_ups": [], "skipped": False})
            question = planned.get(m.question_number) if m.question_number is not None else None
            if question is not None:
                turns[-1].update(kind=question.kind, competency=question.competency)
            asked = None
        elif m.role == MessageRole.INTERVIEWER and m.kind == MessageKind.FOLLOW_UP:
            asked = m.text
        elif m.role == MessageRole.CANDIDATE and turns:
            turn = turns[-1]
            if m.kind == MessageKind.SKIP:
                turn["skipped"] = not turn["answer"]
            elif asked is not None:
                turn["follow_ups"].append((asked, m.text))
                asked = None
            elif not turn["answer"]:
                turn["answer"] = m.text
                if m.speech:  # spoken: how sure speech-to-text was decides whether the words are judged
                    turn["transcript_confidence"] = m.speech.get("confidence")
                    turn["low_confidence"] = bool(m.speech.get("low_confidence"))
            else:
                turn["answer"] += "\n" + m.text
    # An unanswered last question (the interview ended on it) is left out rather than scored.
    return [TurnRecord.model_validate(t) for t in turns if t["answer"] or t["skipped"]]


async def assess_interview(db: Database, interview_id: uuid.UUID, model: LLMProvider | None = None) -> None:
    """Write the interview's assessment: with `model` when one is given (see `candor.interviews.judge`),
    else with the built-in assessor. No transaction is open while a model reads the transcript."""
    async with db.session() as session:
        record = await repo.assessment(session, interview_id)
        if record is None or record.state in (JobState.DONE, JobState.FAILED):
            return
        if not await repo.claim_assessment(session, record.id):
            return
    try:
        async with db.session() as session:
            interview = await repo.get(session, interview_id)
            if interview is None:
                return
            messages = await repo.messages(session, interview_id)
            events = await repo.integrity_events(session, interview_id)
            turns = turns_from(messages, plan_of(interview))
            cv, job = cv_of(interview), job_of(interview)
            counts = Counter(e.kind for e in events)
            signals = {
                "pastes": counts.get("paste", 0),
                "pasted_chars": sum(int(e.data.get("chars", 0)) for e in events if e.kind == "paste"),
                "focus_lost": counts.get("blur", 0),
                "steering_attempts": sum(1 for m in messages if m.analysis and m.analysis.get("injection")),
            }
        assessed = await assess_transcript(turns, cv, job, model)
        async with db.session() as session:
            record = await repo.assessment(session, interview_id)
            if record is None:  # the interview was deleted meanwhile
                return
            result = assessed.assessment.model_dump(mode="json")
            result["integrity_signals"] = signals
            record.result = result
            record.engine_version = assessed.assessment.engine_version
            record.state = JobState.DONE
            record.error = None
            session.add_all(ModelCall(interview_id=interview_id, **call) for call in assessed.calls)
    except Exception as exc:
        log.exception("assessment_failed", interview_id=str(interview_id))
        async with db.session() as session:
            record = await repo.assessment(session, interview_id)
            if record is not None:
                record.state = JobState.FAILED
                record.error = f"{type(exc).__name__}: {exc}"[:2000]
        raise


async def resume_unfinished(db: Database, enqueue: Any) -> int:
    """At start-up: queue again every assessment a previous process left pending or running."""
    async with db.session() as session:
        ids = await repo.unfinished_assessments(session)
    for interview_id in ids:
        enqueue("assess_interview", interview_id)
    return len(ids)
