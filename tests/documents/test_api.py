"""Documents through the public API: upload, parse, correct, download, delete; every bad input refused
with a problem that says what to do; nothing stored when an upload fails; nothing visible across users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from candor.core.config import Settings
from tests.conftest import FIXTURES
from tests.factories.accounts import PASSWORD, SignedIn, sign_up
from tests.factories.documents import (
    make_docx,
    make_docx_bomb,
    make_encrypted_pdf,
    make_pdf,
    make_png,
    make_scanned_pdf,
    make_zip,
)

PROBLEM = "application/problem+json"
CV_PDF = FIXTURES / "cvs" / "resumematcher_bruce_wayne_fullstack.pdf"
CV_DOCX = FIXTURES / "cvs" / "jsonresume_richard_hendriks_layoutA.docx"
JOB_PDF = FIXTURES / "jobs" / "job_desc_full_stack_engineer.pdf"
JOB_TEXT = """Senior Backend Engineer at Acme Corp

Responsibilities
- Design and run Python services on Kubernetes
- Mentor two engineers

Requirements
- 5+ years building APIs with Python and PostgreSQL
- Experience with Docker

Nice to have
- Kafka
"""


async def upload(
    client: httpx.AsyncClient,
    user: SignedIn,
    data: bytes,
    filename: str = "cv.pdf",
    kind: str = "cv",
    content_type: str = "application/pdf",
) -> httpx.Response:
    return await client.post(
        "/api/v1/documents",
        data={"kind": kind},
        files={"file": (filename, data, content_type)},
        headers=user.headers,
    )


def stored_blobs(settings: Settings) -> list[Path]:
    return [p for p in settings.blob_dir.rglob("*") if p.is_file()] if settings.blob_dir.exists() else []


@pytest.fixture
async def user(client: httpx.AsyncClient) -> SignedIn:
    return await sign_up(client)


async def test_upload_a_pdf_cv_and_read_it_back(client: httpx.AsyncClient, user: SignedIn) -> None:
    data = CV_PDF.read_bytes()
    response = await upload(client, user, data, "bruce.pdf")
    assert response.status_code == 201, response.text
    doc = response.json()
    assert doc["kind"] == "cv"
    assert doc["format"] == "pdf"
    assert doc["page_count"] >= 1
    assert doc["parse"]["name"] == "Bruce Wayne"
    assert doc["parse"]["email"] == "bwayne@email.com"
    assert "Bruce Wayne" in doc["text"]

    fetched = await client.get(f"/api/v1/documents/{doc['id']}", headers=user.headers)
    assert fetched.json()["parse"] == doc["parse"]
    listed = await client.get("/api/v1/documents", headers=user.headers)
    assert [d["id"] for d in listed.json()] == [doc["id"]]
    assert "text" not in listed.json()[0]
    original = await client.get(f"/api/v1/documents/{doc['id']}/file", headers=user.headers)
    assert original.content == data
    assert original.headers["content-type"] == "application/pdf"


async def test_type_comes_from_the_bytes_not_the_name(client: httpx.AsyncClient, user: SignedIn) -> None:
    response = await upload(client, user, CV_DOCX.read_bytes(), "resume.pdf", content_type="application/pdf")
    assert response.status_code == 201, response.text
    assert response.json()["format"] == "docx"
    assert response.json()["parse"]["name"] == "Richard Hendriks"


async def test_job_description_as_file_as_pasted_text_and_as_json(
    client: httpx.AsyncClient, user: SignedIn
) -> None:
    as_file = await upload(client, user, JOB_PDF.read_bytes(), "job.pdf", kind="job")
    assert as_file.status_code == 201, as_file.text
    assert as_file.json()["parse"]["responsibilities"]

    pasted = await client.post(
        "/api/v1/documents", data={"kind": "job", "text": JOB_TEXT}, headers=user.headers
    )
    assert pasted.status_code == 201, pasted.text
    assert pasted.json()["format"] == "txt"
    assert pasted.json()["filename"] is None
    assert "Python" in pasted.json()["parse"]["required_skills"]

    as_json = await client.post(
        "/api/v1/documents", json={"kind": "job", "text": JOB_TEXT}, headers=user.headers
    )
    assert as_json.status_code == 201, as_json.text
    assert as_json.json()["parse"] == pasted.json()["parse"]


async def test_corrections_are_kept_and_win(client: httpx.AsyncClient, user: SignedIn) -> None:
    doc = (await upload(client, user, CV_PDF.read_bytes())).json()
    patch = await client.patch(
        f"/api/v1/documents/{doc['id']}",
        json={"skills": ["Python", "Kubernetes", "Leadership"], "headline": "Engineer"},
        headers=user.headers,
    )
    assert patch.status_code == 200, patch.text
    assert patch.json()["parse"]["skills"] == ["Python", "Kubernetes", "Leadership"]
    assert patch.json()["corrected_fields"] == ["headline", "skills"]
    # A later correction of another field keeps the first one.
    again = await client.patch(
        f"/api/v1/documents/{doc['id']}", json={"name": "B. Wayne"}, headers=user.headers
    )
    body = (await client.get(f"/api/v1/documents/{doc['id']}", headers=user.headers)).json()
    assert again.status_code == 200
    assert body["parse"]["name"] == "B. Wayne"
    assert body["parse"]["headline"] == "Engineer"
    assert body["parse"]["email"] == "bwayne@email.com"


async def test_correction_with_fields_of_the_other_kind_is_refused(
    client: httpx.AsyncClient, user: SignedIn
) -> None:
    doc = (await upload(client, user, CV_PDF.read_bytes())).json()
    response = await client.patch(
        f"/api/v1/documents/{doc['id']}", json={"required_skills": ["Go"]}, headers=user.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize(
    ("make", "filename", "status", "code", "hint"),
    [
        (lambda: b"", "cv.pdf", 422, "empty_document", "empty"),
        (lambda: b"   \n\t  ", "cv.txt", 422, "empty_document", "empty"),
        (make_png, "cv.pdf", 415, "unsupported_file_type", "PNG"),
        (make_zip, "cv.pdf", 415, "unsupported_file_type", "ZIP"),
        (lambda: CV_PDF.read_bytes()[:4000], "cv.pdf", 422, "corrupt_document", "damaged"),
        (lambda: CV_DOCX.read_bytes()[:5000], "cv.docx", 422, "corrupt_document", "damaged"),
        (make_encrypted_pdf, "cv.pdf", 422, "encrypted_document", "password"),
        (make_scanned_pdf, "scan.pdf", 422, "no_text_layer", "text"),
        (make_docx_bomb, "cv.docx", 422, "archive_bomb", ""),
        (
            lambda: make_pdf(["Jane Doe", "jane@example.com"], pages=25),
            "long.pdf",
            422,
            "too_many_pages",
            "20",
        ),
        (
            lambda: (
                b"Banana bread. Mash three bananas, add flour and sugar, bake for an hour at 180 degrees."
            ),
            "recipe.txt",
            422,
            "not_a_cv",
            "CV",
        ),
    ],
)
async def test_bad_uploads_get_a_clear_problem_and_store_nothing(
    client: httpx.AsyncClient,
    user: SignedIn,
    settings: Settings,
    make: object,
    filename: str,
    status: int,
    code: str,
    hint: str,
) -> None:
    assert callable(make)
    data: bytes = make()
    response = await upload(client, user, data, filename)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == code
    assert hint.lower() in problem["detail"].lower()
    assert (await client.get("/api/v1/documents", headers=user.headers)).json() == []
    assert stored_blobs(settings) == []


async def test_a_word_document_that_is_not_a_cv_is_refused(client: httpx.AsyncClient, user: SignedIn) -> None:
    data = make_docx(["Minutes of the allotment society meeting", "We agreed to buy a new lawnmower."])
    response = await upload(client, user, data, "minutes.docx")
    assert response.status_code == 422
    assert response.json()["code"] == "not_a_cv"


async def test_oversized_upload_is_refused_while_streaming(settings: Settings, tmp_path: Path) -> None:
    small = settings.model_copy(update={"max_upload_mb": 0.05})
    app = _app(small)
    consumed = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal consumed
        boundary = b"--xyz\r\n"
        yield boundary + b'Content-Disposition: form-data; name="kind"\r\n\r\ncv\r\n'
        yield boundary + b'Content-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
        for _ in range(1000):  # 8 MB if it were all read
            consumed += 1
            yield b"x" * 8192
        yield b"\r\n--xyz--\r\n"

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            user = await sign_up(client)
            response = await client.post(
                "/api/v1/documents",
                content=body(),
                headers={**user.headers, "content-type": "multipart/form-data; boundary=xyz"},
            )
            assert response.status_code == 413
            assert response.json()["code"] == "document_too_large"
            assert "MB" in response.json()["detail"]
            # Refused at about the limit (50 KB = 7 chunks), not after reading all 8 MB.
            assert consumed < 20
            declared = await client.post(
                "/api/v1/documents",
                content=b"x" * 10,
                headers={
                    **user.headers,
                    "content-type": "multipart/form-data; boundary=xyz",
                    "content-length": "99999999",
                },
            )
            assert declared.status_code == 413


def _app(settings: Settings) -> FastAPI:
    from candor.main import create_app

    return create_app(settings)


async def test_a_document_that_takes_too_long_is_stopped(settings: Settings) -> None:
    # About 1 MB of CV-shaped text takes the parser seconds; the deadline stops it well before.
    entry = "Software Engineer, Acme Corp, Jan 2019 - Present\n- Built services with Python\n"
    slow = ("Jane Doe\njane@example.com\n\nEXPERIENCE\n" + entry * 12000).encode()
    app = _app(settings.model_copy(update={"parse_timeout_seconds": 0.3}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            user = await sign_up(client)
            response = await upload(client, user, slow, "slow.txt", content_type="text/plain")
            assert response.status_code == 422
            assert response.json()["code"] == "parse_timeout"
            # The worker was replaced: an ordinary CV still parses under the same deadline.
            assert (await upload(client, user, CV_PDF.read_bytes())).status_code == 201


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"data": {"kind": "cv"}}, 422),  # neither file nor text
        ({"data": {"kind": "resume"}, "files": {"file": ("cv.txt", b"x", "text/plain")}}, 422),
        ({"files": {"file": ("cv.txt", b"Jane Doe", "text/plain")}}, 422),  # no kind
        ({"content": b"kind=cv", "headers": {"content-type": "text/plain"}}, 415),
        (
            {"content": b"kind=cv&text=", "headers": {"content-type": "application/x-www-form-urlencoded"}},
            422,
        ),
        (
            {"content": b"--b\r\nnonsense", "headers": {"content-type": "multipart/form-data; boundary=b"}},
            422,
        ),
        ({"content": b"[1, 2]", "headers": {"content-type": "application/json"}}, 422),
        ({"content": b"{oops", "headers": {"content-type": "application/json"}}, 422),
    ],
)
async def test_malformed_upload_requests(
    client: httpx.AsyncClient, user: SignedIn, kwargs: dict[str, object], status: int
) -> None:
    extra = kwargs.get("headers", {})
    assert isinstance(extra, dict)
    rest = {k: v for k, v in kwargs.items() if k != "headers"}
    response = await client.post(
        "/api/v1/documents",
        headers={**user.headers, **extra},
        **rest,  # type: ignore[arg-type]  # httpx's keyword types; each case is a valid combination
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"]


async def test_other_users_documents_do_not_exist(client: httpx.AsyncClient, user: SignedIn) -> None:
    doc = (await upload(client, user, CV_PDF.read_bytes())).json()
    intruder = await sign_up(client)
    base = f"/api/v1/documents/{doc['id']}"
    for method, url, body in [
        ("GET", base, None),
        ("GET", f"{base}/file", None),
        ("PATCH", base, {"name": "Mallory"}),
        ("DELETE", base, None),
    ]:
        response = await client.request(method, url, json=body, headers=intruder.headers)
        assert response.status_code == 404, (method, url)
        assert response.json()["code"] == "document_not_found"
    assert (await client.get("/api/v1/documents", headers=intruder.headers)).json() == []
    # A document id that exists nowhere gives the very same answer.
    missing = await client.get(
        "/api/v1/documents/00000000-0000-0000-0000-000000000000", headers=intruder.headers
    )
    assert missing.json()["detail"] == (await client.get(base, headers=intruder.headers)).json()["detail"]
    # And the owner still has it, untouched.
    assert (await client.get(base, headers=user.headers)).json()["parse"]["name"] == "Bruce Wayne"


async def test_shared_blobs_survive_until_the_last_document_goes(
    client: httpx.AsyncClient, user: SignedIn, settings: Settings
) -> None:
    data = CV_PDF.read_bytes()
    other = await sign_up(client)
    mine = (await upload(client, user, data)).json()
    theirs = (await upload(client, other, data)).json()
    assert mine["sha256"] == theirs["sha256"]
    assert len(stored_blobs(settings)) == 1

    assert (await client.delete(f"/api/v1/documents/{mine['id']}", headers=user.headers)).status_code == 204
    assert len(stored_blobs(settings)) == 1
    assert (await client.get(f"/api/v1/documents/{theirs['id']}/file", headers=other.headers)).content == data

    assert (
        await client.delete(f"/api/v1/documents/{theirs['id']}", headers=other.headers)
    ).status_code == 204
    assert stored_blobs(settings) == []


async def test_deleting_the_account_deletes_its_documents_and_files(
    client: httpx.AsyncClient, user: SignedIn, settings: Settings
) -> None:
    await upload(client, user, CV_PDF.read_bytes())
    await upload(client, user, JOB_PDF.read_bytes(), "job.pdf", kind="job")
    assert len(stored_blobs(settings)) == 2
    gone = await client.request(
        "DELETE", "/api/v1/auth/me", json={"password": PASSWORD}, headers=user.headers
    )
    assert gone.status_code == 204
    assert stored_blobs(settings) == []
