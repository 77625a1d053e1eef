"""Server-rendered pages: the landing page and the candidate's app under /app.

Each route reads what it shows through the same services as the JSON API; the browser then talks to the API
and the live socket directly (static ES modules under /static/js) for uploads, corrections and the interview.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from candor.accounts.api import clear_session_cookies
from candor.accounts.deps import ACCESS_COOKIE, AccountServiceDep
from candor.accounts.errors import InvalidCredentials
from candor.accounts.models import User
from candor.accounts.schemas import UserUpdate
from candor.core.config import Settings
from candor.core.deps import SessionDep, SettingsDep
from candor.core.errors import AppError, InvalidInput, NotFound
from candor.documents.deps import DocumentServiceDep
from candor.documents.schemas import DocumentKind
from candor.documents.service import DocumentService
from candor.interviews.deps import InterviewServiceDep
from candor.interviews.errors import AssessmentNotFound
from candor.interviews.models import Interview, InterviewState, JobState, MessageRole
from candor.interviews.schemas import InterviewCreate, InterviewOptionsIn
from candor.interviews.service import InterviewService
from candor.speech.engines import voice_unavailable
from candor.web.auth import CsrfField, PageUser, check_form_csrf
from candor.web.auth import router as auth_router
from candor.web.charts import LABELS, line_charts, rubric_bars
from candor.web.errors import PageRoute, is_htmx, not_found_page
from candor.web.forms import DIFFICULTIES, KIND_LABELS, LANGUAGES, NewInterviewForm, read_file
from candor.web.preferences import KEY as DEFAULTS_KEY
from candor.web.preferences import InterviewDefaults, defaults_message, interview_defaults
from candor.web.templating import static_dir, templates
from candor.web.views import FeedbackView

__all__ = ["router", "static_dir"]

router = APIRouter(include_in_schema=False, route_class=PageRoute)
router.include_router(auth_router)

STATE_LABELS = {
    "draft": "Being prepared",
    "ready": "Not started",
    "in_progress": "In progress",
    "completed": "Completed",
    "abandoned": "Stopped (no activity)",
    "cancelled": "Cancelled",
}
UNFINISHED = {InterviewState.READY, InterviewState.IN_PROGRESS}
FINISHED = {InterviewState.COMPLETED, InterviewState.ABANDONED}
templates.env.globals["state_label"] = lambda state: STATE_LABELS.get(str(state), str(state))


@router.get("/", response_class=HTMLResponse)
async def landing(request: Request) -> HTMLResponse:
    signed_in = ACCESS_COOKIE in request.cookies
    return templates.TemplateResponse(request, "landing.html", {"signed_in": signed_in})


@router.get("/favicon.ico")
async def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico whatever a page links to; answer with the same icon."""
    return FileResponse(static_dir / "favicon.svg", media_type="image/svg+xml")


def _scores(results: dict[uuid.UUID, dict[str, Any]]) -> dict[uuid.UUID, int]:
    return {iid: int(result["overall"]) for iid, result in results.items() if "overall" in result}


def _rows(interviews: list[Interview], scores: dict[uuid.UUID, int]) -> list[dict[str, Any]]:
    return [
        {
            "id": i.id,
            "title": i.job_title,
            "company": i.company,
            "state": str(i.state),
            "created_at": i.created_at,
            "score": scores.get(i.id),
            "unfinished": i.state in UNFINISHED,
            "finished": i.state in FINISHED,
        }
        for i in interviews
    ]


@router.get("/app", response_class=HTMLResponse)
async def dashboard(request: Request, user: PageUser, interviews: InterviewServiceDep) -> HTMLResponse:
    recent = await interviews.list_owned(user.id, 20, 0)
    results = await interviews.results(recent)
    history: list[tuple[str, dict[str, float]]] = []
    for interview in reversed(recent):
        rubric = results.get(interview.id, {}).get("rubric")
        if interview.state in FINISHED and isinstance(rubric, dict):
            label = f"{interview.job_title}, {interview.created_at:%d %b}"
            history.append((label, {k: float(v) for k, v in rubric.items()}))
    return templates.TemplateResponse(
        request,
        "app/dashboard.html",
        {"user": user, "rows": _rows(recent[:8], _scores(results)), "charts": line_charts(history)},
    )


