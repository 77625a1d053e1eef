"""Signing in through the HTML forms, and what every page must (not) contain."""

from __future__ import annotations

import re

import httpx

XSS = "<script>alert(1)</script>"
PASSWORD = "correct-horse-battery"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
_ASSETS = re.compile(r'(?:src|href)="(/static/[^"]+\.(?:js|css))"')
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


def form_token(html: str) -> str:
    found = _CSRF_FIELD.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def signup(client: httpx.AsyncClient, email: str = "ada@example.com", name: str = "Ada") -> None:
    page = await client.get("/signup")
    response = await client.post(
        "/signup",
        data={
            "email": email,
            "password": PASSWORD,
            "display_name": name,
            "csrf_token": form_token(page.text),
        },
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/app/interviews/new"


def api_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies["candor_csrf"]}


async def assert_safe_page(client: httpx.AsyncClient, html: str) -> None:
    """No unescaped injected markup, no inline script or style, and under 150 KB of JS and CSS."""
    assert XSS not in html
    assert "style=" not in html
    for attrs, body in _SCRIPT.findall(html):
        assert "src=" in attrs, "inline script"
        assert not body.strip(), "inline script"
    assert "<style" not in html
    total = 0
    for path in set(_ASSETS.findall(html)):
        asset = await client.get(path)
        assert asset.status_code == 200, path
        total += len(asset.content)
        if path.endswith(".js"):
            for imported in re.findall(r'from "\./([^"]+)"', asset.text):
                total += len((await client.get(path.rsplit("/", 1)[0] + "/" + imported)).content)
    assert total < 150 * 1024
