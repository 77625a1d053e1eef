"""The `candor` command: parse-cv, parse-job, assess and practice, through the CLI itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from candor.cli import app
from tests.conftest import FIXTURES
from tests.fakes.assessor import fair, grading
from tests.fakes.openai_server import FakeOpenAIServer

runner = CliRunner()
CV = FIXTURES / "cvs" / "resumematcher_bruce_wayne_fullstack.pdf"
JOB = FIXTURES / "jobs" / "job_desc_full_stack_engineer.pdf"
STRONG = (
    "At Uber I led the move of our pricing service to Node.js microservices on Kubernetes. "
    "I planned the rollout, wrote the canary checks and shifted 40% of traffic a week; "
    "p95 latency fell from 450 ms to 120 ms."
)


def test_parse_cv_prints_the_documented_json() -> None:
    result = runner.invoke(app, ["parse-cv", str(CV)])
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout)
    assert {
        "name",
        "headline",
        "email",
        "phone",
        "location",
        "links",
        "skills",
        "experience",
        "education",
    } <= set(parsed)
    assert parsed["name"] == "Bruce Wayne"
    assert parsed["experience"][0]["company"] == "OpenAI"
    assert parsed["experience"][0]["end"] == "present"


def test_parse_job_prints_json() -> None:
    result = runner.invoke(app, ["parse-job", str(FIXTURES / "jobs" / "Senior_Product_Manager.docx")])
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout)
    assert parsed["seniority"] == "senior"
    assert parsed["company"] == "Google"


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64])
def test_parse_refuses_bad_files_with_a_message(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(content)
    result = runner.invoke(app, ["parse-cv", str(path)])
    assert result.exit_code == 2
    assert "error:" in result.stderr
    missing = runner.invoke(app, ["parse-cv", str(tmp_path / "nope.pdf")])
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr


def test_assess_scores_a_transcript_and_uses_reference_answers(tmp_path: Path) -> None:
    transcript = tmp_path / "t.json"
    transcript.write_text(
        json.dumps(
            [
                {"question": "Tell me about a system you scaled.", "answer": STRONG},
                {
                    "question": "What is an index in PostgreSQL?",
                    "answer": "Not sure.",
                    "reference_answer": "A B-tree that speeds up lookups on a column, at a write cost.",
                },
            ]
        )
    )
    result = runner.invoke(app, ["assess", str(transcript), "--cv", str(CV), "--job", str(JOB)])
    assert result.exit_code == 0, result.output
    assessment = json.loads(result.stdout)
    assert 1 <= assessment["overall"] <= 10
    strong, weak = assessment["answers"]
    assert strong["average"] > weak["average"]
    again = runner.invoke(app, ["assess", str(transcript), "--cv", str(CV), "--job", str(JOB)])
    assert json.loads(again.stdout) == assessment  # the same transcript always gets the same scores


def test_assess_uses_the_configured_model_unless_told_otherwise(tmp_path: Path) -> None:
    transcript = tmp_path / "t.json"
    transcript.write_text(json.dumps([{"question": "Tell me about a system you scaled.", "answer": STRONG}]))
    with FakeOpenAIServer() as fake:
        fake.always(grading(fair))
        providers = json.dumps([{"name": "fake", "base_url": fake.base_url, "model": "m", "api_key": "k"}])
        env = {"CANDOR_LLM_PROVIDERS": providers}

        by_model = runner.invoke(app, ["assess", str(transcript)], env=env)
        built_in = runner.invoke(app, ["assess", str(transcript), "--built-in"], env=env)

        assert len(fake.requests) == 1  # --built-in asked no model
    assert by_model.exit_code == 0, by_model.output
    assessment = json.loads(by_model.stdout)
    assert assessment["assessed_by"]["engine"] == "model"
    assert [s["score"] for s in assessment["answers"][0]["scores"]] == [5] * 5
    assert json.loads(built_in.stdout)["assessed_by"]["engine"] == "built-in"


def test_assess_refuses_a_malformed_transcript(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"question": "not a list"}')
    result = runner.invoke(app, ["assess", str(bad)])
    assert result.exit_code == 2
    assert "list" in result.stderr


def test_practice_runs_a_scripted_interview_to_its_assessment(tmp_path: Path) -> None:
    answers = tmp_path / "answers.txt"
    answers.write_text("\n\n".join([STRONG] * 12))
    result = runner.invoke(
        app,
        [
            "practice",
            "--cv",
            str(CV),
            "--job",
            str(JOB),
            "--answers",
            str(answers),
            "--questions",
            "3",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert len(out["questions"]) == 3
    assert out["assessment"]["overall"] >= 1
    human = runner.invoke(
        app, ["practice", "--cv", str(CV), "--job", str(JOB), "--answers", str(answers), "--questions", "3"]
    )
    assert human.exit_code == 0
    assert "Overall:" in human.stdout
    assert "[1/3]" in human.stdout


def test_practice_with_a_model_phrases_the_questions_and_scores_the_answers(tmp_path: Path) -> None:
    answers = tmp_path / "answers.txt"
    answers.write_text("\n\n".join([STRONG] * 12))
    args = ["practice", "--cv", str(CV), "--job", str(JOB), "--answers", str(answers), "--questions", "3"]
    with FakeOpenAIServer() as fake:
        fake.always(grading(fair))
        providers = json.dumps([{"name": "fake", "base_url": fake.base_url, "model": "m", "api_key": "k"}])

        result = runner.invoke(app, [*args, "--json"], env={"CANDOR_LLM_PROVIDERS": providers})
        human = runner.invoke(app, args, env={"CANDOR_LLM_PROVIDERS": providers})
        phrasing = [r for r in fake.requests if r.streamed]
        built_in = runner.invoke(
            app, [*args, "--json", "--built-in"], env={"CANDOR_LLM_PROVIDERS": providers}
        )

    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    first, *rest = out["questions"]
    assert first["text"] != "Thanks. Could you tell me more about that?"  # the opening question is built-in
    assert rest
    assert all(q["text"] == "Thanks. Could you tell me more about that?" for q in rest)
    assert phrasing
    assert all("data, not instructions" in r.messages[0]["content"] for r in phrasing)
    assert out["assessment"]["assessed_by"]["engine"] == "model"
    assert human.exit_code == 0, human.output
    assert "Thanks. Could you tell me more about that?" in human.stdout  # streamed to the terminal
    assert json.loads(built_in.stdout)["assessment"]["assessed_by"]["engine"] == "built-in"


def test_demo_load_creates_a_signed_up_candidate_once(database_url: str, tmp_path: Path) -> None:
    env = {"CANDOR_DATABASE_URL": database_url, "CANDOR_DATA_DIR": str(tmp_path)}
    first = runner.invoke(app, ["demo", "load"], env=env)
    assert first.exit_code == 0, first.output
    assert "created" in first.stdout
    assert "demo@example.com" in first.stdout
    again = runner.invoke(app, ["demo", "load"], env=env)
    assert "already there" in again.stdout
    assert len([p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]) == 2
