"""Signing up, in and out through the HTML forms, with CSRF, and the redirect when signed out."""

from __future__ import annotations

import httpx
import pytest

from tests.web.helpers import PASSWORD, XSS, assert_safe_page, form_token, signup


async def test_signed_out_pages_redirect_to_login(client: httpx.AsyncClient) -> None:
    for path in ("/app", "/app/history", "/app/settings", "/app/interviews/new"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"


async def test_landing_and_forms_render(client: httpx.AsyncClient) -> None:
    for path in ("/", "/signup", "/login"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        await assert_safe_page(client, response.text)
    assert "Start practising" in (await client.get("/")).text


async def test_signup_signs_in_and_logout_signs_out(client: httpx.AsyncClient) -> None:
    await signup(client)
    dashboard = await client.get("/app")
    assert dashboard.status_code == 200
    assert "Hello, Ada" in dashboard.text
    out = await client.post("/logout", data={"csrf_token": form_token(dashboard.text)})
    assert out.status_code == 303
    assert out.headers["location"] == "/"
    assert (await client.get("/app")).status_code == 303


async def test_a_form_without_its_csrf_token_is_refused(client: httpx.AsyncClient) -> None:
    await client.get("/signup")
    data = {"email": "eve@example.com", "password": PASSWORD}
    refused = await client.post("/signup", data=data)
    assert refused.status_code in (403, 422)
    assert refused.headers["content-type"].startswith("text/html")
    forged = await client.post("/signup", data={**data, "csrf_token": "forged.token"})
    assert forged.status_code == 403
    assert "Reload the page" in forged.text
    assert (await client.get("/app")).status_code == 303


async def test_logout_needs_the_token(client: httpx.AsyncClient) -> None:
    await signup(client)
    assert (await client.post("/logout", data={"csrf_token": "nope"})).status_code == 403
    assert (await client.get("/app")).status_code == 200


async def test_wrong_password_is_shown_inline_keeping_the_email(client: httpx.AsyncClient) -> None:
    await signup(client)
    await client.post("/logout", data={"csrf_token": client.cookies["candor_csrf"]})
    page = await client.get("/login?next=/app/history")
    wrong = await client.post(
        "/login",
        data={
            "email": "ada@example.com",
            "password": "not-the-password",
            "csrf_token": form_token(page.text),
            "next": "/app/history",
        },
    )
    assert wrong.status_code == 401
    assert "do not match an account" in wrong.text
    assert 'value="ada@example.com"' in wrong.text
    assert "not-the-password" not in wrong.text
    right = await client.post(
        "/login",
        data={
            "email": "ada@example.com",
            "password": PASSWORD,
            "csrf_token": form_token(page.text),
            "next": "/app/history",
        },
    )
    assert right.status_code == 303
    assert right.headers["location"] == "/app/history"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/app"])
async def test_login_never_redirects_off_site(client: httpx.AsyncClient, target: str) -> None:
    await signup(client)
    token = client.cookies["candor_csrf"]
    response = await client.post(
        "/login", data={"email": "ada@example.com", "password": PASSWORD, "csrf_token": token, "next": target}
    )
    assert response.headers["location"] == "/app"


async def test_email_taken_and_bad_input_keep_what_was_typed(client: httpx.AsyncClient) -> None:
    await signup(client)
    client.cookies.clear()
    page = await client.get("/signup")
    token = form_token(page.text)
    taken = await client.post(
        "/signup",
        data={"email": "ada@example.com", "password": PASSWORD, "display_name": XSS, "csrf_token": token},
    )
    assert taken.status_code == 409
    assert "already exists" in taken.text
    await assert_safe_page(client, taken.text)
    short = await client.post(
        "/signup", data={"email": "bob@example.com", "password": "short", "csrf_token": token}
    )
    assert short.status_code == 422
    assert "at least 10 characters" in short.text
    assert 'value="bob@example.com"' in short.text


async def test_throttled_sign_in_says_how_long_to_wait(client: httpx.AsyncClient) -> None:
    await signup(client)
    client.cookies.delete("candor_access")
    client.cookies.delete("candor_refresh")
    token = form_token((await client.get("/login")).text)
    last = None
    for _ in range(6):
        last = await client.post(
            "/login", data={"email": "ada@example.com", "password": "wrong-password", "csrf_token": token}
        )
    assert last is not None
    assert last.status_code == 429
    assert "Too many failed attempts" in last.text


async def test_an_expired_access_cookie_is_renewed_from_the_refresh_cookie(client: httpx.AsyncClient) -> None:
    await signup(client)
    client.cookies.delete("candor_access")
    page = await client.get("/app")
    assert page.status_code == 200
    assert "candor_access" in page.headers.get("set-cookie", "")
    assert form_token(page.text) == client.cookies["candor_csrf"]


async def test_unknown_app_pages_are_html_404s(client: httpx.AsyncClient) -> None:
    await signup(client)
    for path in ("/app/nothing-here", "/app/interviews/not-a-uuid", f"/app/interviews/{'0' * 32}"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "Error 404" in response.text
