"""Health, readiness, problem+json for unknown routes, request ids, security headers, OpenAPI."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from candor.core.db import Database


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


async def test_readiness_fails_when_the_database_is_gone(client: httpx.AsyncClient, app: FastAPI) -> None:
    await app.state.db.dispose()
    app.state.db = Database("sqlite+aiosqlite:////nonexistent/dir/candor.db")
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["code"] == "not_ready"


async def test_unknown_route_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    given = await client.get("/healthz", headers={"x-request-id": "abc123"})
    assert given.headers["x-request-id"] == "abc123"
    made = await client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32


async def test_pages_carry_security_headers(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_docs_are_served_offline(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text
    asset = await client.get("/static/swagger/swagger-ui-bundle.js")
    assert asset.status_code == 200


async def test_openapi_declares_error_responses(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    login = spec["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert {"401", "429", "422"} <= set(login)
    upload = spec["paths"]["/api/v1/documents"]["post"]
    assert {"413", "415", "422", "401"} <= set(upload["responses"])
    assert "multipart/form-data" in upload["requestBody"]["content"]
