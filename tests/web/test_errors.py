"""Errors as a person meets them: an HTML page for a browser, problem+json for an API client, and for
htmx requests a fragment (or a redirect header) the page can show."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.web.helpers import form_token, signup

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/app/settings"}


async def test_a_browser_gets_the_html_page_at_any_unknown_address(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    for path in ("/nothing-here", "/static/nothing.css", "/app/nothing-here"):
        page = await client.get(path, headers=BROWSER)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert "<h1>Page not found</h1>" in page.text
        assert "Error 404" in page.text
    wrong_method = await client.get("/logout", headers=BROWSER)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["content-type"].startswith("text/html")
    assert "cannot be opened like that" in wrong_method.text
    assert wrong_method.headers["allow"] == "POST"


async def test_api_clients_still_get_problem_json(app: FastAPI, client: httpx.AsyncClient) -> None:
    for path, headers in (
        ("/nothing-here", {"Accept": "application/json"}),
        ("/nothing-here", {}),
        ("/api/v1/nothing-here", BROWSER),  # under /api, always the API's answer
    ):
        response = await client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"


async def test_the_icon_is_served_and_linked(client: httpx.AsyncClient) -> None:
    icon = await client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content == (await client.get("/static/favicon.svg")).content
    assert '<link rel="icon" href="/static/favicon.svg"' in (await client.get("/")).text


async def test_htmx_requests_are_sent_to_sign_in_by_a_header(client: httpx.AsyncClient) -> None:
    response = await client.post("/app/settings/profile", data={"display_name": "Eve"}, headers=HTMX)
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/login?next=/app/settings"
    plain = await client.post("/app/settings/profile", data={"display_name": "Eve"})
    assert plain.status_code == 303
    assert plain.headers["location"] == "/login?next=/app/settings/profile"


async def test_htmx_errors_go_to_the_page_alert(client: httpx.AsyncClient) -> None:
    await signup(client)
    page = await client.get("/app/settings")
    expired = await client.post(
        "/app/settings/profile", data={"display_name": "Eve", "csrf_token": "forged"}, headers=HTMX
    )
    assert expired.status_code == 403
    assert expired.headers["hx-retarget"] == "#page-alert"
    assert expired.headers["hx-reswap"] == "innerHTML"
    assert "<html" not in expired.text
    assert "Reload the page and try again." in expired.text
    assert 'id="page-alert"' in page.text
    saved = await client.post(
        "/app/settings/profile",
        data={"display_name": "Eve", "csrf_token": form_token(page.text)},
        headers=HTMX,
    )
    assert saved.status_code == 200
    assert "hx-retarget" not in saved.headers
    assert '<p id="profile-status" hx-swap-oob="innerHTML">Saved.</p>' in saved.text
    assert (await client.get("/api/v1/auth/me")).json()["display_name"] == "Eve"