@router.get("/app/history", response_class=HTMLResponse)
async def history(request: Request, user: PageUser, interviews: InterviewServiceDep) -> HTMLResponse:
    everything = await interviews.list_owned(user.id, 100, 0)
    scores = _scores(await interviews.results(everything))
    return templates.TemplateResponse(
        request, "app/history.html", {"user": user, "rows": _rows(everything, scores)}
    )


def _options_form(defaults: InterviewDefaults) -> NewInterviewForm:
    """The new-interview form filled with a user's default options."""
    return NewInterviewForm(
        kinds=list(defaults.kinds),
        difficulty=defaults.difficulty or "",
        question_count=str(defaults.question_count),
        language=defaults.language,
    )


def _new_page(
    request: Request, user: User, form: NewInterviewForm, error: str | None = None, status: int = 200
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "app/new.html",
        {
            "user": user,
            "form": form,
            "error": error,
            "kinds": KIND_LABELS,
            "difficulties": DIFFICULTIES,
            "languages": LANGUAGES,
        },
        status_code=status,
    )


@router.get("/app/interviews/new", response_class=HTMLResponse)
async def new_interview(request: Request, user: PageUser) -> HTMLResponse:
    return _new_page(request, user, _options_form(interview_defaults(user)))


@router.post("/app/interviews/new", response_class=HTMLResponse)
async def create_interview(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    documents: DocumentServiceDep,
    interviews: InterviewServiceDep,
) -> Response:
    """The form without JavaScript: upload what was attached, create the interview, go to the room.
    Nothing is kept when any step fails, and the form comes back with the reason."""
    async with request.form(max_files=2, max_fields=40, max_part_size=200_000) as raw:
        check_form_csrf(request, str(raw.get("csrf_token") or ""), settings)
        return await _create(request, user, raw, session, settings, documents, interviews)


async def _create(
    request: Request,
    user: User,
    raw: FormData,
    session: AsyncSession,
    settings: Settings,
    documents: DocumentService,
    interviews: InterviewService,
) -> Response:
    form = NewInterviewForm.from_form(raw)
    try:
        async with session.begin_nested():
            options = form.options()
            cv_id = form.cv_document_id
            if cv_id is None:
                cv_file = await read_file(raw, "cv_file", settings.max_upload_bytes)
                if cv_file is None:
                    raise InvalidInput("Choose your CV file (PDF, DOCX, TXT or Markdown).")
                cv = await documents.upload(
                    user.id, DocumentKind.CV, data=cv_file.data, filename=cv_file.filename, text=None
                )
                cv_id = cv.id
            job_id, job_text = form.job_document_id, form.job_text or None
            job_file = await read_file(raw, "job_file", settings.max_upload_bytes)
            if job_id is None and job_file is not None:
                job = await documents.upload(
                    user.id, DocumentKind.JOB, data=job_file.data, filename=job_file.filename, text=None
                )
                job_id, job_text = job.id, None
            if job_id is None and not job_text:
                raise InvalidInput("Paste the job description, or attach it as a file.")
            interview = await interviews.create(
                user.id,
                InterviewCreate(
                    cv_document_id=cv_id,
                    job_document_id=job_id,
                    job_text=None if job_id else job_text,
                    job_title=form.job_title or None,
                    company=form.company or None,
                    options=options,
                ),
            )
    except AppError as exc:
        return _new_page(request, user, form, exc.detail, status=exc.status)
    except ValidationError:
        return _new_page(request, user, form, "Check the job title and company and try again.", status=422)
    return RedirectResponse(f"/app/interviews/{interview.id}", status_code=303)


