"""Page routes answer in HTML: errors become a readable page, a missing sign-in becomes a redirect.

The API's handlers render problem+json for the whole app; `PageRoute` converts errors raised by page routes
before they reach those handlers. Because it catches them, it also undoes the request's unit of work itself
(the session dependency would otherwise see a clean exit and commit).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException as StarletteHTTPException

from candor.core.db import discard
from candor.core.errors import AppError, TooManyRequests
from candor.web.templating import templates


class LoginRequired(Exception):
    """Raised by the page dependency when nobody is signed in; becomes a redirect to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def remember_session(request: Request, session: AsyncSession) -> None:
    """Let `PageRoute` roll this request's session back if the page fails."""
    request.state.page_session = session


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "error.html", {"title": title, "detail": detail, "status": status}, status_code=status
    )


def _validation_page(request: Request, exc: RequestValidationError) -> HTMLResponse:
    if any(str(e.get("loc", ("",))[0]) == "path" for e in exc.errors()):
        return error_page(request, 404, "Not found", "There is nothing at this address.")
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
                response = RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)
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
                    response = error_page(request, 404, "Not found", "There is nothing at this address.")
                else:
                    response = error_page(request, exc.status_code, "Something went wrong", str(exc.detail))
            jar: Response | None = getattr(request.state, "cookie_jar", None)
            if jar is not None:
                response.headers.raw.extend(h for h in jar.headers.raw if h[0] == b"set-cookie")
            return response

        return page_handler
