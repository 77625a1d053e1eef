"""The app the HTTP bench serves: Candor as configured by `CANDOR_*`, plus a bare Starlette baseline route.

The baseline runs in the same process, behind the same middleware, so the difference between it and
`/api/v1/auth/me` is what the endpoint itself costs: dependencies, token check, query, serialisation.
Served with `uvicorn --factory bench.server:create_app`.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse

from candor.core.config import Settings

BASELINE_PATH = "/__bench/baseline"


async def baseline(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


def create_app() -> FastAPI:
    # Imported here so the bench's own process, which only needs BASELINE_PATH, never builds the app.
    from candor.main import create_app as create_candor_app

    app = create_candor_app(Settings())
    app.add_route(BASELINE_PATH, baseline, methods=["GET"], include_in_schema=False)
    return app