@router.get("/app/interviews/{interview_id}", response_class=HTMLResponse)
async def room(
    request: Request, interview_id: uuid.UUID, user: PageUser, interviews: InterviewServiceDep
) -> HTMLResponse:
    interview, messages = await interviews.transcript(user.id, interview_id)
    return templates.TemplateResponse(
        request,
        "app/room.html",
        {
            "user": user,
            "interview": interview,
            "messages": messages,
            "time_limit": interview.options.get("answer_time_limit_seconds") or "",
            "finished": interview.state in FINISHED,
            "live": interview.state in UNFINISHED or interview.state in FINISHED,
            "candidate": MessageRole.CANDIDATE,
            "voice_unavailable": voice_unavailable(getattr(request.app.state, "speech", None)),
        },
    )


@router.get("/app/interviews/{interview_id}/feedback", response_class=HTMLResponse)
async def feedback(
    request: Request, interview_id: uuid.UUID, user: PageUser, interviews: InterviewServiceDep
) -> HTMLResponse:
    interview = await interviews.get(user.id, interview_id)
    record = await interviews.assessment(user.id, interview_id)
    result: FeedbackView | None = None
    if record is not None and record.state == JobState.DONE and record.result:
        result = FeedbackView.model_validate(record.result)
    pending = interview.state in FINISHED and (
        record is None or record.state in (JobState.PENDING, JobState.RUNNING)
    )
    # While the assessment is pending the page polls for its body (htmx); the body alone answers that.
    return templates.TemplateResponse(
        request,
        "app/_feedback_body.html" if is_htmx(request) else "app/feedback.html",
        {
            "user": user,
            "interview": interview,
            "record": record,
            "result": result,
            "pending": pending,
            "finished": interview.state in FINISHED,
            "bars": rubric_bars(result.rubric) if result else [],
            "labels": LABELS,
        },
    )


@router.get("/app/interviews/{interview_id}/feedback.json")
async def feedback_json(interview_id: uuid.UUID, user: PageUser, interviews: InterviewServiceDep) -> Response:
    record = await interviews.assessment(user.id, interview_id)
    if record is None or record.result is None:
        raise AssessmentNotFound("This interview has no assessment yet.")
    return JSONResponse(
        record.result,
        headers={"content-disposition": f'attachment; filename="candor-feedback-{interview_id}.json"'},
    )


@router.post("/app/interviews/{interview_id}/assess")
async def reassess(
    request: Request,
    interview_id: uuid.UUID,
    user: PageUser,
    settings: SettingsDep,
    interviews: InterviewServiceDep,
    csrf_token: CsrfField,
) -> Response:
    check_form_csrf(request, csrf_token, settings)
    await interviews.request_assessment(user.id, interview_id)
    return RedirectResponse(f"/app/interviews/{interview_id}/feedback", status_code=303)


@router.post("/app/interviews/{interview_id}/again")
async def practise_again(
    request: Request,
    interview_id: uuid.UUID,
    user: PageUser,
    settings: SettingsDep,
    interviews: InterviewServiceDep,
    csrf_token: CsrfField,
) -> Response:
    """A new interview for the same job, from the same CV and job description."""
    check_form_csrf(request, csrf_token, settings)
    previous = await interviews.get(user.id, interview_id)
    if previous.cv_document_id is None or previous.job_document_id is None:
        raise NotFound("The CV or job description of that interview was deleted. Start a new interview.")
    created = await interviews.create(
        user.id,
        InterviewCreate(
            cv_document_id=previous.cv_document_id,
            job_document_id=previous.job_document_id,
            job_title=previous.job_title,
            company=previous.company,
            options=InterviewOptionsIn.model_validate(previous.options),
        ),
    )
    return RedirectResponse(f"/app/interviews/{created.id}", status_code=303)


@router.get("/app/settings", response_class=HTMLResponse)
async def settings_page(request: Request, user: PageUser) -> HTMLResponse:
    return _settings(request, user)


