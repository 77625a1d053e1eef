"""Whole interviews, engine only, with scripted candidates."""

from __future__ import annotations

import pytest

from candor.interviewer import InterviewOptions
from candor.interviewer.personas import PERSONAS, SimulatedInterview, simulate_interview
from tests.interviewer import PAIRS, pair


def _run(persona: str, key: str) -> SimulatedInterview:
    cv, job = pair(key)
    return simulate_interview(PERSONAS[persona], cv, job, InterviewOptions(question_count=8))


@pytest.mark.parametrize("key", list(PAIRS))
def test_strong_scores_clearly_above_vague(key: str) -> None:
    strong, vague = _run("strong", key).assessment, _run("vague", key).assessment
    print(f"{key}: strong {strong.overall}, vague {vague.overall}")  # noqa: T201 - the report quotes these
    assert strong.overall >= vague.overall + 3
    assert strong.strengths
    assert vague.weaknesses


@pytest.mark.parametrize("key", list(PAIRS))
def test_injector_scores_no_higher_than_vague_and_is_flagged(key: str) -> None:
    injector = _run("injector", key)
    assert injector.assessment.overall <= _run("vague", key).assessment.overall
    scored = [t for t in injector.turns if t.competency != "candidate_questions"]
    assert len(injector.assessment.integrity_flags) >= len(scored)
    assert all(t.follow_ups == [] for t in injector.turns)  # steering gets no follow-up


@pytest.mark.parametrize("key", list(PAIRS))
def test_off_topic_and_evasive_score_low(key: str) -> None:
    off_topic = _run("off_topic", key).assessment
    assert off_topic.rubric["relevance"] <= 2
    assert off_topic.overall <= _run("strong", key).assessment.overall - 3
    assert _run("evasive", key).assessment.overall <= 4


def test_follow_ups_probe_vague_answers_within_the_limit() -> None:
    run = _run("vague", "fullstack")
    assert any(t.follow_ups for t in run.turns)
    assert all(len(t.follow_ups) <= 2 for t in run.turns)
    for t in run.turns:
        asked = [q for q, _ in t.follow_ups]
        assert len(asked) == len(set(asked))


def test_strong_persona_gets_few_follow_ups() -> None:
    run = _run("strong", "fullstack")
    assert sum(len(t.follow_ups) for t in run.turns) <= 2


def test_whole_interviews_are_deterministic() -> None:
    for persona in PERSONAS:
        assert _run(persona, "backend") == _run(persona, "backend")
