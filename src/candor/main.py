"""The application factory: settings, database, routers, middleware and error handlers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from candor import __version__
from candor.accounts.api import router as auth_router
from candor.core.config import Settings
from candor.core.db import Database
from candor.core.deps import DatabaseDep
from candor.core.errors import AppError
from candor.core.handlers import install_error_handlers
from candor.core.logging import configure_logging
from candor.core.middleware import RequestContextMiddleware
from candor.documents.api import router as documents_router
from candor.interviews.api import router as interviews_router
from candor.interviews.retention import purge_periodically
from candor.interviews.service import ASSESS_JOB
from candor.interviews.tasks import assess_interview, resume_unfinished
from candor.interviews.ws import router as live_router
from candor.providers.llm.factory import build_llm_chain
from candor.speech.api import router as speech_router
from candor.speech.engines import SpeechEngines
from candor.web.errors import install_page_errors
from candor.web.pages import router as pages_router
from candor.web.pages import static_dir
from candor.worker.queue import InProcessQueue


class NotReady(AppError):
    status = 503
    code = "not_ready"
    title = "Not ready"


def _tune_garbage_collector() -> None:
    """What exists once the app has started (modules, classes, the app) lives as long as the process: keep it
    out of the collector's full sweeps, which otherwise walk all of it and stopped the event loop for
    130-190 ms four times a minute at 500 live interviews. And collect the youngest objects less often:
    most of a turn's objects are gone by then, so fewer live on into the generations whose sweeps are long."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = app.state.db = Database(settings.resolved_database_url)
        llm = app.state.llm = build_llm_chain(settings.llm_providers)
        # Cheap to build: models load on first use, and a machine without them reports why.
        speech = app.state.speech = SpeechEngines.from_settings(settings)
        local = InProcessQueue()
        assessor = llm if settings.assessors else None
        local.register(ASSESS_JOB, lambda interview_id: assess_interview(db, interview_id, assessor))
        if settings.redis_url:
            from candor.worker.celery_app import CeleryQueue, configure

            app.state.jobs = CeleryQueue(configure(settings.redis_url, settings.resolved_database_url))
        else:
            app.state.jobs = local
        await resume_unfinished(db, app.state.jobs.enqueue)
        purging = asyncio.create_task(purge_periodically(db, settings))
        if settings.env != "test":  # a test process builds many apps; each would freeze its garbage
            _tune_garbage_collector()
        try:
            yield
        finally:
            purging.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purging  # let a purge in flight roll back before the engine goes away
            await local.drain()
            if llm is not None:
                await llm.aclose()
            await speech.aclose()
            await db.dispose()

    app = FastAPI(
        title="Candor",
        version=__version__,
        summary="Self-hostable AI interview practice and screening.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_page_errors(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(auth_router)
    app.include_router(documents_router)
    app.include_router(interviews_router)
    app.include_router(live_router)
    app.include_router(speech_router)
    app.include_router(pages_router)
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")
    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Candor API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon-32x32.png",
        )

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], responses={503: {"description": "Database unreachable"}})
    async def readyz(db: DatabaseDep) -> dict[str, str]:
        """The database answers."""
        try:
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            raise NotReady("The database is not reachable.") from exc
        return {"status": "ready", "database": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
