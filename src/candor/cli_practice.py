"""`candor practice`: an interview in the terminal, typed or scripted. The built-in interviewer plans and
decides; with `CANDOR_LLM_PROVIDERS` set, a model puts its questions into words and scores the answers, as in
the web app (`candor.interviews.voice.speak`, `candor.interviews.judge`)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

from candor.documents.schemas import CVParse, JobParse
from candor.interviewer import (
    InterviewOptions,
    TurnRecord,
    acknowledge,
    analyse_answer,
    choose_follow_up,
    closing_message,
    opening_message,
    plan_interview,
)
from candor.interviewer.grounding import document_skills
from candor.interviewer.types import PlannedQuestion
from candor.interviews.judge import assess_transcript
from candor.interviews.models import MessageKind
from candor.interviews.turns import Decision
from candor.interviews.voice import speak
from candor.providers.llm.base import LLMProvider
from candor.providers.llm.factory import LLMProviderConfig, open_llm_chain


def _stream(text: str, live: bool) -> None:
    """Print the interviewer's words as they come, like the web app does."""
    if not live:
        print(text)  # noqa: T201
        return
    for word in text.split(" "):
        sys.stdout.write(word + " ")
        sys.stdout.flush()
        time.sleep(0.02)
    sys.stdout.write("\n")


def _answers(scripted: list[str] | None) -> Iterator[str]:
    if scripted is not None:
        yield from scripted
        return
    while True:
        print("\nYour answer (finish with an empty line; 'skip' or 'end' also work):")  # noqa: T201
        lines: list[str] = []
        for line in sys.stdin:
            if not line.strip():
                break
            lines.append(line.rstrip("\n"))
        else:
            if not lines:
                return
        yield "\n".join(lines)


def run_practice(
    cv_data: dict[str, Any],
    job_data: dict[str, Any],
    questions: int,
    scripted: list[str] | None,
    as_json: bool,
    providers: Sequence[LLMProviderConfig] = (),
    *,
    model_assesses: bool = True,
) -> None:
    """Hold the interview, then print the assessment. `providers`: the models that phrase the questions
    and, with `model_assesses`, score the answers."""

    async def run() -> None:
        async with open_llm_chain(providers) as model:
            await _practice(cv_data, job_data, questions, scripted, as_json, model, model_assesses)

    asyncio.run(run())


async def _practice(
    cv_data: dict[str, Any],
    job_data: dict[str, Any],
    questions: int,
    scripted: list[str] | None,
    as_json: bool,
    model: LLMProvider | None,
    model_assesses: bool,
) -> None:
    cv, job = CVParse.model_validate(cv_data), JobParse.model_validate(job_data)
    plan = plan_interview(cv, job, InterviewOptions(question_count=questions))
    live = not as_json and scripted is None and sys.stdout.isatty()
    total = len(plan.questions)
    known = document_skills(cv, job)

    def say(text: str) -> None:
        if not as_json:
            _stream(text, live)

    async def ask(
        kind: MessageKind, text: str, question: PlannedQuestion, after: str | None, prefix: str = ""
    ) -> str:
        """Say a decided question: the first in the built-in words, the rest phrased by the model if any."""
        if after is None or model is None:
            say(prefix + text)
            return text
        if not as_json:
            sys.stdout.write(prefix)

        async def shown(piece: str) -> None:
            if not as_json:
                sys.stdout.write(piece)
                sys.stdout.flush()

        names = (job.title or "the role", job.company or "the company")
        decision = Decision(kind, text, question, 0, after, total, *names, known)
        words, _ = await speak(decision, model, shown)
        if not as_json:
            sys.stdout.write("\n")
        return words

    say(opening_message(cv, job, plan))
    answers = _answers(scripted)
    turns: list[TurnRecord] = []
    asked: list[dict[str, Any]] = []
    previous_ack: str | None = None
    last_answer: str | None = None
    ended = False
    for question in plan.questions:
        if ended:
            break
        prefix = f"\n[{question.number}/{total}] "
        text = await ask(MessageKind.QUESTION, question.text, question, last_answer, prefix)
        asked.append({"number": question.number, "text": text, "follow_ups": []})
        answer = next(answers, None)
        if answer is None or answer.strip().lower() == "end":
            break
        if answer.strip().lower() == "skip":
            turns.append(TurnRecord(question=text, answer="", skipped=True))
            continue
        turn = TurnRecord(question=text, answer=answer, kind=question.kind, competency=question.competency)
        last_answer = answer
        analysis = analyse_answer(question, answer, cv=cv, job=job)
        previous_ack = acknowledge(analysis, previous_ack, len(turns))
        say(previous_ack)
        follow_ups = 0
        while analysis.injection is None and (probe := choose_follow_up(question, analysis, follow_ups, 2)):
            follow_ups += 1
            probe = await ask(MessageKind.FOLLOW_UP, probe, question, last_answer)
            asked[-1]["follow_ups"].append(probe)
            reply = next(answers, None)
            if reply is None or reply.strip().lower() == "end":
                ended = True
                break
            turn.follow_ups.append((probe, reply))
            last_answer = reply
            analysis = analyse_answer(question, reply, cv=cv, job=job)
        turns.append(turn)
    say("\n" + closing_message())
    assessor = model if model_assesses else None
    assessment = (await assess_transcript(turns, cv, job, assessor)).assessment
    if as_json:
        print(json.dumps({"questions": asked, "assessment": assessment.model_dump(mode="json")}, indent=2))  # noqa: T201
        return
    print(f"\nOverall: {assessment.overall}/10")  # noqa: T201
    for name, value in assessment.rubric.items():
        print(f"  {name:<14} {value:.1f}/5")  # noqa: T201
    for title, items in (
        ("Strengths", assessment.strengths),
        ("Weaknesses", assessment.weaknesses),
        ("Improve your CV", assessment.cv_improvements),
    ):
        if items:
            print(f"\n{title}:")  # noqa: T201
            for item in items:
                print(f"  - {item}")  # noqa: T201
