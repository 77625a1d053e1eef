"""`candor practice`: an interview in the terminal, typed or scripted, with the built-in interviewer."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from typing import Any

from candor.documents.schemas import CVParse, JobParse
from candor.interviewer import (
    InterviewOptions,
    TurnRecord,
    acknowledge,
    analyse_answer,
    assess,
    choose_follow_up,
    closing_message,
    opening_message,
    plan_interview,
)


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
) -> None:
    cv, job = CVParse.model_validate(cv_data), JobParse.model_validate(job_data)
    plan = plan_interview(cv, job, InterviewOptions(question_count=questions))
    live = not as_json and scripted is None and sys.stdout.isatty()

    def say(text: str) -> None:
        if not as_json:
            _stream(text, live)

    say(opening_message(cv, job, plan))
    answers = _answers(scripted)
    turns: list[TurnRecord] = []
    asked: list[dict[str, Any]] = []
    previous_ack: str | None = None
    ended = False
    for question in plan.questions:
        if ended:
            break
        say(f"\n[{question.number}/{len(plan.questions)}] {question.text}")
        asked.append({"number": question.number, "text": question.text, "follow_ups": []})
        answer = next(answers, None)
        if answer is None or answer.strip().lower() == "end":
            break
        if answer.strip().lower() == "skip":
            turns.append(TurnRecord(question=question.text, answer="", skipped=True))
            continue
        turn = TurnRecord(
            question=question.text, answer=answer, kind=question.kind, competency=question.competency
        )
        analysis = analyse_answer(question, answer, cv=cv, job=job)
        previous_ack = acknowledge(analysis, previous_ack, len(turns))
        say(previous_ack)
        follow_ups = 0
        while analysis.injection is None and (probe := choose_follow_up(question, analysis, follow_ups, 2)):
            follow_ups += 1
            say(probe)
            asked[-1]["follow_ups"].append(probe)
            reply = next(answers, None)
            if reply is None or reply.strip().lower() == "end":
                ended = True
                break
            turn.follow_ups.append((probe, reply))
            analysis = analyse_answer(question, reply, cv=cv, job=job)
        turns.append(turn)
    say("\n" + closing_message())
    assessment = assess(turns, cv, job)
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
