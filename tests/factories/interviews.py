"""Factories for interviews, through the public API."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.conftest import FIXTURES
from tests.factories.accounts import SignedIn

CV = FIXTURES / "cvs" / "resumematcher_bruce_wayne_fullstack.pdf"
JOB_TEXT = """Senior Backend Engineer at Acme Corp

We are hiring a senior backend engineer to build our payments platform.

Responsibilities
- Design, build and operate Python services on Kubernetes
- Own the reliability of our REST APIs and PostgreSQL databases
- Mentor other engineers

Requirements
- 5+ years building backend services with Python or Node.js
- Experience with Docker, Kubernetes and PostgreSQL
- Strong communication skills

Nice to have
- Kafka
- Go
"""


async def upload_cv(client: httpx.AsyncClient, user: SignedIn) -> str:
    response = await client.post(
        "/api/v1/documents",
        data={"kind": "cv"},
        files={"file": ("cv.pdf", CV.read_bytes(), "application/pdf")},
        headers=user.headers,
    )
    assert response.status_code == 201, response.text
    doc_id: str = response.json()["id"]
    return doc_id


async def create_interview(
    client: httpx.AsyncClient, user: SignedIn, *, question_count: int = 3, **options: Any
) -> dict[str, Any]:
    cv_id = await upload_cv(client, user)
    response = await client.post(
        "/api/v1/interviews",
        json={
            "cv_document_id": cv_id,
            "job_text": JOB_TEXT,
            "options": {"question_count": question_count, **options},
        },
        headers=user.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class DroppedQueue:
    """The process dies right after the commit: the job is never run."""

    def __init__(self) -> None:
        self.dropped: list[uuid.UUID] = []

    def enqueue(self, job: str, target_id: uuid.UUID) -> None:
        self.dropped.append(target_id)
