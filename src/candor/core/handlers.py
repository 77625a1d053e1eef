"""Every error leaves as RFC 9457 problem+json (the web UI will render its own pages from the same tree)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from candor.core.errors import AppError, InvalidInput, Problem, TooManyRequests
from candor.core.logging import log

PROBLEM_JSON = "application/problem+json"


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


async def app_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    headers = {"retry-after": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    return problem_response(exc.to_problem(instance=request.url.path), headers)


async def validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    where = "; ".join(f"{'.'.join(e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in errors[:5])
    err = InvalidInput(f"The request is not valid. {where}", errors=errors)
    return problem_response(err.to_problem(instance=request.url.path))


async def http_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    problem = Problem(
        title=str(exc.detail) if exc.status_code != 404 else "Not found",
        status=exc.status_code,
        detail="There is nothing at this address." if exc.status_code == 404 else str(exc.detail),
        instance=request.url.path,
        code="not_found" if exc.status_code == 404 else f"http_{exc.status_code}",
    )
    return problem_response(problem, dict(exc.headers) if exc.headers else None)


async def unhandled_handler(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled_error", path=request.url.path)
    problem = Problem(
        title="Internal server error",
        status=500,
        detail="Something went wrong on our side. Nothing you sent was lost; please try again.",
        instance=request.url.path,
        code="internal_error",
    )
    return problem_response(problem)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(Exception, unhandled_handler)
