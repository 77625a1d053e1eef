"""Vocabulary bias: terms from the CV and the position, and what they do to recognition."""

from __future__ import annotations

import re

from candor.documents.schemas import CVParse, ExperienceEntry, JobParse
from candor.providers.speech import FasterWhisperSTT, TranscriptionRequest, whisper_prompt
from candor.speech.vocabulary import MAX_TERMS, interview_vocabulary
from tests.speech.conftest import Speak
from tests.speech.sounds import silence

CV = CVParse(
    name="Ada Example",
    skills=[
        "Python",
        "FastAPI",
        "SQLAlchemy",
        "Celery",
        "React",
        "TypeScript",
        "Redis",
        "PySpark",
        "Ansible",
    ],
    experience=[
        ExperienceEntry(
            company="Datadog",
            title="Senior Engineer",
            highlights=["Tuned Elasticsearch clusters", "Moved CI from Jenkins to GitHub Actions"],
        ),
        ExperienceEntry(company="Snowflake", title="Data Engineer", highlights=["Built PySpark pipelines"]),
    ],
    projects=[
        "Harbor: a Helm chart linter written in Go",
        "A long description of a side project that has no name",
    ],
    certifications=["Certified Kubernetes Administrator (CKA)"],
)
JOB = JobParse(
    title="Platform Engineer",
    company="Acme",
    required_skills=["Kubernetes", "PostgreSQL", "pgbouncer", "Python", "Terraform"],
    nice_to_have_skills=["Kafka", "Grafana"],
    responsibilities=["Operate RabbitMQ and Prometheus"],
)

# Sentences where tiny.en, unprompted, mishears at least one term (checked by hand, then kept): React
# becomes "react", TypeScript "tight script", Redis "reduce", PySpark "pie spark", FastAPI "vast AKI",
# SQLAlchemy "SQL alchemy", Elasticsearch "the last excerpt", Helm "home", PostgreSQL "Postker SQL".
SENTENCES = [
    ("Our frontend uses React with TypeScript, and we cache sessions in Redis.", ["TypeScript", "Redis"]),
    ("I built the PySpark pipelines that feed our Snowflake warehouse.", ["PySpark", "Snowflake"]),
    ("I used FastAPI and SQLAlchemy for the API, with Celery workers.", ["FastAPI", "SQLAlchemy", "Celery"]),
    (
        "At Datadog I tuned Elasticsearch and wrote Ansible playbooks.",
        ["Datadog", "Elasticsearch", "Ansible"],
    ),
    (
        "We moved from Jenkins to GitHub Actions and deploy with Helm charts.",
        ["Jenkins", "GitHub Actions", "Helm"],
    ),
    (
        "We migrated the cluster to Kubernetes and tuned PostgreSQL with pgbouncer.",
        ["Kubernetes", "pgbouncer"],
    ),
]


def test_terms_come_most_important_first_without_repeats() -> None:
    terms = interview_vocabulary(CV, JOB)
    assert terms[:5] == ("Python", "Kubernetes", "PostgreSQL", "pgbouncer", "Terraform")
    assert terms.index("Python") < terms.index("PostgreSQL") < terms.index("FastAPI") < terms.index("Kafka")
    assert terms.index("Kafka") < terms.index("Acme") < terms.index("Datadog")
    for expected in ("Snowflake", "Elasticsearch", "Jenkins", "GitHub Actions", "Harbor", "RabbitMQ"):
        assert expected in terms
    assert "A long description of a side project that has no name" not in terms
    lowered = [t.lower() for t in terms]
    assert len(lowered) == len(set(lowered))
    assert "Ada Example" not in terms, "the candidate's own name is not jargon"


def test_parse_dicts_work_like_models_and_the_list_is_capped() -> None:
    assert interview_vocabulary(CV.model_dump(), JOB.model_dump()) == interview_vocabulary(CV, JOB)
    many = {"skills": [f"Tool{i}" for i in range(200)]}
    assert len(interview_vocabulary(many, None)) == MAX_TERMS
    assert interview_vocabulary(None, None) == ()


def _recognised(text: str, terms: list[str]) -> int:
    """Terms heard as meant: case, spaces and punctuation aside ("PG bouncer" is pgbouncer)."""
    heard = re.sub(r"[^a-z0-9]+", "", text.lower())
    return sum(re.sub(r"[^a-z0-9]+", "", t.lower()) in heard for t in terms)


async def test_the_bias_makes_jargon_recognised_more_often(whisper: FasterWhisperSTT, speak: Speak) -> None:
    vocabulary = interview_vocabulary(CV, JOB)
    prompt = whisper_prompt(vocabulary)
    assert prompt is not None
    for term in ("pgbouncer", "TypeScript", "Elasticsearch", "Helm"):
        assert term in prompt, "every term the sentences need fits in the prompt"

    plain_total = biased_total = expected_total = 0
    report = []
    for sentence, terms in SENTENCES:
        audio = silence(300) + speak(sentence)
        plain = await whisper.transcribe(TranscriptionRequest(audio))
        biased = await whisper.transcribe(TranscriptionRequest(audio, vocabulary=vocabulary))
        p, b = _recognised(plain.text, terms), _recognised(biased.text, terms)
        report.append(f"{p}->{b}/{len(terms)}: {plain.text!r} -> {biased.text!r}")
        assert b >= p, f"the bias lost a term: {report[-1]}"
        plain_total, biased_total, expected_total = (
            plain_total + p,
            biased_total + b,
            expected_total + len(terms),
        )
    summary = "\n".join([*report, f"terms recognised: {plain_total} -> {biased_total} of {expected_total}"])
    # Measured: 9 -> 15 of 15 (see the module's SENTENCES for what tiny.en hears unprompted).
    assert biased_total > plain_total, summary
    assert biased_total >= plain_total + 4, summary