def _settings(
    request: Request,
    user: User,
    *,
    saved: str | None = None,
    fragment: str | None = None,
    name_error: str | None = None,
    display_name: str | None = None,
    defaults_error: str | None = None,
    defaults_form: NewInterviewForm | None = None,
    delete_error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The settings page; to an htmx request from one of its forms, that form alone (and its status)."""
    context: dict[str, object] = {
        "user": user,
        "saved": saved,
        "name_error": name_error,
        "display_name": user.display_name if display_name is None else display_name,
        "defaults_error": defaults_error,
        "form": defaults_form or _options_form(interview_defaults(user)),
        "kinds": KIND_LABELS,
        "difficulties": DIFFICULTIES,
        "languages": LANGUAGES,
        "delete_error": delete_error,
    }
    if fragment is not None and is_htmx(request):
        context["oob"] = True  # the form comes alone: its status line travels out of band
        return templates.TemplateResponse(request, fragment, context, status_code=status)
    return templates.TemplateResponse(request, "app/settings.html", context, status_code=status)


@router.post("/app/settings/profile", response_class=HTMLResponse)
async def save_profile(
    request: Request,
    user: PageUser,
    accounts: AccountServiceDep,
    settings: SettingsDep,
    csrf_token: CsrfField,
    display_name: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    """The same change as PATCH /api/v1/auth/me, from a plain form."""
    check_form_csrf(request, csrf_token, settings)
    part = "app/_settings_profile.html"
    try:
        update = UserUpdate(display_name=display_name.strip())
    except ValidationError:
        message = "A display name needs 1 to 100 characters."
        return _settings(
            request, user, fragment=part, name_error=message, display_name=display_name, status=422
        )
    await accounts.update(user, update)
    return _settings(request, user, fragment=part, saved="profile")


@router.post("/app/settings/interview", response_class=HTMLResponse)
async def save_defaults(
    request: Request,
    user: PageUser,
    accounts: AccountServiceDep,
    settings: SettingsDep,
    csrf_token: CsrfField,
    kinds: Annotated[list[str] | None, Form()] = None,
    difficulty: Annotated[str, Form(max_length=20)] = "",
    question_count: Annotated[str, Form(max_length=10)] = "",
    language: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    """Keep the options a new interview starts with."""
    check_form_csrf(request, csrf_token, settings)
    part = "app/_settings_defaults.html"
    typed = NewInterviewForm(
        kinds=kinds or [], difficulty=difficulty, question_count=question_count, language=language
    )
    try:
        defaults = InterviewDefaults.model_validate(
            {
                "kinds": typed.kinds,
                "difficulty": difficulty or None,
                "question_count": question_count.strip(),
                "language": language,
            }
        )
    except ValidationError as exc:
        return _settings(
            request,
            user,
            fragment=part,
            defaults_error=defaults_message(exc),
            defaults_form=typed,
            status=422,
        )
    await accounts.save_preference(user, DEFAULTS_KEY, defaults.model_dump(mode="json"))
    return _settings(request, user, fragment=part, saved="defaults")


@router.post("/app/settings/delete", response_class=HTMLResponse)
async def delete_account(
    request: Request,
    user: PageUser,
    accounts: AccountServiceDep,
    settings: SettingsDep,
    csrf_token: CsrfField,
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    """Delete the account and everything in it, as DELETE /api/v1/auth/me does, once the password matches."""
    check_form_csrf(request, csrf_token, settings)
    try:
        await accounts.delete_account(user, password)
    except InvalidCredentials:
        message = "That password is not right, so nothing was deleted."
        return _settings(request, user, delete_error=message, status=403)
    response = RedirectResponse("/?deleted=1", status_code=303)
    clear_session_cookies(response)
    return response


@router.get("/app/{rest:path}", response_class=HTMLResponse)
async def app_not_found(request: Request, rest: str) -> HTMLResponse:
    del rest
    return not_found_page(request)
