"""Page routes answer in HTML: errors become a readable page, a missing sign-in becomes a redirect.

The API's handlers render problem+json for the whole app; `PageRoute` converts errors raised by page routes
before they reach those handlers. Because it catches them, it also undoes the request's unit of work itself
(the session dependency would otherwise see a clean exit and commit).

A request made by htmx (header `HX-Request`) gets the same errors as a fragment for the page's alert area,
and a missing sign-in as an `HX-Redirect`, since a fragment cannot follow a redirect to the login page.

Addresses no route serves are answered by the app's own handler; `install_page_errors` makes it show the
HTML page to a browser that asked for HTML (anywhere outside /api), and leave problem+json to everyone else.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException as StarletteHTTPException

from candor.core.db import discard
from candor.core.errors import AppError, TooManyRequests
from candor.core.handlers import http_error_handler
from candor.web.templating import templates

# Where a page puts what went wrong with an htmx request (see base.html).
ALERT_TARGET = "#page-alert"


class LoginRequired(Exception):
    """Raised by the page dependency when nobody is signed in; becomes a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def remember_session(request: Request, session: AsyncSession) -> None:
    """Let `PageRoute` roll this request's session back if the page fails."""
    request.state.page_session = session


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def wants_html(request: Request) -> bool:
    """A browser loading a page: it lists text/html among what it accepts. API clients do not."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith("/api/")


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    if is_htmx(request):
        fragment = templates.TemplateResponse(
            request, "_alert.html", {"title": title, "detail": detail}, status_code=status
        )
        fragment.headers["hx-retarget"] = ALERT_TARGET
        fragment.headers["hx-reswap"] = "innerHTML"
        return fragment
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "detail": detail, "status": status}, status_code=status
    )


def not_found_page(request: Request) -> HTMLResponse:
    return error_page(request, 404, "Page not found", "There is nothing at this address.")


async def http_error(request: Request, exc: Exception) -> Response:
    """The app-wide handler for HTTP errors no route turned into a page (an unknown address, a method
    the address does not take): the HTML page for a browser, problem+json for an API client."""
    assert isinstance(exc, StarletteHTTPException)
    if not wants_html(request):
        return await http_error_handler(request, exc)
    if exc.status_code == 404:
        page = not_found_page(request)
    elif exc.status_code == 405:
        detail = "This address cannot be opened like that. Use the links and buttons on the pages."
        page = error_page(request, 405, "Not available", detail)
    else:
        page = error_page(request, exc.status_code, "Something went wrong", str(exc.detail))
    page.headers.update(exc.headers or {})
    return page


def install_page_errors(app: FastAPI) -> None:
    """Let browsers see HTML error pages at any address. Call after `install_error_handlers`."""
    app.add_exception_handler(StarletteHTTPException, http_error)


def _login_redirect(request: Request, next_path: str) -> Response:
    target = f"/login?next={quote(next_path, safe='/')}"
    if is_htmx(request):
        # Come back to the page the fragment was on, not to the fragment's own address.
        current = request.headers.get("hx-current-url", "")
        page = urlsplit(current).path if current else ""
        if page.startswith("/app"):
            target = f"/login?next={quote(page, safe='/')}"
        return Response(status_code=204, headers={"hx-redirect": target})
    return RedirectResponse(target, status_code=303)


def _validation_page(request: Request, exc: RequestValidationError) -> HTMLResponse:
    if any(str(e.get("loc", ("",))[0]) == "path" for e in exc.errors()):
        return not_found_page(request)
    return error_page(
        request, 422, "Something in the form is not right", "Go back, check the fields and try again."
    )


async def _discard(request: Request) -> None:
    session: AsyncSession | None = getattr(request.state, "page_session", None)
    if session is not None:
        await discard(session)


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            response: Response
            try:
                response = await handler(request)
            except LoginRequired as exc:
                await _discard(request)
                response = _login_redirect(request, exc.next_path)
            except AppError as exc:
                await _discard(request)
                response = error_page(request, exc.status, exc.title, exc.detail)
                if isinstance(exc, TooManyRequests):
                    response.headers["retry-after"] = str(exc.retry_after)
            except RequestValidationError as exc:
                await _discard(request)
                response = _validation_page(request, exc)
            except StarletteHTTPException as exc:
                await _discard(request)
                if exc.status_code == 404:
                    response = not_found_page(request)
                else:
                    response = error_page(request, exc.status_code, "Something went wrong", str(exc.detail))
            jar: Response | None = getattr(request.state, "cookie_jar", None)
            if jar is not None:
                response.headers.raw.extend(h for h in jar.headers.raw if h[0] == b"set-cookie")
            return response

        return page_handler
