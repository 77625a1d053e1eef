"""Accounts through the public API: sign-up, sign-in, rotation, sign-out, throttling, deletion."""

from __future__ import annotations

import httpx
import pytest

from tests.factories.accounts import PASSWORD, sign_up

PROBLEM = "application/problem+json"


async def test_signup_then_me(client: httpx.AsyncClient) -> None:
    user = await sign_up(client, "Ada@Example.com")
    me = await client.get("/api/v1/auth/me", headers=user.headers)
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"
    assert me.json()["role"] == "candidate"
    assert me.json()["display_name"] == "ada"


async def test_signup_twice_with_same_email_in_other_case_conflicts(client: httpx.AsyncClient) -> None:
    await sign_up(client, "bob@example.com")
    again = await client.post("/api/v1/auth/signup", json={"email": "BOB@example.com", "password": PASSWORD})
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    assert again.json()["code"] == "email_taken"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "role": "admin"}, "role"),
        ({"email": "a@example.com"}, "password"),
    ],
)
async def test_signup_rejects_bad_input_with_a_problem(
    client: httpx.AsyncClient, payload: dict[str, str], field: str
) -> None:
    response = await client.post("/api/v1/auth/signup", json=payload)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "invalid_input"
    assert any(field in e["loc"] for e in body["errors"])


async def test_malformed_json_body_is_a_problem_not_a_crash(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


async def test_login_with_wrong_password_and_unknown_email_look_the_same(client: httpx.AsyncClient) -> None:
    await sign_up(client, "carol@example.com")
    wrong = await client.post("/api/v1/auth/login", json={"email": "carol@example.com", "password": "nope"})
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_login_returns_working_tokens(client: httpx.AsyncClient) -> None:
    await sign_up(client, "dan@example.com")
    login = await client.post("/api/v1/auth/login", json={"email": "dan@example.com", "password": PASSWORD})
    assert login.status_code == 200
    token = login.json()["tokens"]["access_token"]
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == "dan@example.com"


async def test_refresh_rotates_and_reuse_revokes_the_whole_family(client: httpx.AsyncClient) -> None:
    user = await sign_up(client)
    first = await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert first.status_code == 200
    second_pair = first.json()["tokens"]
    assert second_pair["refresh_token"] != user.refresh_token

    # The old refresh token is presented again: someone replayed it.
    replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert replay.status_code == 401
    assert replay.json()["code"] == "invalid_refresh_token"

    # Every token of that login is now dead, including the newest pair.
    newer = await client.post("/api/v1/auth/refresh", json={"refresh_token": second_pair["refresh_token"]})
    assert newer.status_code == 401
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {second_pair['access_token']}"}
    )
    assert me.status_code == 401


async def test_logout_kills_access_and_refresh_tokens(client: httpx.AsyncClient) -> None:
    user = await sign_up(client)
    out = await client.post("/api/v1/auth/logout", headers=user.headers)
    assert out.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=user.headers)).status_code == 401
    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": user.refresh_token})
    assert refresh.status_code == 401


async def test_logout_of_one_session_leaves_others_signed_in(client: httpx.AsyncClient) -> None:
    user = await sign_up(client)
    other = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    await client.post("/api/v1/auth/logout", headers=user.headers)
    token = other.json()["tokens"]["access_token"]
    assert (
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    ).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-jwt", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."],
)
async def test_garbage_tokens_are_401(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get("/api/v1/auth/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM


async def test_no_credentials_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


async def test_repeated_failures_lock_the_account_with_retry_after(client: httpx.AsyncClient) -> None:
    user = await sign_up(client)
    for _ in range(5):
        bad = await client.post(
            "/api/v1/auth/login", json={"email": user.email, "password": "wrong password"}
        )
        assert bad.status_code == 401
    locked = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert locked.json()["code"] == "login_throttled"


async def test_failures_from_one_ip_across_accounts_are_throttled(client: httpx.AsyncClient) -> None:
    for i in range(30):
        response = await client.post(
            "/api/v1/auth/login", json={"email": f"probe{i}@example.com", "password": "guess"}
        )
        assert response.status_code == 401
    blocked = await client.post(
        "/api/v1/auth/login", json={"email": "probe-next@example.com", "password": "x"}
    )
    assert blocked.status_code == 429


async def test_cookie_session_requires_csrf_for_writes(client: httpx.AsyncClient) -> None:
    signup = await client.post(
        "/api/v1/auth/signup",
        json={"email": "web@example.com", "password": PASSWORD, "session": "cookie"},
    )
    assert signup.status_code == 201
    body = signup.json()
    assert body["tokens"] is None
    csrf = body["csrf_token"]
    set_cookies = signup.headers.get_list("set-cookie")
    assert any(c.startswith("candor_access=") and "HttpOnly" in c for c in set_cookies)
    assert any(c.startswith("candor_refresh=") and "HttpOnly" in c for c in set_cookies)

    # Reads work with the cookie alone.
    assert (await client.get("/api/v1/auth/me")).status_code == 200
    # A write without the CSRF header is refused; with it, it goes through.
    refused = await client.patch("/api/v1/auth/me", json={"display_name": "Web"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    forged = await client.patch(
        "/api/v1/auth/me", json={"display_name": "Web"}, headers={"x-csrf-token": "a.b"}
    )
    assert forged.status_code == 403
    ok = await client.patch("/api/v1/auth/me", json={"display_name": "Web"}, headers={"x-csrf-token": csrf})
    assert ok.status_code == 200
    assert ok.json()["display_name"] == "Web"

    # Cookie refresh also needs the CSRF header, and rotates the cookies.
    assert (await client.post("/api/v1/auth/refresh", json={})).status_code == 403
    rotated = await client.post("/api/v1/auth/refresh", json={}, headers={"x-csrf-token": csrf})
    assert rotated.status_code == 200
    new_csrf = rotated.json()["csrf_token"]
    out = await client.post("/api/v1/auth/logout", headers={"x-csrf-token": new_csrf})
    assert out.status_code == 204
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_delete_account_needs_the_password_and_removes_everything(client: httpx.AsyncClient) -> None:
    user = await sign_up(client)
    wrong = await client.request(
        "DELETE", "/api/v1/auth/me", json={"password": "not it at all"}, headers=user.headers
    )
    assert wrong.status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=user.headers)).status_code == 200

    gone = await client.request(
        "DELETE", "/api/v1/auth/me", json={"password": PASSWORD}, headers=user.headers
    )
    assert gone.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=user.headers)).status_code == 401
    login = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 401
    # The email is free again.
    await sign_up(client, user.email)
