"""The `candor` command."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from alembic.config import Config

from candor.core.config import Settings

if TYPE_CHECKING:
    from candor.documents.schemas import CVParse, JobParse
    from candor.interviewer import Assessment, TurnRecord

app = typer.Typer(help="Candor: self-hostable AI interview practice.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo data.", no_args_is_help=True)
app.add_typer(db_app, name="db")
audio_app = typer.Typer(help="Recorded answers.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")
app.add_typer(audio_app, name="audio")

ROOT = Path(__file__).resolve().parents[2]


def _alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("sqlalchemy.url", url or Settings().resolved_database_url)
    return cfg


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations (to the latest by default)."""
    from alembic import command

    Settings().data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(_alembic_config(), revision)


@db_app.command("check")
def db_check() -> None:
    """Fail if the models and the migrations disagree."""
    from alembic import command

    command.check(_alembic_config())


@demo_app.command("load")
def demo_load() -> None:
    """Create the demo candidate account with a sample CV and job description (idempotent)."""
    from candor.demo import load_demo

    login = asyncio.run(load_demo(Settings()))
    state = "created" if login.created else "already there"
    typer.echo(f"Demo account {state}. Sign in as {login.email} / {login.password}")


@audio_app.command("purge")
def audio_purge() -> None:
    """Delete recordings past the retention period (CANDOR_SPEECH_AUDIO_RETENTION_DAYS) and orphaned audio."""
    from candor.core.db import Database
    from candor.interviews.retention import purge_audio

    async def run() -> None:
        settings = Settings()
        db = Database(settings.resolved_database_url)
        try:
            purged = await purge_audio(db, settings)
        finally:
            await db.dispose()
        typer.echo(f"Deleted {purged.rows} expired recordings and {purged.files} audio files.")

    asyncio.run(run())


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1)] = 1,
    reload: bool = False,
) -> None:
    """Serve the web app and API."""
    import uvicorn

    uvicorn.run(
        "candor.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        access_log=False,
    )


@app.command()
def worker(concurrency: Annotated[int, typer.Option(min=1)] = 2) -> None:
    """Run a Celery worker for background jobs (needs CANDOR_REDIS_URL)."""
    if not Settings().redis_url:
        typer.echo("error: set CANDOR_REDIS_URL; without it, jobs run inside `candor serve`.", err=True)
        raise typer.Exit(2)
    from candor.worker.celery_app import app as celery_app

    celery_app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}"])


def _load_parse(path: Path, kind: str) -> dict[str, object]:
    from candor.core.errors import AppError
    from candor.documents.detection import detect_format
    from candor.documents.parsing import parse_document
    from candor.documents.schemas import DocumentKind

    settings = Settings()
    try:
        if path.stat().st_size > settings.max_upload_bytes:
            typer.echo(f"error: {path} is larger than {settings.max_upload_mb:g} MB", err=True)
            raise typer.Exit(2)
        data = path.read_bytes()
        return parse_document(
            data, detect_format(data, path.name), DocumentKind(kind), settings.max_pages
        ).parse
    except AppError as exc:
        typer.echo(f"error: {path}: {exc.title}. {exc.detail}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None


@app.command()
def assess(
    transcript: Path,
    cv: Annotated[
        Path | None, typer.Option(help="The candidate's CV, for CV improvements and role fit.")
    ] = None,
    job: Annotated[Path | None, typer.Option(help="The job description.")] = None,
    built_in: Annotated[
        bool,
        typer.Option("--built-in", help="Use the built-in assessor even when CANDOR_LLM_PROVIDERS is set."),
    ] = False,
) -> None:
    """Score any interview transcript: a JSON list of {question, answer, reference_answer?}. With
    CANDOR_LLM_PROVIDERS set, the models score it (checked against the transcript), as the server does."""
    from pydantic import TypeAdapter, ValidationError

    from candor.documents.schemas import CVParse, JobParse
    from candor.interviewer import TurnRecord

    try:
        turns = TypeAdapter(list[TurnRecord]).validate_json(transcript.read_bytes())
    except OSError as exc:
        typer.echo(f"error: cannot read {transcript}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    except ValidationError as exc:
        typer.echo(
            f"error: {transcript} is not a list of {{question, answer}} objects: {exc.errors()[0]['msg']}",
            err=True,
        )
        raise typer.Exit(2) from None
    cv_parse = CVParse.model_validate(_load_parse(cv, "cv")) if cv else None
    job_parse = JobParse.model_validate(_load_parse(job, "job")) if job else None
    result = asyncio.run(_assess(turns, cv_parse, job_parse, built_in=built_in))
    sys.stdout.write(result.model_dump_json(indent=2) + "\n")


async def _assess(
    turns: list[TurnRecord], cv: CVParse | None, job: JobParse | None, *, built_in: bool
) -> Assessment:
    from candor.interviews.judge import assess_transcript
    from candor.providers.llm.factory import open_llm_chain

    async with open_llm_chain([] if built_in else Settings().assessors) as model:
        return (await assess_transcript(turns, cv, job, model)).assessment


@app.command()
def practice(
    cv: Annotated[Path, typer.Option(help="Your CV (PDF, DOCX, TXT or MD).")],
    job: Annotated[Path, typer.Option(help="The job description.")],
    answers: Annotated[
        Path | None, typer.Option(help="Scripted answers, one per blank-line-separated paragraph.")
    ] = None,
    questions: Annotated[int, typer.Option(min=3, max=20)] = 8,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the questions and assessment as JSON.")
    ] = False,
    built_in: Annotated[
        bool,
        typer.Option("--built-in", help="Use only the built-in interviewer even when models are configured."),
    ] = False,
) -> None:
    """Hold a whole interview in the terminal, then see the assessment. With CANDOR_LLM_PROVIDERS set, a
    model puts the questions into words and scores the answers, as in the web app."""
    from candor.cli_practice import run_practice

    scripted = None
    if answers is not None:
        try:
            scripted = [p.strip() for p in answers.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        except OSError as exc:
            typer.echo(f"error: cannot read {answers}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
    settings = Settings()
    providers = [] if built_in else settings.llm_providers
    run_practice(
        _load_parse(cv, "cv"),
        _load_parse(job, "job"),
        questions,
        scripted,
        as_json,
        providers,
        model_assesses=bool(settings.assessors),
    )


@app.command("parse-cv")
def parse_cv(path: Path) -> None:
    """Print the structured parse of a CV (PDF, DOCX, TXT or MD) as JSON."""
    sys.stdout.write(json.dumps(_load_parse(path, "cv"), indent=2, ensure_ascii=False) + "\n")


@app.command("parse-job")
def parse_job(path: Path) -> None:
    """Print the structured parse of a job description as JSON."""
    sys.stdout.write(json.dumps(_load_parse(path, "job"), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    app()
